"""天眼查-style company registry: sitemap and search lists, company pages with Next.js JSON.

companies /companies?page=N, /search?key=K     a.company-link; a.next while more
company   /company/{cid}                       script#__NEXT_DATA__ →
          props.pageProps.dehydratedState.queries[0].state.data.data{…}
"""

from __future__ import annotations

import re

from pipelines.contracts import RegistryRecord
from pipelines.dates import SHANGHAI, parse_date
from spiders.pages.fields import (
    PageError,
    complete_html,
    dig,
    int_in,
    load_json,
    money_cny,
    now_iso,
)


def list_page(response) -> tuple[list[tuple[str, str]], str | None]:
    """[(company url, name)], next page url."""
    links = [
        (response.urljoin(a.attrib["href"]), " ".join(a.css("::text").getall()).strip())
        for a in response.css("a.company-link")
        if a.attrib.get("href")
    ]
    nxt = response.css("a.next::attr(href)").get()
    return links, response.urljoin(nxt) if nxt else None


def company_page(response) -> RegistryRecord:
    complete_html(response)
    script = response.css("script#__NEXT_DATA__::text").get()
    if script is None:
        raise PageError("malformed_html", "no __NEXT_DATA__ script")
    doc = load_json(script, what="__NEXT_DATA__")
    data = dig(doc, "props", "pageProps", "dehydratedState", "queries", 0, "state", "data", "data")
    if not isinstance(data, dict):
        raise PageError("unexpected_shape", "no company data in __NEXT_DATA__")
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


def _beijing_day(value) -> str | None:
    when = parse_date(value) if value not in (None, "") else None
    return when.astimezone(SHANGHAI).date().isoformat() if when else None
