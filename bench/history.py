"""History benchmark: what `incremental_build.history.update` costs a build as raw grows.

    .venv/bin/python bench/history.py [--docs 100000,1000000] [--revisit 0.1] [--repeats 3]

Synthetic observations (no crawl, no text work): `docs` documents seen once, then a revisit of a
`revisit` share of them (each re-fetched once; 2 % of those edited, 1 % gone). Measures, per size,
the wall time of the update that adds the revisit's observations (mean and sd over `repeats`
runs), the peak RSS of the process, the observation fragments' size on disk and the rows of
clean/changes. The update
scans every stored fragment (converting only the touched documents' rows) and rewrites clean/changes
whole: part of its cost grows with all raw ever read, not only with the new raw.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _rows(n: int, start: int, at: str, edited: set[int], gone: set[int], ids: range) -> list[dict]:
    out = []
    for i in ids:
        base = {"doc_id": f"market:{4_000_000_000 + i}", "kind": "market_review", "fetched_at": at}
        base |= {"raw_file": f"raw/market/{at[:10]}/run.jsonl.gz", "author": f"买家{i % 5000}"}
        if i in gone:
            out.append(base | {"gone_how": "missing_from_list", "status_text": "not in the list"})
            continue
        text = f"{i:x}{'e' if i in edited else ''}"
        out.append(
            base | {"text_hash": text, "rating": 5.0 if i in edited else 1.0 + i % 5, "gone_how": None}
        )
    return out


def measure(n: int, share: float, repeats: int) -> dict:
    import pandas as pd

    from incremental_build import history
    from pipelines.storage import DataTree

    times = []
    for r in range(repeats):
        with tempfile.TemporaryDirectory() as root:
            tree = DataTree(root)
            first = history.Observations(_rows(n, 0, "2026-07-01T00:00:00+00:00", set(), set(), range(n)))
            docs = pd.DataFrame({"doc_id": [f"market:{4_000_000_000 + i}" for i in range(n)]})
            docs, changes = history.update(tree, docs, first, start_over=True)
            history.write_changes(tree, changes)
            step = max(1, int(1 / share))
            again = range(r % step, n, step)
            edited = set(list(again)[::50])
            gone = set(list(again)[1::100])
            new = history.Observations(_rows(n, 0, "2026-12-01T00:00:00+00:00", edited, gone, again))
            t = time.perf_counter()
            docs, changes = history.update(tree, docs, new, start_over=False)
            times.append(time.perf_counter() - t)
            size = sum(f.stat().st_size for f in history._path(tree).glob("*.parquet"))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "docs": n,
        "revisited": len(again),
        "update_s_mean": round(statistics.mean(times), 3),
        "update_s_sd": round(statistics.stdev(times), 3) if len(times) > 1 else 0.0,
        "observations_mb": round(size / 2**20, 1),
        "changes": len(changes),
        "peak_rss_mb": round(rss),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="100000,1000000")
    ap.add_argument("--revisit", type=float, default=0.1)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    for n in (int(x) for x in args.docs.split(",")):
        print(measure(n, args.revisit, args.repeats), flush=True)


if __name__ == "__main__":
    main()
