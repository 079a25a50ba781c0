"""Shared by the crawl tests: a sandbox on a free loopback port, and running spiders as the flows do
(`python -m spiders.run` in subprocesses, several sources at once)."""

from __future__ import annotations

import collections
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, read_jsonl_gz
from sandbox.sites import SITES
from spiders.discovery import crawl_waves

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "kaopu.toml"

# sandbox/README.md "robots.txt": the prefixes a polite crawler never requests (one per site).
DISALLOWED = tuple(site.DISALLOW for site in SITES)


@contextlib.contextmanager
def logged_sandbox(directory: Path, seed: int, n_providers: int, faults: float):
    """A sandbox world on a free loopback port whose access log (`handle.access_log`) is in `directory`."""
    from sandbox.server import start

    log = directory / "access.log"
    with start(seed, n_providers=n_providers, faults=faults, port=0, access_log=str(log)) as handle:
        handle.access_log = log
        yield handle


def spider_cmd(source: str, data: Path, base_url: str, *extra: str, module: str = "spiders.run") -> list[str]:
    """The flows' spider command; `module`: another entry point taking spiders.run's arguments."""
    return [
        sys.executable,
        "-m",
        module,
        source,
        "--data",
        str(data),
        "--config",
        str(CONFIG),
        "--profile",
        "sandbox",
        "--base-url",
        base_url,
        "--no-politeness",
        "--stats-out",
        str(data / f"stats-{source}.json"),
        *extra,
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("KAOPU_CONFIG", "KAOPU_DATA", "KAOPU_PROFILE", "KAOPU_SANDBOX_URL"):
        env.pop(var, None)
    return env


def start_spider(
    source: str, data: Path, base_url: str, *extra: str, module: str = "spiders.run"
) -> subprocess.Popen:
    return subprocess.Popen(
        spider_cmd(source, data, base_url, *extra, module=module),
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crawl(data: Path, base_url: str, *extra: str, sources: Iterable[str] = SOURCES, timeout: float = 240):
    """Run several sources' spiders at once, in the flow's waves (listing sources, then search-only
    ones); returns {source: (exit code, stderr, stats or {})}."""
    out = {}
    deadline = time.monotonic() + timeout
    for wave in crawl_waves(sources, targeted="--provider" in extra):
        procs = {s: start_spider(s, data, base_url, *extra) for s in wave}
        for source, proc in procs.items():
            _, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            stats_file = data / f"stats-{source}.json"
            stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
            stats_file.unlink(missing_ok=True)
            out[source] = (proc.returncode, err, stats)
    return out


def raw_ids(data: Path, source: str | None = None) -> collections.Counter:
    """item id → how many times raw holds it (across every run)."""
    counts: collections.Counter = collections.Counter()
    for path in DataTree(data).raw_files(source):
        for rec in read_jsonl_gz(path):
            counts[f"{rec['source']}:{rec['native_id']}"] += 1
    return counts


def raw_records(data: Path, source: str | None = None) -> list[dict]:
    return [rec for path in DataTree(data).raw_files(source) for rec in read_jsonl_gz(path)]


def disallowed_requests(access_log: Path) -> list[str]:
    """Lines of the sandbox access log that requested a robots-disallowed path."""
    bad = []
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split(" ")
        if len(parts) >= 3 and parts[2].startswith(DISALLOWED):
            bad.append(line)
    return bad


def wait_for(predicate, timeout: float, interval: float = 0.05):
    """Poll until `predicate()` is truthy (returns it) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"condition not met within {timeout} s")


def config_with(directory: Path, source: str, *lines: str) -> Path:
    """A copy of kaopu.toml in `directory` with `lines` added to the sandbox profile's `source` table."""
    header = f"[profiles.sandbox.sources.{source}]\n"
    path = directory / "kaopu.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else CONFIG.read_text(encoding="utf-8")
    path.write_text(text.replace(header, header + "".join(f"{ln}\n" for ln in lines)), encoding="utf-8")
    return path


def watch_world(data: Path, seed: int, n_providers: int, indexes: Iterable[int] | None = None) -> Path:
    """Write a watch list of a sandbox world's providers (all, or those `indexes`) into the data tree:
    what a search-only source (forum, articles, registry) needs when no listing source ran first."""
    from sandbox.world import World

    world = World(seed, n_providers)
    chosen = [world.provider(i) for i in (range(n_providers) if indexes is None else indexes)]
    path = DataTree(data).providers_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(f'[[provider]]\nname = "{p.brand}"\nlegal_name = "{p.legal_name}"\n\n' for p in chosen),
        encoding="utf-8",
    )
    return path
