"""What every kaopu spider shares: config → settings, the run's context, and the paging rules.

A spider subclass decides only what to request next; page objects (spiders/pages/) turn responses
into items. The paging rules live here because every source pages the same way: a thread (a
service's reviews, a company's complaints, a question's answers, an article's comments) is read to
its end the first time; later runs stop at the first page whose items are all already seen, but
only in threads an earlier run finished cleanly (a killed run's threads are re-read in full).
A revisit (`revisit=SHARE|all`) reads a rolling share of the threads in full again: their known items
are written again as new versions, and items a thread listed before but no longer lists are recorded
as `Disappearance`s (how they went: missing from the list, a withdrawn notice, a 404).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Request

from pipelines.config import ensure_watchlist, load_config, load_watchlist
from pipelines.contracts import Disappearance
from pipelines.dates import parse_date
from pipelines.storage import new_run_id
from spiders import discovery
from spiders.crawl_state import CrawlState
from spiders.pages import blocks
from spiders.pages.fields import PageError
from spiders.profile_settings import crawl_settings
from spiders.targets import resolve_target

# What an unreadable listing page gives: no links, no next page.
NO_LINKS: tuple[tuple, None] = ((), None)


def _config_from(settings) -> Any:
    return load_config(
        settings.get("KAOPU_CONFIG") or None,
        data=settings.get("KAOPU_DATA") or None,
        profile=settings.get("KAOPU_PROFILE") or None,
        base_url=settings.get("KAOPU_BASE_URL") or None,
    )


def parse_revisit(value: str | float | None) -> float:
    """`--revisit`: a share of the known threads to read again (0–1), or `all`; None or "" is 0."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, str) and value.strip().lower() == "all":
        return 1.0
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"revisit: expected a share between 0 and 1 or 'all', got {str(value)[:40]!r}"
        ) from None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"revisit: expected a share between 0 and 1 or 'all', got {share}")
    return share


# The kind of item each thread lists, by the thread key's prefix (for the Disappearance records).
THREAD_KINDS = {
    "reviews": "market_review",
    "company": "complaint",
    "site": "case_page",
    "question": "forum_answer",
    "comments": "comment",
}


def on_site(url: str, base_url: str) -> str:
    """A remembered page url on the site's current host: the path stays, the scheme and host are the
    profile's now (a sandbox comes back on another port; a site may move to https)."""
    old, new = urlsplit(url), urlsplit(base_url)
    return old._replace(scheme=new.scheme or old.scheme, netloc=new.netloc or old.netloc).geturl()


