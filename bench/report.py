"""Report benchmark: `kaopu report` over 20,000 providers — time, size on disk, and the index's weight.

    .venv/bin/python bench/report.py [--providers 20000] [--seed 1] [--workdir /tmp/kaopu-bench-report]

A sandbox world of 30 providers is crawled by the fast path and built into marts once; its marts are
then tiled to the requested number of providers (provider i is a copy of world provider i mod 30 under
a new id and name, with its claim checks, monthly rows and review flags), so every page has the
content a real provider's has, and the clean documents its evidence quotes stay shared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from evaluation.sandbox_eval import load_world_into_raw  # noqa: E402
from incremental_build.clean import update_clean  # noqa: E402
from incremental_build.marts import build_marts  # noqa: E402
from pipelines.contracts import TABLES  # noqa: E402
from pipelines.storage import DataTree, read_table, write_table  # noqa: E402
from report import write_report  # noqa: E402
from sandbox.world import World  # noqa: E402


def tile(tree: DataTree, n: int) -> None:
    rep = read_table(tree, "marts/provider_reputation").to_pandas()
    base = rep["provider_id"].tolist()
    copies = []
    for i in range(n):
        src = base[i % len(base)]
        copies.append((src, f"{src}-{i:05d}", i))
    mapping = pd.DataFrame(copies, columns=["provider_id", "new_id", "i"])

    def fan(df: pd.DataFrame) -> pd.DataFrame:
        out = df.merge(mapping, on="provider_id")
        out["provider_id"] = out.pop("new_id")
        return out

    r = fan(rep)
    r["provider_name"] = r["provider_name"] + r["i"].map(lambda i: f"{i:05d}")
    tables = {"marts/provider_reputation": r}
    for name in ("marts/claim_checks", "marts/provider_monthly", "marts/review_flags"):
        t = fan(read_table(tree, name).to_pandas())
        if name == "marts/claim_checks":
            t["claim_id"] = t["claim_id"] + "-" + t["i"].astype(str)
        tables[name] = t
    for name, df in tables.items():
        schema = TABLES[name]
        write_table(tree, name, pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--providers", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="kaopu-bench-report-"))
    shutil.rmtree(work, ignore_errors=True)
    tree = DataTree(work / "data")
    load_world_into_raw(World(a.seed, 30), tree, "fast")
    update_clean(tree, watchlist=[])
    build_marts(tree, watchlist=[])
    tile(tree, a.providers)

    t0 = time.perf_counter()
    rep = write_report(tree)
    seconds = time.perf_counter() - t0
    site = rep.index.parent
    files = [p for p in site.rglob("*") if p.is_file()]
    result = {
        "providers": a.providers,
        "seconds": round(seconds, 1),
        "pages_per_second": round(a.providers / seconds, 1),
        "site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "files": len(files),
        "index_html_kb": round(rep.index.stat().st_size / 1e3, 1),
        "index_rows_js_mb": round((site / "assets" / "rows.js").stat().st_size / 1e6, 2),
        "median_provider_page_kb": round(
            float(pd.Series([p.stat().st_size for p in rep.pages.values()]).median()) / 1e3, 1
        ),
        "claim_reviews": sum(1 for _ in rep.claim_reviews.open(encoding="utf-8")),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
