"""搜狐号-style articles: the search page, article pages and the comment API."""

from __future__ import annotations

import re

from sandbox import dates, debris
from sandbox.sites.web import (
    FULL_SCAN_LIMIT,
    LIST_PAGE,
    LIST_PAGE_CAP,
    Answer,
    Route,
    contains_key,
    esc,
    html_answer,
    int_param,
    json_answer,
    next_link,
    not_found,
    page_html,
    paged,
)
from sandbox.world import World

SOURCE = "articles"
# The root page's link to this site.
ENTRY = ("/articles/search?keyword=%E4%BB%A3%E8%BF%90%E8%90%A5", "资讯文章")
DISALLOW = "/articles/preview/"  # robots.txt keeps crawlers out of this path
COMMENT_PAGE = 30


def _article_links(w: World, indexes: list[int] | range) -> str:
    rows = []
    for a in indexes:
        art = w.article(a)
        rows.append(
            f'<li><a class="article-link" href="/articles/a/{art.article_id}_{art.media_id}">'
            f"{esc(art.title)}</a></li>"
        )
    return f'<ul class="articles">{"".join(rows)}</ul>'


def article_search(w: World, q: dict[str, str]) -> Answer:
    keyword = q.get("keyword", "").strip()
    key = debris.to_simplified(keyword).lower()
    page = int_param(q, "page", 1, lo=1)
    found: list[int] = []
    if key:
        if w.n_articles <= FULL_SCAN_LIMIT:
            candidates = range(w.n_articles)
        else:
            candidates = sorted({a for i in w.find_providers(key) for a in w.articles_mentioning(i)})
        for a in candidates:
            if not w.timeline.article_exists(a):
                continue
            art = w.article(a)
            if contains_key(art.title + "\n" + art.text, key) or any(
                contains_key(cm.text, key) for cm in w.timeline.comments(a)
            ):
                found.append(a)
    span, more = paged(len(found), page, LIST_PAGE, LIST_PAGE_CAP)
    nav = (
        next_link("/articles/search", {"keyword": keyword, "page": min(page, LIST_PAGE_CAP) + 1})
        if more
        else ""
    )
    return html_answer(page_html("搜索结果", _article_links(w, [found[x] for x in span]) + nav))


def article_page(w: World, ids: str) -> Answer:
    article_id, _, media_id = ids.partition("_")
    a = w.article_index(article_id)
    if a is None or w.article(a).media_id != media_id or not w.timeline.article_exists(a):
        return not_found("文章不存在")
    art = w.article(a)
    shown, _ = art.date_printed
    paras = "".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
    comments = (
        f"/articles/api/topic/load?page_size={COMMENT_PAGE}&topic_source_id=mp_{art.article_id}"
        f"&page_no=1&media_id={art.media_id}&source_id=mp_{art.article_id}"
    )
    body = (
        f'<div class="text-title"><h1>{esc(art.title)}</h1>'
        f'<div class="article-info"><span class="author">{esc(art.publisher)}</span>'
        f'<span class="time" id="news-time">{esc(shown)}</span></div></div>'
        f'<article class="article" id="mp-editor">{paras}</article>'
        f'<div id="comment" data-api="{esc(comments)}" data-count="{_n_comments(w, a)}"></div>'
        f'<a class="preview" href="/articles/preview/{art.article_id}">预览</a>'
    )
    if art.encoding == "utf-8":
        return html_answer(page_html(art.title, body))
    if art.encoding == "gbk-meta":
        # Declared only inside the page: the header says text/html with no charset.
        text = page_html(art.title, body, '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
        return Answer(200, text.encode("gbk", "xmlcharrefreplace"), [("Content-Type", "text/html")])
    text = page_html(art.title, body, "")  # declared only in the Content-Type header
    return Answer(200, text.encode("gbk", "xmlcharrefreplace"), [("Content-Type", "text/html; charset=GBK")])


def _n_comments(w: World, a: int) -> int:
    return len(w.timeline.comments(a)) if w.timeline.moving else w.article(a).n_comments


def article_comments(w: World, q: dict[str, str]) -> Answer:
    source_id = q.get("topic_source_id") or q.get("source_id", "")
    page = int_param(q, "page_no", 1, lo=1)
    size = int_param(q, "page_size", COMMENT_PAGE, lo=1, hi=COMMENT_PAGE)
    a = w.article_index(source_id[3:]) if source_id.startswith("mp_") else None
    comments = w.timeline.comments(a) if a is not None else []
    newest = list(reversed(comments))
    chunk = newest[(page - 1) * size : page * size]
    return json_answer(
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


ROUTES = [
    Route(re.compile(r"/articles/search"), article_search, True),
    Route(re.compile(r"/articles/a/([^/]+)"), article_page, False),
    Route(re.compile(r"/articles/api/topic/load"), article_comments, True),
]
