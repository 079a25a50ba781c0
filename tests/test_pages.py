"""Every saved response under tests/fixtures/ through its page object (see tests/fixtures/README.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from pipelines.contracts import SOURCES, Complaint, InvalidItem, to_record, validate
from pipelines.dates import parse_date
from spiders.pages import blocks
from spiders.pages.fields import PageError

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/meta.json"))
_TIMES = {"created_at", "published_at", "at"}


def load_response(case: Path) -> tuple[Response, dict]:
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    headers = Headers(meta.get("headers") or {})
    body = (case / "body").read_bytes()
    # The class Scrapy itself would pick (HtmlResponse, TextResponse…), so decoding is Scrapy's.
    cls = responsetypes.from_args(headers=headers, url=meta["url"], body=body)
    # The request as the cookies middleware leaves it: a `cookie` in meta means a session was sent.
    sent = {"Cookie": meta["cookie"]} if meta.get("cookie") else {}
    request = Request(meta["url"], headers=sent)
    response = cls(
        url=meta["url"], status=meta.get("status", 200), headers=headers, body=body, request=request
    )
    return response, meta


def run_page(case: Path) -> list:
    response, meta = load_response(case)
    module_name, func_name = meta["page"].split(".")
    func = getattr(importlib.import_module(f"spiders.pages.{module_name}"), func_name)
    kwargs = dict(meta.get("kwargs") or {})
    if "listed" in kwargs:
        kwargs["listed"] = Complaint(
            **{k: v for k, v in kwargs["listed"].items() if k not in ("kind", "source")}, fetched_at=""
        )
    if meta.get("today"):
        kwargs["today"] = dt.date.fromisoformat(meta["today"])
    blocks.check(response)  # as the spider does before any page object (KaopuSpider.read)
    result = func(response, **kwargs)
    if isinstance(result, tuple):  # (item, next url)
        result = result[0]
    if dataclasses.is_dataclass(result) and hasattr(result, "native_id"):
        return [result]
    if isinstance(result, list):  # the page's items themselves
        return result
    for attr in ("reviews", "complaints", "answers", "comments"):
        if hasattr(result, attr):
            return getattr(result, attr)
    raise AssertionError(f"{meta['page']} returned {type(result).__name__}")


def comparable(value, key: str = ""):
    """Times as instants (pages print Beijing time, items keep UTC); everything else as is."""
    if key in _TIMES and isinstance(value, str):
        return parse_date(value)
    if isinstance(value, dict):
        return {k: comparable(v, k) for k, v in value.items() if k not in ("fetched_at", "source_url")}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture(case: Path):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(PageError) as err:
            run_page(case)
        assert err.value.reason == expected["error"]
        return
    got = run_page(case)
    assert [comparable(to_record(i)) for i in got] == [comparable(e) for e in expected["items"]]
    reasons = expected.get("invalid") or [None] * len(got)
    for item, reason in zip(got, reasons, strict=True):
        if reason is None:
            validate(item)
        else:
            with pytest.raises(InvalidItem) as err:
                validate(item)
            assert err.value.reason == reason


def test_every_source_has_every_kind_of_case():
    kinds = ("normal", "malformed", "truncated", "missing-field", "gbk", "traditional")
    for source in SOURCES:
        names = [c.name for c in CASES if c.parent.name == source]
        for kind in kinds:
            if kind == "normal":
                assert any(not any(k in n for k in kinds[1:]) for n in names), source
            else:
                assert any(kind in n for n in names), f"{source} has no {kind} fixture"


def test_every_block_kind_has_a_fixture_and_block_fixtures_cite_their_evidence():
    errors = {}
    for case in CASES:
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        if expected.get("error") in blocks.BLOCK_REASONS:
            errors.setdefault(expected["error"], []).append(case)
    assert sorted(errors) == sorted(blocks.BLOCK_REASONS)
    for cases in errors.values():
        for case in cases:
            assert json.loads((case / "meta.json").read_text(encoding="utf-8")).get("evidence"), case


def test_a_long_real_page_that_mentions_a_captcha_script_is_not_a_block():
    """Markers count only in a block-sized page or its title: a full page with a login dialog's
    geetest script in its chrome is still read."""
    body = (
        "<html><head><title>某公司</title><script src='gt.js'></script></head><body>"
        + "<p>正文</p>" * 5000
        + "</body></html>"
    ).encode()
    response = Response(url="http://sandbox/registry/company/1", status=200, body=body)
    blocks.check(response)  # no PageError


@pytest.mark.parametrize(
    "body",
    [
        '{"jsonObject":{"comments":[{"content":"客服说访问过于频繁，要完成安全验证"}]}}',
        'cb({"comments":[{"comment":"操作太频繁被限制了，识别码 403-1 什么意思"}]});',
        "<html><head><title>一篇文章</title></head><body>"
        + "<p>我们遇到过请求过于频繁的提示，也做过滑动验证。</p>" * 20
        + "</body></html>",
    ],
)
def test_users_words_about_blocks_are_not_a_block(body):
    response = Response(url="http://sandbox/x", status=200, body=body.encode())
    blocks.check(response)  # no PageError: the words are the users', not the site's
