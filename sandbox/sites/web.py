"""What every sandbox site is made of: the HTTP answer, HTML and JSON bodies, query parsing, paging.

Every string that came from the world is escaped where it is embedded (`esc`), so the visible text of
a page is exactly the entity's text (see sandbox.expected).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode

from sandbox import debris

LIST_PAGE_CAP = 100  # every HTML list: past it, the last allowed page again, like the market
LIST_PAGE = 20
# Small worlds are searched in full; big ones through the provider-name index (documented in README).
FULL_SCAN_LIMIT = 3000


@dataclass
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


class BadRequest(Exception):
    pass


def html_answer(body: str, status: int = 200, charset: str = "utf-8") -> Answer:
    return Answer(
        status, body.encode(charset, "xmlcharrefreplace"), [("Content-Type", f"text/html; charset={charset}")]
    )


def json_answer(obj, status: int = 200) -> Answer:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(status, data, [("Content-Type", "application/json; charset=utf-8")])


def not_found(what: str = "页面不存在") -> Answer:
    return html_answer(page_html("404", f"<h1>404</h1><p>{html.escape(what)}</p>"), 404)


def page_html(title: str, body: str, lang_meta: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html>\n<html><head>{lang_meta}<title>{html.escape(title)}</title></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def int_param(query: dict[str, str], name: str, default: int, lo: int = 0, hi: int = 10**9) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer") from exc
    return min(max(value, lo), hi)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def next_link(path: str, params: dict[str, object]) -> str:
    return f'<a class="next" href="{esc(path + "?" + urlencode(params))}">下一页</a>'


def paged(total: int, page: int, size: int, cap: int) -> tuple[range, bool]:
    """Items of page `page` (1-based) with the site's cap; and whether a next link is shown."""
    last = max(1, -(-total // size))
    shown = min(page, cap)
    if shown > last:
        return range(0), False
    start = (shown - 1) * size
    return range(start, min(total, start + size)), shown < min(last, cap)


def contains_key(text: str, key: str) -> bool:
    return key in debris.to_simplified(text).lower()


class Route(NamedTuple):
    """One URL a site serves: the full path pattern, its handler and what the handler takes —
    True: (world, query); False: (world, *groups); "both": (world, *groups, query); "cookie": the
    request's Cookie header alone (the one page that tells sessions apart)."""

    pattern: re.Pattern[str]
    handler: Callable[..., Answer]
    takes: bool | str
