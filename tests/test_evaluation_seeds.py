"""`kaopu eval --seeds`: figures pooled over several worlds, each with a 95% interval, per archetype."""

from __future__ import annotations

import datetime as dt

import pytest

from cli.commands.checks import _seed_list
from cli.errors import Fail
from evaluation import seeds as multi
from evaluation.sandbox_eval import load_world_into_raw
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.storage import DataTree, read_table
from sandbox.world import World

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_wilson_interval_matches_the_textbook_values():
    lo, hi = multi.wilson(8, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.4902, 0.9433)
    lo, hi = multi.wilson(0, 10)
    assert lo == 0.0 and round(hi, 4) == 0.2775
    assert multi.wilson(0, 0) == (0.0, 1.0)  # nothing measured, nothing known


def test_bootstrap_over_seeds_brackets_the_mean_and_is_reproducible():
    mean, lo, hi = multi.bootstrap_mean([0.6, 0.7, 0.9, 0.8])
    assert mean == pytest.approx(0.75) and 0.6 <= lo < mean < hi <= 0.9
    assert multi.bootstrap_mean([0.6, 0.7, 0.9, 0.8]) == (mean, lo, hi)
    assert multi.bootstrap_mean([0.5]) == (0.5, 0.5, 0.5)  # one seed: no spread to speak of


def test_seed_list_takes_distinct_whole_numbers():
    assert _seed_list("31, 32,33") == [31, 32, 33]
    for bad in ("31,x", "", "4,4"):
        with pytest.raises(Fail):
            _seed_list(bad)


def test_bought_reviews_are_grouped_by_the_campaign_that_bought_them():
    assert multi.fraud_kind({"signals": ["burst", "near_duplicate", "one_review_buyer"]}) == "burst"
    assert multi.fraud_kind({"signals": ["incentive_wording"]}) == "incentive"
    assert multi.fraud_kind({"signals": ["one_review_buyer"]}) == "oneoff"
    assert multi.fraud_kind({"kind": "paraphrased", "signals": []}) == "paraphrased"


@pytest.fixture(scope="module")
def two_hard_worlds(tmp_path_factory):
    out = []
    for seed in (31, 32):
        world = World(seed, 24, hard=True)
        tree = DataTree(tmp_path_factory.mktemp(f"hard{seed}") / "data")
        load_world_into_raw(world, tree, "fast")
        update_clean(tree, watchlist=[])
        build_marts(tree, watchlist=[], now=NOW)
        marts = (
            read_table(tree, f"marts/{t}").to_pandas()
            for t in ("claim_checks", "review_flags", "provider_reputation")
        )
        out.append((world.truth(), multi.seed_counts(world.truth(), *marts)))
    return out


def test_pooled_figures_count_every_claim_and_review_once_with_intervals_around_them(two_hard_worlds):
    truths = [t for t, _ in two_hard_worlds]
    result = multi.pooled([c for _, c in two_hard_worlds])
    assert result["seeds"] == [31, 32]
    claims = result["claims"]
    assert claims["accuracy"]["n"] == sum(len(t["claims"]) for t in truths)
    # every claim sits in exactly one archetype's confusion matrix, in the row of its true verdict
    by_arch = claims["by_archetype"]
    assert {"plain", "inflated"} <= set(by_arch)
    for arch, v in by_arch.items():
        want = sum(1 for t in truths for c in t["claims"].values() if c.get("archetype") == arch)
        assert sum(sum(row.values()) for row in v["confusion"].values()) == v["accuracy"]["n"] == want
    assert set(by_arch["inflated"]["confusion"]) == {"refuted"}
    reviews = result["reviews"]
    assert reviews["recall"]["n"] == sum(len(t["bought_reviews"]) for t in truths)
    assert sum(v["n"] for v in reviews["recall_by_kind"].values()) == reviews["recall"]["n"]
    honest = result["reputation"]["honest_in_bottom_quintile"]
    assert honest["n"] == sum(p["archetype"] == "honest" for t in truths for p in t["providers"])
    for figure in (claims["accuracy"], reviews["precision"], reviews["recall"], honest, claims["macro_f1"]):
        assert figure["low"] <= figure["value"] <= figure["high"], figure
    text = "\n".join(multi.lines(result, "en"))
    assert "inflated" in text and "honest providers in the bottom quintile" in text
    assert "诚信服务商落入后20%的比例" in "\n".join(multi.lines(result))  # Chinese first, like every line
