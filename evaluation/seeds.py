"""Figures over several unseen sandbox worlds, each with a 95% interval (`kaopu eval --seeds`).

One world of 30 providers holds a few dozen claims: a single seed's macro-F1 says little. Here each
seed's marts are scored against its truth (`seed_counts`), the counts are pooled, and every figure gets
an interval:
- a proportion (precision, recall, a share of honest providers) pooled over seeds: Wilson score
  interval on the pooled counts;
- a figure that is not a proportion of pooled counts (claim macro-F1, Spearman): the mean over seeds
  with a percentile bootstrap interval over seeds (2,000 resamples, fixed seed, so a re-run prints
  the same interval).
Per archetype: claims by the truth's `archetype` (the hard world's; `plain` in the easy world),
bought reviews by kind of fraud (the truth's `kind`, else the campaign its signals show).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd

from evaluation import sandbox_eval
from evaluation.classification import macro_f1
from evaluation.text.stats import share
from pipelines import contracts
from pipelines.messages import DEFAULT_LANG, say

BOOTSTRAP_RESAMPLES = 2000
# An honest agency ranked in the bottom fifth is the harm that matters most to it.
BOTTOM_QUANTILE = 0.2


def wilson(hits: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of hits/n ((0, 1) when n is 0: nothing is known); the same
    interval the real-text evaluation uses (`evaluation.text.stats.share`)."""
    figure = share(hits, n)
    return (figure.low, figure.high)


def bootstrap_mean(values: list[float], seed: int = 0) -> tuple[float, float, float]:
    """(mean, low, high): the mean over seeds and its 95% percentile bootstrap interval."""
    vals = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if len(vals) == 0:
        return (math.nan, math.nan, math.nan)
    rng = np.random.default_rng(seed)
    means = rng.choice(vals, size=(BOOTSTRAP_RESAMPLES, len(vals)), replace=True).mean(axis=1)
    return (float(vals.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))


def fraud_kind(truth_review: dict) -> str:
    """How a bought review was bought: the truth's `kind`, else the campaign its signals show."""
    if truth_review.get("kind"):
        return str(truth_review["kind"])
    signals = set(truth_review.get("signals", []))
    if "burst" in signals:
        return "burst"
    if "incentive_wording" in signals:
        return "incentive"
    return "oneoff"


def honest_ranks(truth_providers: list[dict], rep: pd.DataFrame) -> list[tuple[bool, bool]]:
    """Per matched provider: (honest, in the bottom quintile of reputation_score)."""
    pairs = sandbox_eval.matched_scores(truth_providers, rep)
    if not pairs:
        return []
    scores = np.array([s for s, _ in pairs])
    cut = np.quantile(scores, BOTTOM_QUANTILE)
    return [(tp.get("archetype") == "honest", bool(s <= cut)) for s, tp in pairs]


def seed_counts(truth: dict, checks: pd.DataFrame, flags: pd.DataFrame, rep: pd.DataFrame) -> dict[str, Any]:
    """One world's raw counts: what `pooled` adds up over seeds."""
    pred = sandbox_eval.page_decisions(checks) if not checks.empty else {}
    claims = []
    for url, t in sorted(truth.get("claims", {}).items()):
        got = pred.get(sandbox_eval._path(url) or url, {"verdict": "not_enough_evidence", "confidence": None})
        claims.append((t.get("archetype", "plain"), t["verdict"], got["verdict"], got["confidence"]))
    market = flags[flags["source"] == "market"] if not flags.empty else flags
    flagged = set(market["native_id"].astype(str)) if not flags.empty else set()
    bought = {str(k): fraud_kind(v) for k, v in truth.get("bought_reviews", {}).items()}
    conf = market["confidence"] if "confidence" in market.columns else pd.Series(np.nan, index=market.index)
    flag_calibration = [
        (float(c), str(k) in bought)
        for k, c in zip(market.get("native_id", []), conf, strict=True)
        if not pd.isna(c)
    ]
    ranks = honest_ranks(truth.get("providers", []), rep)
    return {
        "seed": truth.get("seed"),
        "claims": claims,
        "flagged": len(flagged),
        "flagged_bought": len(flagged & set(bought)),
        "bought_by_kind": dict(Counter(bought.values())),
        "caught_by_kind": dict(Counter(kind for rid, kind in bought.items() if rid in flagged)),
        "flag_calibration": flag_calibration,
        "spearman": sandbox_eval.reputation_metrics(truth.get("providers", []), rep)["spearman"],
        "honest": sum(h for h, _ in ranks),
        "honest_bottom": sum(h and b for h, b in ranks),
    }


def _ci(hits: int, n: int) -> dict[str, float]:
    lo, hi = wilson(hits, n)
    return {"value": hits / n if n else math.nan, "low": lo, "high": hi, "n": n}


def _boot(values: list[float]) -> dict[str, float]:
    mean, lo, hi = bootstrap_mean(values)
    return {"value": mean, "low": lo, "high": hi, "n": len(values)}