class KaopuSpider(scrapy.Spider):
    """Base of the source spiders. Arguments: `provider=NAME` (targeted crawl), `since=YYYY-MM-DD`."""

    source = ""
    # A source that reads each company once (the registry) need not search names it already holds.
    skips_registered_names = False
    # A block or login wall often comes as a 403, and a 429 outlives the retries: both must reach
    # the page objects so they are classified (and counted by the breaker), not dropped unseen.
    handle_httpstatus_list: ClassVar[list[int]] = [401, 403, 429]

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        cfg = _config_from(settings)
        profile = cfg.profile()
        polite = settings.getbool("KAOPU_POLITE", True)
        settings.setdict(
            crawl_settings(profile, profile.source(cls.source), polite=polite), priority="spider"
        )
        # The optional HTTP cache lives in the data tree, not in a `.scrapy/` of whatever directory
        # the crawl was started from.
        settings.set("HTTPCACHE_DIR", str(cfg.tree.http_cache_dir(cls.source)), priority="spider")

    def __init__(
        self,
        *args,
        provider: str | None = None,
        since: str | None = None,
        revisit: str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.provider = provider or None
        self.revisit_share = parse_revisit(revisit)
        self.since: dt.datetime | None = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise ValueError(f"since: expected YYYY-MM-DD, got {since!r}") from None
            self.since = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.cfg = _config_from(settings)
        spider.profile_cfg = spider.cfg.profile()
        spider.site = spider.profile_cfg.source(cls.source)
        spider.tree = spider.cfg.tree
        spider.run_id = settings.get("KAOPU_RUN_ID") or new_run_id(cls.source)
        spider.crawl_state = CrawlState(spider.tree.crawl_state_dir(cls.source))
        # Counted in the stats once they exist: Scrapy 2.19 creates the spider before the crawl's stats
        # (reading Crawler.stats here raised, and a run after a killed one failed at start).
        spider._recovered_ids = spider.crawl_state.reconcile()
        spider.target = None
        if spider.provider:
            watchlist = load_watchlist(ensure_watchlist(spider.tree))
            spider.target = resolve_target(spider.provider, watchlist)
        spider._finished_threads: set[str] = set()
        spider.revisit_round = spider.crawl_state.revisit_round()
        spider._rewrite_ids: set[str] = set()  # known items a revisit re-read this run
        spider._revisit_pass: dict[str, set[str]] = {}  # revisited thread → the ids it listed this run
        spider._blocks_by_host: dict[str, int] = {}
        crawler.signals.connect(spider._on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    # -- requests -------------------------------------------------------------------------------
    def get(self, url: str, callback, errback=None, **kwargs) -> Request:
        """A request carrying the source's cookies (from the environment; never logged)."""
        cookies = self.site.cookies()
        if cookies:
            # Path "/" as a browser's session cookies have: without it the jar scopes each cookie to
            # the first request's directory and drops it on any other path (a login redirect, say).
            jar = [{"name": k, "value": v, "path": "/"} for k, v in cookies.items()]
            kwargs.setdefault("cookies", jar)
        return Request(url, callback=callback, errback=errback or self.on_error, **kwargs)

    def on_error(self, failure) -> None:
        if failure.check(IgnoreRequest):  # robots.txt said no, or a size cap: a decision, not an error
            self.crawler.stats.inc_value("kaopu/requests/ignored")
            return
        self.crawler.stats.inc_value("kaopu/errors/download")
        if failure.check(DownloadCancelledError) and "max size" in str(failure.value):
            # The size cap cut it off: still a page lost (so an error), but one the user can fix.
            self.crawler.stats.inc_value("kaopu/requests/oversize")
            self.logger.warning(
                "skipped %s: larger than download_maxsize (%s bytes); raise download_maxsize in the "
                "profile to fetch it",
                failure.request.url,
                self.crawler.settings.getint("DOWNLOAD_MAXSIZE"),
            )
            return
        self.logger.warning("gave up on %s: %s", failure.request.url, failure.value)

    def parse_page(self, page_object, response, *args, **kwargs):
        """`page_object(response, …)`, after making sure the response is not a block page; raises
        PageError. For a callback that must do something of its own when a page fails (see `read`)."""
        blocks.check(response)
        if response.status >= 400:
            raise PageError(f"http_{response.status}", response.url)
        return page_object(response, *args, **kwargs)

    def read(self, page_object, response, *args, default: Any = None, **kwargs):
        """What the page object reads from `response`, counted as a parsed page; or `default` when the
        page cannot be read: then it is counted and logged as skipped and the crawl goes on (`skipped`).
        A listing passes `default=NO_LINKS`, so an unreadable one simply has no links and no next page.
        Every callback starts here, so a page error never escapes into Scrapy's log as a traceback."""
        try:
            result = self.parse_page(page_object, response, *args, **kwargs)
        except PageError as exc:
            self.skipped(response, exc)
            return default
        self.counted()
        return result

    def skipped(self, response, exc: PageError) -> None:
        """A page we could not read: counted and logged, the crawl goes on — unless it was a block,
        and this host has now blocked us `block_limit` times: then the source stops (CloseSpider),
        keeping everything crawled so far, with a finish reason `blocked:<reason>` the run reports."""
        self.crawler.stats.inc_value(f"kaopu/pages/skipped/{exc.reason}")
        self.logger.warning("skipped %s: %s", response.url, exc)
        if not blocks.is_block(exc):
            return
        host = urlsplit(response.url).netloc
        count = self._blocks_by_host.get(host, 0) + 1
        self._blocks_by_host[host] = count
        self.crawler.stats.inc_value(f"kaopu/blocks/{exc.reason}")
        if count >= self.site.block_limit:
            self.crawler.stats.set_value("kaopu/blocks/stopped", exc.reason)
            raise CloseSpider(f"blocked:{exc.reason}")

    def counted(self) -> None:
        self.crawler.stats.inc_value("kaopu/pages/parsed")

    def about_target(self, matches: bool) -> bool:
        """Whether a document may be kept: always in a full crawl; in a targeted one only when it is
        about the provider, counted so that "nothing matched" (exit 3) is told apart from "nothing new"."""
        if self.target is None:
            return True
        if matches:
            self.crawler.stats.inc_value("kaopu/target/matched")
        return matches

    def already_held(self, item_id: str) -> bool:
        """In a full crawl, whether an earlier run already wrote this item (so its page need not be
        fetched again); a targeted crawl re-reads everything it finds about the provider."""
        return self.target is None and self.crawl_state.seen(item_id)

    def names_target(self, *names: str | None) -> bool:
        """`about_target` for a page that names its company in fields (a listing, a registry page)."""
        return self.about_target(self.target is None or self.target.is_named(*names))

    def mentions_target(self, *texts: str | None) -> bool:
        """`about_target` for free text that may mention the provider anywhere (an answer, an article)."""
        return self.about_target(self.target is None or self.target.is_mentioned(*texts))

    def search_queries(self) -> list[str]:
        """What this source searches for: the target's names, or — in a full crawl of a site that can
        only be searched — the watch list, the names the data tree knows and the profile's generic
        terms (spiders/discovery.py). A full crawl says in its log and stats what it searched."""
        if self.target is not None:
            return list(self.target.names)
        watchlist = load_watchlist(ensure_watchlist(self.tree))
        found = discovery.registered_names(self.tree) if self.skips_registered_names else ()
        plan = discovery.search_plan(watchlist, self.tree, self.site.search_terms, already_found=found)
        stats = self.crawler.stats
        stats.set_value("kaopu/discovery/watched", len(plan.watched))
        stats.set_value("kaopu/discovery/known", len(plan.known))
        stats.set_value("kaopu/discovery/generic", len(plan.generic))
        stats.set_value("kaopu/discovery/searched", plan.describe(self.source))
        self.logger.info(plan.describe(self.source))
        return plan.queries

    # -- item filters ---------------------------------------------------------------------------
    def recent_enough(self, created_at: str | None) -> bool:
        """`since`: an item older than the day is skipped; an undated item is kept."""
        if self.since is None or not created_at:
            return True
        when = parse_date(created_at)
        if when is None or when >= self.since:
            return True
        self.crawler.stats.inc_value("kaopu/since/skipped")
        return False

    # -- paging ---------------------------------------------------------------------------------
    def follow_list(self, next_url: str | None, callback, page: int, **cb_kwargs) -> Iterator[Request]:
        """A listing's next page (search results, a directory), while the profile's `max_pages` allows.
        Listings are read afresh every run: the watermark applies to threads (`follow_thread`)."""
        if next_url and page < self.site.max_pages:
            yield self.get(next_url, callback, cb_kwargs={**cb_kwargs, "page": page + 1})

    def follow_thread(
        self,
        thread: str,
        item_ids: list[str],
        created: list[str | None],
        request: Request | None,
        cut_short: bool = False,
    ) -> Iterator[Request]:
        """The request for a thread's next page, unless the thread should not be read further.
        `cut_short`: the thread has more pages than the profile's `max_pages` lets a run read; then
        it was not read to its end, and what it did not list is not gone."""
        if request is None:
            self._finished_threads.add(thread)
            if cut_short:
                self._revisit_pass.pop(thread, None)
                self.crawler.stats.inc_value("kaopu/revisit/gone_unchecked")
                return
            yield from self._revisit_end(thread)
            return
        revisit = thread in self._revisit_pass
        if (
            not revisit
            and item_ids
            and self.crawl_state.thread_done(thread)
            and self.crawl_state.all_seen(item_ids)
        ):
            self.crawler.stats.inc_value("kaopu/watermark/stopped")
            self._finished_threads.add(thread)
            return
        if self.since is not None and created:
            dates = [parse_date(c) for c in created if c]
            if dates and all(d is not None and d < self.since for d in dates):
                # Newest first: everything after this page is older still.
                self._finished_threads.add(thread)
                return
        yield request

    # -- revisits --------------------------------------------------------------------------------
    def revisits(self, thread: str) -> bool:
        """Whether this run reads `thread` again in full. `--revisit SHARE` picks a rolling window of
        that share of the threads by a hash of their key; each finished run moves it on, so
        ceil(1/SHARE) runs read every thread once. `all` (1.0) re-reads every thread."""
        share = self.revisit_share
        if share <= 0:
            return False
        if share >= 1:
            return True
        u = int(hashlib.sha1(thread.encode()).hexdigest()[:12], 16) / 16**12
        return (u - self.revisit_round * share) % 1.0 < share

    def thread_page(self, thread: str, rows: list[tuple[str, str | None]]) -> bool:
        """Called on each page of a thread before its items are yielded, with `(item id, own page url)`
        of every item it lists: remembers them as the thread's members and, when the thread is
        revisited, lets the known ones be written again. Returns whether the thread is revisited."""
        ids = [i for i, _ in rows]
        if rows:
            self.crawl_state.add_members(thread, rows)
            shared = getattr(self.crawler, "kaopu_frontier", None)
            if shared is not None:
                shared.note_listed(thread, ids)  # every page: a worker that revisits may read the end
        if not self.revisits(thread):
            return False
        self._rewrite_ids.update(ids)
        self._revisit_pass.setdefault(thread, set()).update(ids)
        self.crawler.stats.inc_value("kaopu/revisit/listed", len(ids))
        return True

    def may_rewrite(self, item_id: str) -> bool:
        return item_id in self._rewrite_ids

    def gone_from_thread(self, thread: str, missing: dict[str, str | None]) -> Iterator:
        """Known items a full re-read of `thread` no longer listed. By default each is recorded gone
        `missing_from_list`; a source whose items have pages of their own asks those (complaints)."""
        for item_id in sorted(missing):
            yield self.disappearance(item_id, "missing_from_list", "not in the list", thread=thread)

    def disappearance(
        self, item_id: str, how: str, status_text: str | None, url: str | None = None, thread: str = ""
    ):
        source, _, native_id = item_id.partition(":")
        self.crawler.stats.inc_value(f"kaopu/revisit/gone/{how}")
        return Disappearance(
            native_id=f"{item_id}:{how}",
            source_url=url or self.site.base_url,
            fetched_at=dt.datetime.now(dt.UTC).isoformat(),
            item_source=source,
            item_native_id=native_id,
            item_kind=THREAD_KINDS.get(thread.partition(":")[0]),
            how=how,
            status_text=status_text,
        )

    def _revisit_end(self, thread: str) -> Iterator:
        """A revisited thread read to its end: what it listed before and not now is gone."""
        listed = self._revisit_pass.pop(thread, None)
        if listed is None:
            return
        shared = getattr(self.crawler, "kaopu_frontier", None)
        if shared is not None:
            # On a shared frontier this worker read only some of the thread's pages; the set in Redis
            # holds what every page listed (spiders/frontier.py).
            listed = shared.listed(thread)
        missing = {i: u for i, u in self.crawl_state.members(thread).items() if i not in listed}
        if missing:
            yield from self.gone_from_thread(thread, missing)

    def _on_opened(self, spider) -> None:
        if spider is self and self._recovered_ids:
            self.crawler.stats.set_value("kaopu/state/recovered_ids", self._recovered_ids)

    def _on_closed(self, spider, reason: str) -> None:
        if spider is not self:
            return
        # Only now are the finished threads' items through the raw writer; a killed process never
        # gets here, so its threads stay unfinished and are read in full next time.
        if reason == "finished":
            now = dt.datetime.now(dt.UTC).isoformat()
            for thread in self._finished_threads:
                self.crawl_state.mark_thread_done(thread, now)
            if 0 < self.revisit_share < 1:
                # The next run revisits the next window (once, however many workers shared this run).
                self.crawl_state.next_revisit_round(started_at=self.revisit_round)
        self.crawler.stats.set_value("kaopu/state/seen_total", self.crawl_state.count())
        self.crawl_state.close()
