"""The whole build against the sandbox's hidden truth, through the raw fast path (no crawl).

Floors are on the default seed (sandbox.world.DEFAULT_SEED); the method was tuned on seed 1, so this is
a seed it was not tuned on. The floors sit under the targets the issue sets for untouched seeds, with
room for a seed-to-seed wobble, so a regression fails here and a lucky seed does not hide one.
"""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.sandbox_eval import claim_metrics, compare, load_world_into_raw, review_metrics
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.messages import REASONS, render
from pipelines.storage import DataTree, read_table
from sandbox.world import DEFAULT_SEED, World

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    world = World(DEFAULT_SEED)
    tree = DataTree(tmp_path_factory.mktemp("eval") / "data")
    written = load_world_into_raw(world, tree, "fast")
    update_clean(tree, watchlist=[])
    build_marts(tree, watchlist=[], now=NOW)
    return world, tree, written


def test_fast_path_writes_every_expected_item(built):
    world, _tree, written = built
    assert sum(written.values()) == sum(world.count_documents().values())


def test_metrics_meet_the_floors_on_the_default_seed(built):
    world, tree, _ = built
    m = compare(world.truth(), tree)
    # Since the sandbox writes case pages the way real ones read (figures in many forms, inside long
    # prose, split across paragraphs), today's extractor no longer reads every page: measured on the
    # default seed 90 of 92 pages covered and macro-F1 0.72 (seeds 21-23 through the crawl: see
    # sandbox/README.md). Floors sit just under that; raise them as the readers improve.
    assert m["claims"]["covered"] >= 0.93 * m["claims"]["n"], m["claims"]
    assert m["claims"]["macro_f1"] >= 0.6, m["claims"]
    # Paid reviews now vary their scripts and openers, and a few honest ones name cash-back only to
    # say there was none: measured precision 0.96, recall 0.91 on the default seed.
    assert m["reviews"]["precision"] >= 0.9, m["reviews"]
    assert m["reviews"]["recall"] >= 0.85, m["reviews"]
    assert m["reputation"]["matched"] == len(world.truth()["providers"])
    assert m["reputation"]["spearman"] >= 0.8, m["reputation"]


def test_rebuilding_the_marts_is_idempotent_except_built_at(built):
    _world, tree, _ = built
    names = (
        "marts/provider_reputation",
        "marts/claim_checks",
        "marts/review_flags",
        "marts/provider_monthly",
    )
    before = {n: read_table(tree, n).drop_columns(["built_at"]) for n in names}
    # Nothing changed: nothing is rewritten (built_at stays that of the build that wrote them) ...
    assert build_marts(tree, watchlist=[], now=NOW + dt.timedelta(days=1)).get("unchanged")
    # ... and recomputing everything gives the same rows under the new stamp.
    build_marts(tree, watchlist=[], now=NOW + dt.timedelta(days=1), full=True)
    for n in names:
        after = read_table(tree, n)
        assert after.drop_columns(["built_at"]).equals(before[n]), n
        assert set(after.column("built_at").to_pylist()) <= {NOW + dt.timedelta(days=1)}


def test_every_seed_criterion_is_answerable_from_the_reputation_row(built):
    _world, tree, _ = built
    rep = read_table(tree, "marts/provider_reputation").to_pandas()
    assert rep["provider_id"].is_unique and len(rep) == 30
    # certification, case authenticity, team size, fees, complaints, reputation
    assert rep["tp_star"].notna().any() and any("无TP服务商认证" in f for f in rep["risk_flags"])
    assert (
        rep["claims_n"]
        == rep[[c for c in rep.columns if c.startswith("claims_") and c != "claims_n"]].sum(axis=1)
    ).all()
    assert rep["staff_insured"].notna().all()
    assert rep["fee_monthly_min_cny"].notna().any()
    assert rep["n_complaints"].sum() > 0 and rep["complaints_completed_share"].notna().any()
    assert rep["reputation_score"].between(0, 100).all()
    assert set(rep["confidence_band"]) <= {"low", "medium", "high"}


def test_claim_checks_explain_themselves(built):
    _world, tree, _ = built
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    assert checks["reason"].str.len().gt(10).all()
    assert set(checks["reason_code"]) <= set(REASONS)
    assert [
        render(c, a, "zh") for c, a in zip(checks["reason_code"], checks["reason_args"], strict=True)
    ] == list(checks["reason"])
    decided = checks[checks["verdict"].isin(["refuted", "duplicated", "supported"])]
    assert len(decided) and decided["evidence"].map(len).gt(0).all()


def test_metric_helpers_on_tiny_inputs():
    import pandas as pd

    checks = pd.DataFrame(
        {
            "source_url": ["http://h/cases/a/case/1.html", "http://h/cases/a/case/1.html"],
            "verdict": ["not_enough_evidence", "refuted"],
        }
    )
    m = claim_metrics({"/cases/a/case/1.html": {"verdict": "refuted"}}, checks)
    assert m["accuracy"] == 1.0  # the page's most serious verdict counts
    flags = pd.DataFrame({"source": ["market", "market"], "native_id": ["1", "2"]})
    r = review_metrics({"1": {"signals": ["burst"]}, "3": {"signals": ["burst"]}}, flags)
    assert (r["precision"], r["recall"]) == (0.5, 0.5)
