"""知乎-style Q&A: the search API for the target or the watch list → answers (the sandbox alone also
has a question listing to walk)."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import KaopuSpider
from spiders.pages import forum
from spiders.pages.fields import PageError

_LIMIT = 20
# Without `include` asking for it, the answers API leaves each answer's `content` out (public crawlers
# of the API, e.g. NanmiCoder/MediaCrawler's 知乎 client, always send it).
_INCLUDE = "data[*].content,voteup_count,comment_count,created_time,updated_time,author"


class ForumSpider(KaopuSpider):
    name = source = "forum"

    async def start(self):
        listing = None if self.target else self.listing("questions")
        if listing:
            yield self.get(listing + "?page=1", self.parse_questions, cb_kwargs={"page": 1})
            return
        # 知乎 has no public question listing: search each name (the target's, or the watch list's).
        for name in self.target.names if self.target else self.watched_names():
            query = urlencode({"t": "general", "q": name, "offset": 0, "limit": _LIMIT})
            url = self.site.url("api/v4/search_v3") + "?" + query
            yield self.get(url, self.parse_answers, cb_kwargs={"thread": f"search:{name}", "page": 1})

    def _answers_url(self, qid: str, offset: int) -> str:
        return (
            self.site.url(f"api/v4/questions/{qid}/answers")
            + "?"
            + urlencode({"include": _INCLUDE, "limit": _LIMIT, "offset": offset, "sort_by": "default"})
        )

    def parse_questions(self, response, page: int):
        try:
            questions, next_url = self.read(forum.questions_page, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for q in questions:
            yield self.get(
                self._answers_url(q.qid, 0),
                self.parse_answers,
                cb_kwargs={"thread": f"question:{q.qid}", "page": 1},
            )
        if next_url and page < self.site.max_pages:
            yield self.get(next_url, self.parse_questions, cb_kwargs={"page": page + 1})

    def parse_answers(self, response, thread: str, page: int):
        try:
            result = self.read(forum.answers_page, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for answer in result.answers:
            # A search hit is kept only if the answer itself names the provider.
            if not self.about_target(self.target is None or self.target.is_mentioned(answer.text)):
                continue
            if self.recent_enough(answer.created_at):
                yield answer
        more = result.next_url and page < self.site.max_pages
        request = (
            self.get(result.next_url, self.parse_answers, cb_kwargs={"thread": thread, "page": page + 1})
            if more
            else None
        )
        # Search results are ranked by relevance, not time: no watermark stop there.
        ids = [a.item_id for a in result.answers] if thread.startswith("question:") else []
        nxt = self.next_page(thread, ids, [], request)
        if nxt is not None:
            yield nxt
