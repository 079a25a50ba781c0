"""搜狐号-style articles and their comment API.

search   /search?keyword=K&page=N (no article listing)  a.article-link; a.next while more
article  /a/{articleId}_{mediaId}                        h1, span#news-time, .article-info .author,
                                                         article#mp-editor p (UTF-8 or GBK)
comments apiv2.sohu.com/api/topic/load?page_size&topic_source_id=mp_{articleId}&page_no=N&media_id&source_id
         → jsonObject{comments[]{comment_id,content,create_time(ms),passport.nickname,ip_location},
           cmt_sum, total_page_no}
Evidence for the comment API: public crawlers of apiv2.sohu.com (several, 2018–2022, found with the
search tool: Go and Python spiders requesting topic/load with topic_source_id=mp_{id}, media_id,
page_no, page_size and reading comments[].content/create_time/passport.nickname); `total_page_no`
as DESIGN.md's source table records it. The article selectors are thinly evidenced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.contracts import Article, Comment
from spiders.pages.fields import PageError, complete_html, dig, int_in, iso_date, json_of, now_iso, text_of

_ARTICLE_PATH = re.compile(r"/a/(?P<article>\d+)_(?P<media>\d+)")


def article_ids(url: str) -> tuple[str, str] | None:
    """(articleId, mediaId) from an article URL, or None when the URL is not an article."""
    m = _ARTICLE_PATH.search(url)
    return (m.group("article"), m.group("media")) if m else None


def list_page(response) -> tuple[list[str], str | None]:
    urls = [response.urljoin(h) for h in response.css("a.article-link::attr(href)").getall()]
    nxt = response.css("a.next::attr(href)").get()
    return urls, response.urljoin(nxt) if nxt else None


def article_page(response, today=None) -> Article:
    """The article. Scrapy decodes GBK from the header or the <meta>; `response.text` is str here."""
    complete_html(response)
    ids = article_ids(response.url)
    if ids is None:
        raise PageError("not_an_article", response.url)
    if not response.css("h1, article#mp-editor"):
        raise PageError("malformed_html", "no h1 and no article#mp-editor")
    paragraphs = [text_of(p) for p in response.css("article#mp-editor p")]
    date_raw = text_of(response.css("span#news-time")) or None
    published = iso_date(date_raw, today)
    return Article(
        native_id=ids[0],
        source_url=response.url,
        fetched_at=now_iso(),
        title=text_of(response.css("h1")),
        publisher=text_of(response.css(".article-info .author")) or None,
        text="\n".join(p for p in paragraphs if p),
        published_at=published,
        date_raw=date_raw,
    )


@dataclass(frozen=True)
class CommentsPage:
    comments: list[Comment]
    total_pages: int


def comments_page(response, article_id: str) -> CommentsPage:
    data = json_of(response, what="comments")
    rows = dig(data, "jsonObject", "comments")
    if not isinstance(rows, list):
        raise PageError("unexpected_shape", "no jsonObject.comments[]")
    fetched = now_iso()
    comments = [
        Comment(
            # "c" keeps a comment's id apart from article ids: both are `articles:<id>` item ids.
            native_id=f"c{row['comment_id']}" if row.get("comment_id") not in (None, "") else "",
            source_url=response.url,
            fetched_at=fetched,
            article_id=article_id,
            author=dig(row, "passport", "nickname") or None,
            text=(row.get("content") or "").strip(),
            ip_location=row.get("ip_location") or None,
            created_at=iso_date(row.get("create_time")),
        )
        for row in rows
        if isinstance(row, dict)
    ]
    total = int_in(dig(data, "jsonObject", "total_page_no"))
    return CommentsPage(comments, total if total is not None else 1)
