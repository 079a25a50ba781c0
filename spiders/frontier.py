"""A crawl frontier shared through Redis (scrapy-redis), so several crawler processes — on this host or
on others pointed at the same Redis and data store — crawl one source together.

What is shared, per source, under `kaopu:frontier:<source>:`:
- `requests`: the scheduler queue (a FIFO list: breadth-first, as the single-process crawl);
- `dupefilter`: scrapy-redis's request fingerprints, so no URL is scheduled twice by anyone. Marking a
  fingerprint and queueing its request are one Lua script here (scrapy-redis makes two calls, and a
  worker killed between them would leave a URL marked that no queue holds);
- `seed`: who pushes the start requests. Every worker tries `SET seed seeding:<worker> NX` when Scrapy
  asks for its start requests; the one that wins yields them (they go through the shared dupefilter into
  the queue) and sets `seed` to `seeded` once its `start()` is exhausted; every other worker yields none
  and only takes requests from the queue;
- `processing:<worker>` and `alive:<worker>`: a worker takes a request with an atomic LMOVE from the
  queue into its own processing list and drops it from there once the callback's output has gone
  through: every item through the item pipelines (so into raw) and every follow-up request into the
  shared queue (or found there already). Scrapy (2.13+, asyncio reactor) drains a callback's output
  into an in-memory queue before it schedules any of it, so "the output is exhausted" is not enough:
  a worker killed then would take a listing's detail requests with it, and nobody would fetch them.
  `alive:<worker>` is a heartbeat that expires `HEARTBEAT_TTL_S` after a worker stops refreshing it.
  A worker killed with SIGKILL thus leaves its in-flight requests in its processing list; the first
  live worker to go idle (or the next `prepare()`) moves them back to the queue, so the crawl still
  reaches every page. A worker stopped cleanly (Ctrl-C, SIGTERM, a block) hands its processing list
  back itself.
- `pace:<host>`: the next moment a request to that host may start, shared by every worker (below);
- `quota:<day>`: the source's requests that day, counted by every worker against the profile's
  `daily_requests` (spiders/quota.py);
- `listed:<thread>`: every item id a page of that thread (a company's complaints, a service's reviews)
  listed, from whichever worker read the page; the worker that reads the thread's last page on a
  revisit compares it with the known members to record what is no longer listed (spiders/base.py).

When a worker is done: its own engine is idle, the queue is empty, no other live worker holds a
request, and the seeding is over. Only then does it close with `finished`; until then it waits
(`DontCloseSpider`) because another worker may still add requests.

Politeness across workers: the profile's per-site delay becomes a shared pace — a Lua script gives each
request, from whichever worker, the next free slot `delay` (±50% jitter) after the previous one for that
host, so N workers together keep one site's request rate, not N times it; the daily request cap is
counted in Redis by all of them too. robots.txt is obeyed by every worker (each fetches and parses it
once: one request per worker). AutoThrottle and the per-domain concurrency still act per worker, on
top of the shared pace. Without politeness (`--no-politeness`, the sandbox and benchmarks) there is
no pace.

Redis must be private to the crawl (loopback or a private network, with a password in the URL): the
queue holds pickled Scrapy requests, as scrapy-redis stores them.
"""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.queue import FifoQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

HEARTBEAT_TTL_S = 10.0
_NUDGE_EVERY_S = 0.25
# A thread's listed ids outlive any one worker, not the crawl: a week covers a paused crawl resumed.
LISTED_TTL_S = 7 * 24 * 3600
_ENTRY = "kaopu_frontier_entry"  # the queue entry a request was taken from (request.meta)
SEEDED = "seeded"
# Sent by FrontierScheduler once a request is in the shared queue, or was found there already (a
# dupefilter hit): only then may the page that yielded it be acknowledged.
request_queued = object()


def prefix(source: str) -> str:
    return f"kaopu:frontier:{source}:"


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)


def settings_for(url: str, source: str, worker: str, *, pace_s: float) -> dict:
    """The Scrapy settings that make a crawl a frontier worker (merged by spiders/run.py)."""
    p = prefix(source)
    return {
        "SCHEDULER": "spiders.frontier.FrontierScheduler",
        "SCHEDULER_QUEUE_CLASS": "spiders.frontier.FrontierQueue",
        "SCHEDULER_QUEUE_KEY": p + "requests",
        "SCHEDULER_DUPEFILTER_KEY": p + "dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # The queue outlives a worker: a stopped crawl resumes from Redis (it takes JOBDIR's role).
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": url,
        "KAOPU_FRONTIER_URL": url,
        "KAOPU_FRONTIER_WORKER": worker,
        "KAOPU_FRONTIER_PACE": pace_s,
        # The shared pace replaces the per-process delay (see the module docstring).
        "DOWNLOAD_DELAY": 0.0,
        "DOWNLOAD_DELAY_JITTER": 0.0,
        "SPIDER_MIDDLEWARES": {"spiders.frontier.FrontierSpiderMiddleware": 10},
        "EXTENSIONS": {"spiders.frontier.FrontierWorker": 0},
    }


