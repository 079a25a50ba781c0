"""天眼查-style company registry: search results and company pages with Next.js JSON.

search    /search?key=K (there is no company listing)     any a[href] to /company/{id}; a.next
company   /company/{cid}                       script#__NEXT_DATA__ →
          props.pageProps.dehydratedState.queries[0].state.data.data{…}
"""

from __future__ import annotations

import re

from pipelines.contracts import RegistryRecord
from pipelines.dates import SHANGHAI, parse_date
from spiders.pages import blocks
from spiders.pages.fields import (
    PageError,
    complete_html,
    dig,
    epoch_datetime,
    int_in,
    load_json,
    money_cny,
    now_iso,
)

_COMPANY_LINK = re.compile(r"/company/\d+/?$")


def list_page(response) -> tuple[list[tuple[str, str]], str | None]:
    """[(company url, name)], next page url. The real search page's class names are hashed and
    change with each release: any link to `/company/{id}` is a company, once each."""
    links: list[tuple[str, str]] = []
    for a in response.css("a[href]"):
        url = response.urljoin(a.attrib["href"])
        if _COMPANY_LINK.search(url.split("?")[0]) and url not in [u for u, _ in links]:
            links.append((url, " ".join(a.css("::text").getall()).strip()))
    nxt = response.css("a.next::attr(href)").get()
    return links, response.urljoin(nxt) if nxt else None


def company_page(response) -> RegistryRecord:
    complete_html(response)
    script = response.css("script#__NEXT_DATA__::text").get()
    if script is None:
        raise PageError("malformed_html", "no __NEXT_DATA__ script")
    doc = load_json(script, what="__NEXT_DATA__")
    data = _company_data(doc, response)
    cid = data.get("id")
    if cid in (None, ""):
        m = re.search(r"/company/([^/?#]+)", response.url)
        cid = m.group(1) if m else ""
    capital = data.get("regCapital")
    return RegistryRecord(
        native_id=str(cid),
        source_url=response.url,
        fetched_at=now_iso(),
        company_id=str(cid),
        legal_name=(data.get("name") or "").strip(),
        alias=data.get("alias") or None,
        reg_status=data.get("regStatus") or None,
        reg_capital_cny=money_cny(capital),
        reg_capital_text=str(capital) if capital not in (None, "") else None,
        # 成立日期 is a calendar day in Beijing; keep the date part of the Beijing wall time.
        established=_beijing_day(data.get("estiblishTime")),
        staff_insured=int_in(data.get("socialStaffNum")),
        lawsuit_count=int_in(data.get("lawsuitCount")),
        abnormal_count=int_in(data.get("abnormalCount")),
        business_scope=data.get("businessScope") or None,
        legal_person=data.get("legalPersonName") or None,
        location=data.get("regLocation") or None,
    )


def _company_data(doc, response) -> dict:
    """The company record: the `state.data` of whichever dehydrated query carries one. Beside it sit
    `isLogin` (0 for an anonymous view, which still shows the basics) and `errorCode` (non-zero
    when the site withholds the data). Evidence: a saved page's JSON in Ai-18k/haha
    reviewBUG/详情页数据提取.py (`state: "ok"`, `isLogin: 0`, `errorCode: 0`, `data{regStatus, …}`)."""
    queries = dig(doc, "props", "pageProps", "dehydratedState", "queries")
    if not isinstance(queries, list):
        raise PageError("unexpected_shape", "no dehydratedState.queries[] in __NEXT_DATA__")
    withheld = None
    for query in queries:
        state = dig(query, "state", "data")
        if not isinstance(state, dict):
            continue
        data = state.get("data")
        if isinstance(data, dict) and (data.get("name") or data.get("regStatus")):
            return data
        if int_in(state.get("errorCode")):
            withheld = state
    if withheld is not None:
        detail = f"errorCode {withheld.get('errorCode')} {withheld.get('message') or ''}".strip()
        if not int_in(withheld.get("isLogin")):
            raise blocks.login_wall(response, detail)
        raise PageError("api_error", detail)
    raise PageError("unexpected_shape", "no company data in __NEXT_DATA__")


def _beijing_day(value) -> str | None:
    """成立日期 as a Beijing calendar day, from an epoch of any year (epoch_datetime) or a printed date."""
    if value in (None, ""):
        return None
    when = epoch_datetime(value) or parse_date(value)
    return when.astimezone(SHANGHAI).date().isoformat() if when else None
