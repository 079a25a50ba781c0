"""Crawl throughput on this machine: a full sandbox crawl with politeness off, next to `scrapy bench`.

    .venv/bin/python bench/crawl.py [--seed 7] [--providers 30] [--faults 0.0] [--sequential]

The kaopu number is what the flows get: six `python -m spiders.run` subprocesses (one per source)
at once against a sandbox in this process, pages = responses received (robots.txt and retries
included), items = items the spiders yielded. `scrapy bench` crawls Scrapy's own local link farm
with no parsing to speak of: the ceiling for this machine's Scrapy, not a target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--providers", type=int, default=30)
    ap.add_argument("--faults", type=float, default=0.0)
    ap.add_argument("--sequential", action="store_true", help="one source after another")
    args = ap.parse_args()
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