# Atomic moves, so a request is always in exactly one list.
_REQUEUE = """
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') do n = n + 1 end
return n
"""
# The dupefilter's mark and the queue entry in one step: a worker killed between the two would leave
# a URL marked seen that no queue holds, and the page would be lost for every worker.
_PUSH_IF_NEW = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0
"""
# The shared pace: returns how many ms this request must wait for its slot at KEYS[1]'s host.
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return slot - now
"""


class Frontier:
    """One source's shared state in Redis, seen from one worker."""

    def __init__(self, server: redis.Redis, source: str, worker: str = ""):
        self.server = server
        self.prefix = prefix(source)
        self.worker = worker
        self.queue_key = self.prefix + "requests"
        self._requeue = server.register_script(_REQUEUE)

    def processing_key(self, worker: str) -> str:
        return f"{self.prefix}processing:{worker}"

    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}alive:{worker}"

    # -- liveness ---------------------------------------------------------------------------------
    def beat(self) -> None:
        self.server.set(self.alive_key(self.worker), 1, px=int(HEARTBEAT_TTL_S * 1000))

    def leave(self) -> int:
        """Hand this worker's unfinished requests back to the queue and stop being alive."""
        moved = int(self._requeue(keys=[self.processing_key(self.worker), self.queue_key]))
        self.server.delete(self.alive_key(self.worker))
        return moved

    def _processing_lists(self) -> dict[str, str]:
        start = len(self.prefix + "processing:")
        return {
            key.decode()[start:]: key.decode()
            for key in self.server.scan_iter(match=self.prefix + "processing:*", count=500)
        }

    def recover(self) -> int:
        """Move the requests of workers whose heartbeat expired back to the queue; returns how many."""
        moved = 0
        for worker, key in self._processing_lists().items():
            if worker != self.worker and not self.server.exists(self.alive_key(worker)):
                moved += int(self._requeue(keys=[key, self.queue_key]))
        return moved

    def others_busy(self) -> bool:
        return any(
            self.server.llen(key) for worker, key in self._processing_lists().items() if worker != self.worker
        )

    # -- seeding ----------------------------------------------------------------------------------
    def claim_seeding(self) -> bool:
        return bool(self.server.set(self.prefix + "seed", f"seeding:{self.worker}", nx=True))

    def seeding_done(self) -> None:
        self.server.set(self.prefix + "seed", SEEDED)

    def seed_state(self) -> str | None:
        value = self.server.get(self.prefix + "seed")
        return value.decode() if value is not None else None

    def seeder_lost(self) -> bool:
        state = self.seed_state()
        if state is None:
            return True
        if state == SEEDED:
            return False
        return not self.server.exists(self.alive_key(state.removeprefix("seeding:")))

    def pending(self) -> int:
        return int(self.server.llen(self.queue_key))

    def ack(self, entry: bytes) -> None:
        """Drop a request this worker is done with from its processing list."""
        self.server.lrem(self.processing_key(self.worker), 1, entry)

    # -- what a thread lists ----------------------------------------------------------------------
    # A thread's pages (a company's complaints, a service's reviews) are read by whichever workers take
    # them, so no worker alone sees the whole list. Every page adds its item ids to one set per thread;
    # the worker that reads the last page compares the crawl state's members with that set to say what
    # is no longer listed. Pages are chained (page N asks for N+1), so the set is complete by then. A
    # fresh crawl clears the sets with the rest of the source's keys (`prepare`).
    def listed_key(self, thread: str) -> str:
        return f"{self.prefix}listed:{thread}"

    def note_listed(self, thread: str, item_ids: list[str]) -> None:
        if item_ids:
            key = self.listed_key(thread)
            with self.server.pipeline() as pipe:
                pipe.sadd(key, *item_ids)
                pipe.expire(key, LISTED_TTL_S)
                pipe.execute()

    def listed(self, thread: str) -> set[str]:
        return {m.decode() for m in self.server.smembers(self.listed_key(thread))}


def prepare(url: str, source: str) -> str:
    """Called once per source by whoever starts a frontier crawl (`kaopu run --frontier`), before its
    workers: 'resumed' when a stopped crawl left requests (they are crawled, nothing is re-seeded),
    else 'fresh' — the previous crawl's queue, fingerprints and seed mark are cleared so today's crawl
    fetches the sites anew (the crawl state, not the dupefilter, decides which items are new)."""
    frontier = Frontier(connect(url), source)
    frontier.recover()
    if frontier.pending() or frontier.others_busy():
        if frontier.seeder_lost():
            frontier.server.delete(frontier.prefix + "seed")  # a seeder killed mid-way: seed again
        return "resumed"
    keys = list(frontier.server.scan_iter(match=frontier.prefix + "*", count=500))
    # Heartbeats, the sites' pace and the day's request counts (spiders/quota.py) outlive a crawl.
    keys = [k for k in keys if not any(part in k for part in (b":alive:", b":pace:", b":quota:"))]
    if keys:
        frontier.server.delete(*keys)
    return "fresh"


