"""Crawl throughput on this machine: a full sandbox crawl with politeness off, next to `scrapy bench`;
with `--frontier-workers`, today's per-source processes next to a shared Redis frontier.

    .venv/bin/python bench/crawl.py [--seed 7] [--providers 30] [--faults 0.0] [--sequential]
    .venv/bin/python bench/crawl.py --frontier-workers 1,2,4 [--sandboxes 2] [--repeats 3] [--providers 60]

The kaopu number is what the flows get: six `python -m spiders.run` subprocesses (one per source)
at once against a sandbox in this process, pages = responses received (robots.txt and retries
included), items = items the spiders yielded. `scrapy bench` crawls Scrapy's own local link farm
with no parsing to speak of: the ceiling for this machine's Scrapy, not a target.

`--frontier-workers` (needs Debian's redis-server) crawls the same world once per setting: `per-source`
(today: one process per source, no Redis) and N workers per source on one Redis frontier (what
`kaopu run --frontier URL --workers N` runs), each `--repeats` times in turn. The sandbox runs in
`--sandboxes` processes sharing one port (SO_REUSEPORT), so it is not what limits the crawl. Where the
time goes is the CPU seconds each part used (spiders from the kernel's accounting of the children,
each sandbox process and Redis from their own counters) next to the wall time; Redis's bytes per
queued request and per dupefilter fingerprint are read with MEMORY USAGE during and after the crawls.
Run `uptime` next to it: the machine may be shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.contracts import SOURCES  # noqa: E402
from spiders.discovery import crawl_waves  # noqa: E402


def _crawl_wave(wave: list[str], url: str, data: Path, tmp: Path, parallel: bool) -> dict:
    per_source = {}
    procs = {}
    for source in wave:
        cmd = [
            sys.executable,
            "-m",
            "spiders.run",
            source,
            "--data",
            str(data),
            "--base-url",
            url,
            "--config",
            str(REPO / "kaopu.toml"),
            "--profile",
            "sandbox",
            "--no-politeness",
            "--no-jobdir",
            "--stats-out",
            str(tmp / f"{source}.json"),
        ]
        procs[source] = subprocess.Popen(cmd, cwd=REPO, stderr=subprocess.PIPE, text=True)
        if not parallel:
            procs[source].wait()
    for source, proc in procs.items():
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{source} failed: {err.strip()}")
        per_source[source] = json.loads((tmp / f"{source}.json").read_text())
    return per_source


def _coverage(data: Path, seed: int, providers: int) -> float:
    """The share of the world's documents the crawl wrote to raw (`make demo` must reach 0.99)."""
    from pipelines.storage import DataTree, read_jsonl_gz
    from sandbox.world import World

    want = {item.item_id for item in World(seed, providers).expected_items()}
    got = {f"{r['source']}:{r['native_id']}" for p in DataTree(data).raw_files() for r in read_jsonl_gz(p)}
    return round(len(want & got) / len(want), 4)


