"""Block, captcha and login-wall pages: recognised before a page object reads a response.

A real site that does not want to answer rarely says so with a clean status code. What issue #20
and DESIGN.md's source table record for our sources (see the README's live table for how well each
is evidenced):

- 天眼查: an HTTP 200 *or* 403 page titled 系统检测到您当前帐号的操作存在异常 with a 识别码 403-…;
  a geetest slider (`geetest`, `gt.js`, `initGeetest`); a redirect to a `…/login?…mustlogin…` page.
- 黑猫投诉: JSON `result.status.code` 10005 (not logged in) — read in `pages.complaints`.
- 知乎: `{"error": {"code": 100|101, …}}` (not logged in / session gone) or a 403 — read in
  `pages.forum`.
- any site: 401 (a login wall), 403 (blocked), 429 after the retries ran out (rate limited).

Each becomes a `PageError` whose reason is one of `BLOCK_REASONS`; the spider counts them per host
and stops the source after a few (the circuit breaker in `spiders.base`), keeping what it crawled.
A login wall met *with* a cookie means the session the user gave has expired (`cookie_expired`);
without one, that a cookie is needed (`login_required`).
"""

from __future__ import annotations

import re

from spiders.pages.fields import PageError

BLOCK_REASONS = ("blocked", "captcha", "login_required", "rate_limited", "cookie_expired")

# What a person is told, per reason; each starts with the reason in words. `{cookie}` is the
# source's cookie variable.
ADVICE = {
    "blocked": "blocked (the site refused us); wait a day, then crawl slower",
    "captcha": "captcha (solve it in a browser with the same cookie, then crawl slower)",
    "login_required": "login required (set {cookie})",
    "rate_limited": "rate limited (429); wait, then lower the profile's concurrency or raise its delay",
    "cookie_expired": "cookie expired (log in again and refresh {cookie})",
}

# Where markers count. A block page is short; a real page may carry a captcha script or a login
# link in its chrome, and user text (a complaint, an answer, a comment) may well say 频繁 or 安全验证.
# So words count only in the <title> or in a page whose whole visible text is a few lines, and
# script markers only in a small HTML body — never inside a JSON answer, whose text is users'.
_SMALL = 20_000
_FEW_LINES = 300  # characters of visible text
_CAPTCHA_SCRIPT = re.compile(r"geetest|initGeetest|\bgt\.[\d.]*js", re.I)
_CAPTCHA_WORDS = re.compile(r"滑动验证|请完成安全验证|安全验证")
_ABNORMAL = re.compile(r"系统检测到您当前帐号的操作存在异常|识别码\s*403-|访问被拒绝|禁止访问")
_TOO_FAST = re.compile(r"访问过于频繁|请求过于频繁|操作太频繁")
_TAG = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)


def cookie_sent(response) -> bool:
    """Whether the request that got this response carried a session (the user gave a cookie). A
    redirect to a login page may drop the Cookie header, so the request's own cookies count too."""
    request = getattr(response, "request", None)
    if request is None:
        return False
    try:
        return bool(request.headers.get(b"Cookie") or getattr(request, "cookies", None))
    except AttributeError:  # a response built without a request (tests of a bare page object)
        return False


def login_wall(response, detail: str) -> PageError:
    """The site wants a session: missing (`login_required`) or no longer valid (`cookie_expired`)."""
    return PageError("cookie_expired" if cookie_sent(response) else "login_required", detail)


def check(response) -> None:
    """Raise the block a response is, if it is one; otherwise return and let the page object read it."""
    status = getattr(response, "status", 200)
    url = getattr(response, "url", "")
    body = getattr(response, "body", b"") or b""
    html = _small_html(body)
    title = _title(body[:4096].decode("utf-8", "replace"))
    visible = _TAG.sub(" ", html).strip()
    words = title + "\n" + (visible if len(visible) <= _FEW_LINES else "")
    if status == 429 or _TOO_FAST.search(words):
        raise PageError("rate_limited", f"HTTP {status}")
    if _CAPTCHA_SCRIPT.search(html) or _CAPTCHA_WORDS.search(words):
        raise PageError("captcha", f"HTTP {status}")
    if _ABNORMAL.search(words) or "识别码 403-" in visible:
        raise PageError("blocked", title or f"HTTP {status}")
    if status == 401 or "mustlogin" in url.lower() or "mustlogin" in html.lower():
        raise login_wall(response, f"HTTP {status} login page")
    if status == 403:
        raise PageError("blocked", f"HTTP {status}")


def _small_html(body: bytes) -> str:
    """The body as text when it is a small non-JSON page (where block markers may be searched)."""
    if len(body) > _SMALL:
        return ""
    text = body.decode("utf-8", "replace")
    head = text.lstrip()[:1]
    if head in ("{", "[") or re.match(r"\s*[\w$.]+\s*\(\s*[{\[]", text):
        return ""  # JSON or JSONP: its text is users' text
    return text


def is_block(exc: PageError) -> bool:
    return exc.reason in BLOCK_REASONS


def stop_line(source: str, reason: str, cookie_env: str | None) -> str:
    """The one line a run prints for a source the breaker stopped, e.g.
    `complaints: stopped — login required (set KAOPU_COOKIE_COMPLAINTS)`."""
    advice = ADVICE.get(reason, reason).format(cookie=cookie_env or "the source's cookie_env")
    return f"{source}: stopped — {advice}"


def _title(head: str) -> str:
    m = re.search(r"<title>(.*?)</title>", head, re.S | re.I)
    return m.group(1).strip() if m else ""
