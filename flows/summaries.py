"""The few lines `kaopu build` and `kaopu eval` print for a person; `--json` gives machines the rest."""

from __future__ import annotations

from typing import Any


def _n(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "?"


def build_lines(result: dict[str, Any]) -> list[str]:
    clean = result.get("clean") or {}
    marts = result.get("marts") or {}
    lines = []
    if not clean.get("raw_files"):
        lines.append(f"clean: no new raw files; {_n(clean.get('documents', 0))} documents as before")
    else:
        lines.append(
            f"clean: {_n(clean.get('raw_files'))} new raw files, {_n(clean.get('records'))} records read, "
            f"{_n(clean.get('quarantined', 0))} quarantined (data/quarantine/) → "
            f"{_n(clean.get('documents'))} documents (+{_n(clean.get('new_documents', 0))}), "
            f"{_n(clean.get('claims'))} claims, {_n(clean.get('providers'))} providers known"
        )
    if marts:
        lines.append(
            f"marts: {_n(marts.get('provider_reputation'))} providers rated "
            f"({_n(marts.get('recomputed_providers'))} recomputed), "
            f"{_n(marts.get('claim_checks'))} claim checks, {_n(marts.get('review_flags'))} review flags"
        )
    return lines


def _f(value: Any, digits: int = 2) -> str:
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return "–"


def eval_lines(metrics: dict[str, Any]) -> list[str]:
    claims = metrics.get("claims") or {}
    reviews = metrics.get("reviews") or {}
    rep = metrics.get("reputation") or {}
    return [
        f"world seed {metrics.get('seed')}, {metrics.get('providers')} providers, "
        f"faults {metrics.get('faults')}",
        f"claim verdicts: macro-F1 {_f(claims.get('macro_f1'))}, accuracy {_f(claims.get('accuracy'))} "
        f"over {_n(claims.get('n'))} claims ({_n(claims.get('covered'))} found)",
        f"suspicious reviews: precision {_f(reviews.get('precision'))}, recall {_f(reviews.get('recall'))} "
        f"({_n(reviews.get('flagged'))} flagged, {_n(reviews.get('bought'))} bought)",
        f"reputation vs hidden quality: Spearman {_f(rep.get('spearman'))} "
        f"over {_n(rep.get('matched'))} of {_n(rep.get('providers'))} providers",
        "all figures: kaopu eval --json FILE",
    ]
