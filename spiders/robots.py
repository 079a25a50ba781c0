"""robots.txt for every request, not just the first one.

Scrapy 2.19's RobotsTxtMiddleware parks every request to a new host on one Deferred while robots.txt
downloads, then awaits it through `maybe_deferred_to_future`. Converting a Deferred to an asyncio
Future consumes its result, so the first waiter gets the parser and every later waiter gets None —
which the stock middleware reads as "no robots.txt, allow everything". A crawl that starts many
requests at once therefore fetches disallowed paths. Here each waiter, once the shared Deferred has
fired, reads the parser from the per-host table (set before the Deferred fires), never from the
Deferred's consumed result.

Also: a robots.txt that answers 5xx or 429 (after retries) means "come back later", not "no rules" —
the stock middleware parses the error page and allows everything. Here it disallows the whole host
for this crawl, as Google's crawler does; a 404 still means no rules.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtEveryWaiterMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            # Someone else is downloading it: wait for the download, then read the table.
            await maybe_deferred_to_future(pending)
            return self._parsers.get(netloc)
        if netloc in self._parsers:
            return pending
        await super().robot_parser(request)
        return self._parsers.get(netloc)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500 or response.status == 429:
            self._stats.inc_value("kaopu/robots/unavailable")
            response = response.replace(body=b"User-agent: *\nDisallow: /\n")
        await super()._parse_robots(response, netloc, request)
