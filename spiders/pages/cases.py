"""Providers' own 成功案例 pages: loose HTML in several templates, read by cues rather than one layout.

    directory /cases/?page=N, /cases/search?q=K    a.site → a provider's site; a.next while more
    home      /cases/{site}/                        legal name, brand, links to its case lists
    list      /cases/{site}/cases?page=N            a.case-link; a.next while more
    case      /cases/{site}/case/{id}.html          client, category, numbers, period, a date

The numbers are kept as written in `text`; claim extraction happens later, from raw. A case whose
numbers appear only in an image is flagged (`image_only`), never filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.contracts import CasePage
from spiders.pages.fields import PageError, complete_html, first_text, iso_date, now_iso, text_of

_SITE = re.compile(r"/cases/(?P<site>[^/?#]+)/")
_CASE = re.compile(r"/case/(?P<case>[^/?#]+?)(?:\.html?)?(?:[?#]|$)")
# A number a growth claim would be written with: 35%, 120万, 3倍, ¥50,000, 1.2亿
_CLAIM_NUMBER = re.compile(r"\d[\d,.]*\s*(?:%|％|万|亿|倍|元|k|K|w|W)|[¥￥]\s*\d")
_LABELS = {
    "client": ("客户", "合作客户", "客户名称", "店铺", "品牌", "合作品牌", "Client", "client"),
    "category": ("类目", "行业", "所属类目", "经营类目", "Category", "category"),
}


def site_of(url: str) -> str | None:
    m = _SITE.search(url)
    return m.group("site") if m and m.group("site") not in ("search",) else None


def case_id_of(url: str) -> str | None:
    m = _CASE.search(url)
    return m.group("case") if m else None


def directory_page(response) -> tuple[list[tuple[str, str]], str | None]:
    """[(site home url, brand)], next page url."""
    sites = [
        (response.urljoin(a.attrib["href"]), text_of(a))
        for a in response.css("a.site")
        if a.attrib.get("href")
    ]
    nxt = response.css("a.next::attr(href)").get()
    return sites, response.urljoin(nxt) if nxt else None


@dataclass(frozen=True)
class SiteHome:
    site: str
    legal_name: str | None
    brand: str | None
    list_urls: list[str]


def site_home(response) -> SiteHome:
    site = site_of(response.url)
    if site is None:
        raise PageError("not_a_site", response.url)
    # The legal name heads the page (and is repeated in the footer's copyright line).
    legal = first_text(response.css("h1.company, h1.company-name, .legal-name, .company")) or None
    brand = first_text(response.css("p.brand, .brand")) or None
    lists = [
        response.urljoin(h)
        for h in response.css("a::attr(href)").getall()
        if re.search(rf"/cases/{re.escape(site)}/cases(?:\?|$)", response.urljoin(h))
    ]
    return SiteHome(site, legal, brand, list(dict.fromkeys(lists)))


def case_list(response) -> tuple[list[str], str | None]:
    urls = [response.urljoin(h) for h in response.css("a.case-link::attr(href)").getall()]
    nxt = response.css("a.next::attr(href)").get()
    return list(dict.fromkeys(urls)), response.urljoin(nxt) if nxt else None


def case_page(response, provider_name: str | None = None, today=None) -> CasePage:
    complete_html(response)
    site = site_of(response.url)
    case_id = case_id_of(response.url)
    if site is None or case_id is None:
        raise PageError("not_a_case", response.url)
    main = response.css("main, article, .case-detail, #content") or response.css("body")
    if not main:
        raise PageError("malformed_html", "no body")
    # The story is the paragraphs of the main block; header, footer and the meta line are not.
    paragraphs = [p for p in (_paragraph(node) for node in main[0].css("p")) if p]
    text = "\n".join(paragraphs)
    title = first_text(
        response.css("h1.case-title, article h2, .case-title, div.title, main h1, h1")
    ) or first_text(response.css("title"))
    client = _labelled(response, "client")
    category = _labelled(response, "category")
    date_text = (
        response.css("time::attr(datetime)").get()
        or text_of(response.css("time, .date, .publish-time, .case-date"))
        or None
    )
    has_image = bool(response.css("img"))
    image_only = has_image and not _CLAIM_NUMBER.search(text)
    return CasePage(
        native_id=f"{site}/{case_id}",
        source_url=response.url,
        fetched_at=now_iso(),
        site=site,
        provider_name=provider_name or (text_of(response.css(".provider-name, .legal-name")) or None),
        title=title,
        client=client,
        category=category,
        text=text,
        published_at=iso_date(date_text, today) if date_text else _first_date(text),
        image_only=image_only,
    )


def _paragraph(node) -> str:
    return "".join(node.css("::text").getall()).strip()


def _labelled(response, field: str) -> str | None:
    """A value marked up by class (`.client`) or written after a label (`客户：某某旗舰店`)."""
    marked = first_text(response.css(f".{field}, [data-{field}]"))
    if marked:
        return re.sub(r"^[^:：]{1,6}[:：]\s*", "", marked).strip() or None
    body = " ".join(response.css("body ::text").getall())
    for label in _LABELS[field]:
        found = re.search(rf"{label}\s*[:：]\s*([^\s,，。;；|]+)", body)
        if found:
            return found.group(1).strip()
    return None


def _first_date(text: str) -> str | None:
    m = re.search(r"(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}", text)
    return iso_date(m.group(0)) if m else None
