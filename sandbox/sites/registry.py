"""天眼查-style registry: the company search and company pages with their embedded Next.js JSON."""

from __future__ import annotations

import json
import re

from sandbox import dates
from sandbox.sites.web import Answer, Route, esc, html_answer, not_found, page_html
from sandbox.world import World

SOURCE = "registry"
# The root page's link to this site.
ENTRY = ("/registry/search?key=%E4%BB%A3%E8%BF%90%E8%90%A5", "企业信息")
DISALLOW = "/registry/export/"  # robots.txt keeps crawlers out of this path
REGISTRY_PAGE = 50


def _company_links(w: World, indexes) -> str:
    rows = "".join(
        f'<li><a class="company-link" href="/registry/company/{w.provider(i).company_id}">'
        f"{esc(w.provider(i).legal_name)}</a></li>"
        for i in indexes
    )
    return f'<ul class="companies">{rows}</ul>'


def registry_search(w: World, q: dict[str, str]) -> Answer:
    """`/search?key=K`: like the real site's, styled with hashed CSS-module class names that change
    with each release, so the only stable thing is the `/company/{id}` link."""
    found = w.find_providers(q.get("key", ""))[:REGISTRY_PAGE]
    rows = "".join(
        f'<div class="index_search-item__W7iG_"><div class="index_name__qEdWi">'
        f'<a class="index_alink__zcia5" href="/registry/company/{w.provider(i).company_id}">'
        f"{esc(w.provider(i).legal_name)}</a></div></div>"
        for i in found
    )
    return html_answer(page_html("搜索结果", f'<div class="index_list-wrap___axcs">{rows}</div>'))


def registry_company(w: World, cid: str) -> Answer:
    i = int(cid) - 3_000_000_000 if cid.isdigit() else -1
    if not 0 <= i < w.n:
        return not_found("企业不存在")
    p = w.provider(i)
    data = {
        "id": int(p.company_id),
        "name": p.legal_name,
        "alias": p.brand,
        "regStatus": p.reg_status,
        "regCapital": f"{p.capital_wan}万人民币",
        "estiblishTime": dates.epoch_ms(dates.dt.datetime.combine(p.established, dates.dt.time())),
        "socialStaffNum": p.staff,
        "lawsuitCount": p.lawsuits,
        "abnormalCount": p.abnormal,
        "businessScope": p.scope,
        "legalPersonName": p.legal_person,
        "regLocation": f"{p.city}市",
    }
    former = w.former_name(i)
    if former:  # 曾用名, as the registry lists it (the hard world's renamed agencies)
        data["historyNames"] = former
    next_data = {
        "props": {"pageProps": {"dehydratedState": {"queries": [{"state": {"data": {"data": data}}}]}}},
        "page": "/company/[id]",
        "query": {"id": p.company_id},
    }
    # "</" must not appear inside a script element: escape it the way Next.js does.
    blob = json.dumps(next_data, ensure_ascii=False).replace("</", "<\\/")
    body = (
        f'<h1 class="company-name">{esc(p.legal_name)}</h1>'
        f'<a class="export" href="/registry/export/{p.company_id}">导出报告</a>'
        f'<script id="__NEXT_DATA__" type="application/json">{blob}</script>'
    )
    return html_answer(page_html(p.legal_name, body))


ROUTES = [
    Route(re.compile(r"/registry/search"), registry_search, True),
    Route(re.compile(r"/registry/company/([^/]+)"), registry_company, False),
]
