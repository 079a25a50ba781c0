"""淘宝服务市场 (service market): listing pages, service detail pages, the reviews JSONP.

list    /ser/list.htm?current_page=N          li.service-item → detail links; a.next while more
detail  /ser/detail.htm?service_code=CODE     the listing (title, legal name, brand, TP, price, scores)
reviews /score/query_suggest.do?…&callback=CB  CB({comments:[{id,userNick,comment,gmtCreate,avgScore}]})
        (a comment may carry the reviewer's buyer-credit icon, displayRatePic `b_red_3.gif`)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from pipelines.contracts import MarketListing, MarketReview
from spiders.pages.fields import (
    PageError,
    body_text,
    complete_html,
    dig,
    first_text,
    int_in,
    iso_date,
    load_jsonp,
    now_iso,
    price_range,
    text_of,
)


@dataclass(frozen=True)
class ListEntry:
    service_code: str
    detail_url: str
    title: str
    provider_name: str
    brand: str | None


def list_page(response) -> tuple[list[ListEntry], str | None]:
    entries = []
    for li in response.css("li.service-item"):
        code = li.attrib.get("data-service-code", "").strip()
        href = li.css("a.service-name::attr(href)").get()
        if not code or not href:
            continue
        entries.append(
            ListEntry(
                service_code=code,
                detail_url=response.urljoin(href),
                title=text_of(li.css("a.service-name")),
                provider_name=text_of(li.css(".provider-name")),
                brand=text_of(li.css(".brand")) or None,
            )
        )
    if not entries and not response.css("ul, .service-list, body"):
        raise PageError("malformed_html", "no list markup")
    nxt = response.css("a.next::attr(href)").get()
    return entries, response.urljoin(nxt) if nxt else None


def detail_page(response) -> tuple[MarketListing, str | None]:
    """The listing as its detail page shows it, and the URL of its first reviews page."""
    complete_html(response)
    code = _service_code(response)
    if not code:
        raise PageError("missing_service_code", response.url)
    root = response.css(".service-detail") or response
    price_text = text_of(root.css(".price")) or None
    low, high = price_range(price_text)
    star = root.css(".tp-star::attr(data-star)").get()
    scores: dict[str, float] = {}
    for node in root.css("li.score[data-name]"):
        try:
            scores[node.attrib["data-name"]] = float(text_of(node.css(".score-value")))
        except ValueError:
            continue
    listing = MarketListing(
        native_id=code,
        source_url=response.url,
        fetched_at=now_iso(),
        service_code=code,
        title=first_text(root.css(".service-title")) or first_text(root.css("h1")),
        provider_name=first_text(root.css(".provider-name")),
        brand=first_text(root.css(".brand")) or None,
        tp_star=int_in(star),
        price_text=price_text,
        price_min_cny=low,
        price_max_cny=high,
        user_count=int_in(text_of(root.css(".user-count"))),
        scores=scores,
        review_count=int_in(root.css("a.reviews::attr(data-total)").get()),
    )
    href = root.css("a.reviews::attr(href)").get()
    return listing, response.urljoin(href) if href else None


@dataclass(frozen=True)
class ReviewsPage:
    reviews: list[MarketReview]
    current: int
    total_pages: int


def reviews_page(response, service_code: str, provider_name: str | None = None) -> ReviewsPage:
    data = load_jsonp(body_text(response))
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise PageError("unexpected_shape", "no comments[]")
    fetched = now_iso()
    reviews = []
    for c in data["comments"]:
        if not isinstance(c, dict):
            continue
        native = c.get("id")
        score = c.get("avgScore")
        try:
            rating = float(score) if score not in (None, "") else None
        except (TypeError, ValueError):
            rating = None
        reviews.append(
            MarketReview(
                native_id=str(native) if native not in (None, "") else "",
                source_url=response.url,
                fetched_at=fetched,
                service_code=service_code,
                provider_name=provider_name,
                author=c.get("userNick") or None,
                text=(c.get("comment") or "").strip(),
                rating=rating,
                created_at=iso_date(c.get("gmtCreate")),
                author_level=credit_level(c.get("displayRatePic")),
            )
        )
    current = int_in(dig(data, "currentPage")) or 1
    total = int_in(dig(data, "totalPage")) or current
    return ReviewsPage(reviews, current, total)


def _service_code(response) -> str:
    marked = response.css("[data-service-code]::attr(data-service-code)").get()
    if marked:
        return marked.strip()
    return (parse_qs(urlparse(response.url).query).get("service_code") or [""])[0]


# Taobao's buyer-credit icons in order: hearts, diamonds, crowns, gold crowns, five of each.
_CREDIT_ICON = re.compile(r"b_(red|blue|cap|crown)_([1-5])\.(?:gif|png)", re.IGNORECASE)
_CREDIT_KINDS = ("red", "blue", "cap", "crown")


def credit_level(icon: object) -> int | None:
    """The reviewer's buyer-credit level from its icon file: 0 for an empty icon (fewer than 4
    points), 1–5 hearts, 6–10 diamonds, 11–15 crowns, 16–20 gold crowns; None when the comment
    shows no credit or an icon we do not know (never guessed)."""
    if icon is None:
        return None
    name = str(icon).strip()
    if not name:
        return 0
    m = _CREDIT_ICON.search(name)
    if m is None:
        return None
    return _CREDIT_KINDS.index(m.group(1).lower()) * 5 + int(m.group(2))
