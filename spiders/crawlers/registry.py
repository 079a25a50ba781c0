"""天眼查-style registry: company search → company pages. 天眼查 has no public company listing, so a
full crawl searches what spiders/discovery.py plans (watch list, names already known, generic terms)."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import NO_LINKS, KaopuSpider
from spiders.pages import registry


class RegistrySpider(KaopuSpider):
    name = source = "registry"
    skips_registered_names = True

    async def start(self):
        for name in self.search_queries():
            url = self.site.url("search") + "?" + urlencode({"key": name})
            yield self.get(url, self.parse_list, cb_kwargs={"page": 1})

    def parse_list(self, response, page: int):
        links, next_url = self.read(registry.list_page, response, default=NO_LINKS)
        for url, _name in links:
            cid = url.rstrip("/").rsplit("/", 1)[-1]
            if self.already_held(f"registry:{cid}"):
                continue  # a registry record is written once; the next snapshot is a new run's job
            yield self.get(url, self.parse_company)
        yield from self.follow_list(next_url, self.parse_list, page)

    def parse_company(self, response):
        record = self.read(registry.company_page, response)
        if record is not None and self.names_target(record.legal_name, record.alias):
            yield record
