"""Sandbox scale: start a big world, serve a few hundred requests, print start-up time and memory.

    .venv/bin/python bench/sandbox.py [--providers 20000] [--requests 400] [--seed 7] [--items]

The server runs in a child process (the way `kaopu sandbox serve` runs), so its RSS is measured
alone, from /proc, after the first request (start-up = time until it answers) and while it serves
requests spread over the whole world: listings, reviews, complaints, answers, articles, cases,
registry pages and provider searches. `--items` also times `World.expected_items()` end to end.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sandbox.world import World  # noqa: E402


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) / 1024


def sample_paths(w: World, n: int, rng: random.Random) -> list[str]:
    paths = []
    while len(paths) < n:
        i = rng.randrange(w.n)
        p = w.provider(i)
        lst = w.listing(i, rng.randrange(p.n_listings))
        a = w.article(rng.randrange(w.n_articles))
        q = rng.randrange(w.n_questions())
        paths += [
            f"/market/ser/list.htm?current_page={rng.randint(1, 120)}",
            f"/market/score/query_suggest.do?service_code={lst.service_code}&currentPage=1&callback=cb",
            f"/registry/company/{p.company_id}",
            w.case_path(i, rng.randrange(p.n_cases)),
            f"/articles/a/{a.article_id}_{a.media_id}",
            f"/forum/api/v4/questions/{w.qid(q)}/answers?limit=20&offset=0",
            f"/cases/search?q={quote(p.brand)}",
        ]
        if w.complaints(i):
            paths.append(f"/complaints/complaint/view/{w.complaints(i)[0].sn}/")
    return paths[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--providers", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--items", action="store_true", help="also time World.expected_items() end to end")
    args = ap.parse_args()

    started = time.perf_counter()
    code = (
        "from sandbox.cli import app; "
        f"app(['serve', '--port', '0', '--seed', '{args.seed}', '--providers', '{args.providers}', "
        "'--access-log', '/dev/null'])"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True
    ) as server:
        try:
            url = re.search(r"(http://\S+)", server.stdout.readline()).group(1)
            with urllib.request.urlopen(url + "/", timeout=30) as r:
                r.read()
            startup = time.perf_counter() - started
            rss_start = rss_mb(server.pid)
            w = World(args.seed, args.providers)
            paths = sample_paths(w, args.requests, random.Random(1))
            peak, latencies = rss_start, []

            def get(path: str) -> None:
                t = time.perf_counter()
                with urllib.request.urlopen(url + path, timeout=60) as r:
                    r.read()
                latencies.append(time.perf_counter() - t)

            t0 = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                for k, _ in enumerate(pool.map(get, paths)):
                    if k % 25 == 0:
                        peak = max(peak, rss_mb(server.pid))
            serve_s = time.perf_counter() - t0
            peak = max(peak, rss_mb(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies.sort()
    counts_t = time.perf_counter()
    counts = w.count_documents()
    counts_s = time.perf_counter() - counts_t
    print(f"providers             {args.providers}")
    print(
        f"documents             {sum(counts.values()):,} ({counts['market_review']:,} reviews)"
        f"  [count_documents {counts_s:.1f} s]"
    )
    print(f"start-up              {startup:.2f} s  (process start to first answer)")
    print(f"RSS after start-up    {rss_start:.0f} MB")
    print(f"RSS peak serving      {peak:.0f} MB  ({len(paths)} requests, 8 concurrent, {serve_s:.1f} s)")
    print(
        f"latency p50 / p95     {latencies[len(latencies) // 2] * 1000:.0f} / "
        f"{latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    if args.items:
        t = time.perf_counter()
        n = sum(1 for _ in w.expected_items())
        print(f"expected_items        {n:,} items in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
