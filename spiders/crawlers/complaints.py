"""黑猫投诉: companies (listed, or found by search) → signed complaints API pages → complaint pages."""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from urllib.parse import urlencode

from spiders.base import KaopuSpider
from spiders.pages import complaints
from spiders.pages.fields import PageError

_RS_ALPHABET = string.digits + string.ascii_letters


def signed_query(
    couid: str, page: int, page_size: int, sign_key: str, *, ts: str | None = None, rs: str | None = None
) -> dict[str, str]:
    """The received_complaints query as the site checks it: ts (epoch ms), rs (16 random
    [0-9a-zA-Z]), and signature = sha256 of the sorted string values of ts, rs, the constant key,
    couid, type, page_size and page, concatenated."""
    ts = ts or str(int(time.time() * 1000))
    rs = rs or "".join(secrets.choice(_RS_ALPHABET) for _ in range(16))
    params = {
        "ts": ts,
        "rs": rs,
        "couid": str(couid),
        "type": "1",
        "page_size": str(page_size),
        "page": str(page),
    }
    signature = hashlib.sha256("".join(sorted([*params.values(), sign_key])).encode("utf-8")).hexdigest()
    return {
        "ts": ts,
        "rs": rs,
        "signature": signature,
        "couid": str(couid),
        "type": "1",
        "page_size": str(page_size),
        "page": str(page),
    }


class ComplaintsSpider(KaopuSpider):
    name = source = "complaints"

    async def start(self):
        if self.target:
            for name in self.target.names:
                url = self.site.url("api/search") + "?" + urlencode({"keyword": name})
                yield self.get(url, self.parse_search)
        else:
            yield self.get(
                self.site.url("companies") + "?page=1", self.parse_companies, cb_kwargs={"page": 1}
            )

    def _complaints_request(self, couid: str, page: int):
        query = signed_query(couid, page, self.site.page_size, self.site.sign_key or "")
        url = self.site.url("api/company/received_complaints") + "?" + urlencode(query)
        # ts/rs change on every build: the dupefilter would never see a repeat, and a retried page
        # needs a fresh signature anyway, so repeats are caught by item id instead.
        return self.get(
            url, self.parse_complaints, cb_kwargs={"couid": couid, "page": page}, dont_filter=True
        )

    def parse_companies(self, response, page: int):
        try:
            companies, next_url = complaints.companies_page(response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for company in companies:
            yield self._complaints_request(company.couid, 1)
        if next_url and page < self.site.max_pages:
            yield self.get(next_url, self.parse_companies, cb_kwargs={"page": page + 1})

    def parse_search(self, response):
        try:
            found = complaints.search_results(response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for company in found:
            if self.target.is_named(company.name):
                yield self._complaints_request(company.couid, 1)

    def parse_complaints(self, response, couid: str, page: int):
        try:
            result = complaints.complaints_page(response)
        except PageError as exc:
            self.skipped(response, exc)
            return
        self.counted()
        for complaint, url in zip(result.complaints, result.detail_urls, strict=True):
            if not self.about_target(self.target is None or self.target.is_named(complaint.target)):
                continue
            if not self.recent_enough(complaint.created_at):
                continue
            if self.crawl_state.seen(complaint.item_id) or not url:
                yield complaint  # the dedup pipeline drops a seen one; no need to fetch its page
                continue
            yield self.get(url, self.parse_detail, self.detail_failed, cb_kwargs={"listed": complaint})
        more = result.current < result.page_amount and page < self.site.max_pages
        request = self._complaints_request(couid, page + 1) if more else None
        nxt = self.next_page(
            f"company:{couid}",
            [c.item_id for c in result.complaints],
            [c.created_at for c in result.complaints],
            request,
        )
        if nxt is not None:
            yield nxt

    def parse_detail(self, response, listed):
        try:
            complaint = complaints.complaint_detail(response, listed)
        except PageError as exc:
            self.skipped(response, exc)
            complaint = listed
        self.counted()
        yield complaint

    def detail_failed(self, failure):
        """The detail page is gone for good: keep the complaint as the list API gave it."""
        self.on_error(failure)
        yield failure.request.cb_kwargs["listed"]