class FrontierQueue(FifoQueue):
    """scrapy-redis's FIFO queue, but a pop moves the entry into this worker's processing list."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        worker = spider.crawler.settings.get("KAOPU_FRONTIER_WORKER")
        self.processing = f"{key.rsplit(':', 1)[0]}:processing:{worker}"

    def push(self, request):
        request.meta.pop(_ENTRY, None)  # a retry or redirect copy is a new entry of its own
        self.server.lpush(self.key, self._encode_request(request))

    def push_if_new(self, dupefilter_key: str, fingerprint: str, request) -> bool:
        """Queue `request` unless its fingerprint is in the dupefilter, and mark it, atomically."""
        request.meta.pop(_ENTRY, None)
        if not hasattr(self, "_push_if_new"):
            self._push_if_new = self.server.register_script(_PUSH_IF_NEW)
        data = self._encode_request(request)
        return bool(self._push_if_new(keys=[dupefilter_key, self.key], args=[fingerprint, data]))

    def pop(self, timeout=0):
        data = self.server.lmove(self.key, self.processing, "RIGHT", "LEFT")
        if data is None:
            return None
        request = self._decode_request(data)
        request.meta[_ENTRY] = data
        return request


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, but the dupefilter check and the push are one Redis script
    (scrapy-redis does them as two calls, which a SIGKILL can split), and every request it has dealt
    with is announced (`request_queued`), so the page that yielded it can be acknowledged."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    def enqueue_request(self, request):
        if request.dont_filter:
            self.queue.push(request)
        elif not self.queue.push_if_new(self.df.key, self.df.request_fingerprint(request), request):
            self.df.log(request, self.spider)
            self._queued(request)  # already in the queue (or crawled): as good as queued by us
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self._queued(request)
        return True

    def _queued(self, request) -> None:
        self.crawler.signals.send_catch_log(request_queued, request=request)


class _OnAFrontierOnly:
    """Scrapy's way to switch a component off: NotConfigured when the crawl has no frontier."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("KAOPU_FRONTIER_URL"):
            raise NotConfigured("no frontier")
        return cls(crawler)


class FrontierSpiderMiddleware(_OnAFrontierOnly):
    """Seeds once per crawl, and acknowledges a request (drops it from this worker's processing list)
    only when its callback's output went through: every follow-up request queued in Redis (the
    scheduler says so with `request_queued`) and every item through the item pipelines (so into raw).
    A worker killed before that leaves the request to be crawled again by another — its items are then
    dropped as already seen, its requests as already queued, never lost.

    A follow-up that never reaches the scheduler (a `request_scheduled` handler refused it, as Scrapy's
    offsite filter does for a spider with `allowed_domains`; kaopu's spiders set none) keeps its page
    unacknowledged until the worker is idle: after a kill that page is fetched again, nothing is lost."""

    def __init__(self, crawler):
        self.crawler = crawler
        # id(response) → [outputs not yet through, output exhausted?, queue entry]
        self._open: dict[int, list] = {}
        # id(request) → (request, its page's record, id(response)): follow-ups not yet in the queue
        self._unqueued: dict[int, tuple[Request, list, int]] = {}
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)
        crawler.signals.connect(self._request_queued, signal=request_queued)
        crawler.signals.connect(self.forget, signal=signals.spider_idle)

    @property
    def frontier(self) -> Frontier:
        return self.crawler.kaopu_frontier

    async def process_start(self, start):
        if not self.frontier.claim_seeding():
            return
        self.crawler.stats.set_value("kaopu/frontier/seeded", 1)
        async for request in start:
            yield request
        self.frontier.seeding_done()

    def forget(self, spider=None) -> None:
        """Called when the worker is idle: a callback that raised never exhausted its output; its
        request is done all the same (the idle worker's processing list is cleared)."""
        self._open.clear()
        self._unqueued.clear()

    def _begin(self, response) -> list | None:
        entry = response.request.meta.get(_ENTRY) if response.request is not None else None
        if entry is None:
            return None
        record = self._open[id(response)] = [0, False, entry]
        return record

    def _count(self, response, record: list | None, out) -> None:
        # None is skipped by Scrapy (no item signal would ever come for it).
        if record is None or out is None:
            return
        record[0] += 1
        if isinstance(out, Request):
            self._unqueued[id(out)] = (out, record, id(response))

    def _exhausted(self, response, record: list | None) -> None:
        if record is not None:
            record[1] = True
            self._maybe_ack(id(response))

    def _item_done(self, item=None, response=None, **kwargs) -> None:
        self._one_done(id(response), self._open.get(id(response)))

    def _request_queued(self, request=None, **kwargs) -> None:
        pending = self._unqueued.get(id(request))
        if pending is None or pending[0] is not request:
            return  # a start request, a retry or a redirect: no page waits for it
        del self._unqueued[id(request)]
        _, record, key = pending
        self._one_done(key, record)

    def _one_done(self, key: int, record: list | None) -> None:
        if record is not None and self._open.get(key) is record:
            record[0] -= 1
            self._maybe_ack(key)

    def _maybe_ack(self, key: int) -> None:
        record = self._open[key]
        if record[1] and record[0] <= 0:
            del self._open[key]
            self.frontier.ack(record[2])

    def process_spider_output(self, response, result):
        record = self._begin(response)
        for out in result:
            self._count(response, record, out)
            yield out
        self._exhausted(response, record)

    async def process_spider_output_async(self, response, result):
        record = self._begin(response)
        async for out in result:
            self._count(response, record, out)
            yield out
        self._exhausted(response, record)


