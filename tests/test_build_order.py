"""The order raw arrives in does not matter: incremental builds over raw split into runs, in any order,
give the tables a full build over the same raw gives (issue 19, item 3).

A document's provider depends on other documents: a comment takes its article's, a review its
listing's, and the names a free text is searched for grow with the registry records, listings and case
pages crawled. Each build recomputes those for the documents the new raw touches
(`incremental_build.attribution_state`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.sandbox_eval import write_raw
from incremental_build import attribution_state
from incremental_build.clean import CLEAN_TABLES, update_clean
from incremental_build.marts import build_marts
from incremental_build.provider_attribution import _resolution_may_differ
from incremental_build.provider_names import name_groups, provider_entries
from pipelines import contracts
from pipelines.providers import ProviderIndex
from pipelines.storage import DataTree, read_table
from sandbox.world import World
from tests.history_items import later_history

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MARTS = [name for name in contracts.TABLES if name.startswith("marts/")]


def _recrawled(items: list, rng: random.Random) -> list:
    """Some items fetched again a day later, a few of them changed: the later fetch must win whichever
    run it arrives in (a case page naming another provider, a comment under no article any more), and
    the history of each (clean/changes: an edited review, a withdrawn complaint) must not depend on the
    order either."""
    out: list = []
    for item in rng.sample(items, 40):
        later = (dt.datetime.fromisoformat(item.fetched_at) + dt.timedelta(days=1)).isoformat()
        change: dict = {"fetched_at": later}
        if item.kind == "case_page" and getattr(item, "provider_name", None):
            change["provider_name"] = item.provider_name + "网络"
        if item.kind == "comment":
            change["article_id"] = ""
        out.append(dataclasses.replace(item, **change))
    return out + later_history(items, rng)


@dataclasses.dataclass(repr=False)
class _World:
    items: list
    full: dict[str, pd.DataFrame]

    def __repr__(self) -> str:  # hypothesis prints its arguments; 700 items help nobody
        return f"<World(7, 12): {len(self.items)} items>"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> _World:
    """One sandbox world's raw (with re-crawls), and the full build's tables over all of it."""
    items = list(World(7, 12).expected_items())
    items += _recrawled(items, random.Random(19))
    tree = DataTree(tmp_path_factory.mktemp("full") / "data")
    write_raw(tree, "all", items)
    _build(tree)
    return _World(items, _tables(tree))


def _build(tree: DataTree) -> dict:
    counts = update_clean(tree, watchlist=[], workers=1)
    build_marts(tree, watchlist=[], now=NOW)
    return counts


def _tables(tree: DataTree) -> dict[str, pd.DataFrame]:
    # Every column is compared. The only ones that record the build rather than the evidence are the
    # marts' `built_at` (every build passes the same `now`) and `raw_file` (the same run ids in both
    # trees, so the same relative paths).
    return {name: read_table(tree, name).to_pandas() for name in (*CLEAN_TABLES, *MARTS)}


def _assert_same(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    for name, table in want.items():
        assert len(table), f"{name} is empty: the comparison would prove nothing"
        pd.testing.assert_frame_equal(got[name], table, obj=name)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.integers(2, 5), seed=st.integers(0, 2**32 - 1))
def test_raw_split_into_runs_in_any_order_builds_the_full_builds_tables(world, tmp_path_factory, runs, seed):
    items, full = world.items, world.full
    rng = random.Random(seed)
    parts: list[list] = [[] for _ in range(runs)]
    for item in items:
        parts[rng.randrange(runs)].append(item)
    order = list(range(runs))
    rng.shuffle(order)
    # Raw file names as in the full build's tree would differ (run ids), so both trees hold the same
    # files: the full one is rebuilt with them in one build.
    tree = DataTree(tmp_path_factory.mktemp("inc") / "data")
    whole = DataTree(tmp_path_factory.mktemp("whole") / "data")
    for n, part in enumerate(order):
        write_raw(tree, f"run{n}", parts[part])
        write_raw(whole, f"run{n}", parts[part])
        _build(tree)
    _build(whole)
    want = _tables(whole)
    _assert_same(_tables(tree), want)
    # The split changes nothing but the raw files' names: the same documents as the one-run build.
    docs = want["clean/documents"].drop(columns="raw_file")
    pd.testing.assert_frame_equal(docs, full["clean/documents"].drop(columns="raw_file"))


ARTICLE = {
    "kind": "article",
    "source": "articles",
    "native_id": "900001",
    "source_url": "https://articles.test/a/900001_77",
    "fetched_at": "2025-03-10T02:00:00+00:00",
    "title": "代运营选择心得",
    "text": "我们店去年交给火蝠电商代运营，三个月后访客翻了一倍，下面说说经过。",
    "published_at": "2025-03-01",
}
COMMENT = {
    "kind": "comment",
    "source": "articles",
    "native_id": "c-1",
    "source_url": "https://articles.test/a/900001_77#c-1",
    "fetched_at": "2025-03-10T02:00:00+00:00",
    "article_id": "900001",
    "text": "说得对，我们也找过他们，效果一般。",
    "created_at": "2025-03-02",
}
ANSWER = {
    "kind": "forum_answer",
    "source": "forum",
    "native_id": "q1-a1",
    "source_url": "https://forum.test/q/1#a1",
    "fetched_at": "2025-03-10T02:00:00+00:00",
    "question_id": "1",
    "question_title": "有人用过这家代运营吗",
    "text": "签了半年，瑞志科技的运营换了三次人，推广费花了不少。",
    "created_at": "2025-03-03",
}
REGISTRY = {
    "kind": "registry_record",
    "source": "registry",
    "native_id": "91330100MA2XXXXX1",
    "source_url": "https://registry.test/c/91330100MA2XXXXX1",
    "fetched_at": "2025-03-10T02:00:00+00:00",
    "company_id": "91330100MA2XXXXX1",
    "legal_name": "杭州瑞志网络科技有限公司",
    "alias": "瑞志科技",
}
WATCHED = [{"id": "huofu", "name": "火蝠电商", "legal_name": "杭州火蝠电子商务有限公司"}]


def _write(tree: DataTree, run_id: str, *records: dict) -> None:
    write_raw(tree, run_id, [contracts.from_record(r) for r in records])


def _providers(tree: DataTree) -> dict[str, tuple]:
    docs = read_table(tree, "clean/documents", ["doc_id", "provider_mention", "provider_id"]).to_pandas()
    return {
        d: (m if isinstance(m, str) else None, p if isinstance(p, str) else None) for d, m, p in docs.values
    }


def test_a_comment_crawled_before_its_article_takes_the_articles_provider_once_it_arrives(tmp_path):
    tree = DataTree(tmp_path / "data")
    _write(tree, "first", COMMENT)
    update_clean(tree, watchlist=WATCHED, workers=1)
    assert _providers(tree)["articles:c-1"] == (None, None)

    _write(tree, "second", ARTICLE)
    counts = update_clean(tree, watchlist=WATCHED, workers=1)
    assert not counts["full"] and counts["new_documents"] == 1
    got = _providers(tree)
    assert got["articles:900001"] == ("火蝠电商", "huofu")
    assert got["articles:c-1"] == got["articles:900001"]


def test_an_answer_crawled_before_the_registry_names_its_provider_is_attributed_once_it_does(tmp_path):
    tree = DataTree(tmp_path / "data")
    _write(tree, "first", ANSWER)
    update_clean(tree, watchlist=[], workers=1)
    assert _providers(tree)["forum:q1-a1"] == (None, None)

    _write(tree, "second", REGISTRY)
    counts = update_clean(tree, watchlist=[], workers=1)
    assert not counts["full"] and counts["new_documents"] == 0
    mention, provider = _providers(tree)["forum:q1-a1"]
    assert provider is not None and mention is not None
    registry = read_table(tree, "clean/registry", ["provider_id"]).to_pandas()
    assert provider == registry["provider_id"].iloc[0]


def test_a_lost_attribution_state_makes_the_next_build_start_over_from_raw(tmp_path):
    tree = DataTree(tmp_path / "data")
    _write(tree, "first", COMMENT)
    update_clean(tree, watchlist=WATCHED, workers=1)
    tree.build_state(attribution_state.STATE_FILE).unlink()

    _write(tree, "second", ARTICLE)
    counts = update_clean(tree, watchlist=WATCHED, workers=1)
    # Without the state the stored mentions cannot be told apart (stated or inherited): only raw can.
    assert counts["full"] and counts["records"] == 2
    assert _providers(tree)["articles:c-1"] == ("火蝠电商", "huofu")


def test_names_the_shortcut_skips_resolve_alike_under_the_grown_index(world):
    # The re-search of old texts skips an organisation name when the index's changes cannot reach it;
    # every name whose answer does change must get through, or a text keeps a stale provider.
    full = world.full
    docs = full["clean/documents"]
    case_names = docs.loc[docs["kind"].isin(contracts.CASE_KINDS), "provider_mention"].dropna().tolist()
    entries = provider_entries([], name_groups(full["clean/registry"], full["clean/listings"], case_names))
    rng = random.Random(3)
    before = rng.sample(entries, len(entries) // 2)
    old, new = ProviderIndex(before), ProviderIndex(entries)
    names = set()
    for e in entries:
        for n in (e["name"], e["legal_name"], *e["aliases"]):
            if not n:
                continue
            i = rng.randrange(len(n))
            # The name, a letter dropped, a letter changed, the city swapped: forms the typo search meets.
            names |= {n, n[:i] + n[i + 1 :], n[:i] + "华" + n[i + 1 :], "北京" + n[2:], n + "旗舰店"}
    may_differ = _resolution_may_differ(old, new)
    moved = {n for n in names if old.resolve(n) != new.resolve(n)}
    assert moved, "the grown index changes no answer: the check would prove nothing"
    assert {n for n in moved if not may_differ(n)} == set()
    assert sum(not may_differ(n) for n in names) > len(names) // 4, "the shortcut skips nothing"
