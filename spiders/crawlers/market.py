"""淘宝服务市场: list pages → service detail (the listing) → review pages, newest first."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import NO_LINKS, KaopuSpider
from spiders.pages import market


class MarketSpider(KaopuSpider):
    name = source = "market"

    async def start(self):
        if self.target:
            for name in self.target.names:
                yield self.get(self._list_url(keyword=name), self.parse_list, cb_kwargs={"page": 1})
        else:
            yield self.get(self._list_url(), self.parse_list, cb_kwargs={"page": 1})

    def _list_url(self, keyword: str | None = None, page: int = 1) -> str:
        query = {"keyword": keyword} if keyword else {}
        return self.site.url("ser/list.htm") + "?" + urlencode({**query, "current_page": page})

    def _reviews_url(self, code: str, page: int) -> str:
        # The parameters the site's own page sends (public crawlers of query_suggest.do copy them):
        # fee=1 and an empty orderType (newest first).
        query = {
            "service_code": code,
            "currentPage": page,
            "fee": 1,
            "orderType": "",
            "callback": "jsonp_reviews",
        }
        return self.site.url("score/query_suggest.do") + "?" + urlencode(query)

    def parse_list(self, response, page: int):
        entries, next_url = self.read(market.list_page, response, default=NO_LINKS)
        for entry in entries:
            # A targeted crawl reads every detail page its search found: the brand, which the
            # list does not show, decides whether the listing is the provider's.
            if self.already_held(f"market:{entry.service_code}"):
                # Listing known: only its reviews can be new.
                yield self.get(
                    self._reviews_url(entry.service_code, 1),
                    self.parse_reviews,
                    cb_kwargs={"code": entry.service_code, "provider": entry.provider_name},
                )
            else:
                yield self.get(entry.detail_url, self.parse_detail)
        yield from self.follow_list(next_url, self.parse_list, page)

    def parse_detail(self, response):
        listing, _ = self.read(market.detail_page, response, default=(None, None))
        if listing is None:
            return
        if not self.names_target(listing.provider_name, listing.brand):
            return
        yield listing
        yield self.get(
            self._reviews_url(listing.service_code, 1),
            self.parse_reviews,
            cb_kwargs={"code": listing.service_code, "provider": listing.provider_name},
        )

    def parse_reviews(self, response, code: str, provider: str | None):
        page = self.read(market.reviews_page, response, code, provider)
        if page is None:
            return
        self.thread_page(f"reviews:{code}", [(r.item_id, None) for r in page.reviews])
        for review in page.reviews:
            if self.recent_enough(review.created_at):
                yield review
        more = page.current < page.total_pages and page.current < self.site.max_pages
        request = (
            self.get(
                self._reviews_url(code, page.current + 1),
                self.parse_reviews,
                cb_kwargs={"code": code, "provider": provider},
            )
            if more
            else None
        )
        yield from self.follow_thread(
            f"reviews:{code}",
            [r.item_id for r in page.reviews],
            [r.created_at for r in page.reviews],
            request,
            cut_short=page.current < page.total_pages and page.current >= self.site.max_pages,
        )
