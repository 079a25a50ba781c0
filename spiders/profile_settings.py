"""Scrapy settings derived from a source profile, so sandbox ↔ live is a config change.

Applied at "spider" priority when a kaopu spider class is loaded (`KaopuSpider.update_settings`), so
`-s NAME=VALUE` on the command line still wins.
"""

from __future__ import annotations

from typing import Any

from pipelines.config import Profile, SourceProfile


def crawl_settings(profile: Profile, source: SourceProfile, *, polite: bool = True) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "USER_AGENT": profile.user_agent,
        "ROBOTSTXT_OBEY": profile.obey_robots,
        "DOWNLOAD_MAXSIZE": profile.download_maxsize,
        # Warn at a fifth of the cap: a page that big is usually an error page or a data dump.
        "DOWNLOAD_WARNSIZE": max(1024, profile.download_maxsize // 5),
        "DOWNLOAD_TIMEOUT": profile.download_timeout,
        "RETRY_TIMES": profile.retry_times,
        "HTTPCACHE_ENABLED": profile.http_cache,
        "CONCURRENT_REQUESTS": max(source.concurrency, 1),
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(source.concurrency, 1),
        "DOWNLOAD_DELAY": source.delay,
        "DOWNLOAD_DELAY_JITTER": 0.5 if source.delay > 0 else 0.0,  # ±50%: no clockwork pattern
        "AUTOTHROTTLE_ENABLED": profile.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(source.delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        # One request in flight per host on average: what a person reading the site would cause.
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/json;q=0.9,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9",
            **source.headers,
        },
    }
    if not polite:
        # Benchmarks and tests against our own loopback sandbox: no delays, full concurrency.
        # robots.txt stays obeyed — politeness is about pace, not about where we go.
        settings.update(
            {
                "DOWNLOAD_DELAY": 0.0,
                "DOWNLOAD_DELAY_JITTER": 0.0,
                "AUTOTHROTTLE_ENABLED": False,
                "CONCURRENT_REQUESTS": max(source.concurrency, 32),
                "CONCURRENT_REQUESTS_PER_DOMAIN": max(source.concurrency, 32),
            }
        )
    return settings
