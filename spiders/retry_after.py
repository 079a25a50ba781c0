"""Retry 429/503 after the delay the server asks for in `Retry-After`.

Scrapy's RetryMiddleware retries at once, which a rate-limiting site answers with another 429. This
subclass keeps its accounting (retry counts, stats, give-up) and only waits first — without blocking
the reactor, so other hosts' requests keep flowing. The wait is capped (KAOPU_RETRY_AFTER_MAX) so a
hostile or broken header cannot stall a crawl for hours.
"""

from __future__ import annotations

import email.utils
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

_HONOURED = {429, 503}


def retry_after_seconds(value: bytes | str | None, cap: float, now: float | None = None) -> float:
    """`Retry-After` as seconds (delta-seconds or an HTTP date), clamped to [0, cap]; 0 when absent."""
    if not value:
        return 0.0
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return 0.0
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return 0.0
    return max(0.0, min(seconds, cap))


class RetryAfterMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw.retry_after_max = crawler.settings.getfloat("KAOPU_RETRY_AFTER_MAX", 30.0)
        return mw

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if response.status in _HONOURED:
            wait = retry_after_seconds(response.headers.get(b"Retry-After"), self.retry_after_max)
            if wait > 0:
                self.crawler.stats.inc_value("kaopu/retry_after/waits")
                await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return retry
