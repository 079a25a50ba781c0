"""Redis memory of a shared crawl frontier, per queued request and per dupefilter fingerprint, with a
real redis-server (Debian's), at a scale where Redis uses its large encodings (hash table, quicklist).

    .venv/bin/python bench/redis_memory.py [--fingerprints 1000000] [--requests 200000]

Queue entries are real: a full sandbox crawl on a frontier (one worker per source), each source's
queue copied when it is longest, so the bytes are those of the pickled Scrapy requests kaopu's
spiders make (URL, callback, cb_kwargs, meta); the queue is then filled with copies of all of them.
Fingerprints are what scrapy-redis's dupefilter stores: 40-character hex SHA-1s.
Each figure is the growth of Redis's `used_memory` divided by the entries added, so the hash
table's and the quicklist's own overhead is in it. The result is printed and scales linearly.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _real_entries(redis_url: str, seed: int, providers: int) -> dict[str, list[bytes]]:
    """A full crawl (every source, one frontier worker each); per source, the queue's entries at the
    moment its queue was longest."""
    import redis

    from bench.crawl import _crawl_all
    from sandbox.server import start

    client = redis.Redis.from_url(redis_url)
    best: dict[str, list[bytes]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            for key in client.scan_iter("kaopu:frontier:*:requests"):
                source = key.decode().split(":")[2]
                if client.llen(key) > len(best.get(source, [])):
                    best[source] = client.lrange(key, 0, -1)

    sampler = threading.Thread(target=sample, daemon=True)
    with tempfile.TemporaryDirectory(prefix="kaopu-bench-") as tmp, start(seed, n_providers=providers) as sb:
        sampler.start()
        try:
            _crawl_all(sb.url, Path(tmp) / "data", redis_url, 1)
        finally:
            stop.set()
            sampler.join()
    client.flushdb()
    client.close()
    return best


def _growth(client, fill) -> int:
    before = client.info("memory")["used_memory"]
    fill()
    return client.info("memory")["used_memory"] - before


def measure(redis_url: str, entries: list[bytes], n_fp: int, n_req: int) -> dict:
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=300)  # the machine may be loaded

    def fingerprints() -> None:
        for start in range(0, n_fp, 10_000):
            fps = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(start, min(start + 10_000, n_fp))]
            client.sadd("kaopu:frontier:market:dupefilter", *fps)

    def queue() -> None:
        for start in range(0, n_req, 10_000):
            chunk = [entries[i % len(entries)] for i in range(start, min(start + 10_000, n_req))]
            client.lpush("kaopu:frontier:market:requests", *chunk)

    fp_bytes = _growth(client, fingerprints)
    q_bytes = _growth(client, queue)
    client.close()  # the server is thrown away: freeing 10^6 keys' worth would only take time
    mean_entry = sum(map(len, entries)) / len(entries)
    return {
        "bytes_per_fingerprint": round(fp_bytes / n_fp, 1),
        "bytes_per_queued_request": round(q_bytes / n_req, 1),
        "pickled_request_bytes_mean": round(mean_entry, 1),
        "real_entries_sampled": len(entries),
        "fingerprints": n_fp,
        "requests": n_req,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fingerprints", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--providers", type=int, default=30)
    args = ap.parse_args()
    from tests.redis_fixture import start_redis

    with tempfile.TemporaryDirectory(prefix="kaopu-bench-redis-") as rdir, start_redis(Path(rdir)) as url:
        by_source = _real_entries(url, args.seed, args.providers)
        entries = [e for es in by_source.values() for e in es]
        if not entries:
            raise SystemExit("no queue was ever seen holding a request")
        got = measure(url, entries, args.fingerprints, args.requests)
    got["pickle_bytes_by_source"] = {s: round(sum(map(len, es)) / len(es)) for s, es in by_source.items()}
    got["longest_queue_by_source"] = {s: len(es) for s, es in by_source.items()}
    print(got)
    fp, req = got["bytes_per_fingerprint"], got["bytes_per_queued_request"]
    print(
        f"redis: {fp} bytes per dupefilter fingerprint ({args.fingerprints:,} added), {req} bytes per "
        f"queued request ({args.requests:,} copies of {got['real_entries_sampled']} real pickled requests, "
        f"mean pickle {got['pickled_request_bytes_mean']} bytes);\n"
        f"  10^8 fingerprints: {fp * 1e8 / 2**30:.1f} GiB; "
        f"a queue of 10^6 requests: {req * 1e6 / 2**30:.2f} GiB"
    )


if __name__ == "__main__":
    main()
