"""Rendering: (world, path, query) → an HTTP answer in the shape of the real site it imitates.

Pure functions, no sockets: the server adds faults and logging around `render()`, and tests can
call it directly. Each source's site is a module of `sandbox.sites`; this module serves what is
common to all of them (the root page, robots.txt, the login page, the block pages) and routes.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from sandbox.sites import SITES
from sandbox.sites.web import Answer, BadRequest, Route, esc, html_answer, json_answer, not_found, page_html
from sandbox.world import World

ROBOTS_TXT = "User-agent: *\n" + "".join(f"Disallow: {site.DISALLOW}\n" for site in SITES)


# ----------------------------------------------------------------------------- root
def root(w: World, q: dict[str, str]) -> Answer:
    # 知乎, 搜狐 and 天眼查 can only be searched (no listing): their entry is a search.
    links = [site.ENTRY for site in SITES]
    items = "".join(f'<li><a class="source" href="{p}">{t}</a></li>' for p, t in links)
    return html_answer(page_html("sandbox", f"<h1>kaopu sandbox</h1><ul>{items}</ul>"))


def robots(w: World, q: dict[str, str]) -> Answer:
    return Answer(200, ROBOTS_TXT.encode(), [("Content-Type", "text/plain; charset=utf-8")])


def disallowed(w: World, q: dict[str, str]) -> Answer:
    return html_answer(page_html("内部页面", "<p>内部页面</p>"))


# ----------------------------------------------------------------------------- blocks
BLOCK_KINDS = ("blocked", "captcha", "login_required", "rate_limited", "cookie_expired")


def block_page(kind: str, path: str) -> Answer:
    """What a real site answers instead of the page when it will not serve us, in that source's
    form: the 黑猫投诉 API's code 10005, 知乎's error object, 天眼查's abnormal-account page (a 403
    with a 识别码), a geetest slider page, a 429. `login_required` and `cookie_expired` are the
    same wall; which one a crawler should report depends on whether it sent a cookie."""
    api = "/api/" in path or path.endswith(".do")
    if kind in ("login_required", "cookie_expired"):
        if path.startswith("/complaints") and api:
            return json_answer({"result": {"status": {"code": 10005, "msg": "请先登录"}, "data": {}}})
        if path.startswith("/forum") and api:
            return json_answer(
                {"error": {"code": 100, "message": "请登录", "name": "AuthenticationInvalid"}}, 401
            )
        target = "/login?from=" + quote(path) + "&mustlogin=1"
        return Answer(302, b"", [("Location", target)])
    if kind == "captcha":
        body = (
            '<div id="captcha"><p>请完成安全验证</p></div>'
            '<script src="https://static.geetest.com/static/js/gt.0.4.9.js"></script>'
        )
        return html_answer(page_html("安全验证", body))
    if kind == "rate_limited":
        return Answer(429, b"Too Many Requests", [("Content-Type", "text/plain"), ("Retry-After", "0")])
    code = hashlib.sha256(path.encode()).hexdigest()[:12]
    body = f"<h1>系统检测到您当前帐号的操作存在异常</h1><p>识别码 403-{code}</p>"
    return html_answer(page_html("系统检测到您当前帐号的操作存在异常", body), 403)


def login_page(w: World, q: dict[str, str]) -> Answer:
    return html_answer(
        page_html("登录", '<form class="login" action="/login"><input name="mustlogin"></form>')
    )


# ----------------------------------------------------------------------------- routing
_ROUTES: list[Route] = [
    Route(re.compile(r"/"), root, True),
    Route(re.compile(r"/login"), login_page, True),
    Route(re.compile(r"/robots\.txt"), robots, True),
    Route(re.compile("|".join(re.escape(site.DISALLOW) + ".*" for site in SITES)), disallowed, True),
    *(route for site in SITES for route in site.ROUTES),
]


def render(w: World, path: str, query: dict[str, str], cookie: str = "") -> Answer:
    """The answer to GET `path` with the (single-valued) `query` parameters. `cookie` (the request's
    Cookie header) matters only to the "who am I" call, the one page that tells sessions apart."""
    for pattern, handler, takes in _ROUTES:
        m = pattern.fullmatch(path)
        if not m:
            continue
        try:
            if takes == "cookie":
                return handler(cookie)
            if takes is True:
                return handler(w, query)
            if takes is False:
                return handler(w, *m.groups())
            return handler(w, *m.groups(), query)
        except BadRequest as exc:
            return html_answer(page_html("400", f"<h1>400</h1><p>{esc(exc)}</p>"), 400)
    return not_found()
