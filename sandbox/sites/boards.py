"""派代-style merchant board (boards): a paged thread list and thread pages of posts. The posts are
the world's forum answers, shown as threads: a second place merchants tell the same stories."""

from __future__ import annotations

import re

from sandbox import dates
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

SOURCE = "boards"
# The root page's link to this site.
ENTRY = ("/boards/threads?page=1", "商家论坛")
DISALLOW = "/boards/admin/"  # robots.txt keeps crawlers out of this path


def thread_list(w: World, q: dict[str, str]) -> Answer:
    page = int_param(q, "page", 1, lo=1)
    span, more = paged(w.n_questions(), page, LIST_PAGE, LIST_PAGE_CAP)
    threads = [w.question(k) for k in span]
    rows = "".join(
        f'<li class="thread"><a href="/boards/thread/{t.qid}.html">{esc(t.title)}</a></li>' for t in threads
    )
    nav = next_link("/boards/threads", {"page": min(page, LIST_PAGE_CAP) + 1}) if more else ""
    return html_answer(page_html("商家论坛", f'<ul class="threads">{rows}</ul>{nav}'))


def thread_page(w: World, qid: str) -> Answer:
    k = w.question_index(qid)
    if k is None:
        return not_found("帖子不存在")
    qu = w.question(k)
    posts = "".join(
        f'<div class="post" data-pid="{a.id}"><span class="poster">{esc(a.author)}</span>'
        f'<span class="post-time">{dates.printed(a.created, "pipe")[0]}</span>'
        f'<div class="post-body">{"".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)}</div></div>'
        for a in qu.answers
    )
    body = f'<h1 class="thread-title" data-tid="{qu.qid}">{esc(qu.title)}</h1>{posts}'
    return html_answer(page_html(qu.title, body))


ROUTES = [
    Route(re.compile(r"/boards/(?:threads)?"), thread_list, True),
    Route(re.compile(r"/boards/thread/(\d+)\.html"), thread_page, False),
]


def expected_items(w: World):
    """The posts a perfect spider reads from the threads (the ground truth for the crawl tests)."""
    from pipelines.contracts import BoardPost
    from sandbox.world import FETCHED_AT, HOST

    for q in range(w.n_questions()):
        qu = w.question(q)
        for a in qu.answers:
            _, when = dates.printed(a.created, "pipe")
            yield BoardPost(
                native_id=a.id,
                source_url=f"{HOST}/boards/thread/{qu.qid}.html",
                fetched_at=FETCHED_AT,
                thread_id=qu.qid,
                thread_title=qu.title,
                author=a.author,
                text=a.text,
                created_at=dates.iso(when),
            )


def count_documents(w: World) -> dict[str, int]:
    return {"board_post": sum(len(w.question(q).answers) for q in range(w.n_questions()))}
