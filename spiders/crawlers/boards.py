"""派代-style merchant board: thread list pages → thread pages (every post is an item)."""

from __future__ import annotations

from spiders.base import NO_LINKS, KaopuSpider
from spiders.pages import boards


class BoardsSpider(KaopuSpider):
    name = source = "boards"

    async def start(self):
        yield self.get(self.site.url("threads") + "?page=1", self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response, page: int):
        urls, next_url = self.read(boards.thread_list, response, default=NO_LINKS)
        for url in urls:
            yield self.get(url, self.parse_thread)
        yield from self.follow_list(next_url, self.parse_list, page)

    def parse_thread(self, response):
        for post in self.read(boards.thread_page, response, default=[]):
            if self.mentions_target(post.thread_title, post.text) and self.recent_enough(post.created_at):
                yield post
