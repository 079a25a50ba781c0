"""`kaopu doctor`: can each source of a profile be crawled right now, and if not, what to do.

Per source, one probe request — the cheapest call that shows whether the site answers us, and, where
the site has one, whether the cookie the user gave is still logged in (知乎 `/api/v4/me`; 黑猫投诉's
company list answers code 10005 to an anonymous or expired session). Before it, robots.txt is read
once per host and obeyed: a probe robots.txt forbids is not sent. So a run costs one request per
source plus one robots.txt per host, and never more.

The probe's answer goes through the same block classification as a crawl (spiders.pages.blocks),
so "login required", "cookie expired", "captcha", "blocked" and "rate limited" mean the same here as
in a run's `stopped — …` line.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from protego import Protego
from scrapy.http import Request
from scrapy.responsetypes import responsetypes

from pipelines.config import Profile, SourceProfile
from pipelines.contracts import SOURCES
from spiders.pages import blocks, complaints, forum
from spiders.pages.fields import PageError
from spiders.signing.tousu import TousuSigner

TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Check:
    source: str
    status: str  # ok, unsupported, disabled, unreachable, robots, login_required, cookie_expired, …
    detail: str
    todo: str
    requests: int = 0


@dataclass(frozen=True)
class Probe:
    path: Callable[[SourceProfile], str]  # path and query under the source's base URL
    read: Callable | None = None  # a page-object check that raises PageError on a wall
    # An identity call ("who am I"): a 2xx proves the cookie is logged in, and a login wall is no
    # obstacle for a source crawled without one. Other probes are data calls: a wall there is one.
    who_am_i: bool = False


def _tousu_companies(site: SourceProfile) -> str:
    params = {"sort_col": "4", "sort_ord": "2", "page_size": "1", "page": "1"}
    signed = TousuSigner(site.sign_key or "").sign("api/company/main_search", params, site.cookies())
    return "api/company/main_search?" + urlencode(signed.params)


PROBES: dict[str, Probe] = {
    "market": Probe(lambda s: "ser/list.htm?current_page=1"),
    # No known who-am-I call: the company list API itself answers 10005 to a missing or dead session.
    "complaints": Probe(_tousu_companies, complaints.companies_page),
    # 知乎's "who am I": public crawlers check a session with `/api/v4/me` (200 and the account when
    # logged in); without a session it answers 401 with an error object.
    "forum": Probe(lambda s: "api/v4/me", forum.check_api_error, who_am_i=True),
    "articles": Probe(
        lambda s: (
            "api/topic/load?"
            + urlencode({"page_size": 1, "topic_source_id": "mp_1", "page_no": 1, "source_id": "mp_1"})
        )
    ),
    "registry": Probe(lambda s: "search?" + urlencode({"key": "电子商务"})),
    "cases": Probe(lambda s: ""),
}
# A source without a probe of its own is checked at its base URL.
_HOME_PAGE = Probe(lambda s: "")


def check_profile(profile: Profile, opener: Callable | None = None) -> list[Check]:
    robots: dict[str, Protego | None] = {}
    return [check_source(profile, profile.source(name), robots, opener) for name in SOURCES]


def check_source(profile: Profile, site: SourceProfile, robots: dict, opener=None) -> Check:
    name = site.name
    if site.unsupported:
        return Check(
            name, "unsupported", site.unsupported, "nothing to do: this source is off in this profile"
        )
    if not site.enabled:
        why = "enabled = false in the profile" if site.configured else "no table for it in the profile"
        return Check(name, "disabled", why, "enable it in kaopu.toml to crawl it")
    probe = PROBES.get(name, _HOME_PAGE)
    try:
        path, _, query = probe.path(site).partition("?")
    except ValueError as exc:  # e.g. a signer without its key
        return Check(name, "config", str(exc), "fix the source's profile in kaopu.toml")
    url = site.url(path) + (f"?{query}" if query else "")
    headers = {"User-Agent": profile.user_agent, **site.headers}
    cookies = site.cookies()
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    cookie_note = _cookie_note(site, cookies)
    parser = _robots_for(url, headers["User-Agent"], robots, opener)
    if parser is not None and not parser.can_fetch(url, headers["User-Agent"]):
        return Check(name, "robots", "robots.txt disallows the probe", "nothing kaopu may do here", 0)
    try:
        status, body, resp_headers, final_url = _get(url, headers, opener)
    except OSError as exc:
        return Check(name, "unreachable", _short(exc), "check the network or the profile's base_url", 1)
    response = _response(final_url, status, body, resp_headers, headers)
    try:
        blocks.check(response)
        if probe.read is not None:
            probe.read(response)
        elif status >= 400:
            raise PageError(f"http_{status}", final_url)
    except PageError as exc:
        if exc.reason == "login_required" and probe.who_am_i and not site.cookie_env:
            # The profile crawls this source without a session: "not logged in" is the expected answer.
            return Check(name, "ok", "reachable; crawled without a login", "", 1)
        if blocks.is_block(exc):
            advice = blocks.ADVICE[exc.reason].format(cookie=site.cookie_env or "a cookie")
            return Check(name, exc.reason, str(exc), advice, 1)
        return Check(name, "error", str(exc), "the site answered in a shape kaopu does not know", 1)
    if probe.who_am_i and cookies:
        return Check(name, "ok", "reachable; logged in", "", 1)
    return Check(name, "ok", "reachable; " + cookie_note, "", 1)


def _cookie_note(site: SourceProfile, cookies: dict[str, str]) -> str:
    if not site.cookie_env:
        return "needs no cookie"
    if cookies:
        return f"{site.cookie_env} set (login not checkable without a who-am-I call)"
    return f"{site.cookie_env} not set (anonymous; some pages may need it)"


def _robots_for(url: str, agent: str, cache: dict, opener) -> Protego | None:
    """The host's robots.txt, fetched once per host; None when it has none (everything allowed)."""
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}"
    if host not in cache:
        try:
            status, body, _, _ = _get(host + "/robots.txt", {"User-Agent": agent}, opener)
        except OSError:
            status, body = 0, b""
        cache[host] = Protego.parse(body.decode("utf-8", "replace")) if status == 200 else None
    return cache[host]


def _get(url: str, headers: dict[str, str], opener=None) -> tuple[int, bytes, dict[str, str], str]:
    # Redirects are followed (a login wall is often one); geturl() says where we landed.
    request = urllib.request.Request(url, headers=headers)
    open_ = opener or urllib.request.urlopen
    try:
        with open_(request, timeout=TIMEOUT_S) as resp:
            return resp.status, resp.read(2_000_000), dict(resp.headers), resp.geturl()
    except urllib.error.HTTPError as exc:
        body = exc.read(2_000_000) if exc.fp else b""
        return exc.code, body, dict(exc.headers or {}), exc.geturl() or url


def _response(url: str, status: int, body: bytes, headers: dict[str, str], sent: dict[str, str]):
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    request = Request(url, headers={"Cookie": sent["Cookie"]} if "Cookie" in sent else {})
    return cls(url=url, status=status, headers=headers, body=body, request=request)


def _short(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc).splitlines()[0][:120]
