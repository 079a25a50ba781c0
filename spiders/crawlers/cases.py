"""Providers' case sites: directory (or search) → a site's home → its case lists → case pages."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import KaopuSpider
from spiders.pages import cases
from spiders.pages.fields import PageError


class CasesSpider(KaopuSpider):
    name = source = "cases"

    async def start(self):
        if self.target:
            for name in self.target.names:
                url = self.site.url("search") + "?" + urlencode({"q": name})
                yield self.get(url, self.parse_directory, cb_kwargs={"page": 1})
        else:
            yield self.get(self.site.url("") + "?page=1", self.parse_directory, cb_kwargs={"page": 1})

    def parse_directory(self, response, page: int):
        try:
            sites, next_url = self.read(cases.directory_page, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for url, brand in sites:
            yield self.get(url, self.parse_home, cb_kwargs={"brand": brand})
        if next_url and page < self.site.max_pages:
            yield self.get(next_url, self.parse_directory, cb_kwargs={"page": page + 1})

    def parse_home(self, response, brand: str):
        try:
            home = self.read(cases.site_home, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        if not self.about_target(
            self.target is None or self.target.is_named(home.legal_name, home.brand, brand)
        ):
            return
        provider = home.legal_name or home.brand or brand or None
        lists = home.list_urls or [response.urljoin("cases?page=1")]
        for url in lists:
            yield self.get(
                url, self.parse_list, cb_kwargs={"site": home.site, "provider": provider, "page": 1}
            )

    def parse_list(self, response, site: str, provider: str | None, page: int):
        try:
            urls, next_url = self.read(cases.case_list, response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        ids = []
        for url in urls:
            case_id = cases.case_id_of(url)
            item_id = f"cases:{site}/{case_id}" if case_id else None
            if item_id:
                ids.append(item_id)
            if item_id and self.crawl_state.seen(item_id):
                if self.target is not None:
                    self.crawler.stats.inc_value("kaopu/target/matched")  # known, but it is theirs
                continue
            yield self.get(url, self.parse_case, cb_kwargs={"provider": provider})
        more = next_url and page < self.site.max_pages
        request = (
            self.get(
                next_url, self.parse_list, cb_kwargs={"site": site, "provider": provider, "page": page + 1}
            )
            if more
            else None
        )
        nxt = self.next_page(f"site:{site}", ids, [], request)
        if nxt is not None:
            yield nxt

    def parse_case(self, response, provider: str | None):
        try:
            case = self.read(cases.case_page, response, provider)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        if self.recent_enough(case.published_at):
            yield case
