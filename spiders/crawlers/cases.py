"""Providers' case sites: directory (or search) → a site's home → its case lists → case pages."""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import NO_LINKS, KaopuSpider
from spiders.pages import cases


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
        sites, next_url = self.read(cases.directory_page, response, default=NO_LINKS)
        for url, brand in sites:
            yield self.get(url, self.parse_home, cb_kwargs={"brand": brand})
        yield from self.follow_list(next_url, self.parse_directory, page)

    def parse_home(self, response, brand: str):
        home = self.read(cases.site_home, response)
        if home is None:
            return
        if not self.names_target(home.legal_name, home.brand, brand):
            return
        provider = home.legal_name or home.brand or brand or None
        lists = home.list_urls or [response.urljoin("cases?page=1")]
        for url in lists:
            yield self.get(
                url, self.parse_list, cb_kwargs={"site": home.site, "provider": provider, "page": 1}
            )

    def parse_list(self, response, site: str, provider: str | None, page: int):
        urls, next_url = self.read(cases.case_list, response, default=NO_LINKS)
        listed = [(f"cases:{site}/{cases.case_id_of(u)}", u) for u in urls if cases.case_id_of(u)]
        revisit = self.thread_page(f"site:{site}", listed)
        ids = []
        for url in urls:
            case_id = cases.case_id_of(url)
            item_id = f"cases:{site}/{case_id}" if case_id else None
            if item_id:
                ids.append(item_id)
            if item_id and self.crawl_state.seen(item_id) and not revisit:
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
        cut_short = bool(next_url) and page >= self.site.max_pages
        yield from self.follow_thread(f"site:{site}", ids, [], request, cut_short=cut_short)

    def parse_case(self, response, provider: str | None):
        case = self.read(cases.case_page, response, provider)
        if case is None:
            return
        if self.recent_enough(case.published_at):
            yield case
