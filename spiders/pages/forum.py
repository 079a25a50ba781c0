"""知乎-style Q&A: the answers API and the search API (知乎 has no public question listing).

answers   /api/v4/questions/{qid}/answers?include=data[*].content,…&limit&offset&sort_by=default
          → data[]{id, content, created_time, author, …}, paging{is_end, next}; content only if included
search    /api/v4/search_v3?q=K&offset&limit             data[]{object:{type:"answer", …same answer…}}
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.contracts import ForumAnswer
from spiders.pages import blocks
from spiders.pages.fields import PageError, dig, html_text, int_in, iso_date, json_of, now_iso


@dataclass(frozen=True)
class AnswersPage:
    answers: list[ForumAnswer]
    is_end: bool
    next_url: str | None


def answers_page(response, question_id: str | None = None) -> AnswersPage:
    """An answers or search API page. Search results wrap each answer in `object`; others are skipped."""
    data = json_of(response, what="answers")
    _check_error(data, response)
    rows = dig(data, "data")
    if not isinstance(rows, list):
        raise PageError("unexpected_shape", "no data[]")
    fetched = now_iso()
    answers = []
    for row in rows:
        obj = row.get("object") if isinstance(row, dict) and "object" in row else row
        if not isinstance(obj, dict) or obj.get("type", "answer") != "answer":
            continue
        qid = dig(obj, "question", "id")
        answers.append(
            ForumAnswer(
                native_id=str(obj.get("id") or ""),
                source_url=response.url,
                fetched_at=fetched,
                question_id=str(qid if qid not in (None, "") else question_id or ""),
                question_title=(dig(obj, "question", "title") or "").strip(),
                author=dig(obj, "author", "name") or None,
                text=html_text(obj.get("content")),
                voteup_count=int_in(obj.get("voteup_count")),
                created_at=iso_date(obj.get("created_time")),
            )
        )
    if rows and not any(isinstance(r, dict) and "content" in (r.get("object") or r) for r in rows):
        # Every answer without its text: the request's `include` did not ask for content.
        raise PageError("unexpected_shape", "answers without content (include=data[*].content missing?)")
    paging = dig(data, "paging") or {}
    is_end = bool(paging.get("is_end", True)) if isinstance(paging, dict) else True
    nxt = paging.get("next") if isinstance(paging, dict) else None
    return AnswersPage(answers, is_end, response.urljoin(nxt) if nxt and not is_end else None)


# 知乎's API answers an anonymous or expired session with {"error": {"code": 100 or 101, …}} (as
# issue #20 and DESIGN's source table record it; thinly evidenced: no public crawler we found names
# the codes); any other error object is an API error.
_LOGIN_CODES = {100, 101}


def check_api_error(response) -> None:
    """Raise the wall or error an API answer reports (`{"error": …}`), if any; used by `kaopu doctor`."""
    data = json_of(response, what="api")
    _check_error(data, response)


def _check_error(data, response) -> None:
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return
    code = int_in(error.get("code"))
    detail = f"code {error.get('code')} {error.get('message') or ''}".strip()
    if code in _LOGIN_CODES:
        raise blocks.login_wall(response, detail)
    raise PageError("api_error", detail)
