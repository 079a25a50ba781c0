"""淘宝服务市场 (market): service list, service detail, the reviews JSONP."""

from __future__ import annotations

import json
import re

from sandbox import adversary, dates
from sandbox.sites.web import (
    Answer,
    BadRequest,
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

SOURCE = "market"
# The root page's link to this site.
ENTRY = ("/market/ser/list.htm?current_page=1", "服务市场")
DISALLOW = "/market/ser/admin/"  # robots.txt keeps crawlers out of this path
MARKET_PAGE_CAP = 100
MARKET_PAGE = 20
REVIEW_PAGE = 20
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def market_list(w: World, q: dict[str, str]) -> Answer:
    page = int_param(q, "current_page", 1, lo=1)
    keyword = q.get("keyword", "").strip()
    if keyword:
        found = [lst for i in w.find_providers(keyword) for lst in w.listings(i)]
        total, get = len(found), found.__getitem__
    else:
        total, get = w.n_listings_total(), w.listing_at
    span, more = paged(total, page, MARKET_PAGE, MARKET_PAGE_CAP)
    rows = []
    for pos in span:
        lst = get(pos)
        p = w.provider(lst.provider)
        star = f'<span class="tp-star" data-star="{p.tp_star}">TP{p.tp_star}星</span>' if p.tp_star else ""
        rows.append(
            f'<li class="service-item" data-service-code="{lst.service_code}">'
            f'<a class="service-name" href="/market/ser/detail.htm?service_code={lst.service_code}">'
            f'{esc(lst.title)}</a> <span class="provider-name">{esc(p.legal_name)}</span> {star}'
            f'<span class="price">{esc(lst.price_text)}</span>'
            f' <span class="user-count">已有{lst.user_count}家在用</span>'
            "</li>"
        )
    params = {"current_page": min(page, MARKET_PAGE_CAP) + 1}
    if keyword:
        params = {"keyword": keyword, **params}
    nav = next_link("/market/ser/list.htm", params) if more else ""
    body = (
        f'<div class="search-result"><ul class="service-list">{"".join(rows)}</ul></div>{nav}'
        '<div class="footer"><a href="/market/ser/admin/login.htm">服务商后台</a></div>'
    )
    return html_answer(page_html("服务市场", body))


def market_detail(w: World, q: dict[str, str]) -> Answer:
    lst = w.listing_by_code(q.get("service_code", ""))
    if lst is None:
        return not_found("服务不存在")
    p = w.provider(lst.provider)
    n_reviews = len(w.timeline.reviews(lst.provider, lst.slot)) if w.timeline.moving else lst.n_reviews
    star = f'<span class="tp-star" data-star="{p.tp_star}">TP{p.tp_star}星</span>' if p.tp_star else ""
    scores = "".join(
        f'<li class="score" data-name="{esc(k)}"><span class="score-name">{esc(k)}</span>'
        f'<span class="score-value">{v}</span></li>'
        for k, v in lst.scores.items()
    )
    reviews = (
        f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1&callback=jsonp_reviews"
    )
    body = (
        f'<div class="service-detail" data-service-code="{lst.service_code}">'
        f'<h1 class="service-title">{esc(lst.title)}</h1>'
        f'<div class="provider"><span class="provider-name">{esc(p.legal_name)}</span>'
        f'<span class="brand">{esc(p.brand)}</span>{star}</div>'
        f'<span class="price">{esc(lst.price_text)}</span>'
        f' <span class="user-count">已有{lst.user_count}家在用</span>'
        f'<ul class="scores">{scores}</ul>'
        f'<a class="reviews" href="{esc(reviews)}" data-total="{n_reviews}">累计评价{n_reviews}条</a>'
        "</div>"
    )
    return html_answer(page_html(lst.title, body))


def _comment(r) -> dict:
    """One review as the list shows it; the hard world adds the reviewer's buyer-credit icon."""
    out = {
        "id": int(r.id),
        "userNick": r.nick,
        "comment": r.text,
        "gmtCreate": dates.epoch_ms(r.created),
        "avgScore": r.rating,
    }
    icon = adversary.credit_icon(r.credit)
    if icon is not None:
        out["displayRatePic"] = icon
    return out


def market_reviews(w: World, q: dict[str, str]) -> Answer:
    callback = q.get("callback", "")
    if callback and not _CALLBACK.match(callback):
        raise BadRequest("bad callback")
    lst = w.listing_by_code(q.get("service_code", ""))
    page = int_param(q, "currentPage", 1, lo=1)
    if lst is None:
        payload = {"comments": [], "currentPage": page, "totalPage": 0, "total": 0}
    else:
        reviews = w.timeline.reviews(lst.provider, lst.slot)
        newest = list(reversed(reviews))
        chunk = newest[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]
        payload = {
            "comments": [_comment(r) for r in chunk],
            "currentPage": page,
            "totalPage": -(-len(reviews) // REVIEW_PAGE),
            "total": len(reviews),
        }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if not callback:
        return Answer(200, data.encode(), [("Content-Type", "application/json; charset=utf-8")])
    return Answer(200, f"{callback}({data});".encode(), [("Content-Type", "text/javascript; charset=utf-8")])


ROUTES = [
    Route(re.compile(r"/market/ser/list\.htm"), market_list, True),
    Route(re.compile(r"/market/ser/detail\.htm"), market_detail, True),
    Route(re.compile(r"/market/score/query_suggest\.do"), market_reviews, True),
]
