"""The small pure pieces the spiders rest on: signing, Retry-After, provider targeting, field readers,
and the crawl state that keeps re-crawls from writing an item twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import WatchedProvider
from pipelines.contracts import MarketReview, to_record
from pipelines.storage import RawWriter
from spiders.crawl_state import CrawlState
from spiders.pages.fields import PageError, epoch_datetime, html_text, load_jsonp, money_cny, price_range
from spiders.retry_after import retry_after_seconds
from spiders.targets import resolve_target


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(b"1", 1.0), (b"7.5", 7.5), (b"3600", 30.0), (b"-4", 0.0), (b"soon", 0.0), (None, 0.0), (b"nan", 0.0)],
)
def test_retry_after_is_read_and_capped(header, seconds):
    assert retry_after_seconds(header, cap=30.0) == seconds


def test_retry_after_http_date():
    now = 1_700_000_000.0
    assert retry_after_seconds("Tue, 14 Nov 2023 22:13:40 GMT", cap=30.0, now=now) == pytest.approx(20.0)


WATCH = [
    WatchedProvider("huofu", "火蝠电商", "杭州火蝠电子商务有限公司", ("火蝠", "Huofu")),
    WatchedProvider("other", "青木电商", None, ()),
]


def test_target_takes_every_name_of_the_watched_provider_and_traditional_forms():
    target = resolve_target("火蝠", WATCH)
    assert {"火蝠电商", "杭州火蝠电子商务有限公司", "火蝠", "Huofu"} <= set(target.names)
    assert "火蝠電商" in target.names and "杭州火蝠電子商務有限公司" in target.names
    assert "青木电商" not in target.names


def test_target_names_match_exactly_and_mentions_match_inside_text():
    target = resolve_target("火蝠电商", WATCH)
    assert target.is_named("杭州火蝠電子商務有限公司")  # traditional form of the legal name
    assert target.is_named(" ＨＵＯＦＵ ")  # full-width, case and spaces do not matter
    assert not target.is_named("火蝠星电商")  # a different company that shares two characters
    assert target.is_mentioned("找了火蝠電商做代运营，三个月没起色")
    assert not target.is_mentioned("青木电商还行")


def test_unknown_name_is_its_own_only_name():
    target = resolve_target("没有这家", WATCH)
    assert target.names[0] == "没有这家" and not target.is_named("火蝠电商")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3000", 3000.0),
        ("3000元", 3000.0),
        ("¥3,000", 3000.0),
        ("1000万人民币", 1e7),
        ("50.5万元", 505000.0),
        ("", None),
        (None, None),
        ("面议", None),
        ("100万美元", None),
        (2500, 2500.0),
    ],
)
def test_money_in_yuan(text, value):
    assert money_cny(text) == value


def test_price_range():
    assert price_range("¥3000-¥8000/月") == (3000.0, 8000.0)
    assert price_range("¥5000/月") == (5000.0, 5000.0)
    assert price_range(None) == (None, None)


def test_jsonp_is_parsed_never_evaluated():
    assert load_jsonp(b'jsonp_reviews({"comments": []});') == {"comments": []}
    with pytest.raises(PageError) as err:
        load_jsonp(b'cb(__import__("os").system("true"))')
    assert err.value.reason == "malformed_json"
    with pytest.raises(PageError) as err:
        load_jsonp(b'cb({"comments": [{"id": 1}')
    assert err.value.reason == "truncated"


def test_html_text_keeps_paragraphs_and_drops_scripts():
    html = "<p>第一段<b>加粗</b></p><p>第二段</p><script>var x=1</script><div>第三<br>行</div>"
    assert html_text(html) == "第一段加粗\n第二段\n第三\n行"


def _review(native: str) -> dict:
    return to_record(MarketReview(native_id=native, source_url="http://x/", fetched_at="t", text="好"))


def test_crawl_state_remembers_ids_across_instances(tmp_path):
    state = CrawlState(tmp_path)
    state.add(["market:1", "market:2"])
    state.close()
    again = CrawlState(tmp_path)
    assert again.seen("market:1") and not again.seen("market:3")
    assert again.all_seen(["market:1", "market:2"]) and not again.all_seen(["market:1", "market:3"])
    assert not again.all_seen([])


def test_crawl_state_recovers_ids_a_killed_run_wrote_but_never_recorded(tmp_path):
    raw = tmp_path / "raw.jsonl.gz"
    state = CrawlState(tmp_path / "state")
    state.begin_run("run-1", raw)
    with RawWriter(raw) as writer:  # the lines reached raw; the process died before state.add()
        writer.write(_review("a"))
        writer.write(_review("b"))
    state.close()
    fresh = CrawlState(tmp_path / "state")
    assert fresh.reconcile() == 2
    assert fresh.all_seen(["market:a", "market:b"])
    assert fresh.reconcile() == 0  # the run is now accounted for


def test_thread_marks_and_watermark(tmp_path):
    state = CrawlState(tmp_path)
    assert not state.thread_done("reviews:X")
    state.mark_thread_done("reviews:X", "2026-01-01T00:00:00+00:00")
    state.raise_watermark("2025-01-01T00:00:00+00:00")
    state.raise_watermark("2024-01-01T00:00:00+00:00")
    assert state.thread_done("reviews:X") and state.watermark() == "2025-01-01T00:00:00+00:00"


def test_live_profile_is_slow_and_identifies_itself_and_no_politeness_only_drops_the_pace():
    from pipelines.config import load_config
    from spiders.profile_settings import crawl_settings
    from tests.sandbox_fixture import CONFIG

    live = load_config(CONFIG, profile="live").profile()
    polite = crawl_settings(live, live.source("complaints"))
    assert polite["AUTOTHROTTLE_ENABLED"] and polite["DOWNLOAD_DELAY"] >= 1.0
    assert polite["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and polite["ROBOTSTXT_OBEY"]
    assert "kaopu" in polite["USER_AGENT"] and polite["DOWNLOAD_MAXSIZE"] == live.download_maxsize
    assert polite["DEFAULT_REQUEST_HEADERS"]["Referer"] == "https://tousu.sina.com.cn/"
    fast = crawl_settings(live, live.source("complaints"), polite=False)
    assert not fast["AUTOTHROTTLE_ENABLED"] and fast["DOWNLOAD_DELAY"] == 0.0
    assert fast["ROBOTSTXT_OBEY"] and fast["USER_AGENT"] == polite["USER_AGENT"]


def test_project_settings_keep_consoles_off_and_never_cache_errors():
    from spiders import settings

    assert settings.TELNETCONSOLE_ENABLED is False and settings.REMOTE_CONTROL_ENABLED is False
    assert {429, 500, 502, 503, 504} <= set(settings.HTTPCACHE_IGNORE_HTTP_CODES)
    assert settings.DOWNLOAD_FAIL_ON_DATALOSS is True and settings.COOKIES_DEBUG is False


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("391438.1782万人民币", 3_914_381_782.0),
        ("0.0001万人民币", 1.0),
        ("50.5万元", 505_000.0),
        ("1.23456万", 12_345.6),
        ("3,000元", 3000.0),
    ],
)
def test_money_is_exact_to_the_fen(text, yuan):
    assert money_cny(text) == yuan


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (737654400000, "1993-05-17"),  # 12-digit milliseconds: a company founded before 2001
        ("737654400000", "1993-05-17"),
        (737654400, "1993-05-17"),  # the same moment in seconds
        (1664985600000, "2022-10-05"),
        (-315619200000, "1960-01-01"),  # before 1970: negative milliseconds
        (-2208988800, "1900-01-01"),
    ],
)
def test_epochs_of_any_founding_year_in_seconds_or_milliseconds(value, day):
    assert epoch_datetime(value).date().isoformat() == day


@pytest.mark.parametrize("value", [None, "", "abc", True, float("nan"), 10**20])
def test_what_is_not_an_epoch_gives_none(value):
    assert epoch_datetime(value) is None


def test_the_live_profile_is_polite_by_default():
    from pipelines.config import load_config
    from spiders.profile_settings import crawl_settings

    profile = load_config(Path(__file__).parents[1] / "kaopu.toml", profile="live").profile()
    registry = profile.source("registry")
    settings = crawl_settings(profile, registry)
    assert settings["USER_AGENT"].startswith("kaopu/") and settings["ROBOTSTXT_OBEY"]
    assert settings["AUTOTHROTTLE_ENABLED"] and settings["AUTOTHROTTLE_START_DELAY"] >= 3.0
    assert settings["DOWNLOAD_DELAY"] >= 3.0 and settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert 0 < registry.daily_requests < 100  # 天眼查: well under the pages after which it blocks
    forum = profile.source("forum")
    assert not forum.enabled and "x-zse-96" in forum.unsupported
