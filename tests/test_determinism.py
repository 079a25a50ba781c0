"""The same raw gives the same tables: whenever it is built, however often, and every evidence id in
claim_checks points at a row of a documented table."""

from __future__ import annotations

import datetime as real_dt
import random
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

import pipelines.dates as dates
from evaluation.sandbox_eval import load_world_into_raw, write_raw
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.contracts import TABLES
from pipelines.storage import DataTree, RawWriter, read_table
from sandbox.world import World
from tests.history_items import later_history

README = Path(__file__).resolve().parents[1] / "README.md"
FETCHED = "2025-03-10T02:00:00+00:00"  # 10:00 on 10 March in Beijing


def dated_items() -> list[dict]:
    """Pages that print their date relative to the day they were fetched."""
    common = {"fetched_at": FETCHED, "provider_name": "示例电商"}
    return [
        {
            **common,
            "kind": "case_page",
            "source": "cases",
            "native_id": "example/1",
            "source_url": "https://example-agency.test/case/1",
            "site": "example",
            "title": "服饰店铺案例",
            "text": "签约后三个月，店铺访客数从每天两千涨到每天六千。",
            "published_at": "3天前",
        },
        {
            **common,
            "kind": "article",
            "source": "articles",
            "native_id": "900001",
            "source_url": "https://articles.test/a/900001_77",
            "title": "代运营选择心得",
            "text": "选代运营之前先看对方的真实案例和投诉记录。",
            "date_raw": "昨天 12:30",
        },
        {
            **common,
            "kind": "comment",
            "source": "articles",
            "native_id": "c-1",
            "source_url": "https://articles.test/a/900001_77#c-1",
            "article_id": "900001",
            "text": "说得对，我们也踩过坑。",
            "created_at": "5天前",
        },
    ]


def write_dated(tree: DataTree) -> None:
    for source in ("cases", "articles"):
        with RawWriter(tree.raw_file(source, "run-dated")) as w:
            for rec in dated_items():
                if rec["source"] == source:
                    w.write(rec)


def beijing_day(ts: pd.Timestamp) -> str:
    return ts.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")


def test_relative_dates_count_back_from_the_items_fetch_not_the_build(tmp_path):
    tree = DataTree(tmp_path / "data")
    write_dated(tree)
    update_clean(tree, watchlist=[])
    docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    assert beijing_day(docs.loc["cases:example/1", "created_at"]) == "2025-03-07 00:00"
    assert beijing_day(docs.loc["articles:900001", "created_at"]) == "2025-03-09 12:30"
    assert beijing_day(docs.loc["articles:c-1", "created_at"]) == "2025-03-05 00:00"


class _Later(real_dt.datetime):
    """The wall clock 40 days on: a build that reads it shows it in its tables."""

    @classmethod
    def now(cls, tz=None):
        return real_dt.datetime.now(tz) + real_dt.timedelta(days=40)


def _build(root: Path) -> DataTree:
    tree = DataTree(root)
    world = World(7, 4)
    load_world_into_raw(world, tree, "run1")
    items = list(world.expected_items())
    write_raw(tree, "run2", later_history(items, random.Random(5)))
    write_dated(tree)
    update_clean(tree, watchlist=[])
    build_marts(tree, watchlist=[])
    return tree


def _content(tree: DataTree, name: str) -> pd.DataFrame:
    df = read_table(tree, name).to_pandas()
    return df.drop(columns=[c for c in ("built_at",) if c in df.columns])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> DataTree:
    """One build of `_build`'s raw for the tests that only read it (a test that builds again on it
    works on a copy)."""
    return _build(tmp_path_factory.mktemp("built") / "data")


def test_two_builds_of_the_same_raw_give_the_same_tables_apart_from_built_at(built, tmp_path, monkeypatch):
    first = built
    monkeypatch.setattr(dates, "datetime", _Later)
    second = _build(tmp_path / "second")
    for name in TABLES:
        a, b = _content(first, name), _content(second, name)
        assert len(a) > 0, name
        # raw_file is relative to the tree, so it is the same path in both.
        pd.testing.assert_frame_equal(a, b, obj=name)


def test_a_build_with_nothing_new_takes_seconds_and_rewrites_nothing(built, tmp_path):
    shutil.copytree(built.root, tmp_path / "data")  # this test builds again: on a copy of its own
    tree = DataTree(tmp_path / "data")
    paths = [tree.table_path(name) for name in TABLES]
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}
    started = time.monotonic()
    clean = update_clean(tree, watchlist=[])
    marts = build_marts(tree, watchlist=[])
    elapsed = time.monotonic() - started
    assert clean["unchanged"] and marts["unchanged"]
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths} == before
    assert elapsed < 5.0, f"a no-op build took {elapsed:.1f} s"
    # ...but a changed watch list is not nothing: provider ids are resolved again.
    clean = update_clean(tree, watchlist=[{"id": "example", "name": "示例电商", "aliases": []}])
    assert not clean.get("unchanged")


def test_every_evidence_id_joins_the_table_the_readme_names(built):
    tree = built
    doc_ids = set(read_table(tree, "clean/documents", ["doc_id"]).column(0).to_pylist())
    companies = set(read_table(tree, "clean/registry", ["company_id"]).column(0).to_pylist())
    lists = read_table(tree, "marts/claim_checks", ["evidence"]).column(0).to_pylist()
    evidence = [e for ids in lists for e in ids]
    registry = [e for e in evidence if e.startswith("registry:")]
    assert registry and len(registry) < len(evidence)  # both kinds are exercised
    unjoined = [
        e for e in evidence if not (e in doc_ids or (e.startswith("registry:") and e[9:] in companies))
    ]
    assert unjoined == []
    readme = README.read_text(encoding="utf-8")
    assert "`registry:<company_id>`" in readme and "clean/registry.company_id" in readme


def test_without_a_fetch_time_a_relative_date_is_unknown_not_todays():
    assert dates.parse_date_as_fetched("3天前", None) is None
    assert dates.parse_date_as_fetched("2024年3月1日", None) is not None
