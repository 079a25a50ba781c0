"""The HTTP cache (profile `http_cache`) never keeps a block page.

Scrapy's DummyPolicy stores every response whose status is not ignored. A captcha or a login wall
often comes with status 200, and a cached one would be replayed as the page on every later crawl:
the source would look blocked forever. So a response `spiders.pages.blocks` classifies is not stored.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import DummyPolicy

from spiders.pages import blocks
from spiders.pages.fields import PageError


class NoBlocksPolicy(DummyPolicy):
    def should_cache_response(self, response, request) -> bool:
        if not super().should_cache_response(response, request):
            return False
        try:
            blocks.check(response)
        except PageError:
            return False
        return True