def kaopu_crawl(seed: int, providers: int, faults: float, parallel: bool) -> dict:
    from sandbox.server import start

    with (
        tempfile.TemporaryDirectory(prefix="kaopu-bench-") as tmp,
        start(
            seed, n_providers=providers, faults=faults, port=0, access_log=str(Path(tmp) / "access.log")
        ) as server,
    ):
        data = Path(tmp) / "data"
        per_source = {}
        started = time.monotonic()
        # The flow's waves: search-only sources search the names the listing sources found.
        for wave in crawl_waves(SOURCES, targeted=False):
            per_source |= _crawl_wave(wave, server.url, data, Path(tmp), parallel)
        wall = time.monotonic() - started
        coverage = _coverage(data, seed, providers)
    pages = sum(s["pages"] for s in per_source.values())
    items = sum(s["items"] for s in per_source.values())
    # The engines' own window (first spider opened → last spider closed) leaves out each process's
    # start-up (imports, config, ~1-2 s alone, more when six start at once on two cores).
    opened = min(dt.datetime.fromisoformat(s["start_time"]) for s in per_source.values())
    closed = max(dt.datetime.fromisoformat(s["finish_time"]) for s in per_source.values())
    window = (closed - opened).total_seconds()
    return {
        "wall_s": round(wall, 2),
        "coverage": coverage,
        "engine_window_s": round(window, 2),
        "pages": pages,
        "items": items,
        "pages_per_s": round(pages / wall, 1),
        "items_per_s": round(items / wall, 1),
        "pages_per_s_engine": round(pages / window, 1),
        "items_per_s_engine": round(items / window, 1),
        "per_source": {
            s: {
                "pages": v["pages"],
                "items": v["items"],
                "elapsed_s": v["elapsed_s"],
                "pages_per_s": round(v["pages"] / max(v["elapsed_s"], 1e-9), 1),
            }
            for s, v in per_source.items()
        },
    }