# Confidence bins of the calibration table: a verdict said to be right 95% of the time should be.
CALIBRATION_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


def calibration(pairs: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """(confidence, right) pairs → per confidence bin: how many, their mean confidence and the share
    right with its Wilson interval. A calibrated verdict's mean confidence falls inside the interval."""
    out = []
    edges = CALIBRATION_BINS
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (last and c == hi)]
        if not inside:
            continue
        right = sum(r for _, r in inside)
        mean = float(np.mean([c for c, _ in inside]))
        out.append({"low": lo, "high": hi, "confidence": mean, "accuracy": _ci(right, len(inside))})
    return out


def pooled(per_seed: list[dict]) -> dict[str, Any]:
    """Every figure over the seeds with its 95% interval (see the module docstring for which kind)."""
    labels = list(contracts.VERDICTS)
    all_claims = [c for s in per_seed for c in s["claims"]]
    f1_by_seed = []
    for s in per_seed:
        y_true = [c[1] for c in s["claims"]]
        y_pred = [c[2] for c in s["claims"]]
        present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
        f1_by_seed.append(macro_f1(y_true, y_pred, present) if y_true else math.nan)
    by_archetype: dict[str, Any] = {}
    for arch in sorted({c[0] for c in all_claims}):
        rows = [(t, p) for a, t, p, _ in all_claims if a == arch]
        confusion: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(labels, 0))
        for t, p in rows:
            confusion[t][p] += 1
        right = sum(t == p for t, p in rows)
        by_archetype[arch] = {"accuracy": _ci(right, len(rows)), "confusion": dict(confusion)}
    kinds = sorted({k for s in per_seed for k in s["bought_by_kind"]})
    recall_by_kind = {
        k: _ci(
            sum(s["caught_by_kind"].get(k, 0) for s in per_seed),
            sum(s["bought_by_kind"].get(k, 0) for s in per_seed),
        )
        for k in kinds
    }
    flagged = sum(s["flagged"] for s in per_seed)
    hit = sum(s["flagged_bought"] for s in per_seed)
    bought = sum(sum(s["bought_by_kind"].values()) for s in per_seed)
    return {
        "seeds": [s["seed"] for s in per_seed],
        "claims": {
            "macro_f1": _boot(f1_by_seed),
            "accuracy": _ci(sum(c[1] == c[2] for c in all_claims), len(all_claims)),
            "by_archetype": by_archetype,
            "calibration": calibration([(c[3], c[1] == c[2]) for c in all_claims if c[3] is not None]),
        },
        "reviews": {
            "precision": _ci(hit, flagged),
            "recall": _ci(hit, bought),
            "recall_by_kind": recall_by_kind,
            "calibration": calibration([x for s in per_seed for x in s.get("flag_calibration", [])]),
        },
        "reputation": {
            "spearman": _boot([s["spearman"] for s in per_seed]),
            "honest_in_bottom_quintile": _ci(
                sum(s["honest_bottom"] for s in per_seed), sum(s["honest"] for s in per_seed)
            ),
        },
    }


def lines(result: dict[str, Any], lang: str = DEFAULT_LANG) -> list[str]:
    """The pooled figures as a reader scans them: value [low, high] (n), confusion rows by verdict code."""

    def fmt(x: dict) -> str:
        return f"{x['value']:.2f} [{x['low']:.2f}, {x['high']:.2f}] (n={x['n']})"

    c, r, rep = result["claims"], result["reviews"], result["reputation"]
    out = [
        say("eval.seeds.head", lang, seeds=",".join(map(str, result["seeds"]))),
        say("eval.seeds.claims", lang, f1=fmt(c["macro_f1"]), accuracy=fmt(c["accuracy"])),
    ]
    for arch, v in c["by_archetype"].items():
        out.append(say("eval.seeds.archetype", lang, name=arch, accuracy=fmt(v["accuracy"])))
        for t, row in sorted(v["confusion"].items()):
            cells = " ".join(f"{p[:4]}={n}" for p, n in row.items() if n)
            out.append(f"    {t:<20} → {cells}")
    out.append(say("eval.seeds.reviews", lang, precision=fmt(r["precision"]), recall=fmt(r["recall"])))
    for kind, v in r["recall_by_kind"].items():
        out.append(say("eval.seeds.kind", lang, name=kind, recall=fmt(v)))
    out.append(say("eval.seeds.reputation", lang, spearman=fmt(rep["spearman"])))
    out.append(say("eval.seeds.honest", lang, share=fmt(rep["honest_in_bottom_quintile"])))
    for what, table in ((say("eval.seeds.what.claims", lang), c), (say("eval.seeds.what.flags", lang), r)):
        out.append(say("eval.seeds.calibration", lang, what=what))
        for b in table.get("calibration", []):
            args = {k: b[k] for k in ("low", "high", "confidence")}
            out.append(say("eval.seeds.calibration.row", lang, accuracy=fmt(b["accuracy"]), **args))
    return out
