"""Providers' own case sites: the directory, its search, and each provider's site of case lists and pages."""

from __future__ import annotations

import re

from sandbox.sites.web import (
    LIST_PAGE,
    LIST_PAGE_CAP,
    Answer,
    Route,
    esc,
    html_answer,
    int_param,
    next_link,
    not_found,
    page_html,
    paged,
)
from sandbox.world import World

SOURCE = "cases"
# The root page's link to this site.
ENTRY = ("/cases/", "服务商案例")
DISALLOW = "/cases/drafts/"  # robots.txt keeps crawlers out of this path
CASE_LIST_PAGE = 10


def _site_links(w: World, indexes) -> str:
    rows = "".join(
        f'<li><a class="site" href="/cases/{w.provider(i).site}/">{esc(w.provider(i).brand)}</a></li>'
        for i in indexes
    )
    return f'<ul class="sites">{rows}</ul>'


def case_directory(w: World, q: dict[str, str]) -> Answer:
    page = int_param(q, "page", 1, lo=1)
    span, more = paged(w.n, page, LIST_PAGE, LIST_PAGE_CAP)
    nav = next_link("/cases/", {"page": min(page, LIST_PAGE_CAP) + 1}) if more else ""
    return html_answer(
        page_html("服务商案例", _site_links(w, span) + nav + '<a href="/cases/drafts/">草稿</a>')
    )


def case_search(w: World, q: dict[str, str]) -> Answer:
    found = w.find_providers(q.get("q", ""))[:LIST_PAGE]
    return html_answer(page_html("搜索结果", _site_links(w, found)))


def case_site(w: World, site: str, rest: str, q: dict[str, str]) -> Answer:
    p = w.provider_by_site(site)
    if p is None:
        return not_found("站点不存在")
    header = f'<header><a class="brand" href="/cases/{p.site}/">{esc(p.brand)}</a></header>'
    footer = (
        f'<footer>© {p.established.year}-2026 <span class="legal-name">{esc(p.legal_name)}</span>'
        " 版权所有</footer>"
    )
    if rest == "":
        body = (
            f'{header}<h1 class="legal-name">{esc(p.legal_name)}</h1><p class="brand">{esc(p.brand)}</p>'
            f'<a class="cases" href="/cases/{p.site}/cases?page=1">成功案例</a>{footer}'
        )
        return html_answer(page_html(p.brand, body))
    if rest == "cases":
        page = int_param(q, "page", 1, lo=1)
        slots = w.timeline.case_slots(p.index)
        span, more = paged(len(slots), page, CASE_LIST_PAGE, LIST_PAGE_CAP)
        links = "".join(
            f'<li><a class="case-link" href="{w.case_path(p.index, slots[x])}">'
            f"{esc(w.timeline.case_page(p.index, slots[x]).title)}</a></li>"
            for x in span
        )
        nav = next_link(f"/cases/{p.site}/cases", {"page": page + 1}) if more else ""
        return html_answer(
            page_html(f"{p.brand} 成功案例", f'{header}<ul class="case-list">{links}</ul>{nav}{footer}')
        )
    m = re.fullmatch(r"case/(\d+)\.html", rest)
    cc = w.case_by_id(p, m.group(1)) if m else None
    if cc is None or not w.timeline.exists(cc.published):
        return not_found("案例不存在")
    doc = w.timeline.case_page(p.index, cc.slot)
    shown, _ = doc.date_printed
    paras = "".join(f"<p>{esc(x)}</p>" for x in doc.paragraphs)
    image = (
        f'<img class="case-figure" src="/static/cases/{p.site}-{cc.case_id}.png" alt="合作成果数据截图">'
        if cc.image_only
        else ""
    )
    if doc.template == 0:
        main = (
            f'<h1 class="case-title">{esc(doc.title)}</h1><div class="case-meta">'
            f'<span class="client">客户：{esc(cc.client)}</span>'
            f'<span class="category">类目：{esc(cc.category)}</span>'
            f'<span class="date">{esc(shown)}</span></div><div class="case-body">{paras}{image}</div>'
        )
    elif doc.template == 1:
        main = (
            f'<article><h2>{esc(doc.title)}</h2><table class="info">'
            f'<tr><th>合作品牌</th><td class="client">{esc(cc.client)}</td></tr>'
            f'<tr><th>所属类目</th><td class="category">{esc(cc.category)}</td></tr>'
            f'<tr><th>发布时间</th><td class="date">{esc(shown)}</td></tr></table>'
            f"<section>{paras}{image}</section></article>"
        )
    else:
        main = (
            f'<div class="title">{esc(doc.title)}</div><div class="meta">'
            f'<em class="client">{esc(cc.client)}</em> ｜ '
            f'<em class="category">{esc(cc.category)}</em> ｜ <time>{esc(shown)}</time></div>'
            f'<div class="content">{image}{paras}</div>'
        )
    return html_answer(page_html(doc.title, f"{header}<main>{main}</main>{footer}"))


ROUTES = [
    Route(re.compile(r"/cases/?"), case_directory, True),
    Route(re.compile(r"/cases/search"), case_search, True),
    Route(re.compile(r"/cases/([^/]+)/(.*)"), case_site, "both"),
]
