"""The one entry the flows call: crawl one source in this process, then say what happened.

    python -m spiders.run SOURCE --data DIR [--config FILE] [--profile NAME] [--base-url URL]
        [--run-id ID] [--provider NAME] [--since YYYY-MM-DD] [--revisit SHARE|all] [--no-politeness]
        [--no-jobdir] [--stats-out FILE.json] [--frontier redis://HOST:PORT/DB --worker NAME]

Exit codes: 0 crawled (stats JSON written); 2 a config error (its one line on stderr); 3 `--provider`
matched nothing at this source (nothing written); 4 stopped before the end — the site blocked us
(captcha, login wall, 403, …) often enough that the circuit breaker stopped the source, or the
profile's daily request cap was reached; what was crawled is kept and the line says what to do, e.g.
`complaints: stopped — login required (set KAOPU_COOKIE_COMPLAINTS)`; 1 anything else, one line on
stderr. Scrapy's log goes
to `<data>/logs/<run_id>-<source>.log`, never the terminal.

Resuming: the request queue lives in `state/jobs/<source>[/<provider>]` (Scrapy's JOBDIR), so a crawl
stopped with Ctrl-C or SIGTERM picks up where it was. Scrapy writes that queue's bookkeeping only on a
clean stop, so a SIGKILLed crawl leaves a queue that cannot be trusted: a marker file tells, and the
next run starts the queue afresh. Nothing is lost or written twice either way — the crawl state's
seen-ids store (spiders/crawl_state.py) decides what is new.

`--frontier`: this process is one worker of a crawl shared through Redis (spiders/frontier.py); the
queue in Redis replaces the JOBDIR (it outlives the worker, so a stopped crawl resumes from it), and
`--worker` names this process there (its run id should name it too: one raw file per worker).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

from pipelines.config import ConfigError, ensure_watchlist, load_config
from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, new_run_id, slugify, write_json_atomic
from spiders.pages import blocks

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_NO_MATCH, EXIT_STOPPED = 0, 1, 2, 3, 4
_MARKER = "CRAWL_RUNNING"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m spiders.run", description="Crawl one kaopu source.")
    p.add_argument("source", help=f"one of {', '.join(SOURCES)}")
    p.add_argument("--data", help="the data tree (default: kaopu.toml / $KAOPU_DATA)")
    p.add_argument("--config", help="kaopu.toml to use (default: $KAOPU_CONFIG, ./kaopu.toml)")
    p.add_argument("--profile", help="source profile, e.g. sandbox or live")
    p.add_argument("--base-url", help="replaces {base} in the profile (where the sandbox runs)")
    p.add_argument("--run-id", help="names the raw file and the log (default: a new sortable id)")
    p.add_argument("--provider", help="crawl only this provider's documents")
    p.add_argument("--since", help="skip items created before this day (YYYY-MM-DD)")
    p.add_argument(
        "--revisit",
        help="re-read this share (0-1) of the known threads, a rolling window per run, or 'all' (default: 0)",
    )
    p.add_argument("--no-politeness", action="store_true", help="no delays or throttling (benchmarks)")
    p.add_argument("--no-jobdir", action="store_true", help="do not keep a resumable request queue")
    p.add_argument("--stats-out", help="write the run's stats here as JSON")
    p.add_argument("--frontier", help="redis://HOST:PORT/DB: share the crawl's queue with other workers")
    p.add_argument("--worker", help="this worker's name on the frontier (default: host-pid)")
    return p


def _fail(code: int, message: str) -> int:
    print(message.splitlines()[0] if message else "failed", file=sys.stderr)
    return code


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_jobdir(jobdir: Path) -> str:
    """Make `jobdir` safe to resume from. Returns 'fresh', 'resumed' or 'discarded' (after a kill)."""
    marker = jobdir / _MARKER
    state = "resumed" if jobdir.exists() and any(p.name != _MARKER for p in jobdir.iterdir()) else "fresh"
    if marker.exists():
        try:
            pid = int(marker.read_text().strip() or 0)
        except ValueError:
            pid = 0
        if pid and pid != os.getpid() and _pid_alive(pid):
            raise RuntimeError(f"another crawl (pid {pid}) is using {jobdir}")
        shutil.rmtree(jobdir, ignore_errors=True)
        state = "discarded"
    jobdir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    return state


def summarize(
    stats: dict[str, Any], *, source: str, run_id: str, elapsed: float, log_file: Path, tree: DataTree
) -> dict[str, Any]:
    """The stats JSON: a summary the flow reads, then every Scrapy and kaopu counter as is."""
    quarantined = {
        k.removeprefix("kaopu/quarantine/"): v for k, v in stats.items() if k.startswith("kaopu/quarantine/")
    }
    skipped = {
        k.removeprefix("kaopu/pages/skipped/"): v
        for k, v in stats.items()
        if k.startswith("kaopu/pages/skipped/")
    }
    errors = progress_of(stats)["errors"]
    raw_files = sorted(p for p in tree.raw_files(source) if p.name == f"{run_id}.jsonl.gz")
    summary = {
        "source": source,
        "run_id": run_id,
        "finish_reason": stats.get("finish_reason"),
        "items": int(stats.get("item_scraped_count", 0)) + int(stats.get("item_dropped_count", 0)),
        "pages": int(stats.get("response_received_count", 0)),
        "pages_parsed": int(stats.get("kaopu/pages/parsed", 0)),
        "pages_skipped": skipped,
        "raw_written": int(stats.get("kaopu/raw/written", 0)),
        "raw_files": [tree.relative(p) for p in raw_files],
        "quarantined": quarantined,
        "dupes_dropped": int(stats.get("kaopu/dupes/dropped", 0)),
        "seen_before": int(stats.get("kaopu/dupes/seen_before", 0)),
        "errors": errors,
        "oversize": int(stats.get("kaopu/requests/oversize", 0)),
        "blocks": {
            k.removeprefix("kaopu/blocks/"): v
            for k, v in stats.items()
            if k.startswith("kaopu/blocks/") and k != "kaopu/blocks/stopped"
        },
        "stopped_by": stats.get("kaopu/blocks/stopped"),
        # A search-only source's full crawl: what it searched (spiders/discovery.py), else None.
        "searched": stats.get("kaopu/discovery/searched"),
        "elapsed_s": round(elapsed, 3),
        "log_file": str(log_file),
    }
    flat = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in stats.items()}
    return {**summary, **flat}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.source not in SOURCES:
        return _fail(EXIT_CONFIG, f"source: expected one of {', '.join(SOURCES)}, got {args.source!r}")
    if args.since:
        try:
            dt.date.fromisoformat(args.since)
        except ValueError:
            return _fail(EXIT_CONFIG, f"--since: expected YYYY-MM-DD, got {args.since!r}")
    if args.revisit:
        from spiders.base import parse_revisit

        try:
            parse_revisit(args.revisit)
        except ValueError as exc:
            return _fail(EXIT_CONFIG, f"--{exc}")
    try:
        cfg = load_config(args.config, data=args.data, profile=args.profile, base_url=args.base_url)
        site = cfg.profile().source(args.source)
        tree = cfg.tree
        if args.provider:
            ensure_watchlist(tree)
            from pipelines.config import load_watchlist

            load_watchlist(tree.providers_file)  # a broken watch list is a config error, said now
    except ConfigError as exc:
        return _fail(EXIT_CONFIG, str(exc))
    if site.unsupported:
        return _fail(EXIT_CONFIG, f"{args.source}: unsupported: {site.unsupported}")
    if not site.enabled:
        key = f"profiles.{cfg.profile_name}.sources.{args.source}"
        why = f"{key}.enabled is false" if site.configured else f"no [{key}] table: the source is off"
        return _fail(EXIT_CONFIG, f"{cfg.path}: {why}")

    run_id = args.run_id or new_run_id()
    try:
        tree.raw_file(args.source, run_id)  # validates the run id before anything is written
    except ValueError as exc:
        return _fail(EXIT_CONFIG, f"--run-id: {exc}")
    tree.logs_dir.mkdir(parents=True, exist_ok=True)
    log_file = tree.logs_dir / f"{run_id}-{args.source}.log"

    if args.frontier and not args.worker:
        args.worker = f"{slugify(socket.gethostname())}-{os.getpid()}"
    jobdir = None
    if not args.no_jobdir and not args.frontier:
        jobdir = tree.crawl_job_dir(args.source, slugify(args.provider) if args.provider else None)
        try:
            jobdir_state = prepare_jobdir(jobdir)
        except RuntimeError as exc:
            return _fail(EXIT_FAILED, str(exc))

    started = time.monotonic()
    try:
        stats, failure = _crawl(args, cfg, run_id, log_file, jobdir, _progress_path(args.stats_out))
    except Exception as exc:  # the one-line contract: the log file has the traceback
        return _fail(EXIT_FAILED, f"{args.source}: crawl failed: {exc!r} (see {log_file})")
    elapsed = time.monotonic() - started
    if jobdir is not None:
        stats["kaopu/jobdir/state"] = jobdir_state
    reason = str(stats.get("finish_reason") or "")
    blocked = reason.startswith("blocked:")
    capped = reason == "quota"
    if jobdir is not None and (reason in ("finished", "shutdown") or blocked or capped) and failure is None:
        (jobdir / _MARKER).unlink(missing_ok=True)
        if reason != "shutdown":
            # A stopped crawl (blocked, daily cap) dropped the requests it had in hand, yet its
            # seen-requests file lists them: resuming would skip them for good. The next run starts
            # afresh; the crawl state re-reads every thread this run did not finish. A finished
            # crawl's queue is empty and its seen-requests file would stop the next run from
            # fetching anything: that one starts fresh too.
            shutil.rmtree(jobdir, ignore_errors=True)
    doc = summarize(stats, source=args.source, run_id=run_id, elapsed=elapsed, log_file=log_file, tree=tree)
    if args.stats_out:
        write_json_atomic(Path(args.stats_out), doc)
    if failure is not None:
        return _fail(EXIT_FAILED, f"{args.source}: {failure} (see {log_file})")
    if blocked:
        return _fail(
            EXIT_STOPPED, blocks.stop_line(args.source, reason.removeprefix("blocked:"), site.cookie_env)
        )
    if capped:
        cap = stats.get("kaopu/quota/reached")
        return _fail(
            EXIT_STOPPED,
            f"{args.source}: stopped — daily request cap reached ({cap} requests today; the profile's "
            "daily_requests); run again tomorrow to go on",
        )
    if reason != "finished":
        return _fail(EXIT_FAILED, f"{args.source}: crawl stopped ({reason}); run again to resume")
    if doc["pages"] == 0 and doc["errors"]:
        return _fail(
            EXIT_FAILED, f"{args.source}: nothing could be fetched from {site.base_url} (see {log_file})"
        )
    if args.provider and not stats.get("kaopu/target/matched"):
        return _fail(EXIT_NO_MATCH, f"no documents for {args.provider!r} at {args.source}")
    return EXIT_OK


PROGRESS_EVERY_S = 0.5


def _progress_path(stats_out: str | None) -> Path | None:
    """`<run>-<source>.stats.json` → `<run>-<source>.progress.json`, beside it."""
    if not stats_out:
        return None
    path = Path(stats_out)
    return path.with_name(path.name.removesuffix(".json").removesuffix(".stats") + ".progress.json")


def progress_of(stats: dict[str, Any]) -> dict[str, int]:
    """What a user watching a crawl wants to see move: pages fetched, items kept, errors so far."""
    return {
        "pages": int(stats.get("response_received_count", 0)),
        "items": int(stats.get("item_scraped_count", 0)),
        "errors": int(stats.get("kaopu/errors/download", 0))
        + sum(int(v) for k, v in stats.items() if k.startswith("spider_exceptions/"))
        + int(stats.get("log_count/ERROR", 0)),
    }


def _crawl(
    args, cfg, run_id: str, log_file: Path, jobdir: Path | None, progress: Path | None = None
) -> tuple[dict[str, Any], str | None]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    overrides = {
        "KAOPU_CONFIG": str(cfg.path) if cfg.path else "",
        "KAOPU_DATA": str(cfg.data_dir),
        "KAOPU_PROFILE": cfg.profile_name,
        "KAOPU_BASE_URL": args.base_url or "",
        "KAOPU_RUN_ID": run_id,
        "KAOPU_POLITE": not args.no_politeness,
        "LOG_FILE": str(log_file),
        "LOG_FILE_APPEND": True,
        "LOG_LEVEL": "DEBUG" if cfg.log_level == "DEBUG" else "INFO",
        "JOBDIR": str(jobdir) if jobdir else None,
    }
    settings.setdict(overrides, priority="cmdline")
    if args.frontier:
        from spiders import frontier

        site = cfg.profile().source(args.source)
        shared = frontier.settings_for(
            args.frontier, args.source, args.worker, pace_s=site.delay if not args.no_politeness else 0.0
        )
        # After robots.txt allowed a request and the daily cap counted it, before it is sent.
        shared["DOWNLOADER_MIDDLEWARES"] = {
            **settings.getdict("DOWNLOADER_MIDDLEWARES"),
            "spiders.frontier.SharedPaceMiddleware": 120,
        }
        settings.setdict(shared, priority="cmdline")
    spider_cls = SpiderLoader.from_settings(settings.frozencopy()).load(args.source)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    failures: list[str] = []
    deferred = process.crawl(crawler, provider=args.provider, since=args.since, revisit=args.revisit)
    deferred.addErrback(lambda f: failures.append(f"{f.type.__name__}: {f.value}"))
    report = None
    if progress is not None:
        from twisted.internet import task

        def write_progress() -> None:
            try:
                stats = crawler.stats
            except RuntimeError:  # Scrapy 2.19 raises until the crawl has started: nothing to say yet
                return
            if stats:
                write_json_atomic(progress, progress_of(stats.get_stats()))

        report = task.LoopingCall(write_progress)
        report.start(PROGRESS_EVERY_S, now=True)
    process.start()
    if report is not None and report.running:
        report.stop()
    try:
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    except RuntimeError:  # the crawl never started: `failures` says why
        stats = {}
    if progress is not None:
        write_json_atomic(progress, progress_of(stats))
    return stats, (failures[0] if failures else None)


if __name__ == "__main__":
    sys.exit(main())
