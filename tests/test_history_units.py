"""Change detection on odd input, the sandbox's moving world without a crawl, the revisit window."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest
from scrapy.http import HtmlResponse
from typer.testing import CliRunner

from incremental_build.history import _OBS_SCHEMA, case_figures, history
from pipelines import contracts
from sandbox import pages
from sandbox.history import WITHDRAWN_NOTICE, parse_as_of
from sandbox.world import World
from spiders.base import KaopuSpider, parse_revisit
from spiders.pages.complaints import gone_notice


def obs(doc_id, at, kind="market_review", text="h1", rating=None, status=None, figures=None, gone=None):
    return {
        "doc_id": doc_id,
        "kind": kind,
        "fetched_at": pd.Timestamp(at, tz="UTC"),
        "raw_file": f"raw/{at}.jsonl.gz",
        "author": "买家甲",
        "text_hash": text,
        "rating": rating,
        "status": status,
        "figures": figures,
        "gone_how": gone,
        "status_text": None,
    }


def run(*rows):
    df = pd.DataFrame(list(rows), columns=_OBS_SCHEMA.names)
    return history(df)


def changes_of(*rows) -> list[tuple[str, str]]:
    return sorted(zip(*(run(*rows)[1][c] for c in ("doc_id", "change")), strict=True))


def test_a_missing_field_is_not_a_change():
    # A version without a rating (an older page form), then one with it: unknown → value is no edit.
    assert changes_of(obs("m:1", "2026-01-01", rating=None), obs("m:1", "2026-02-01", rating=4.0)) == []
    # No text hash in one version (an item the writer left empty): no edit either.
    assert changes_of(obs("m:1", "2026-01-01", text=None), obs("m:1", "2026-02-01", text="h2")) == []
    # A case page whose figures could not be read once: not a figure change.
    a = obs("cases:s/1", "2026-01-01", kind="case_page", figures=None)
    b = obs("cases:s/1", "2026-02-01", kind="case_page", figures='{"numbers": ["5万"]}')
    assert changes_of(a, b) == []


def test_versions_out_of_order_and_repeated_give_the_same_history():
    rows = [
        obs("m:1", "2026-03-01", text="h2", rating=5.0),
        obs("m:1", "2026-01-01", text="h1", rating=1.0),
        obs("m:1", "2026-01-01", text="h1", rating=1.0),  # the same line read twice
    ]
    per, ch = run(*rows)
    assert list(ch["change"]) == ["edited"]
    assert (ch["rating_before"].iloc[0], ch["rating_after"].iloc[0]) == (1.0, 5.0)
    assert per.set_index("doc_id").at["m:1", "rating_first"] == 1.0


def test_a_disappearance_then_a_return_is_not_gone_and_a_repeat_is_one_change():
    per, ch = run(
        obs("m:1", "2026-01-01"),
        obs("m:1", "2026-02-01", gone="missing_from_list"),
        obs("m:1", "2026-03-01", gone="missing_from_list"),  # found gone again on the next revisit
    )
    assert list(ch["change"]) == ["deleted"]
    assert str(per.set_index("doc_id").at["m:1", "gone_at"]).startswith("2026-02-01")
    per, _ = run(
        obs("m:1", "2026-01-01"), obs("m:1", "2026-02-01", gone="http_404"), obs("m:1", "2026-03-01")
    )
    assert pd.isna(per.set_index("doc_id").at["m:1", "gone_at"])


def test_gone_kinds_follow_how_the_item_went():
    ch = dict(
        changes_of(
            obs("c:1", "2026-01-01", kind="complaint"),
            obs("c:1", "2026-02-01", kind="complaint", gone="withdrawn_page"),
            obs("c:2", "2026-01-01", kind="complaint"),
            obs("c:2", "2026-02-01", kind="complaint", gone="missing_from_list"),  # its page still shows it
            obs("c:3", "2026-02-01", kind=None, gone="http_404"),  # never seen in a version at all
        )
    )
    assert ch == {"c:1": "withdrawn", "c:2": "delisted", "c:3": "deleted"}


def test_status_and_figures_changes_are_told_apart_from_edits():
    ch = changes_of(
        obs("c:1", "2026-01-01", kind="complaint", status="处理中"),
        obs("c:1", "2026-02-01", kind="complaint", status="已完成"),
        obs("cases:s/1", "2026-01-01", kind="case_page", text="a", figures='{"numbers": ["19w", "53万元"]}'),
        obs("cases:s/1", "2026-02-01", kind="case_page", text="b", figures='{"numbers": ["19w", "81万元"]}'),
    )
    assert ch == [("c:1", "status_changed"), ("cases:s/1", "figures_changed")]
    assert run()[1].empty


def test_case_figures_read_digits_and_chinese_numerals():
    a = json.loads(case_figures("从店铺销售额930W做到二千七百万，只用了一年。"))
    b = json.loads(case_figures("从店铺销售额930W做到四千八百万，只用了一年。"))
    assert a["numbers"] != b["numbers"] and "930W" in a["numbers"]
    assert case_figures("合作成果见下图") is None and case_figures(None) is None


def test_a_disappearance_record_is_validated():
    good = contracts.from_record(
        {
            "kind": "disappearance",
            "native_id": "market:1:missing_from_list",
            "source_url": "http://x/market",
            "fetched_at": "2026-12-01T00:00:00+00:00",
            "item_source": "market",
            "item_native_id": "1",
            "how": "missing_from_list",
        }
    )
    assert good.gone_item_id == "market:1"
    with pytest.raises(contracts.InvalidItem, match="bad_field"):
        contracts.validate(
            contracts.Disappearance("x", "http://x", "t", item_source="m", item_native_id="1", how="lost")
        )
    with pytest.raises(contracts.InvalidItem, match="missing_field"):
        contracts.validate(contracts.Disappearance("x", "http://x", "t", item_source="m", how="http_404"))
    assert "disappearance" not in contracts.ITEM_TYPES and "history" not in contracts.SOURCES


# --------------------------------------------------------------------------------------- sandbox
def _paths(w: World) -> list[str]:
    lst = w.listing(0, 0)
    out = [
        f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1",
        f"/market/ser/detail.htm?service_code={lst.service_code}",
        f"/complaints/company/view/{w.provider(0).couid}",
        f"/cases/{w.provider(0).site}/cases?page=1",
        w.case_path(0, 0),
        f"/forum/question/{w.qid(0)}",
    ]
    out += [f"/complaints/complaint/view/{d.sn}/" for d in w.complaints(0)[:3]]
    return out


def _get(w: World, path: str) -> bytes:
    path, _, query = path.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    return pages.render(w, path, params, "").body


def test_the_world_as_of_its_today_is_the_world_without_as_of():
    now, plain = World(7, 6, as_of=parse_as_of("2026-06-30")), World(7, 6)
    for path in _paths(plain):
        assert _get(now, path) == _get(plain, path), path
    assert "events" not in plain.truth() and now.truth()["events"] == []


def test_a_later_world_shows_events_and_no_truth_words():
    w = World(7, 12, as_of=parse_as_of("2027-06-30"))
    events = w.truth()["events"]
    assert {e["kind"] for e in events} == {"withdrawn", "deleted", "edited", "figures_changed"}
    withdrawn = next(e for e in events if e["kind"] == "withdrawn")
    page = _get(w, f"/complaints/complaint/view/{withdrawn['native_id']}/").decode()
    assert WITHDRAWN_NOTICE in page
    assert gone_notice(HtmlResponse("http://x/c", body=page.encode(), encoding="utf-8")) == WITHDRAWN_NOTICE
    deleted = next(e for e in events if e["kind"] == "deleted")
    i, k = divmod((int(deleted["native_id"]) - 4_000_000_000) // 1000, 3)
    listed = _get(
        w, f"/market/score/query_suggest.do?service_code={w.listing(i, k).service_code}&currentPage=1"
    )
    for path in _paths(w):
        body = _get(w, path).decode("utf-8", "replace").lower()
        for word in ("withdrawn", "deleted", "figures_changed", "edited", "archetype", "events"):
            assert word not in body, (path, word)
    assert deleted["native_id"].encode() not in listed


def test_an_earlier_world_lacks_what_came_later():
    early, plain = World(7, 6, as_of=parse_as_of("2024-01-01")), World(7, 6)
    assert len(early.timeline.reviews(0, 0)) < len(plain.reviews(0, 0))
    assert all(r.created <= early.as_of for r in early.timeline.reviews(0, 0))
    assert len(early.truth()["claims"]) < len(plain.truth()["claims"])


def test_a_bad_as_of_is_one_line_and_exit_2():
    from sandbox.cli import app

    with pytest.raises(ValueError, match="as-of"):
        parse_as_of("30/06/2026")
    result = CliRunner().invoke(app, ["truth", "--providers", "2", "--as-of", "soon"])
    assert result.exit_code == 2 and "as-of" in result.output


# --------------------------------------------------------------------------------------- revisits
def test_revisit_share_parsing():
    assert parse_revisit(None) == 0.0 and parse_revisit("all") == 1.0 and parse_revisit("0.25") == 0.25
    for bad in ("-0.1", "2", "some"):
        with pytest.raises(ValueError, match="revisit"):
            parse_revisit(bad)


def test_a_rolling_window_covers_every_thread_in_ceil_one_over_share_runs():
    threads = [f"reviews:FW_GOODS-{n}" for n in range(2000)]
    share, covered, per_run = 0.1, set(), []
    for rnd in range(10):
        spider = SimpleNamespace(revisit_share=share, revisit_round=rnd)
        chosen = {t for t in threads if KaopuSpider.revisits(spider, t)}
        per_run.append(len(chosen))
        covered |= chosen
    assert covered == set(threads)
    assert all(120 <= n <= 280 for n in per_run), per_run  # about a tenth each run
    spider = SimpleNamespace(revisit_share=0.0, revisit_round=0)
    assert not any(KaopuSpider.revisits(spider, t) for t in threads)


def test_workers_sharing_one_crawl_state_move_the_revisit_window_once(tmp_path):
    """Two frontier workers on one host share the source's crawl state; each closes at the end of the
    same run. Moving the window once per worker would skip every other window, and some threads would
    never be revisited."""
    from spiders.crawl_state import CrawlState

    w1, w2 = CrawlState(tmp_path), CrawlState(tmp_path)
    started = w1.revisit_round()
    assert started == w2.revisit_round() == 0
    assert w1.next_revisit_round(started_at=started) is True
    assert w2.next_revisit_round(started_at=started) is False
    assert CrawlState(tmp_path).revisit_round() == 1
    assert w2.next_revisit_round(started_at=1) is True  # the next run moves it on again
    assert w1.revisit_round() == 2
    w1.close()
    w2.close()


def test_eval_scores_the_history_on_events_it_could_see():
    from evaluation.sandbox_eval import history_metrics

    earlier = "2026-06-10T23:59:59+08:00"
    events = [
        {
            "source": "market",
            "native_id": "1",
            "kind": "edited",
            "created": "2026-01-01T00:00:00+08:00",
            "at": "2026-08-01T00:00:00+08:00",
        },
        {
            "source": "market",
            "native_id": "2",
            "kind": "deleted",
            "created": "2026-01-01T00:00:00+08:00",
            "at": "2026-09-01T00:00:00+08:00",
        },
        # created after the earlier crawl: first seen already edited, not detectable
        {
            "source": "market",
            "native_id": "3",
            "kind": "edited",
            "created": "2026-06-20T00:00:00+08:00",
            "at": "2026-08-01T00:00:00+08:00",
        },
    ]
    docs = pd.DataFrame({"doc_id": ["market:1", "market:2", "market:3"]})
    changes = pd.DataFrame(
        {"doc_id": ["market:1", "market:9", "market:9"], "change": ["edited", "deleted", "status_changed"]}
    )
    got = history_metrics(events, earlier, docs, changes)
    assert (got["detectable"], got["found"], got["false"], got["recall"]) == (2, 1, 1, 0.5)
    assert history_metrics(events, None, docs, changes)["recall"] is None


def test_marts_count_raised_ratings_after_a_complaint_and_flag_unusual_shares():
    from reputation.history import history_counts, history_flags

    d = pd.DataFrame(
        {
            "provider_id": ["a", "a", "a", "a", "b", "b"],
            "kind": [
                "complaint",
                "complaint",
                "market_review",
                "market_review",
                "market_review",
                "case_page",
            ],
            "author": ["张三", "李四", "张三", "王五", "张三", None],
            "rating": [None, None, 5.0, 5.0, 5.0, None],
            "rating_first": [None, None, 1.0, None, 2.0, None],  # 王五's first version had no rating
            "history_changes": [
                ["withdrawn"],
                ["withdrawn"],
                ["edited"],
                [],
                ["edited"],
                ["figures_changed"],
            ],
        }
    )
    got = {k: v.to_dict() for k, v in history_counts(d, pd.Index(["a", "b"])).items()}
    assert got["complaints_withdrawn"] == {"a": 2, "b": 0}
    assert got["ratings_raised"] == {"a": 1, "b": 1}
    # 张三 complained about a, then raised a's review; his raised review of b follows no complaint about b.
    assert got["ratings_raised_after_complaint"] == {"a": 1, "b": 0}
    assert got["case_figures_changed"] == {"a": 0, "b": 1}
    out = pd.DataFrame(
        {
            "complaints_withdrawn": [3, 0, 1],
            "n_complaints": [5, 20, 10],
            "reviews_deleted": [0, 0, 0],
            "ratings_raised": [0, 0, 0],
            "n_reviews": [10, 10, 10],
            "case_figures_changed": [0, 1, 0],
            "risk_flag_codes": [[], [], []],
            "risk_flags": [[], [], []],
        },
        index=["a", "b", "c"],
    )
    flagged = history_flags(out)
    assert [c["code"] for c in flagged.at["a", "risk_flag_codes"]] == ["complaints_withdrawn"]
    assert "私下和解" in flagged.at["a", "risk_flags"][0]
    assert [c["code"] for c in flagged.at["b", "risk_flag_codes"]] == ["case_figures_changed"]
    assert flagged.at["c", "risk_flag_codes"] == []  # one of ten: not unusual, and one event is too few


def _revisiting_spider(listed: set[str], members: dict[str, str | None]) -> SimpleNamespace:
    """Just enough of a spider to end a revisited thread: what it listed this time, what it held."""
    spider = SimpleNamespace(
        _finished_threads=set(),
        _revisit_pass={"reviews:FW_GOODS-1": set(listed)},
        crawl_state=SimpleNamespace(members=lambda thread: members),
        crawler=SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *a, **k: None), settings={}),
    )
    spider._revisit_end = lambda thread: KaopuSpider._revisit_end(spider, thread)
    spider.gone_from_thread = lambda thread, missing: KaopuSpider.gone_from_thread(spider, thread, missing)
    spider.disappearance = lambda item_id, how, status, thread="": (item_id, how)
    return spider


def test_a_revisit_cut_short_by_max_pages_finds_nothing_gone():
    members = {"market:1": None, "market:2": None, "market:3": None}
    ended = _revisiting_spider({"market:1"}, members)
    gone = list(KaopuSpider.follow_thread(ended, "reviews:FW_GOODS-1", ["market:1"], [], None))
    assert gone == [("market:2", "missing_from_list"), ("market:3", "missing_from_list")]
    # The same first page, but the list had more pages than the profile's max_pages let the run read.
    capped = _revisiting_spider({"market:1"}, members)
    assert (
        list(KaopuSpider.follow_thread(capped, "reviews:FW_GOODS-1", ["market:1"], [], None, cut_short=True))
        == []
    )
    assert "reviews:FW_GOODS-1" in capped._finished_threads
