"""知乎-style Q&A: the search API → answers. 知乎 has no public question listing: a targeted crawl keeps
the search hits that name the target; a full crawl searches what spiders/discovery.py plans and reads
each question a hit belongs to in full, through the answers API (a story's other answers are about
the same agencies, whatever words they use)."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import KaopuSpider
from spiders.pages import forum

_LIMIT = 20
# Without `include` asking for it, the answers API leaves each answer's `content` out (public crawlers
# of the API, e.g. NanmiCoder/MediaCrawler's 知乎 client, always send it).
_INCLUDE = "data[*].content,voteup_count,comment_count,created_time,updated_time,author"


class ForumSpider(KaopuSpider):
    name = source = "forum"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Here, not in `start()`: on a shared frontier only the seeding worker runs `start()`, and the
        # others parse search hits too (their questions were lost to an AttributeError).
        self._questions_asked: set[str] = set()

    async def start(self):
        for name in self.search_queries():
            query = urlencode({"t": "general", "q": name, "offset": 0, "limit": _LIMIT})
            url = self.site.url("api/v4/search_v3") + "?" + query
            yield self.get(url, self.parse_answers, cb_kwargs={"thread": f"search:{name}", "page": 1})

    def _answers_url(self, qid: str, offset: int) -> str:
        return (
            self.site.url(f"api/v4/questions/{qid}/answers")
            + "?"
            + urlencode({"include": _INCLUDE, "limit": _LIMIT, "offset": offset, "sort_by": "default"})
        )

    def _question_requests(self, answers):
        """A full crawl reads each question a search hit belongs to, once per run."""
        for answer in answers:
            qid = answer.question_id
            if qid and qid not in self._questions_asked:
                self._questions_asked.add(qid)
                yield self.get(
                    self._answers_url(qid, 0),
                    self.parse_answers,
                    cb_kwargs={"thread": f"question:{qid}", "page": 1},
                )

    def parse_answers(self, response, thread: str, page: int):
        result = self.read(forum.answers_page, response)
        if result is None:
            return
        answers = result.answers
        if thread.startswith("question:"):
            self.thread_page(thread, [(a.item_id, None) for a in answers])
        if self.target is None and thread.startswith("search:"):
            yield from self._question_requests(answers)
            answers = []  # the question's own thread yields them
        for answer in answers:
            # A search hit is kept only if the answer itself names the provider.
            if not self.mentions_target(answer.text):
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
        cut_short = bool(result.next_url) and page >= self.site.max_pages
        yield from self.follow_thread(thread, ids, [], request, cut_short=cut_short)
