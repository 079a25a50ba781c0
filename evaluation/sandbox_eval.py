"""Score the marts against a sandbox world's hidden truth, and a fast path that fills raw without crawling.

`compare(truth, tree)` reads only the marts a user reads (claim_checks, review_flags,
provider_reputation) and `World.truth()`; it never looks inside the pipeline, so it scores a real crawl
(`kaopu eval`) and the raw fast path (`load_world_into_raw`) the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from evaluation.classification import macro_f1, per_class
from pipelines import contracts
from pipelines.names import name_key
from pipelines.storage import DataTree, RawWriter, read_table

# When one case page yields several claims with different verdicts, the page's verdict is the most
# serious one: a merchant reading the page needs to know that some of it is false.
_SEVERITY = ("refuted", "duplicated", "implausible", "supported", "not_enough_evidence")


def write_raw(tree: DataTree, run_id: str, items: Iterable[Any]) -> dict[str, int]:
    """Write items to raw as a crawl of run `run_id` would (one raw file per source). Returns items
    written per source. A Disappearance goes to the raw of its gone item's source, as the crawl of that
    source writes it."""
    writers: dict[str, RawWriter] = {}
    try:
        for item in items:
            source = getattr(item, "item_source", None) or item.source
            w = writers.get(source)
            if w is None:
                w = writers[source] = RawWriter(tree.raw_file(source, run_id))
            w.write(contracts.to_record(item))
    finally:
        for w in writers.values():
            w.close()
    return {s: w.count for s, w in sorted(writers.items())}


def load_world_into_raw(world: Any, tree: DataTree, run_id: str) -> dict[str, int]:
    """Every item of `world.expected_items()` in raw, as a perfect crawl of run `run_id` would write it."""
    return write_raw(tree, run_id, world.expected_items())


def _path(url: object) -> str:
    return urlparse(str(url)).path if isinstance(url, str) else ""


def page_verdicts(checks: pd.DataFrame) -> dict[str, str]:
    """Case page URL path → the page's verdict."""
    return {p: d["verdict"] for p, d in page_decisions(checks).items()}


def page_decisions(checks: pd.DataFrame) -> dict[str, dict]:
    """Case page URL path → the row that decides the page's verdict (the most serious verdict; of its
    rows, the most confident): verdict, reason_code, evidence_strength and confidence."""
    rank = {v: i for i, v in enumerate(_SEVERITY)}
    out: dict[str, dict] = {}
    n = len(checks)
    codes = checks["reason_code"] if "reason_code" in checks.columns else pd.Series([None] * n)
    args = checks["reason_args"] if "reason_args" in checks.columns else pd.Series([None] * n)
    conf = checks["confidence"] if "confidence" in checks.columns else pd.Series([np.nan] * n)
    cols = (checks["source_url"], checks["verdict"], codes, args, conf)
    for url, verdict, code, a, c in zip(*cols, strict=True):
        p = _path(url)
        row = {"verdict": verdict, "reason_code": code, "confidence": None if pd.isna(c) else float(c)}
        row["evidence_strength"] = json.loads(a).get("evidence_strength", "") if isinstance(a, str) else ""
        best = out.get(p)
        key = (rank.get(verdict, 99), -(row["confidence"] or 0.0))
        if best is None or key < (rank.get(best["verdict"], 99), -(best["confidence"] or 0.0)):
            out[p] = row
    return out


def claim_metrics(truth_claims: dict[str, dict], checks: pd.DataFrame) -> dict[str, Any]:
    pred = page_verdicts(checks) if not checks.empty else {}
    keys = sorted(truth_claims)
    y_true = [truth_claims[k]["verdict"] for k in keys]
    # A case the marts never checked counts as "not enough evidence": that is what a merchant sees.
    y_pred = [pred.get(_path(k) or k, "not_enough_evidence") for k in keys]
    labels = list(contracts.VERDICTS)
    p, r, f, s = per_class(y_true, y_pred, labels)
    # Macro-F1 over the verdicts that occur (in truth or prediction): a world with no copied case
    # and no case called copied has nothing to score for that class, not an F1 of 0.
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    return {
        "n": len(keys),
        "covered": sum(1 for k in keys if (_path(k) or k) in pred),
        "macro_f1": macro_f1(y_true, y_pred, present),
        "accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)])) if keys else 0.0,
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
        "confusion": _confusion(y_true, y_pred, labels),
    }


