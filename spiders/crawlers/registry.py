"""天眼查-style registry: company search → company pages. 天眼查 has no public company listing, so a
full crawl searches what spiders/discovery.py plans (watch list, names already known, generic terms)."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import KaopuSpider
from spiders.pages import registry
from spiders.pages.fields import PageError


class RegistrySpider(KaopuSpider):
    name = source = "registry"
    skips_registered_names = True

    async def start(self):
        for name in self.search_queries():
            url = self.site.url("search") + "?" + urlencode({"key": name})
            yield self.get(url, self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response, page: int):
        try:
            links, next_url = self.read(registry.list_page, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for url, _name in links:
            cid = url.rstrip("/").rsplit("/", 1)[-1]
            if not self.target and self.crawl_state.seen(f"registry:{cid}"):
                continue  # a registry record is written once; the next snapshot is a new run's job
            yield self.get(url, self.parse_company)
        if next_url and page < self.site.max_pages:
            yield self.get(next_url, self.parse_list, cb_kwargs={"page": page + 1})

    def parse_company(self, response):
        try:
            record = self.read(registry.company_page, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        if not self.about_target(
            self.target is None or self.target.is_named(record.legal_name, record.alias)
        ):
            return
        yield record
