"""Rendering: (world, path, query) → an HTTP answer in the shape of the real site it imitates.

Pure functions, no sockets: the server adds faults and logging around `render()`, and tests can
call it directly. Every string that came from the world is escaped where it is embedded, so the
visible text of a page is exactly the entity's text (see sandbox.expected).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from sandbox import dates, debris
from sandbox.world import World

SIGN_KEY = "$d6eb7ff91ee257475%"
MARKET_PAGE_CAP = 100
LIST_PAGE_CAP = 100  # every other HTML list: past it, the last allowed page again, like the market
MARKET_PAGE = 20
LIST_PAGE = 20
REGISTRY_PAGE = 50
CASE_LIST_PAGE = 10
REVIEW_PAGE = 20
ANSWER_PAGE = 20
COMMENT_PAGE = 30
COMPLAINT_PAGE_MAX = 10
# Small worlds are searched in full; big ones through the provider-name index (documented in README).
FULL_SCAN_LIMIT = 3000

ROBOTS_TXT = """User-agent: *
Disallow: /market/ser/admin/
Disallow: /complaints/user/
Disallow: /forum/people/
Disallow: /articles/preview/
Disallow: /registry/export/
Disallow: /cases/drafts/
"""

_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


@dataclass
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


class BadRequest(Exception):
    pass


def _html(body: str, status: int = 200, charset: str = "utf-8") -> Answer:
    return Answer(
        status, body.encode(charset, "xmlcharrefreplace"), [("Content-Type", f"text/html; charset={charset}")]
    )


def _json(obj, status: int = 200) -> Answer:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(status, data, [("Content-Type", "application/json; charset=utf-8")])


def not_found(what: str = "页面不存在") -> Answer:
    return _html(_page("404", f"<h1>404</h1><p>{html.escape(what)}</p>"), 404)


def _page(title: str, body: str, lang_meta: str = '<meta charset="utf-8">') -> str:
    return (
        f"<!DOCTYPE html>\n<html><head>{lang_meta}<title>{html.escape(title)}</title></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _int(query: dict[str, str], name: str, default: int, lo: int = 0, hi: int = 10**9) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an integer") from exc
    return min(max(value, lo), hi)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _next(path: str, params: dict[str, object]) -> str:
    return f'<a class="next" href="{_e(path + "?" + urlencode(params))}">下一页</a>'


def _paged(total: int, page: int, size: int, cap: int) -> tuple[range, bool]:
    """Items of page `page` (1-based) with the site's cap; and whether a next link is shown."""
    last = max(1, -(-total // size))
    shown = min(page, cap)
    if shown > last:
        return range(0), False
    start = (shown - 1) * size
    return range(start, min(total, start + size)), shown < min(last, cap)


# ----------------------------------------------------------------------------- root
def root(w: World, q: dict[str, str]) -> Answer:
    links = [
        ("/market/ser/list.htm?current_page=1", "服务市场"),
        ("/complaints/api/company/main_search?page=1", "投诉平台"),
        # 知乎, 搜狐 and 天眼查 can only be searched (no listing): their entry is a search.
        ("/forum/api/v4/search_v3?t=general&q=%E4%BB%A3%E8%BF%90%E8%90%A5", "问答社区"),
        ("/articles/search?keyword=%E4%BB%A3%E8%BF%90%E8%90%A5", "资讯文章"),
        ("/registry/search?key=%E4%BB%A3%E8%BF%90%E8%90%A5", "企业信息"),
        ("/cases/", "服务商案例"),
    ]
    items = "".join(f'<li><a class="source" href="{p}">{t}</a></li>' for p, t in links)
    return _html(_page("sandbox", f"<h1>kaopu sandbox</h1><ul>{items}</ul>"))


def robots(w: World, q: dict[str, str]) -> Answer:
    return Answer(200, ROBOTS_TXT.encode(), [("Content-Type", "text/plain; charset=utf-8")])


def disallowed(w: World, q: dict[str, str]) -> Answer:
    return _html(_page("内部页面", "<p>内部页面</p>"))


# ----------------------------------------------------------------------------- market
def market_list(w: World, q: dict[str, str]) -> Answer:
    page = _int(q, "current_page", 1, lo=1)
    keyword = q.get("keyword", "").strip()
    if keyword:
        found = [lst for i in w.find_providers(keyword) for lst in w.listings(i)]
        total, get = len(found), found.__getitem__
    else:
        total, get = w.n_listings_total(), w.listing_at
    span, more = _paged(total, page, MARKET_PAGE, MARKET_PAGE_CAP)
    rows = []
    for pos in span:
        lst = get(pos)
        p = w.provider(lst.provider)
        star = f'<span class="tp-star" data-star="{p.tp_star}">TP{p.tp_star}星</span>' if p.tp_star else ""
        rows.append(
            f'<li class="service-item" data-service-code="{lst.service_code}">'
            f'<a class="service-name" href="/market/ser/detail.htm?service_code={lst.service_code}">'
            f'{_e(lst.title)}</a> <span class="provider-name">{_e(p.legal_name)}</span> {star}'
            f'<span class="price">{_e(lst.price_text)}</span>'
            f' <span class="user-count">已有{lst.user_count}家在用</span>'
            "</li>"
        )
    params = {"current_page": min(page, MARKET_PAGE_CAP) + 1}
    if keyword:
        params = {"keyword": keyword, **params}
    nav = _next("/market/ser/list.htm", params) if more else ""
    body = (
        f'<div class="search-result"><ul class="service-list">{"".join(rows)}</ul></div>{nav}'
        '<div class="footer"><a href="/market/ser/admin/login.htm">服务商后台</a></div>'
    )
    return _html(_page("服务市场", body))


def market_detail(w: World, q: dict[str, str]) -> Answer:
    lst = w.listing_by_code(q.get("service_code", ""))
    if lst is None:
        return not_found("服务不存在")
    p = w.provider(lst.provider)
    star = f'<span class="tp-star" data-star="{p.tp_star}">TP{p.tp_star}星</span>' if p.tp_star else ""
    scores = "".join(
        f'<li class="score" data-name="{_e(k)}"><span class="score-name">{_e(k)}</span>'
        f'<span class="score-value">{v}</span></li>'
        for k, v in lst.scores.items()
    )
    reviews = (
        f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1&callback=jsonp_reviews"
    )
    body = (
        f'<div class="service-detail" data-service-code="{lst.service_code}">'
        f'<h1 class="service-title">{_e(lst.title)}</h1>'
        f'<div class="provider"><span class="provider-name">{_e(p.legal_name)}</span>'
        f'<span class="brand">{_e(p.brand)}</span>{star}</div>'
        f'<span class="price">{_e(lst.price_text)}</span>'
        f' <span class="user-count">已有{lst.user_count}家在用</span>'
        f'<ul class="scores">{scores}</ul>'
        f'<a class="reviews" href="{_e(reviews)}" data-total="{lst.n_reviews}">累计评价{lst.n_reviews}条</a>'
        "</div>"
    )
    return _html(_page(lst.title, body))


def market_reviews(w: World, q: dict[str, str]) -> Answer:
    callback = q.get("callback", "")
    if callback and not _CALLBACK.match(callback):
        raise BadRequest("bad callback")
    lst = w.listing_by_code(q.get("service_code", ""))
    page = _int(q, "currentPage", 1, lo=1)
    if lst is None:
        payload = {"comments": [], "currentPage": page, "totalPage": 0, "total": 0}
    else:
        reviews = w.reviews(lst.provider, lst.slot)
        newest = list(reversed(reviews))
        chunk = newest[(page - 1) * REVIEW_PAGE : page * REVIEW_PAGE]
        payload = {
            "comments": [
                {
                    "id": int(r.id),
                    "userNick": r.nick,
                    "comment": r.text,
                    "gmtCreate": dates.epoch_ms(r.created),
                    "avgScore": r.rating,
                }
                for r in chunk
            ],
            "currentPage": page,
            "totalPage": -(-len(reviews) // REVIEW_PAGE),
            "total": len(reviews),
        }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if not callback:
        return Answer(200, data.encode(), [("Content-Type", "application/json; charset=utf-8")])
    return Answer(200, f"{callback}({data});".encode(), [("Content-Type", "text/javascript; charset=utf-8")])


# ----------------------------------------------------------------------------- complaints
def _tousu_ok(data: dict) -> Answer:
    return _json({"result": {"status": {"code": 0, "msg": ""}, "data": data}})


def _company_row(w: World, i: int) -> dict:
    p = w.provider(i)
    return {"uid": int(p.couid), "title": p.brand, "url": f"//tousu.sina.com.cn/company/view/{p.couid}"}


def complaint_companies(w: World, q: dict[str, str]) -> Answer:
    """`/api/company/main_search?sort_col&sort_ord&page_size&page`: the companies, most complained
    about first on the real site (here: world order), keyed on `uid`."""
    page = _int(q, "page", 1, lo=1)
    size = _int(q, "page_size", 10, lo=1, hi=COMPLAINT_PAGE_MAX)
    span, _ = _paged(w.n, page, size, LIST_PAGE_CAP)
    pager = {"current": page, "page_amount": -(-w.n // size), "item_count": w.n}
    return _tousu_ok({"lists": [_company_row(w, i) for i in span], "pager": pager})


def complaint_company(w: World, couid: str) -> Answer:
    i = _couid_index(w, couid)
    if i is None:
        return not_found("企业不存在")
    p = w.provider(i)
    docs = w.complaints(i)
    body = (
        f'<div class="company-info" data-couid="{p.couid}"><h1>{_e(p.brand)}</h1>'
        f'<span class="count">累计投诉量 {len(docs)}</span></div>'
        '<p class="note">投诉列表由接口加载</p>'
    )
    return _html(_page(p.brand, body))


def _couid_index(w: World, couid: str) -> int | None:
    if not couid.isdigit():
        return None
    i = int(couid) - 5_000_000
    return i if 0 <= i < w.n else None


def complaint_search(w: World, q: dict[str, str]) -> Answer:
    """`/api/company/search?keywords=K`: companies whose name matches, keyed on `uid`."""
    found = w.find_providers(q.get("keywords", ""))[:50]
    return _tousu_ok(
        {"lists": [_company_row(w, i) for i in found], "pager": {"current": 1, "page_amount": 1}}
    )


def sign(ts: str, rs: str, couid: str, type_: str, page_size: str, page: str) -> str:
    """The complaints API signature, as the real site computes it."""
    return hashlib.sha256(
        "".join(sorted([ts, rs, SIGN_KEY, couid, type_, page_size, page])).encode()
    ).hexdigest()


def received_complaints(w: World, q: dict[str, str]) -> Answer:
    need = ("ts", "rs", "signature", "couid", "type", "page_size", "page")
    args = {k: q.get(k, "") for k in need}
    if not all(args[k] for k in need) or args["signature"] != sign(
        args["ts"], args["rs"], args["couid"], args["type"], args["page_size"], args["page"]
    ):
        return _json({"result": {"status": {"code": -1, "msg": "签名错误"}, "data": {}}})
    page = _int(q, "page", 1, lo=1)
    size = _int(q, "page_size", COMPLAINT_PAGE_MAX, lo=1, hi=COMPLAINT_PAGE_MAX)
    i = _couid_index(w, args["couid"])
    docs = w.complaints(i) if i is not None else []
    newest = list(reversed(docs))
    chunk = newest[(page - 1) * size : page * size]
    complaints = [
        {
            "main": {
                "sn": d.sn,
                "title": d.title,
                "cotitle": d.cotitle,
                "summary": d.summary,
                "appeal": d.appeal,
                "cost": d.cost_text,
                "timestamp": str(dates.epoch_s(d.created)),
                # The real API's url carries an `sld` query the detail page may need.
                "url": f"/complaints/complaint/view/{d.sn}/?sld={_sld(d.sn)}",
                "status": d.status,
            },
            "author": {"title": d.author},
        }
        for d in chunk
    ]
    pager = {"current": page, "page_amount": -(-len(docs) // size), "item_count": len(docs)}
    return _json(
        {"result": {"status": {"code": 0, "msg": ""}, "data": {"complaints": complaints, "pager": pager}}}
    )


def _sld(sn: str) -> str:
    return hashlib.md5(sn.encode()).hexdigest()[:16]


def complaint_view(w: World, sn: str) -> Answer:
    d = w.complaint_by_sn(sn)
    if d is None:
        return not_found("投诉不存在")
    status = {2: "处理中", 3: "已回复", 4: "已完成"}[d.status]
    facts = [
        ("投诉编号", d.sn),
        ("投诉对象", d.cotitle),
        ("投诉问题", d.title),
        ("投诉要求", d.appeal),
        ("涉诉金额", d.cost_text or "未填写"),
        ("投诉进度", status),
    ]
    lis = "".join(f"<li><label>{k}：</label><span>{_e(v)}</span></li>" for k, v in facts)
    steps = []
    for n, (moment, form, actor, text) in enumerate(d.timeline):
        shown, _ = dates.printed(moment, form)
        status = "投诉已发布" if n == 0 else "处理进度"
        steps.append(
            f'<div class="ts-d-item"><div class="ts-d-top"><span class="u-name">{_e(actor)}</span>'
            f'<span class="u-status">{status}</span><span class="u-date">{_e(shown)}</span></div>'
            f'<div class="ts-d-cont">{_e(text)}</div></div>'
        )
    first = d.timeline[0][0] if d.timeline else d.created
    posted = f"发布于 {first.year}年{first.month}月{first.day}日 {first.hour:02d}:{first.minute:02d}"
    body = (
        f'<div class="ts-d-question"><h1 class="article">{_e(d.title)}</h1>'
        f'<div class="ts-d-user"><a class="user" href="/complaints/user/{quote(d.author)}">'
        f'<span class="u-name">{_e(d.author)}</span></a><span class="u-date">{posted}</span></div>'
        f'<ul class="ts-q-list">{lis}</ul></div><div class="ts-d-steplist">{"".join(steps)}</div>'
    )
    return _html(_page(d.title, body))


# ----------------------------------------------------------------------------- forum
def forum_question(w: World, qid: str) -> Answer:
    k = w.question_index(qid)
    if k is None:
        return not_found("问题不存在")
    qu = w.question(k)
    authors = "".join(
        f'<a class="author" href="/forum/people/{a.url_token}">{_e(a.author)}</a>' for a in qu.answers[:5]
    )
    api = f"/forum/api/v4/questions/{qu.qid}/answers?" + urlencode(
        {"include": ANSWER_INCLUDE, "limit": ANSWER_PAGE, "offset": 0, "sort_by": "default"}
    )
    body = (
        f'<div class="QuestionHeader" data-qid="{qu.qid}">'
        f'<h1 class="QuestionHeader-title">{_e(qu.title)}</h1>'
        f'<span class="answer-count">{len(qu.answers)} 个回答</span></div>'
        f'<div class="answers" data-api="{_e(api)}"></div><div class="authors">{authors}</div>'
    )
    return _html(_page(qu.title, body))


# 知乎's answers API leaves `content` out unless the request's `include` asks for it.
ANSWER_INCLUDE = "data[*].content,voteup_count,created_time"


def _answer_json(w: World, qu, a, with_content: bool = True) -> dict:
    content = {"content": "".join(f"<p>{_e(p)}</p>" for p in a.paragraphs)} if with_content else {}
    return {
        "id": int(a.id),
        "type": "answer",
        **content,
        "voteup_count": a.voteup,
        "created_time": dates.epoch_s(a.created),
        "author": {"name": a.author, "url_token": a.url_token},
        "question": {"id": int(qu.qid), "title": qu.title},
    }


def forum_answers(w: World, qid: str, q: dict[str, str]) -> Answer:
    k = w.question_index(qid)
    if k is None:
        return _json({"error": {"code": 404, "message": "问题不存在"}}, 404)
    qu = w.question(k)
    limit = _int(q, "limit", ANSWER_PAGE, lo=1, hi=ANSWER_PAGE)
    offset = _int(q, "offset", 0, lo=0)
    chunk = qu.answers[offset : offset + limit]
    is_end = offset + limit >= len(qu.answers)
    include = q.get("include", "")
    more = {"include": include, "limit": limit, "offset": offset + limit, "sort_by": "default"}
    nxt = f"/forum/api/v4/questions/{qu.qid}/answers?" + urlencode(more)
    return _json(
        {
            "data": [_answer_json(w, qu, a, "content" in include) for a in chunk],
            "paging": {"is_end": is_end, "next": nxt, "totals": len(qu.answers)},
        }
    )


def _contains(text: str, key: str) -> bool:
    return key in debris.to_simplified(text).lower()


def forum_search(w: World, q: dict[str, str]) -> Answer:
    key = debris.to_simplified(q.get("q", "").strip()).lower()
    limit = _int(q, "limit", ANSWER_PAGE, lo=1, hi=ANSWER_PAGE)
    offset = _int(q, "offset", 0, lo=0)
    hits = []
    if key:
        if w.n_questions() <= FULL_SCAN_LIMIT:
            candidates = range(w.n_questions())
        else:
            candidates = sorted({qq for i in w.find_providers(key) for qq in w.questions_mentioning(i)})
        for k in candidates:
            qu = w.question(k)
            hits.extend((qu, a) for a in qu.answers if _contains(a.text, key))
    chunk = hits[offset : offset + limit]
    nxt = "/forum/api/v4/search_v3?" + urlencode(
        {"q": q.get("q", ""), "offset": offset + limit, "limit": limit}
    )
    return _json(
        {
            "data": [
                {"type": "search_result", "object": _answer_json(w, qu, a) | {"type": "answer"}}
                for qu, a in chunk
            ],
            "paging": {"is_end": offset + limit >= len(hits), "next": nxt},
        }
    )


# ----------------------------------------------------------------------------- articles
def _article_links(w: World, indexes: list[int] | range) -> str:
    rows = []
    for a in indexes:
        art = w.article(a)
        rows.append(
            f'<li><a class="article-link" href="/articles/a/{art.article_id}_{art.media_id}">'
            f"{_e(art.title)}</a></li>"
        )
    return f'<ul class="articles">{"".join(rows)}</ul>'


def article_search(w: World, q: dict[str, str]) -> Answer:
    keyword = q.get("keyword", "").strip()
    key = debris.to_simplified(keyword).lower()
    page = _int(q, "page", 1, lo=1)
    found: list[int] = []
    if key:
        if w.n_articles <= FULL_SCAN_LIMIT:
            candidates = range(w.n_articles)
        else:
            candidates = sorted({a for i in w.find_providers(key) for a in w.articles_mentioning(i)})
        for a in candidates:
            art = w.article(a)
            if _contains(art.title + "\n" + art.text, key) or any(
                _contains(cm.text, key) for cm in w.comments(a)
            ):
                found.append(a)
    span, more = _paged(len(found), page, LIST_PAGE, LIST_PAGE_CAP)
    nav = (
        _next("/articles/search", {"keyword": keyword, "page": min(page, LIST_PAGE_CAP) + 1}) if more else ""
    )
    return _html(_page("搜索结果", _article_links(w, [found[x] for x in span]) + nav))


def article_page(w: World, ids: str) -> Answer:
    article_id, _, media_id = ids.partition("_")
    a = w.article_index(article_id)
    if a is None or w.article(a).media_id != media_id:
        return not_found("文章不存在")
    art = w.article(a)
    shown, _ = art.date_printed
    paras = "".join(f"<p>{_e(p)}</p>" for p in art.paragraphs)
    comments = (
        f"/articles/api/topic/load?page_size={COMMENT_PAGE}&topic_source_id=mp_{art.article_id}"
        f"&page_no=1&media_id={art.media_id}&source_id=mp_{art.article_id}"
    )
    body = (
        f'<div class="text-title"><h1>{_e(art.title)}</h1>'
        f'<div class="article-info"><span class="author">{_e(art.publisher)}</span>'
        f'<span class="time" id="news-time">{_e(shown)}</span></div></div>'
        f'<article class="article" id="mp-editor">{paras}</article>'
        f'<div id="comment" data-api="{_e(comments)}" data-count="{art.n_comments}"></div>'
        f'<a class="preview" href="/articles/preview/{art.article_id}">预览</a>'
    )
    if art.encoding == "utf-8":
        return _html(_page(art.title, body))
    if art.encoding == "gbk-meta":
        # Declared only inside the page: the header says text/html with no charset.
        text = _page(art.title, body, '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
        return Answer(200, text.encode("gbk", "xmlcharrefreplace"), [("Content-Type", "text/html")])
    text = _page(art.title, body, "")  # declared only in the Content-Type header
    return Answer(200, text.encode("gbk", "xmlcharrefreplace"), [("Content-Type", "text/html; charset=GBK")])


def article_comments(w: World, q: dict[str, str]) -> Answer:
    source_id = q.get("topic_source_id") or q.get("source_id", "")
    page = _int(q, "page_no", 1, lo=1)
    size = _int(q, "page_size", COMMENT_PAGE, lo=1, hi=COMMENT_PAGE)
    a = w.article_index(source_id[3:]) if source_id.startswith("mp_") else None
    comments = w.comments(a) if a is not None else []
    newest = list(reversed(comments))
    chunk = newest[(page - 1) * size : page * size]
    return _json(
        {
            "jsonObject": {
                "comments": [
                    {
                        "comment_id": int(cm.comment_id),
                        "content": cm.text,
                        "create_time": dates.epoch_ms(cm.created),
                        "passport": {"nickname": cm.nick},
                        "ip_location": cm.ip_location,
                    }
                    for cm in chunk
                ],
                "cmt_sum": len(comments),
                "total_page_no": -(-len(comments) // size),
            }
        }
    )


# ----------------------------------------------------------------------------- registry
def _company_links(w: World, indexes) -> str:
    rows = "".join(
        f'<li><a class="company-link" href="/registry/company/{w.provider(i).company_id}">'
        f"{_e(w.provider(i).legal_name)}</a></li>"
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
        f"{_e(w.provider(i).legal_name)}</a></div></div>"
        for i in found
    )
    return _html(_page("搜索结果", f'<div class="index_list-wrap___axcs">{rows}</div>'))


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
    next_data = {
        "props": {"pageProps": {"dehydratedState": {"queries": [{"state": {"data": {"data": data}}}]}}},
        "page": "/company/[id]",
        "query": {"id": p.company_id},
    }
    # "</" must not appear inside a script element: escape it the way Next.js does.
    blob = json.dumps(next_data, ensure_ascii=False).replace("</", "<\\/")
    body = (
        f'<h1 class="company-name">{_e(p.legal_name)}</h1>'
        f'<a class="export" href="/registry/export/{p.company_id}">导出报告</a>'
        f'<script id="__NEXT_DATA__" type="application/json">{blob}</script>'
    )
    return _html(_page(p.legal_name, body))


# ----------------------------------------------------------------------------- cases
def _site_links(w: World, indexes) -> str:
    rows = "".join(
        f'<li><a class="site" href="/cases/{w.provider(i).site}/">{_e(w.provider(i).brand)}</a></li>'
        for i in indexes
    )
    return f'<ul class="sites">{rows}</ul>'


def case_directory(w: World, q: dict[str, str]) -> Answer:
    page = _int(q, "page", 1, lo=1)
    span, more = _paged(w.n, page, LIST_PAGE, LIST_PAGE_CAP)
    nav = _next("/cases/", {"page": min(page, LIST_PAGE_CAP) + 1}) if more else ""
    return _html(_page("服务商案例", _site_links(w, span) + nav + '<a href="/cases/drafts/">草稿</a>'))


def case_search(w: World, q: dict[str, str]) -> Answer:
    found = w.find_providers(q.get("q", ""))[:LIST_PAGE]
    return _html(_page("搜索结果", _site_links(w, found)))


def case_site(w: World, site: str, rest: str, q: dict[str, str]) -> Answer:
    p = w.provider_by_site(site)
    if p is None:
        return not_found("站点不存在")
    header = f'<header><a class="brand" href="/cases/{p.site}/">{_e(p.brand)}</a></header>'
    footer = (
        f'<footer>© {p.established.year}-2026 <span class="legal-name">{_e(p.legal_name)}</span>'
        " 版权所有</footer>"
    )
    if rest == "":
        body = (
            f'{header}<h1 class="legal-name">{_e(p.legal_name)}</h1><p class="brand">{_e(p.brand)}</p>'
            f'<a class="cases" href="/cases/{p.site}/cases?page=1">成功案例</a>{footer}'
        )
        return _html(_page(p.brand, body))
    if rest == "cases":
        page = _int(q, "page", 1, lo=1)
        span, more = _paged(p.n_cases, page, CASE_LIST_PAGE, LIST_PAGE_CAP)
        links = "".join(
            f'<li><a class="case-link" href="{w.case_path(p.index, k)}">'
            f"{_e(w.case_page(p.index, k).title)}</a></li>"
            for k in span
        )
        nav = _next(f"/cases/{p.site}/cases", {"page": page + 1}) if more else ""
        return _html(_page(f"{p.brand} 成功案例", f'{header}<ul class="case-list">{links}</ul>{nav}{footer}'))
    m = re.fullmatch(r"case/(\d+)\.html", rest)
    cc = w.case_by_id(p, m.group(1)) if m else None
    if cc is None:
        return not_found("案例不存在")
    doc = w.case_page(p.index, cc.slot)
    shown, _ = doc.date_printed
    paras = "".join(f"<p>{_e(x)}</p>" for x in doc.paragraphs)
    image = (
        f'<img class="case-figure" src="/static/cases/{p.site}-{cc.case_id}.png" alt="合作成果数据截图">'
        if cc.image_only
        else ""
    )
    if doc.template == 0:
        main = (
            f'<h1 class="case-title">{_e(doc.title)}</h1><div class="case-meta">'
            f'<span class="client">客户：{_e(cc.client)}</span>'
            f'<span class="category">类目：{_e(cc.category)}</span>'
            f'<span class="date">{_e(shown)}</span></div><div class="case-body">{paras}{image}</div>'
        )
    elif doc.template == 1:
        main = (
            f'<article><h2>{_e(doc.title)}</h2><table class="info">'
            f'<tr><th>合作品牌</th><td class="client">{_e(cc.client)}</td></tr>'
            f'<tr><th>所属类目</th><td class="category">{_e(cc.category)}</td></tr>'
            f'<tr><th>发布时间</th><td class="date">{_e(shown)}</td></tr></table>'
            f"<section>{paras}{image}</section></article>"
        )
    else:
        main = (
            f'<div class="title">{_e(doc.title)}</div><div class="meta">'
            f'<em class="client">{_e(cc.client)}</em> ｜ '
            f'<em class="category">{_e(cc.category)}</em> ｜ <time>{_e(shown)}</time></div>'
            f'<div class="content">{image}{paras}</div>'
        )
    return _html(_page(doc.title, f"{header}<main>{main}</main>{footer}"))


def forum_me(cookie: str) -> Answer:
    """知乎's `/api/v4/me`: the logged-in account, or 401 with the API's error object. The sandbox
    has no accounts: any `z_c0` session cookie counts as logged in."""
    if "z_c0=" not in cookie:
        return _json(
            {"error": {"code": 100, "message": "请求需要登录", "name": "AuthenticationInvalid"}}, 401
        )
    return _json({"id": "0f0f0f0f", "url_token": "sandbox-user", "name": "沙盒用户"})


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
            return _json({"result": {"status": {"code": 10005, "msg": "请先登录"}, "data": {}}})
        if path.startswith("/forum") and api:
            return _json({"error": {"code": 100, "message": "请登录", "name": "AuthenticationInvalid"}}, 401)
        target = "/login?from=" + quote(path) + "&mustlogin=1"
        return Answer(302, b"", [("Location", target)])
    if kind == "captcha":
        body = (
            '<div id="captcha"><p>请完成安全验证</p></div>'
            '<script src="https://static.geetest.com/static/js/gt.0.4.9.js"></script>'
        )
        return _html(_page("安全验证", body))
    if kind == "rate_limited":
        return Answer(429, b"Too Many Requests", [("Content-Type", "text/plain"), ("Retry-After", "0")])
    code = hashlib.sha256(path.encode()).hexdigest()[:12]
    body = f"<h1>系统检测到您当前帐号的操作存在异常</h1><p>识别码 403-{code}</p>"
    return _html(_page("系统检测到您当前帐号的操作存在异常", body), 403)


def login_page(w: World, q: dict[str, str]) -> Answer:
    return _html(_page("登录", '<form class="login" action="/login"><input name="mustlogin"></form>'))


# ----------------------------------------------------------------------------- routing
Route = Callable[..., Answer]
_ROUTES: list[tuple[re.Pattern[str], Route, bool]] = [
    # (pattern, handler, handler takes the query)
    (re.compile(r"/"), root, True),
    (re.compile(r"/login"), login_page, True),
    (re.compile(r"/robots\.txt"), robots, True),
    (
        re.compile(
            r"/(?:market/ser/admin|complaints/user|forum/people|articles/preview|registry/export|cases/drafts)/.*"
        ),
        disallowed,
        True,
    ),
    (re.compile(r"/market/ser/list\.htm"), market_list, True),
    (re.compile(r"/market/ser/detail\.htm"), market_detail, True),
    (re.compile(r"/market/score/query_suggest\.do"), market_reviews, True),
    (re.compile(r"/complaints/api/company/main_search"), complaint_companies, True),
    (re.compile(r"/complaints/company/view/([^/]+)"), complaint_company, False),
    (re.compile(r"/complaints/api/company/search"), complaint_search, True),
    (re.compile(r"/complaints/api/company/received_complaints"), received_complaints, True),
    (re.compile(r"/complaints/complaint/view/([^/]+)/?"), complaint_view, False),
    (re.compile(r"/forum/question/([^/]+)"), forum_question, False),
    (re.compile(r"/forum/api/v4/questions/([^/]+)/answers"), forum_answers, "both"),
    (re.compile(r"/forum/api/v4/search_v3"), forum_search, True),
    (re.compile(r"/articles/search"), article_search, True),
    (re.compile(r"/articles/a/([^/]+)"), article_page, False),
    (re.compile(r"/articles/api/topic/load"), article_comments, True),
    (re.compile(r"/registry/search"), registry_search, True),
    (re.compile(r"/registry/company/([^/]+)"), registry_company, False),
    (re.compile(r"/cases/?"), case_directory, True),
    (re.compile(r"/cases/search"), case_search, True),
    (re.compile(r"/cases/([^/]+)/(.*)"), case_site, "both"),
]


def render(w: World, path: str, query: dict[str, str], cookie: str = "") -> Answer:
    """The answer to GET `path` with the (single-valued) `query` parameters. `cookie` (the request's
    Cookie header) matters only to the "who am I" call, the one page that tells sessions apart."""
    if path == "/forum/api/v4/me":
        return forum_me(cookie)
    for pattern, handler, takes in _ROUTES:
        m = pattern.fullmatch(path)
        if not m:
            continue
        try:
            if takes is True:
                return handler(w, query)
            if takes is False:
                return handler(w, *m.groups())
            return handler(w, *m.groups(), query)
        except BadRequest as exc:
            return _html(_page("400", f"<h1>400</h1><p>{_e(exc)}</p>"), 400)
    return not_found()