def scrapy_bench(seconds: int = 15) -> dict:
    """Run `scrapy bench` and read its steady pages/min from the LogStats lines."""
    with tempfile.TemporaryDirectory(prefix="kaopu-scrapy-bench-") as tmp:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "bench",
                "-s",
                f"CLOSESPIDER_TIMEOUT={seconds}",
                "-s",
                "LOGSTATS_INTERVAL=1",
                "-s",
                "TELNETCONSOLE_ENABLED=False",
                "-s",
                "REMOTE_CONTROL_ENABLED=False",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    rates = [int(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", proc.stderr)]
    steady = rates[2:] or rates  # the first seconds are start-up
    if not steady:
        raise SystemExit(f"scrapy bench printed no rates:\n{proc.stderr[-2000:]}")
    per_min = sorted(steady)[len(steady) // 2]
    return {"pages_per_min_median": per_min, "pages_per_s": round(per_min / 60, 1), "samples": len(steady)}


# ---------------------------------------------------------------------------------------------
# --frontier-workers: per-source processes vs N workers per source on a Redis frontier
# ---------------------------------------------------------------------------------------------


def _serve_shared_port(seed: int, providers: int, port: int) -> None:
    """A sandbox process bound with SO_REUSEPORT: the kernel spreads connections over all of them."""
    from sandbox.server import AccessLog, BlockPlan, FaultPlan, _Server
    from sandbox.world import World

    class Shared(_Server):
        def server_bind(self) -> None:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    Shared(
        ("127.0.0.1", port), World(seed, providers), FaultPlan(seed, 0.0), AccessLog(None), BlockPlan(None)
    ).serve_forever()


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _redis_cpu_s(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class _QueueSampler(threading.Thread):
    """Samples each source's queue while workers crawl: the largest list seen and its MEMORY USAGE."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client, self.stop = client, threading.Event()
        self.best = (0, 0)  # (entries, bytes) of the longest queue seen

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for key in self.client.scan_iter("kaopu:frontier:*:requests"):
                n = self.client.llen(key)
                if n > self.best[0]:
                    self.best = (n, self.client.memory_usage(key, samples=0) or 0)


def _crawl_all(url: str, data: Path, frontier: str | None, workers: int) -> dict:
    """Every source, in the flow's waves, each source's crawl in a thread as the flow runs them."""
    import concurrent.futures

    from flows.crawl import run_spider
    from pipelines.storage import DataTree

    tree = DataTree(data)
    options = {"config": str(REPO / "kaopu.toml"), "profile": "sandbox", "base_url": url, "polite": False}
    results = {}
    for k, wave in enumerate(crawl_waves(SOURCES, targeted=False)):
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(wave)) as pool:
            futures = {
                s: pool.submit(
                    run_spider,
                    s,
                    tree=tree,
                    run_id=f"bench-{k}-{s}",
                    frontier=frontier,
                    workers=workers,
                    **options,
                )
                for s in wave
            }
            for s, f in futures.items():
                r = f.result()
                if not r.ok:
                    raise SystemExit(
                        f"{s} failed ({frontier or 'per-source'}, {workers} workers): {r.message}"
                    )
                results[s] = r.stats
    return results


def _one_setting(
    seed: int, providers: int, url: str, sandboxes: list, frontier: str | None, workers: int, client
) -> dict:
    with tempfile.TemporaryDirectory(prefix="kaopu-bench-") as tmp:
        data = Path(tmp) / "data"
        if client is not None:
            client.flushdb()
        sampler = _QueueSampler(client) if client is not None else None
        if sampler:
            sampler.start()
        cpu0 = (
            _children_cpu_s(),
            sum(_cpu_s(p.pid) for p in sandboxes),
            _redis_cpu_s(client) if client else 0.0,
        )
        started = time.monotonic()
        per_source = _crawl_all(url, data, frontier, workers)
        wall = time.monotonic() - started
        cpu1 = (
            _children_cpu_s(),
            sum(_cpu_s(p.pid) for p in sandboxes),
            _redis_cpu_s(client) if client else 0.0,
        )
        if sampler:
            sampler.stop.set()
            sampler.join()
        coverage = _coverage(data, seed, providers)
    pages = sum(s.get("pages", 0) for s in per_source.values())
    items = sum(s.get("items", 0) for s in per_source.values())
    out = {
        "wall_s": round(wall, 2),
        "pages": pages,
        "items": items,
        "coverage": coverage,
        "pages_per_s": round(pages / wall, 1),
        "cpu_s": {
            "spiders": round(cpu1[0] - cpu0[0], 1),
            "sandbox": round(cpu1[1] - cpu0[1], 1),
            "redis": round(cpu1[2] - cpu0[2], 1),
        },
        "slowest_source": max(per_source, key=lambda s: per_source[s].get("elapsed_s", 0) or 0),
    }
    if client is not None:
        fps = {
            k.decode(): (client.scard(k), client.memory_usage(k, samples=0))
            for k in client.scan_iter("*:dupefilter")
        }
        n_fp = sum(n for n, _ in fps.values())
        out["redis"] = {
            "fingerprints": n_fp,
            "bytes_per_fingerprint": round(sum(b for _, b in fps.values()) / max(n_fp, 1), 1),
            "queue_peak_entries": sampler.best[0],
            "bytes_per_queued_request": round(sampler.best[1] / max(sampler.best[0], 1), 1),
        }
    return out


def _interval95(values: list[float]) -> str:
    """mean ± t(0.975, n-1)·s/√n; n is small here, so Student's t, not 1.96."""
    if len(values) < 2:
        return f"{values[0]:.1f}"
    t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57}.get(len(values), 2.45)
    half = t * statistics.stdev(values) / len(values) ** 0.5
    return f"{statistics.mean(values):.1f} ± {half:.1f}"


def frontier_bench(seed: int, providers: int, settings: list[int], n_sandboxes: int, repeats: int) -> dict:
    import multiprocessing

    import redis

    from tests.redis_fixture import start_redis

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = multiprocessing.get_context("fork")  # before any thread: a fork of a threaded process is unsafe
    sandboxes = [
        ctx.Process(target=_serve_shared_port, args=(seed, providers, port), daemon=True)
        for _ in range(n_sandboxes)
    ]
    for p in sandboxes:
        p.start()
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url)
    runs: dict[str, list[dict]] = {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="kaopu-bench-redis-") as rdir,
            start_redis(Path(rdir)) as rurl,
        ):
            client = redis.Redis.from_url(rurl)
            for _ in range(repeats):  # settings in turn, so a change in the machine's load hits them all
                for name, n in [("per-source", 0), *((f"frontier x{k}", k) for k in settings)]:
                    got = _one_setting(
                        seed, providers, url, sandboxes, rurl if n else None, max(n, 1), client if n else None
                    )
                    runs.setdefault(name, []).append(got)
                    load = Path("/proc/loadavg").read_text().split()[0]
                    print(f"{name}: {json.dumps(got)} (load {load})", file=sys.stderr, flush=True)
            client.close()
    finally:
        for p in sandboxes:
            p.terminate()
            p.join(5)
    return runs


def _wait_until_up(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/robots.txt", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the sandbox at {url} did not start")


def _print_frontier(runs: dict[str, list[dict]], args: argparse.Namespace) -> None:
    print(json.dumps(runs, indent=1))
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load before: {args.load_before}; after: {load_after} ({os.cpu_count()} cores)")
    print(
        f"world: seed {args.seed}, {args.providers} providers; sandbox in {args.sandboxes} processes; "
        f"{args.repeats} repeats; mean ± 95% interval (Student's t)"
    )
    for name, rs in runs.items():
        cpu = {k: statistics.mean(r["cpu_s"][k] for r in rs) for k in ("spiders", "sandbox", "redis")}
        wall = statistics.mean(r["wall_s"] for r in rs)
        rate = _interval95([r["pages_per_s"] for r in rs])
        print(
            f"  {name:<12} {rate:>14} pages/s   wall {_interval95([r['wall_s'] for r in rs])} s   cpu-s "
            f"spiders {cpu['spiders']:.1f}, sandbox {cpu['sandbox']:.1f}, redis {cpu['redis']:.1f} "
            f"(busy {sum(cpu.values()) / wall:.2f} of {os.cpu_count()} cores), "
            f"coverage {min(r['coverage'] for r in rs)}"
        )
    fr = [r["redis"] for rs in runs.values() for r in rs if "redis" in r]
    if fr:
        longest = max(fr, key=lambda x: x["queue_peak_entries"])
        per_fp = statistics.mean(x["bytes_per_fingerprint"] for x in fr)
        print(
            f"  redis: {per_fp:.1f} bytes per dupefilter fingerprint ({fr[0]['fingerprints']} in one crawl); "
            f"{longest['bytes_per_queued_request']:.0f} bytes per queued request "
            f"(longest queue seen: {longest['queue_peak_entries']} entries)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--providers", type=int, default=30)
    ap.add_argument("--faults", type=float, default=0.0)
    ap.add_argument("--sequential", action="store_true", help="one source after another")
    ap.add_argument("--frontier-workers", help="e.g. 1,2,4: per-source processes vs a Redis frontier")
    ap.add_argument("--sandboxes", type=int, default=2, help="sandbox processes (with --frontier-workers)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each setting (with --frontier-workers)")
    args = ap.parse_args()
    if args.frontier_workers:
        args.load_before = Path("/proc/loadavg").read_text().split()[:3]
        settings = [int(n) for n in args.frontier_workers.split(",")]
        _print_frontier(
            frontier_bench(args.seed, args.providers, settings, args.sandboxes, args.repeats), args
        )
        return
    ours = kaopu_crawl(args.seed, args.providers, args.faults, parallel=not args.sequential)
    bench = scrapy_bench()
    print(json.dumps({"kaopu_sandbox_crawl": ours, "scrapy_bench": bench}, indent=1, ensure_ascii=False))
    print(
        f"kaopu full sandbox crawl ({args.providers} providers, faults {args.faults}): "
        f"{ours['pages_per_s']} pages/s, {ours['items_per_s']} items/s "
        f"({ours['pages']} pages, {ours['items']} items in {ours['wall_s']} s wall, six processes);\n"
        f"  inside the engines' window ({ours['engine_window_s']} s): {ours['pages_per_s_engine']} pages/s, "
        f"{ours['items_per_s_engine']} items/s\n"
        f"scrapy bench on this machine: {bench['pages_per_s']} pages/s "
        f"(median {bench['pages_per_min_median']} pages/min)"
    )


if __name__ == "__main__":
    main()
