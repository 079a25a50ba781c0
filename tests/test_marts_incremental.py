"""Incremental marts == full marts: recomputing only the providers whose evidence changed (and those
linked to them) gives every row a full recomputation gives, including the cross-provider cases."""

from __future__ import annotations

import dataclasses
import shutil
import zlib

import pandas as pd
import pyarrow.parquet as pq
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build import mart_state as incremental_marts
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines import contracts
from pipelines.storage import DataTree, read_table
from sandbox.world import World

MARTS = ("marts/provider_reputation", "marts/claim_checks", "marts/review_flags", "marts/provider_monthly")


def _second(item) -> bool:
    # Reviews of about a third of the providers, a fifth of each one's: an increment that leaves some
    # providers untouched, as a day's crawl does. (Half of each one's touched every provider of this
    # small world through its buyers' other reviews once the sandbox's review stream changed.)
    return (
        item.kind == "market_review"
        and zlib.crc32((item.provider_name or "").encode()) % 3 == 0
        and zlib.crc32(item.item_id.encode()) % 5 == 0
    )


def _marts(tree: DataTree) -> dict[str, pd.DataFrame]:
    return {n: read_table(tree, n).drop_columns(["built_at"]).to_pandas() for n in MARTS}


def _assert_same_as_full(tree: DataTree, tmp_path) -> None:
    full = DataTree(tmp_path / "full")
    shutil.copytree(tree.root, full.root)
    build_marts(full, watchlist=[], full=True)
    a, b = _marts(tree), _marts(full)
    for name in MARTS:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def _one_hit_flagged(tree: DataTree, items) -> contracts.MarketReview:
    """A review flagged only because its author wrote nothing else besides praising a service just
    begun (see reputation/review_flags.py), of a provider the second run's reviews leave alone."""
    flags = read_table(tree, "marts/review_flags").to_pandas()
    only_lone = {
        f"{s}:{n}"
        for s, n, f in zip(flags["source"], flags["native_id"], flags["flags"], strict=True)
        if "one_hit_author" in f
        and "untested_praise" in f
        and "incentive_wording" not in f
        and "burst" not in f
    }
    hits = [
        i
        for i in items
        if i.kind == "market_review"
        and i.item_id in only_lone
        and zlib.crc32((i.provider_name or "").encode()) % 3 != 0
    ]
    assert hits, "the world must have a review flagged as a one-review author's"
    return hits[0]


@pytest.fixture(scope="module")
def world():
    items = list(World(7, 24).expected_items())
    return [i for i in items if not _second(i)], [i for i in items if _second(i)]


