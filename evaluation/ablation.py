"""What each signal is worth: the marts of sandbox worlds recomputed with one signal switched off at a
time, scored against the worlds' truth (`python -m evaluation.ablation --seeds 101,102 --hard`).

A world goes in through the raw fast path (`sandbox_eval.load_world_into_raw`: what a perfect crawl
writes) and is cleaned once; its clean tables are kept under `--cache` so a second run only recomputes
the marts, in memory, with `reputation.provider_marts.compute_marts(..., off=...)`. The switches are
`reputation.provider_marts.SIGNALS`: every claim rule but the last, every rule that can flag a review,
and every component of the reputation score. The same figures as `kaopu eval --seeds` (pooled with
95% intervals, `evaluation.seeds`, calibration included); `--rule-precision` measures the table
`reputation.claim_checks.RULE_PRECISION` holds (run it on tuning seeds only).
"""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation import sandbox_eval
from evaluation import seeds as multi
from evaluation.sandbox_eval import load_world_into_raw
from incremental_build.clean import update_clean
from incremental_build.provider_names import known_providers
from pipelines.storage import DataTree, read_table
from reputation.provider_marts import SIGNALS, compute_marts
from sandbox.world import World


def clean_world(seed: int, hard: bool, providers: int, cache: Path) -> DataTree:
    """A data tree holding the world's clean tables (built once; reused while the cache holds them)."""
    tree = DataTree(cache / f"{'hard' if hard else 'easy'}-{seed}-{providers}")
    if not tree.table_path("clean/claims").exists():
        load_world_into_raw(World(seed, providers, hard=hard), tree, "fast")
        update_clean(tree, watchlist=[], workers=1)
    return tree


def clean_frames(tree: DataTree) -> tuple[pd.DataFrame, ...]:
    """(providers, docs, claims, registry, listings): what a build reads from the clean tables."""
    docs = read_table(tree, "clean/documents").to_pandas()
    claims = read_table(tree, "clean/claims").to_pandas()
    registry = read_table(tree, "clean/registry").to_pandas()
    listings = read_table(tree, "clean/listings").to_pandas()
    providers = known_providers(tree, [], docs=docs, registry=registry, listings=listings)
    return providers, docs, claims, registry, listings


def world_counts(truth: dict, frames: tuple[pd.DataFrame, ...], off: frozenset[str] = frozenset()) -> dict:
    """One world's counts (`evaluation.seeds.seed_counts`) with the signals in `off` switched off."""
    marts = compute_marts(*frames, off=off)
    return multi.seed_counts(
        truth,
        marts["marts/claim_checks"],
        marts["marts/review_flags"],
        marts["marts/provider_reputation"],
    )


def rule_precision(worlds: list[tuple[dict, tuple]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(reason code, evidence strength) of the row that decides each case page → (right, decided)."""
    tally: dict[tuple[str, str], list[int]] = {}
    for truth, frames in worlds:
        checks = compute_marts(*frames)["marts/claim_checks"]
        decided = sandbox_eval.page_decisions(checks)
        for url, t in truth.get("claims", {}).items():
            d = decided.get(sandbox_eval._path(url) or url)
            if d is None:
                continue
            cell = tally.setdefault((d["reason_code"], d["evidence_strength"]), [0, 0])
            cell[0] += d["verdict"] == t["verdict"]
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(tally.items())}


def precision_lines(worlds: list[tuple[dict, tuple]]) -> list[str]:
    return [f"    {k!r}: {v!r}," for k, v in rule_precision(worlds).items()]


def headline(result: dict[str, Any]) -> dict[str, float]:
    """The figures the issue's targets are stated in."""
    c, r, rep = result["claims"], result["reviews"], result["reputation"]
    return {
        "macro_f1": c["macro_f1"]["value"],
        "accuracy": c["accuracy"]["value"],
        "review_p": r["precision"]["value"],
        "review_r": r["recall"]["value"],
        "spearman": rep["spearman"]["value"],
        "honest_bottom": rep["honest_in_bottom_quintile"]["value"],
    }


def ablate(worlds: list[tuple[dict, tuple]], signals: list[str]) -> list[tuple[str, dict[str, float]]]:
    """Headline figures with everything on, then with each of `signals` off in turn."""
    rows = []
    for name in ["(none)", *signals]:
        off = frozenset() if name == "(none)" else frozenset({name})
        rows.append((name, headline(multi.pooled([world_counts(t, f, off) for t, f in worlds]))))
    return rows


def ablation_lines(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    """A plain table: each signal off, its figures and what switching it off costs against all on."""
    base = rows[0][1]
    cols = list(base)
    out = ["signal off".ljust(28) + "".join(f"{c:>15}" for c in cols)]
    for name, fig in rows:
        cells = []
        for c in cols:
            v, d = fig[c], fig[c] - base[c]
            delta = f" ({d:+.3f})" if name != "(none)" and not math.isnan(d) else " " * 9
            cells.append(f"{v:6.3f}{delta}")
        out.append(name.ljust(28) + "".join(f"{x:>15}" for x in cells))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", required=True, help="comma-separated world seeds")
    ap.add_argument("--hard", action="store_true", help="the adversarial world")
    ap.add_argument("--providers", type=int, default=30)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kaopu-ablation")
    ap.add_argument("--signals", default="all", help="comma-separated signals to switch off, 'all', or ''")
    ap.add_argument(
        "--rule-precision",
        action="store_true",
        help="print each deciding rule's page-level precision by evidence strength (RULE_PRECISION)",
    )
    a = ap.parse_args(argv)
    worlds = []
    for s in (int(x) for x in a.seeds.split(",") if x.strip()):
        frames = clean_frames(clean_world(s, a.hard, a.providers, a.cache))
        worlds.append((World(s, a.providers, hard=a.hard).truth(), frames))
    all_on = multi.pooled([world_counts(t, f) for t, f in worlds])
    for line in multi.lines(all_on, "en"):
        print(line)
    if a.rule_precision:
        for line in precision_lines(worlds):
            print(line)
    signals = list(SIGNALS) if a.signals == "all" else [x for x in a.signals.split(",") if x]
    if signals:
        print()
        for line in ablation_lines(ablate(worlds, signals)):
            print(line)


if __name__ == "__main__":
    main()
