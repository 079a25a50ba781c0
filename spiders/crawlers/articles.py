"""搜狐号-style articles: search → article page → its comment API pages. 搜狐 has no public article
listing, so a full crawl searches what spiders/discovery.py plans (watch list, names already known,
generic terms)."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import NO_LINKS, KaopuSpider
from spiders.pages import articles


class ArticlesSpider(KaopuSpider):
    name = source = "articles"

    async def start(self):
        for name in self.search_queries():
            url = self.site.url("search") + "?" + urlencode({"keyword": name, "page": 1})
            yield self.get(url, self.parse_list, cb_kwargs={"page": 1})

    def _comments_request(self, article_id: str, media_id: str, page: int):
        # The parameters the site's own article page sends to the comment API (topic/load).
        query = {
            "page_size": self.site.page_size,
            "topic_source_id": f"mp_{article_id}",
            "page_no": page,
            "media_id": media_id,
            "source_id": f"mp_{article_id}",
        }
        return self.get(
            self.site.url("api/topic/load") + "?" + urlencode(query),
            self.parse_comments,
            cb_kwargs={"article_id": article_id, "media_id": media_id, "page": page},
        )

    def parse_list(self, response, page: int):
        urls, next_url = self.read(articles.list_page, response, default=NO_LINKS)
        for url in urls:
            ids = articles.article_ids(url)
            if ids and self.already_held(f"articles:{ids[0]}"):
                yield self._comments_request(ids[0], ids[1], 1)  # article known: only comments can be new
            else:
                yield self.get(url, self.parse_article)
        yield from self.follow_list(next_url, self.parse_list, page)

    def parse_article(self, response):
        article = self.read(articles.article_page, response)
        if article is None:
            return
        about = self.mentions_target(article.title, article.text)
        if about and self.recent_enough(article.published_at):
            yield article
        ids = articles.article_ids(response.url)
        yield self._comments_request(article.native_id, ids[1] if ids else "", 1)

    def parse_comments(self, response, article_id: str, page: int, media_id: str = ""):
        result = self.read(articles.comments_page, response, article_id)
        if result is None:
            return
        self.thread_page(f"comments:{article_id}", [(c.item_id, None) for c in result.comments])
        for comment in result.comments:
            if not self.mentions_target(comment.text):
                continue
            if self.recent_enough(comment.created_at):
                yield comment
        more = page < result.total_pages and page < self.site.max_pages
        request = self._comments_request(article_id, media_id, page + 1) if more else None
        yield from self.follow_thread(
            f"comments:{article_id}",
            [c.item_id for c in result.comments],
            [],
            request,
            cut_short=page < result.total_pages and page >= self.site.max_pages,
        )
