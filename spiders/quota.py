"""A per-source daily request cap (the profile's `daily_requests`): politeness a site can count on.

天眼查 starts showing captchas after a few dozen to ~130 company pages and bans an IP for days, so
the live profile caps it well below that; other sources get caps that keep a daily run modest. The
count is per source and UTC day, kept in `state/quota/<source>/<day>.json`, so several runs on one
day share the allowance. When the cap is reached the crawl stops (finish reason `quota`) and keeps
what it has; the next day it goes on where the crawl state says. robots.txt requests do not count.

On a shared frontier (spiders/frontier.py) the workers of a source count together: the day's count is
a Redis counter (`kaopu:frontier:<source>:quota:<day>`, started from the file's count by the first
worker, kept two days), so N workers send the cap, not N times it. The file still gets the count.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from pipelines.storage import write_json_atomic

_SAVE_EVERY = 20


class SharedCount:
    """A source's request count for one day, in the frontier's Redis, for every worker at once."""

    def __init__(self, url: str, source: str, day: str, start: int):
        from spiders import frontier

        self.server = frontier.connect(url)
        self.key = f"{frontier.prefix(source)}quota:{day}"
        self.server.set(self.key, start, nx=True, ex=2 * 86400)  # the first worker brings the file's count

    def take(self) -> int:
        """Counts one request; returns the day's count including it."""
        return int(self.server.incr(self.key))

    def now(self) -> int:
        return int(self.server.get(self.key) or 0)


class DailyQuotaMiddleware:
    def __init__(self, crawler, source: str, cap: int, state_dir, frontier_url: str | None = None):
        self.crawler = crawler
        self.source = source
        self.cap = cap
        self.day = dt.datetime.now(dt.UTC).date().isoformat()
        self.path = state_dir / f"{self.day}.json"
        self.used = self._load()
        self.shared = SharedCount(frontier_url, source, self.day, self.used) if frontier_url else None
        self.stopping = False
        crawler.signals.connect(self._save, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        from spiders.base import _config_from  # the same config the spider reads

        spider_cls = crawler.spidercls
        source = getattr(spider_cls, "source", "")
        if not source:
            raise NotConfigured("not a kaopu spider")
        cfg = _config_from(crawler.settings)
        cap = cfg.profile().source(source).daily_requests
        if cap <= 0:
            raise NotConfigured("no daily cap for this source")
        frontier_url = crawler.settings.get("KAOPU_FRONTIER_URL") or None
        return cls(crawler, source, cap, cfg.tree.quota_dir(source), frontier_url)

    def process_request(self, request, spider=None):
        if request.url.endswith("/robots.txt"):
            return None
        if self.shared is not None:
            used = self.shared.take()  # counted before it is sent, by whichever worker sends it
            if used > self.cap:
                self._stop()
            self.used = used
        elif self.used >= self.cap:
            self._stop()
        else:
            self.used += 1
        self.crawler.stats.set_value("kaopu/quota/used_today", self.used)
        if self.used % _SAVE_EVERY == 0:
            self._save()
        return None

    def _stop(self) -> None:
        if not self.stopping:
            self.stopping = True
            self.crawler.stats.set_value("kaopu/quota/reached", self.cap)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="quota"))
        raise IgnoreRequest(f"daily request cap of {self.cap} for {self.source} reached")

    def _load(self) -> int:
        try:
            return int(json.loads(self.path.read_text(encoding="utf-8")).get("requests", 0))
        except (OSError, ValueError, AttributeError):
            return 0

    def _save(self, *args, **kwargs) -> None:
        used = self.used
        if self.shared is not None:
            with contextlib.suppress(Exception):  # Redis gone: this worker's last view is still worth keeping
                used = max(used, self.shared.now())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(
            self.path, {"source": self.source, "day": self.day, "requests": min(used, self.cap)}
        )
