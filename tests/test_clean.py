"""raw → clean: typed rows, quarantine instead of crashes, incremental and idempotent."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from incremental_build.clean import update_clean
from incremental_build.provider_attribution import resolve_many
from incremental_build.table_merge import lookup
from pipelines import contracts as c
from pipelines.providers import ProviderIndex
from pipelines.replies import reply_days
from pipelines.storage import DataTree, RawWriter, read_quarantine, read_table

FETCHED = "2026-01-01T00:00:00+00:00"


def items():
    return [
        c.RegistryRecord(
            native_id="c1",
            source_url="http://r/company/c1",
            fetched_at=FETCHED,
            company_id="c1",
            legal_name="杭州火蝠电子商务有限公司",
            alias="火蝠电商",
            established="2012-05-01",
            staff_insured=120,
            lawsuit_count=1,
            abnormal_count=0,
        ),
        c.MarketListing(
            native_id="S1",
            source_url="http://m/detail?service_code=S1",
            fetched_at=FETCHED,
            service_code="S1",
            title="天猫代运营",
            provider_name="杭州火蝠电子商务有限公司",
            brand="火蝠电商",
            tp_star=5,
            price_min_cny=3000.0,
            price_max_cny=8000.0,
        ),
        c.MarketReview(
            native_id="r1",
            source_url="http://m/score/query_suggest.do?service_code=S1&currentPage=1",
            fetched_at=FETCHED,
            service_code="S1",
            author="买家甲",
            text="運營團隊很專業，店鋪流量漲了不少，我的手機13812345678",
            rating=5.0,
            created_at="2025-03-01T10:00:00+08:00",
        ),
        c.Complaint(
            native_id="sn1",
            source_url="http://c/complaint/view/sn1/",
            fetched_at=FETCHED,
            sn="sn1",
            title="代运营不退款",
            target="火蝠电商",
            author="小店主",
            summary="交了服务费没效果",
            text="交了服务费三个月没效果，要求退款。",
            amount_cny=5000.0,
            status="已完成",
            created_at="2025-04-01T09:00:00+08:00",
            timeline=[
                {"at": "2025-04-01T09:00:00+08:00", "actor": "小店主", "text": "投诉"},
                {"at": "2025-04-01T12:00:00+08:00", "actor": "黑猫投诉", "text": "已分配给商家"},
                {"at": "2025-04-03T09:00:00+08:00", "actor": "火蝠电商", "text": "已安排退款"},
            ],
        ),
        c.ForumAnswer(
            native_id="a1",
            source_url="http://f/answers/a1",
            fetched_at=FETCHED,
            question_id="q1",
            question_title="哪家代运营靠谱？",
            author="掌柜乙",
            text="我们用过火蝠电商，效果还可以。",
            created_at="2025-05-01T00:00:00+00:00",
        ),
        c.CasePage(
            native_id="huofu/1",
            source_url="http://x/cases/huofu/case/1.html",
            fetched_at=FETCHED,
            site="huofu",
            provider_name="杭州火蝠电子商务有限公司",
            title="案例",
            client="悦家旗舰店",
            category="女装",
            text="2024年3月，悦家旗舰店正式与我们签约。三个月内，店铺GMV从50万提升至120万。",
            published_at="2024-09-01T00:00:00+00:00",
        ),
    ]


def write_raw(tree: DataTree, run_id: str, records: list[dict]) -> None:
    with RawWriter(tree.raw_file("market", run_id)) as w:
        for r in records:
            w.write(r)


@pytest.fixture
def tree(tmp_path):
    return DataTree(tmp_path / "data")


def test_clean_tables_from_raw(tree):
    write_raw(tree, "run1", [c.to_record(i) for i in items()])
    counts = update_clean(tree, watchlist=[])
    assert counts["records"] == 6 and counts["quarantined"] == 0
    docs = read_table(tree, "clean/documents").to_pandas().set_index("doc_id")
    assert set(docs.index) == {"market:r1", "complaints:sn1", "forum:a1", "cases:huofu/1"}
    # One provider learned from registry + listing + brand; every document resolves to it.
    assert docs["provider_id"].nunique() == 1 and docs["provider_id"].notna().all()
    review = docs.loc["market:r1"]
    assert review["text"].startswith("运营团队很专业") and "13812345678" not in review["text"]
    assert bool(review["was_traditional"]) is True
    assert 0.0 <= review["sentiment"] <= 1.0 and review["sentiment_label"] in (-1, 0, 1)
    # The first reply by the company (not the platform's notice) came two days after filing.
    assert docs.loc["complaints:sn1", "reply_days"] == pytest.approx(2.0)
    claims = read_table(tree, "clean/claims").to_pandas()
    assert len(claims) >= 1
    case = claims.iloc[0]
    assert (case["client"], case["category"], case["before"], case["after"]) == (
        "悦家旗舰店",
        "女装",
        500_000.0,
        1_200_000.0,
    )
    registry = read_table(tree, "clean/registry").to_pandas()
    listings = read_table(tree, "clean/listings").to_pandas()
    assert registry.loc[0, "provider_id"] == listings.loc[0, "provider_id"] == docs["provider_id"].iloc[0]
    # The brand is a column of the table: a later build learns brand = legal name from it, no state.
    assert listings.loc[0, "brand"] == "火蝠电商"
    assert not list(tree.build_state_dir.glob("listing-brands*"))


def test_invalid_records_are_quarantined_not_fatal(tree):
    good = c.to_record(items()[2])
    write_raw(
        tree,
        "run1",
        [
            good,
            {"kind": "market_review", "native_id": "", "source_url": "u", "fetched_at": FETCHED, "text": "x"},
            {"kind": "spaceship"},
        ],
    )
    counts = update_clean(tree, watchlist=[])
    assert counts["quarantined"] == 2
    reasons = sorted(r["reason"] for r in read_quarantine(tree))
    assert reasons == ["missing_native_id", "unknown_kind"]
    assert len(read_table(tree, "clean/documents")) == 1
    # A full re-clean quarantines them again, in place of the earlier build's file, not beside it.
    assert update_clean(tree, watchlist=[], full=True)["quarantined"] == 2
    assert sorted(r["reason"] for r in read_quarantine(tree)) == reasons


def test_rerun_on_the_same_raw_changes_nothing(tree):
    write_raw(tree, "run1", [c.to_record(i) for i in items()])
    update_clean(tree, watchlist=[])
    before = {
        t: read_table(tree, t)
        for t in ("clean/documents", "clean/claims", "clean/registry", "clean/listings")
    }
    counts = update_clean(tree, watchlist=[])
    assert counts["raw_files"] == 0 and counts["new_documents"] == 0
    for name, table in before.items():
        assert read_table(tree, name).equals(table), name


def test_appended_raw_file_is_read_again_for_its_new_lines_only(tree):
    recs = [c.to_record(i) for i in items()]
    write_raw(tree, "run1", recs[:3])
    update_clean(tree, watchlist=[])
    write_raw(tree, "run1", recs[3:])  # a later run appends to the same file
    counts = update_clean(tree, watchlist=[])
    assert counts["records"] == 3
    assert len(read_table(tree, "clean/documents")) == 4


def test_a_forgotten_manifest_reprocesses_to_the_same_tables(tree):
    write_raw(tree, "run1", [c.to_record(i) for i in items()])
    update_clean(tree, watchlist=[])
    first = read_table(tree, "clean/documents")
    for f in tree.state_dir("build").glob("*.json"):
        f.unlink()
    update_clean(tree, watchlist=[])
    assert read_table(tree, "clean/documents").equals(first)


def test_watchlist_ids_win_over_learned_ones(tree):
    write_raw(tree, "run1", [c.to_record(i) for i in items()])
    update_clean(tree, watchlist=[{"id": "huofu", "name": "火蝠电商", "aliases": ["火蝠"]}])
    docs = read_table(tree, "clean/documents").to_pandas()
    assert set(docs["provider_id"]) == {"huofu"}


def test_corrupt_gzip_tail_loses_only_the_cut_record(tree):
    write_raw(tree, "run1", [c.to_record(i) for i in items()[2:4]])
    path = tree.raw_files()[0]
    data = path.read_bytes()
    path.write_bytes(data + gzip.compress(json.dumps(c.to_record(items()[4])).encode())[:-12])
    update_clean(tree, watchlist=[])
    assert len(read_table(tree, "clean/documents")) >= 2


def test_reply_days_ignores_platform_and_complainant():
    tl = [
        {"at": "2025-01-01T00:00:00+00:00", "actor": "me", "text": "x"},
        {"at": "2025-01-01T06:00:00+00:00", "actor": "黑猫投诉", "text": "已分配"},
        {"at": "2025-01-04T00:00:00+00:00", "actor": "me", "text": "还没人理"},
    ]
    assert reply_days("2025-01-01T00:00:00+00:00", tl, "me") is None
    tl.append({"at": "2025-01-05T12:00:00+00:00", "actor": "某某电商", "text": "已处理"})
    assert reply_days("2025-01-01T00:00:00+00:00", tl, "me") == pytest.approx(4.5)
    assert pd.isna(reply_days(None, tl, "me"))


@pytest.mark.parametrize(
    "value",
    [
        "2025-04-27T05:28:47+08:00",
        "2025-04-27T05:28:47",
        "2025-04-27 05:28:47Z",
        "2025-04-27T05:28:47.123456-03:30",
        "2024-02-29T23:59:59+14:00",
        "2025-02-30T00:00:00+08:00",
        "2025-13-01T00:00:00",
        "2025-04-27",
        "27/04/2025",
        "",
        None,
    ],
)
def test_reply_timestamps_read_as_pandas_reads_them(value):
    # The plain ISO form takes a faster path than pandas' parser: the same instant, or None alike.
    from pipelines.replies import timestamp

    parsed = pd.to_datetime(value, utc=True, errors="coerce", format="ISO8601") if value else None
    got = timestamp(value)
    assert (got is None) == (parsed is None or pd.isna(parsed))
    if got is not None:
        assert got == parsed and str(got.tz) == "UTC"


def test_article_date_printed_relative_is_read_against_the_fetch_day(tree):
    art = c.Article(
        native_id="a9",
        source_url="http://a/a/9_1",
        fetched_at="2026-06-30T04:00:00+00:00",
        title="代运营怎么选",
        text="先看资质，再看案例。",
        published_at=None,
        date_raw="3天前",
    )
    write_raw(tree, "run1", [c.to_record(art)])
    update_clean(tree, watchlist=[])
    docs = read_table(tree, "clean/documents").to_pandas()
    assert docs.loc[0, "created_at"].date().isoformat() == "2026-06-26"


def test_a_copied_data_tree_is_not_reprocessed(tree, tmp_path):
    import shutil

    write_raw(tree, "run1", [c.to_record(i) for i in items()])
    update_clean(tree, watchlist=[])
    copy = DataTree(tmp_path / "copy")
    shutil.copytree(tree.root, copy.root, copy_function=shutil.copy)  # copy, not copy2: new mtimes
    assert update_clean(copy, watchlist=[])["raw_files"] == 0


def test_resolve_many_maps_each_mention_and_keeps_the_index():
    index = ProviderIndex([{"id": "hf", "name": "火蝠电商"}, {"id": "bz", "name": "宝尊电商"}])
    names = ["火蝠", None, "  ", "无名公司", "宝尊电商", "火蝠", "火福电商"]
    mentions = pd.Series(names, index=[9, 8, 7, 6, 5, 4, 3], dtype="string")
    got = resolve_many(index, mentions)
    assert str(got.dtype) == "string"
    assert got.index.tolist() == [9, 8, 7, 6, 5, 4, 3]
    assert got.tolist() == ["hf", pd.NA, pd.NA, pd.NA, "bz", "hf", "hf"]
    assert resolve_many(index, pd.Series([], dtype="string")).empty


def test_search_reads_a_repeated_text_once_with_the_answers_of_each_text_alone():
    from incremental_build.provider_attribution import organisation_names, search
    from pipelines.text import normalize

    index = ProviderIndex([{"id": "hf", "name": "火蝠电商"}, {"id": "bz", "name": "宝尊电商"}])
    titles = ["选哪家", None, "选哪家", "", None]
    texts = [
        "杭州火福电子商务有限公司和宝尊电商比，杭州瑞志网络科技有限公司也不错",
        "没有提到任何公司",
        "杭州火福电子商务有限公司和宝尊电商比，杭州瑞志网络科技有限公司也不错",
        "宝尊电商做得好",
        None,
    ]
    found, cands = search(index, titles, texts)
    for i, (title, text) in enumerate(zip(titles, texts, strict=True)):
        norm = normalize("\n".join(t for t in (title, text) if isinstance(t, str) and t))
        hits = index.find(norm, normalized=True)
        assert found[i] == (hits[0] if hits else None)
        assert cands[i] == (organisation_names(norm) or None)
    assert found[0] is not None and cands[0] and found[1] is None
    assert cands[0] is not cands[2]  # a repeated text's names are its own list


def test_lookup_takes_each_wanted_keys_value():
    keys = pd.Series(["a", "b", "c", "d"], dtype="string")
    values = pd.Series(["pa", None, "pc", "pd"], dtype="string")
    wanted = pd.Series(["c", "x", "a", "c", None, "b"], index=[10, 11, 12, 13, 14, 15], dtype="string")
    got = lookup(keys, values, wanted)
    assert got.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert got.tolist() == ["pc", pd.NA, "pa", "pc", pd.NA, pd.NA]


def test_a_lone_big_batch_worked_in_the_background_gives_the_same_tables(tmp_path, monkeypatch):
    import dataclasses
    import os
    import zlib
    from concurrent.futures import ProcessPoolExecutor

    from evaluation.sandbox_eval import write_raw
    from incremental_build import text_work
    from sandbox.world import World

    items = list(World(7, 8).expected_items())
    later = {
        i.item_id for i in items if i.kind == "market_review" and zlib.crc32(i.item_id.encode()) % 3 == 0
    }
    # Run three re-crawls one review with another text but an older fetch time: the stored row wins,
    # so the table the background worker expects is not the one the merge gives.
    review = next(i for i in items if i.item_id in later)
    stale = dataclasses.replace(review, text=review.text + "（旧版）", fetched_at="2000-01-01T00:00:00+00:00")
    fresh = dataclasses.replace(review, text=review.text + "（更新）", fetched_at="2030-01-01T00:00:00+00:00")
    runs = {
        "one": [i for i in items if i.item_id not in later],
        "two": [i for i in items if i.item_id in later],
        "three": [stale],
        "four": [fresh],  # and the worker dies before it has the labels
        "five": [dataclasses.replace(fresh, text=fresh.text + "！")],  # too small to be worth a worker
    }
    trees = [DataTree(tmp_path / name) for name in ("here", "background")]

    pools, labelled_here = [], []

    class Spy(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

        def submit(self, fn, *args, **kwargs):
            if run == "four" and fn is text_work.labels_ahead:
                return super().submit(os._exit, 3)
            return super().submit(fn, *args, **kwargs)

    real_labels = text_work.dedup_store.labels

    def labels_here(*args, **kwargs):
        labelled_here.append(1)
        return real_labels(*args, **kwargs)

    monkeypatch.setattr(text_work, "OVERLAP_OLD_MIN", 10)
    monkeypatch.setattr(text_work, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(text_work.dedup_store, "labels", labels_here)
    for run in runs:
        for t, workers in zip(trees, (1, 2), strict=True):
            write_raw(t, run, runs[run])
            pools.clear()
            labelled_here.clear()
            monkeypatch.setattr(text_work, "OVERLAP_MIN", 2 if run == "five" else 1)
            update_clean(t, watchlist=[], workers=workers)
            if workers == 2 and run != "one":
                assert pools == ([] if run == "five" else [1]), "a lone big batch: one background worker"
                # Run two: the worker's labels fit the merged table; run three: they cannot, in run
                # four the worker is gone, and run five did not ask it: labelled here.
                assert labelled_here == ([] if run == "two" else [1])
        for name in ("clean/documents", "clean/claims", "clean/registry", "clean/listings"):
            pd.testing.assert_frame_equal(
                read_table(trees[0], name).to_pandas(), read_table(trees[1], name).to_pandas(), obj=name
            )
