"""派代-style merchant board: the thread list and thread pages (one BoardPost per post)."""

from __future__ import annotations

import re

from pipelines.contracts import BoardPost
from spiders.pages.fields import PageError, complete_html, html_text, iso_date, now_iso, text_of

_THREAD = re.compile(r"/thread/(\d+)\.html")


def thread_list(response) -> tuple[list[str], str | None]:
    complete_html(response)
    urls = [response.urljoin(u) for u in response.css("li.thread a::attr(href)").getall()]
    nxt = response.css("a.next::attr(href)").get()
    return urls, response.urljoin(nxt) if nxt else None


def thread_page(response, today=None) -> list[BoardPost]:
    complete_html(response)
    m = _THREAD.search(response.url)
    title = text_of(response.css("h1.thread-title"))
    if m is None or not title:
        raise PageError("not_a_thread", response.url)
    return [
        BoardPost(
            native_id=post.attrib.get("data-pid", ""),
            source_url=response.url,
            fetched_at=now_iso(),
            thread_id=m.group(1),
            thread_title=title,
            author=text_of(post.css(".poster")) or None,
            text=html_text(post.css(".post-body").get()),
            created_at=iso_date(text_of(post.css(".post-time")), today),
        )
        for post in response.css("div.post")
    ]
