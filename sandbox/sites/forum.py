"""知乎-style Q&A (forum): question pages, the answers API, the search API and the who-am-I call."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from sandbox import dates, debris
from sandbox.sites.web import (
    FULL_SCAN_LIMIT,
    Answer,
    Route,
    contains_key,
    esc,
    html_answer,
    int_param,
    json_answer,
    not_found,
    page_html,
)
from sandbox.world import World

SOURCE = "forum"
# The root page's link to this site.
ENTRY = ("/forum/api/v4/search_v3?t=general&q=%E4%BB%A3%E8%BF%90%E8%90%A5", "问答社区")
DISALLOW = "/forum/people/"  # robots.txt keeps crawlers out of this path
ANSWER_PAGE = 20


def forum_question(w: World, qid: str) -> Answer:
    k = w.question_index(qid)
    if k is None:
        return not_found("问题不存在")
    qu = w.question(k)
    answers = w.timeline.answers(qu)
    authors = "".join(
        f'<a class="author" href="/forum/people/{a.url_token}">{esc(a.author)}</a>' for a in answers[:5]
    )
    api = f"/forum/api/v4/questions/{qu.qid}/answers?" + urlencode(
        {"include": ANSWER_INCLUDE, "limit": ANSWER_PAGE, "offset": 0, "sort_by": "default"}
    )
    body = (
        f'<div class="QuestionHeader" data-qid="{qu.qid}">'
        f'<h1 class="QuestionHeader-title">{esc(qu.title)}</h1>'
        f'<span class="answer-count">{len(answers)} 个回答</span></div>'
        f'<div class="answers" data-api="{esc(api)}"></div><div class="authors">{authors}</div>'
    )
    return html_answer(page_html(qu.title, body))


# 知乎's answers API leaves `content` out unless the request's `include` asks for it.
ANSWER_INCLUDE = "data[*].content,voteup_count,created_time"


def _answer_json(w: World, qu, a, with_content: bool = True) -> dict:
    content = {"content": "".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)} if with_content else {}
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
        return json_answer({"error": {"code": 404, "message": "问题不存在"}}, 404)
    qu = w.question(k)
    limit = int_param(q, "limit", ANSWER_PAGE, lo=1, hi=ANSWER_PAGE)
    offset = int_param(q, "offset", 0, lo=0)
    answers = w.timeline.answers(qu)
    chunk = answers[offset : offset + limit]
    is_end = offset + limit >= len(answers)
    include = q.get("include", "")
    more = {"include": include, "limit": limit, "offset": offset + limit, "sort_by": "default"}
    nxt = f"/forum/api/v4/questions/{qu.qid}/answers?" + urlencode(more)
    return json_answer(
        {
            "data": [_answer_json(w, qu, a, "content" in include) for a in chunk],
            "paging": {"is_end": is_end, "next": nxt, "totals": len(answers)},
        }
    )


def forum_search(w: World, q: dict[str, str]) -> Answer:
    key = debris.to_simplified(q.get("q", "").strip()).lower()
    limit = int_param(q, "limit", ANSWER_PAGE, lo=1, hi=ANSWER_PAGE)
    offset = int_param(q, "offset", 0, lo=0)
    hits = []
    if key:
        if w.n_questions() <= FULL_SCAN_LIMIT:
            candidates = range(w.n_questions())
        else:
            candidates = sorted({qq for i in w.find_providers(key) for qq in w.questions_mentioning(i)})
        for k in candidates:
            qu = w.question(k)
            hits.extend((qu, a) for a in w.timeline.answers(qu) if contains_key(a.text, key))
    chunk = hits[offset : offset + limit]
    nxt = "/forum/api/v4/search_v3?" + urlencode(
        {"q": q.get("q", ""), "offset": offset + limit, "limit": limit}
    )
    return json_answer(
        {
            "data": [
                {"type": "search_result", "object": _answer_json(w, qu, a) | {"type": "answer"}}
                for qu, a in chunk
            ],
            "paging": {"is_end": offset + limit >= len(hits), "next": nxt},
        }
    )


def forum_me(cookie: str) -> Answer:
    """知乎's `/api/v4/me`: the logged-in account, or 401 with the API's error object. The sandbox
    has no accounts: any `z_c0` session cookie counts as logged in."""
    if "z_c0=" not in cookie:
        return json_answer(
            {"error": {"code": 100, "message": "请求需要登录", "name": "AuthenticationInvalid"}}, 401
        )
    return json_answer({"id": "0f0f0f0f", "url_token": "sandbox-user", "name": "沙盒用户"})


ROUTES = [
    Route(re.compile(r"/forum/api/v4/me"), forum_me, "cookie"),
    Route(re.compile(r"/forum/question/([^/]+)"), forum_question, False),
    Route(re.compile(r"/forum/api/v4/questions/([^/]+)/answers"), forum_answers, "both"),
    Route(re.compile(r"/forum/api/v4/search_v3"), forum_search, True),
]
