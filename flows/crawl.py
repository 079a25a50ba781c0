"""Run one spider in its own process and read back what it did.

Scrapy's Twisted reactor cannot be restarted inside one process, so every crawl — one per source,
per run — is a fresh `python -m spiders.run` subprocess. This module knows only the command line and
the exit codes of that entry point; the Prefect flow decides about retries and parallelism.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipelines.storage import DataTree

# Exit codes of `python -m spiders.run` (see spiders/run.py).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_NO_MATCH = 3

# The spiders this process runs, so a stopping command can tell them (cli.stopping), and the flag
# that keeps a task's retry from starting a new one once it is stopping.
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


def stopping() -> bool:
    return _stopping.is_set()


def stop_spiders() -> None:
    """No spider starts from now on; the running ones get SIGTERM (Scrapy closes its files and keeps
    its request queue, so the next run resumes)."""
    _stopping.set()
    with _running_lock:
        for proc in list(_running):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)


@dataclass
class CrawlResult:
    source: str
    exit_code: int
    message: str
    elapsed_s: float
    stats: dict[str, Any] = field(default_factory=dict)
    log_file: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK

    @property
    def raw_written(self) -> int:
        return int(self.stats.get("kaopu/raw/written", 0) or 0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok, "raw_written": self.raw_written}


def spider_command(
    source: str,
    *,
    tree: DataTree,
    run_id: str,
    stats_out: Path,
    config: str | None = None,
    profile: str | None = None,
    base_url: str | None = None,
    provider: str | None = None,
    since: str | None = None,
    revisit: str | None = None,
    polite: bool = True,
) -> list[str]:
    cmd = [sys.executable, "-m", "spiders.run", source, "--data", str(tree.root), "--run-id", run_id]
    cmd += ["--stats-out", str(stats_out)]
    for flag, value in (
        ("--config", config),
        ("--profile", profile),
        ("--base-url", base_url),
        ("--provider", provider),
        ("--since", since),
        ("--revisit", revisit),
    ):
        if value:
            cmd += [flag, value]
    if not polite:
        cmd.append("--no-politeness")
    return cmd


def run_spider(
    source: str,
    *,
    tree: DataTree,
    run_id: str,
    timeout_s: float = 3600,
    frontier: str | None = None,
    workers: int = 1,
    **options: Any,
) -> CrawlResult:
    """Run one source's spider to completion. Never raises for a crawl failure: the result says.

    With `frontier` (a Redis URL), `workers` processes crawl the source together on that shared
    frontier (spiders/frontier.py), each as `<run_id>-w<k>` with its own raw file; the result adds
    their figures up."""
    if frontier:
        return _run_frontier(
            source, tree=tree, run_id=run_id, timeout_s=timeout_s, url=frontier, n=workers, **options
        )
    return _run_one(source, tree=tree, run_id=run_id, timeout_s=timeout_s, **options)


def _run_frontier(
    source: str, *, tree: DataTree, run_id: str, timeout_s: float, url: str, n: int, **options: Any
) -> CrawlResult:
    from spiders import frontier

    try:
        state = frontier.prepare(url, source)  # once, before any worker: fresh crawl or resume
    except Exception as exc:  # Redis unreachable, wrong URL: this source fails, the others go on
        return CrawlResult(source, EXIT_FAILED, f"{source}: frontier {url}: {exc}", 0.0)
    return join_frontier(
        source, tree=tree, run_id=run_id, timeout_s=timeout_s, url=url, n=n, state=state, **options
    )


def join_frontier(
    source: str,
    *,
    tree: DataTree,
    run_id: str,
    url: str,
    n: int,
    timeout_s: float = 3600,
    state: str = "joined",
    **options: Any,
) -> CrawlResult:
    """`n` worker processes on the frontier at `url`, until its crawl of `source` is done (what
    `kaopu crawl-worker` runs on another host: it joins, it never resets or seeds a crawl itself
    unless nobody has seeded it yet)."""
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(n, 1)) as pool:
        futures = [
            pool.submit(
                _run_one,
                source,
                tree=tree,
                run_id=f"{run_id}-w{k}",
                timeout_s=timeout_s,
                extra=["--frontier", url, "--worker", f"{run_id}-w{k}"],
                **options,
            )
            for k in range(1, max(n, 1) + 1)
        ]
        results = [f.result() for f in futures]
    return merge_worker_results(source, results, elapsed=time.monotonic() - started, frontier_state=state)


def merge_worker_results(
    source: str, results: list[CrawlResult], *, elapsed: float, frontier_state: str
) -> CrawlResult:
    """One source's result from its workers': the first failure's code and line (else the last
    worker's), counters added up, raw files listed together."""
    failed = [r for r in results if not r.ok]
    head = failed[0] if failed else results[-1]
    stats: dict[str, Any] = {}
    for r in results:
        for key, value in r.stats.items():
            if _is_number(value) and _is_number(stats.get(key, 0)):
                stats[key] = stats.get(key, 0) + value
            elif isinstance(value, list):
                stats[key] = [*stats.get(key, []), *value]
            else:
                stats.setdefault(key, value)
    stats["finish_reason"] = head.stats.get("finish_reason")
    stats["frontier/state"] = frontier_state
    stats["frontier/workers"] = [r.stats.get("run_id") for r in results]
    return CrawlResult(source, head.exit_code, head.message, round(elapsed, 2), stats, head.log_file)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _run_one(
    source: str,
    *,
    tree: DataTree,
    run_id: str,
    timeout_s: float = 3600,
    extra: list[str] | None = None,
    **options: Any,
) -> CrawlResult:
    stats_out = tree.run_stats_file(run_id, source)
    stats_out.parent.mkdir(parents=True, exist_ok=True)
    stats_out.unlink(missing_ok=True)
    cmd = spider_command(source, tree=tree, run_id=run_id, stats_out=stats_out, **options) + (extra or [])
    started = time.monotonic()
    env = os.environ.copy()
    env.setdefault("PYTHONUNBUFFERED", "1")
    code, stderr = _run_tracked(cmd, env, source, timeout_s)
    elapsed = time.monotonic() - started
    stats: dict[str, Any] = {}
    if stats_out.exists():
        try:
            stats = json.loads(stats_out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stats = {}
    lines = [ln.strip() for ln in (stderr or "").splitlines() if ln.strip()]
    message = lines[-1] if lines else ("ok" if code == EXIT_OK else f"exit code {code}")
    log_file = stats.get("log_file") if isinstance(stats, dict) else None
    return CrawlResult(source, code, message, round(elapsed, 2), stats, log_file)


def _run_tracked(cmd: list[str], env: dict[str, str], source: str, timeout_s: float) -> tuple[int, str]:
    """`subprocess.run`, but the process is known to `stop_spiders` while it runs."""
    with _running_lock:
        if _stopping.is_set():
            return EXIT_FAILED, f"the {source} crawl was not started: kaopu is stopping"
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL
        )
        _running.add(proc)
    try:
        _out, stderr = proc.communicate(timeout=timeout_s)
        return proc.returncode, stderr
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return EXIT_FAILED, f"the {source} crawl did not finish within {timeout_s:.0f} s"
    finally:
        with _running_lock:
            _running.discard(proc)