class FrontierWorker(_OnAFrontierOnly):
    """The worker's life: heartbeat, nudging the engine when others queued work, and deciding when the
    shared crawl — not just this process's share — is over."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        source = getattr(crawler.spidercls, "source", "") or crawler.spidercls.name
        self.frontier = Frontier(
            connect(settings.get("KAOPU_FRONTIER_URL")), source, settings.get("KAOPU_FRONTIER_WORKER")
        )
        crawler.kaopu_frontier = self.frontier
        self._beat = task.LoopingCall(self.frontier.beat)
        self._nudge = task.LoopingCall(self.nudge)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def opened(self, spider) -> None:
        self.frontier.beat()
        self._beat.start(HEARTBEAT_TTL_S / 4, now=False)
        self._nudge.start(_NUDGE_EVERY_S, now=False)

    def nudge(self) -> None:
        # Scrapy looks at its scheduler again after each response and on a 5 s heartbeat (and asks
        # `idle` again no sooner); a worker whose own requests are done would otherwise notice others'
        # new requests, or the end of the shared crawl, only every 5 s. `_slot.nextcall` is the
        # engine's own "look again" call (private, but the one there is).
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is not None and not engine.needs_backout():
            slot.nextcall.schedule()

    def idle(self, spider) -> None:
        # Idle here means: nothing of this worker's is in flight, so its processing list is done.
        self.frontier.server.delete(self.frontier.processing_key(self.frontier.worker))
        recovered = self.frontier.recover()
        if recovered:
            self.crawler.stats.inc_value("kaopu/frontier/recovered", recovered)
        if self.frontier.pending() or self.frontier.others_busy():
            raise DontCloseSpider
        if self.frontier.seed_state() == SEEDED:
            return  # finished: nothing queued, nobody holds a request, seeding over
        if self.frontier.seeder_lost():
            raise CloseSpider("frontier_unseeded")
        raise DontCloseSpider  # the seeder is still pushing start requests

    def closed(self, spider, reason) -> None:
        for loop in (self._beat, self._nudge):
            if loop.running:
                loop.stop()
        handed = self.frontier.leave()
        if handed:
            self.crawler.stats.set_value("kaopu/frontier/handed_back", handed)


class SharedPaceMiddleware:
    """Downloader middleware: waits for this host's next shared slot (see the module docstring)."""

    def __init__(self, server: redis.Redis, source: str, pace_s: float):
        self.server = server
        self.prefix = prefix(source)
        self.pace_ms = pace_s * 1000
        self._pace = server.register_script(_PACE)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url, pace = settings.get("KAOPU_FRONTIER_URL"), settings.getfloat("KAOPU_FRONTIER_PACE")
        if not url or pace <= 0:
            raise NotConfigured("no frontier, or no delay to share")
        source = getattr(crawler.spidercls, "source", "") or crawler.spidercls.name
        return cls(connect(url), source, pace)

    def reserve(self, host: str, interval_ms: int) -> int:
        """Takes `host`'s next free slot and keeps the following `interval_ms` for the next request, from
        any worker; returns how many ms to wait for the slot taken."""
        return int(self._pace(keys=[f"{self.prefix}pace:{host}"], args=[interval_ms]))

    async def process_request(self, request, spider=None):
        interval = int(self.pace_ms * random.uniform(0.5, 1.5))  # jitter, not secrecy
        wait_ms = self.reserve(urlsplit(request.url).netloc, interval)
        if wait_ms > 0:
            # The reactor Scrapy installed: importing it at module level would install the default one.
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, wait_ms / 1000, lambda: None))
        return None
