"""黑猫投诉: companies (the main_search list API, or the search API for one provider) → the signed
received_complaints API pages → complaint pages.

Endpoints and parameters as public crawlers of tousu.sina.com.cn use them (nghuyong-style spiders and
the snippets cited in spiders/signing/tousu.py): companies are keyed on `uid`, which the complaints
API takes as `couid`; `type=1` (public crawlers also loop type 2 and 3, whose meaning no source we
found explains — thin evidence, so we read type 1, every complaint, only).
"""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.base import KaopuSpider, on_site
from spiders.pages import blocks, complaints
from spiders.pages.fields import PageError
from spiders.signing.tousu import TousuSigner

COMPLAINT_TYPE = "1"


class ComplaintsSpider(KaopuSpider):
    name = source = "complaints"

    @property
    def signer(self) -> TousuSigner:
        if getattr(self, "_signer", None) is None:
            self._signer = TousuSigner(self.site.sign_key or "")
        return self._signer

    def _api(self, path: str, params: dict[str, str], callback, cb_kwargs: dict):
        query = self.signer.sign(path, params, self.site.cookies()).params
        # ts/rs change on every build: the dupefilter would never see a repeat, and a retried page
        # needs a fresh signature anyway, so repeats are caught by item id instead.
        return self.get(
            self.site.url(path) + "?" + urlencode(query), callback, cb_kwargs=cb_kwargs, dont_filter=True
        )

    async def start(self):
        if self.target:
            for name in self.target.names:
                yield self._api("api/company/search", {"keywords": name}, self.parse_companies, {"page": 0})
        else:
            yield self._companies_request(1)

    def _companies_request(self, page: int):
        params = {"sort_col": "4", "sort_ord": "2", "page_size": str(self.site.page_size), "page": str(page)}
        return self._api("api/company/main_search", params, self.parse_companies, {"page": page})

    def _complaints_request(self, uid: str, page: int):
        params = {
            "couid": uid,
            "type": COMPLAINT_TYPE,
            "page_size": str(self.site.page_size),
            "page": str(page),
        }
        return self._api(
            "api/company/received_complaints", params, self.parse_complaints, {"couid": uid, "page": page}
        )

    def parse_companies(self, response, page: int):
        """A main_search page (page ≥ 1) or a search answer (page 0: one page, names checked)."""
        result = self.read(complaints.companies_page, response)
        if result is None:
            return
        for company in result.companies:
            if self.target is None or self.target.is_named(company.name):
                yield self._complaints_request(company.uid, 1)
        if page and result.current < result.page_amount and page < self.site.max_pages:
            yield self._companies_request(page + 1)

    def parse_complaints(self, response, couid: str, page: int):
        result = self.read(complaints.complaints_page, response)
        if result is None:
            return
        rows = [
            (c.item_id, url or None) for c, url in zip(result.complaints, result.detail_urls, strict=True)
        ]
        revisit = self.thread_page(f"company:{couid}", rows)
        for complaint, url in zip(result.complaints, result.detail_urls, strict=True):
            if not self.names_target(complaint.target):
                continue
            if not self.recent_enough(complaint.created_at):
                continue
            if (self.crawl_state.seen(complaint.item_id) and not revisit) or not url:
                yield complaint  # the dedup pipeline drops a seen one; no need to fetch its page
                continue
            yield self.get(url, self.parse_detail, self.detail_failed, cb_kwargs={"listed": complaint})
        more = result.current < result.page_amount and page < self.site.max_pages
        request = self._complaints_request(couid, page + 1) if more else None
        yield from self.follow_thread(
            f"company:{couid}",
            [c.item_id for c in result.complaints],
            [c.created_at for c in result.complaints],
            request,
            cut_short=result.current < result.page_amount and page >= self.site.max_pages,
        )

    def parse_detail(self, response, listed):
        notice = complaints.gone_notice(response) if response.status < 400 else None
        if notice is not None and self.crawl_state.seen(listed.item_id):
            # Still listed, but its page says it was withdrawn: a disappearance, not a new version.
            how = "withdrawn_page" if "撤" in notice else "deleted_page"
            self.counted()
            yield self.disappearance(listed.item_id, how, notice, response.url, "company:")
            return
        try:
            complaint = self.parse_page(complaints.complaint_detail, response, listed)
        except PageError as exc:
            yield listed  # kept as the list API gave it, even if this block now stops the source
            self.skipped(response, exc)
            return
        self.counted()
        yield complaint

    def gone_from_thread(self, thread: str, missing: dict[str, str | None]):
        """A complaint the company's list no longer shows: its own page says whether it was withdrawn
        (a notice such as 已撤销), deleted (404) or is only missing from the list."""
        for item_id, url in sorted(missing.items()):
            if not url:
                yield self.disappearance(item_id, "missing_from_list", "not in the list", thread=thread)
                continue
            yield self.get(
                on_site(url, self.site.base_url),
                self.parse_gone,
                self.gone_failed,
                cb_kwargs={"item_id": item_id, "thread": thread},
                meta={"handle_httpstatus_list": [404, 410]},
            )

    def parse_gone(self, response, item_id: str, thread: str = ""):
        if response.status in (404, 410):
            yield self.disappearance(item_id, "http_404", f"HTTP {response.status}", response.url, thread)
            return
        try:
            blocks.check(response)
        except PageError as exc:
            self.skipped(response, exc)  # a block says nothing about the complaint: nothing recorded
            return
        self.counted()
        notice = complaints.gone_notice(response)
        if notice is not None:
            how = "withdrawn_page" if "撤" in notice else "deleted_page"
            yield self.disappearance(item_id, how, notice, response.url, thread)
        else:
            yield self.disappearance(item_id, "missing_from_list", "page still shown", response.url, thread)

    def gone_failed(self, failure):
        """The page of a complaint gone from its list could not be fetched: nothing is recorded (the
        next revisit asks again)."""
        self.on_error(failure)

    def detail_failed(self, failure):
        """The detail page is gone for good: keep the complaint as the list API gave it."""
        self.on_error(failure)
        yield failure.request.cb_kwargs["listed"]