def _confusion(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {t: dict.fromkeys(labels, 0) for t in labels}
    for t, p in zip(y_true, y_pred, strict=True):
        out.setdefault(t, dict.fromkeys(labels, 0))[p] = out[t].get(p, 0) + 1
    return out


def review_metrics(truth_bought: dict[str, Any], flags: pd.DataFrame) -> dict[str, Any]:
    pred = set(flags.loc[flags["source"] == "market", "native_id"].astype(str)) if not flags.empty else set()
    true = {str(k) for k in truth_bought}
    hit = len(pred & true)
    # Recall per kind of bought signal, so a weak detector is visible by name.
    by_signal: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k, v in truth_bought.items():
        for sig in v.get("signals", []) if isinstance(v, dict) else []:
            by_signal[sig][1] += 1
            by_signal[sig][0] += str(k) in pred
    return {
        "flagged": len(pred),
        "bought": len(true),
        "precision": hit / len(pred) if pred else 0.0,
        "recall": hit / len(true) if true else 0.0,
        "recall_by_signal": {s: round(a / b, 3) for s, (a, b) in sorted(by_signal.items()) if b},
    }


def matched_scores(truth_providers: list[dict], rep: pd.DataFrame) -> list[tuple[float, dict]]:
    """(reputation_score, truth provider) for every true provider the marts name and score."""
    by_name: dict[str, str] = {}
    for pid, name, aliases in zip(rep["provider_id"], rep["provider_name"], rep["aliases"], strict=True):
        for n in [pid, name, *(list(aliases) if aliases is not None else [])]:
            if name_key(n):  # a missing name matches nothing
                by_name.setdefault(name_key(n), pid)
    score = dict(zip(rep["provider_id"], rep["reputation_score"], strict=True))
    pairs = []
    for tp in truth_providers:
        pid = next(
            (
                by_name[name_key(n)]
                for n in [tp.get("legal_name"), tp.get("brand"), tp.get("name"), *tp.get("aliases", [])]
                if name_key(n) in by_name
            ),
            None,
        )
        if pid is not None and score.get(pid) is not None and not pd.isna(score[pid]):
            pairs.append((float(score[pid]), tp))
    return pairs


def reputation_metrics(truth_providers: list[dict], rep: pd.DataFrame) -> dict[str, Any]:
    pairs = [(s, float(tp["quality"])) for s, tp in matched_scores(truth_providers, rep)]
    rho = float(spearmanr(*zip(*pairs, strict=True)).statistic) if len(pairs) >= 3 else float("nan")
    return {"matched": len(pairs), "providers": len(truth_providers), "spearman": rho}


SCORED_CHANGES = ("withdrawn", "deleted", "edited", "figures_changed")


def history_metrics(
    events: list[dict], earlier: str | None, docs: pd.DataFrame, changes: pd.DataFrame
) -> dict[str, Any]:
    """Truth events (a world `--as-of` a day) against clean/changes, for a data tree last crawled as
    of `earlier` (an ISO moment; None: never). An event is `detectable` when it happened after that
    day, on a document that existed then and that kaopu holds; recall is over those. A scored change
    the truth has no event for is false."""
    held = set(docs["doc_id"])
    got = {(d, c) for d, c in zip(changes["doc_id"], changes["change"], strict=True) if c in SCORED_CHANGES}
    truth = {(f"{e['source']}:{e['native_id']}", e["kind"]): e for e in events}
    detectable = {
        k
        for k, e in truth.items()
        if earlier is not None and k[0] in held and e["created"] <= earlier < e["at"]
    }
    found = detectable & got
    false = got - set(truth)
    out: dict[str, Any] = {"events": len(truth), "detectable": len(detectable), "found": len(found)}
    out["false"] = len(false)
    out["recall"] = len(found) / len(detectable) if detectable else None
    out["precision"] = (len(got) - len(false)) / len(got) if got else None
    return out


def compare(truth: dict, tree: DataTree, earlier_as_of: str | None = None) -> dict[str, Any]:
    """Claim-verdict macro-F1 and per-class P/R, suspicious-review P/R, Spearman of reputation_score
    with hidden quality; with a moving world's `events`, the history's recall and false changes
    (`earlier_as_of`: the day the tree was crawled as of before, see `history_metrics`)."""
    checks = read_table(tree, "marts/claim_checks").to_pandas()
    flags = read_table(tree, "marts/review_flags").to_pandas()
    rep = read_table(tree, "marts/provider_reputation").to_pandas()
    out = {
        "claims": claim_metrics(truth.get("claims", {}), checks),
        "reviews": review_metrics(truth.get("bought_reviews", {}), flags),
        "reputation": reputation_metrics(truth.get("providers", []), rep),
    }
    if "events" in truth:
        docs = read_table(tree, "clean/documents", ["doc_id", "first_seen_at"]).to_pandas()
        changes = read_table(tree, "clean/changes", ["doc_id", "change"]).to_pandas()
        out["history"] = history_metrics(truth["events"], earlier_as_of, docs, changes)
    return out