def test_incremental_marts_equal_full_marts_across_providers(world, tmp_path_factory):
    first, second = world
    tree = DataTree(tmp_path_factory.mktemp("inc") / "data")
    write_raw(tree, "one", first)
    update_clean(tree, watchlist=[], workers=1)
    counts = build_marts(tree, watchlist=[])
    n_providers = counts["provider_reputation"]
    assert counts["recomputed_providers"] >= n_providers  # no state yet: everything

    # Run two: the rest of the world, plus a case another provider copied: it publishes one of this
    # provider's cases a year earlier, so the original's verdict becomes `duplicated` although nothing
    # of the original's provider changed.
    # (A case page whose headline the extractor read: not every sandbox page is read, as on the web.)
    read_cases = read_table(tree, "marts/claim_checks").to_pandas()
    read_cases = read_cases[read_cases["kind"] == "success_case"]
    read_ids = {cid.rsplit("#", 1)[0] for cid in read_cases["claim_id"]}
    case = next(
        i for i in first if i.kind == "case_page" and i.client and i.published_at and i.item_id in read_ids
    )
    copier = next(
        i.provider_name for i in first if i.kind == "case_page" and i.provider_name != case.provider_name
    )
    earlier = str(int(case.published_at[:4]) - 1) + case.published_at[4:]
    copy = dataclasses.replace(
        case, native_id=case.native_id + "-copy", provider_name=copier, published_at=earlier
    )
    write_raw(tree, "two", [*second, copy])
    update_clean(tree, watchlist=[], workers=1)
    counts = build_marts(tree, watchlist=[])
    assert 0 < counts["recomputed_providers"] < n_providers
    _assert_same_as_full(tree, tmp_path_factory.mktemp("full2"))
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    # A case page may be read as several claims (the headline and side figures); the headline case,
    # which the copy repeats, is the one that must now be `duplicated`.
    own = checks[checks["claim_id"].str.startswith(f"{case.item_id}#") & (checks["kind"] == "success_case")]
    assert (own["verdict"] == "duplicated").any()

    # Run three: the author of a review flagged as a one-off writes a second review, for a provider
    # whose claims share no client with the first's: the first provider's flag must go although
    # nothing of its own changed.
    lone = _one_hit_flagged(tree, first)
    links = incremental_marts.copy_links(read_table(tree, "clean/claims").to_pandas())
    reputation = read_table(tree, "marts/provider_reputation").to_pandas()
    pid = dict(zip(reputation["provider_name"], reputation["provider_id"], strict=True))
    linked = set(links["key"])
    other = next(
        i
        for i in first
        if i.kind == "market_review"
        and i.provider_name != lone.provider_name
        and pid.get(i.provider_name) not in linked
    )
    again = dataclasses.replace(other, native_id=other.native_id + "-again", author=lone.author)
    write_raw(tree, "three", [again])
    update_clean(tree, watchlist=[], workers=1)
    counts = build_marts(tree, watchlist=[])
    assert counts["recomputed_providers"] < n_providers
    _assert_same_as_full(tree, tmp_path_factory.mktemp("full3"))
    flags = read_table(tree, "marts/review_flags").to_pandas()
    assert lone.native_id not in set(flags["native_id"]), "a two-review author is no longer a one-off"

    # Run four: the copy is re-crawled and now names another client. The link between the two
    # providers exists only in the last build's claims, and must still send the original back.
    fixed = dataclasses.replace(
        copy, client="完全不同的客户旗舰店", fetched_at=copy.fetched_at[:4] + "9" + copy.fetched_at[5:]
    )
    write_raw(tree, "four", [fixed])
    update_clean(tree, watchlist=[], workers=1)
    counts = build_marts(tree, watchlist=[])
    assert counts["recomputed_providers"] < n_providers
    _assert_same_as_full(tree, tmp_path_factory.mktemp("full4"))
    checks = read_table(tree, "marts/claim_checks").to_pandas().set_index("claim_id")
    assert checks.loc[f"{case.item_id}#0", "verdict"] != "duplicated"


@pytest.fixture
def built(world, tmp_path):
    first, _rest = world
    tree = DataTree(tmp_path / "data")
    write_raw(tree, "one", first)
    update_clean(tree, watchlist=[], workers=1)
    n = build_marts(tree, watchlist=[])["provider_reputation"]
    return tree, n


def test_nothing_changed_recomputes_nothing_and_rewrites_the_same_rows(built):
    tree, _n = built
    before = _marts(tree)
    counts = build_marts(tree, watchlist=[])
    assert counts["recomputed_providers"] == 0
    after = _marts(tree)
    for name in MARTS:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_a_change_of_method_recomputes_everything(built, monkeypatch):
    tree, n = built
    monkeypatch.setattr(incremental_marts, "marts_key", lambda **_: "another method")
    assert build_marts(tree, watchlist=[])["recomputed_providers"] >= n


@pytest.mark.parametrize("damage", ["torn_state", "no_stats", "mart_rewritten"])
def test_damaged_or_foreign_state_means_a_full_build(built, damage):
    tree, n = built
    state = tree.state_dir("build")
    if damage == "torn_state":
        path = state / incremental_marts.STATE_JSON
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "no_stats":
        (state / incremental_marts.STATS_FILE).unlink()
    else:
        # Someone (or a build that died before saving its state) rewrote a mart: its rows can no
        # longer be trusted to be the state's.
        path = tree.table_path("marts/review_flags")
        t = read_table(tree, "marts/review_flags")
        pq.write_table(t.slice(0, max(t.num_rows - 1, 0)), path)
    assert build_marts(tree, watchlist=[])["recomputed_providers"] >= n
