"""The few lines `kaopu build` and `kaopu eval` print for a person, in their language (the words are in
pipelines/messages.py UI); `--json` gives machines the rest."""

from __future__ import annotations

from typing import Any

from pipelines.messages import DEFAULT_LANG, say


def _n(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "?"


def build_lines(result: dict[str, Any], lang: str = DEFAULT_LANG) -> list[str]:
    clean = result.get("clean") or {}
    marts = result.get("marts") or {}
    lines = []
    if not clean.get("raw_files"):
        lines.append(say("build.clean_nothing_new", lang, documents=_n(clean.get("documents", 0))))
    else:
        counts = ("raw_files", "records", "documents", "claims", "providers")
        lines.append(
            say(
                "build.clean",
                lang,
                **{k: _n(clean.get(k)) for k in counts},
                quarantined=_n(clean.get("quarantined", 0)),
                new_documents=_n(clean.get("new_documents", 0)),
            )
        )
    if marts:
        lines.append(
            say(
                "build.marts",
                lang,
                rated=_n(marts.get("provider_reputation")),
                recomputed=_n(marts.get("recomputed_providers")),
                checks=_n(marts.get("claim_checks")),
                flags=_n(marts.get("review_flags")),
            )
        )
    return lines


def _f(value: Any, digits: int = 2) -> str:
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return "–"


def eval_lines(metrics: dict[str, Any], lang: str = DEFAULT_LANG) -> list[str]:
    claims = metrics.get("claims") or {}
    reviews = metrics.get("reviews") or {}
    rep = metrics.get("reputation") or {}
    hist = metrics.get("history")
    world = {k: metrics.get(k) for k in ("seed", "providers", "faults")}
    return [
        say("eval.world", lang, **world),
        say(
            "eval.claims",
            lang,
            f1=_f(claims.get("macro_f1")),
            accuracy=_f(claims.get("accuracy")),
            n=_n(claims.get("n")),
            covered=_n(claims.get("covered")),
        ),
        say(
            "eval.reviews",
            lang,
            precision=_f(reviews.get("precision")),
            recall=_f(reviews.get("recall")),
            flagged=_n(reviews.get("flagged")),
            bought=_n(reviews.get("bought")),
        ),
        say(
            "eval.reputation",
            lang,
            spearman=_f(rep.get("spearman")),
            matched=_n(rep.get("matched")),
            providers=_n(rep.get("providers")),
        ),
        *(
            [
                say(
                    "eval.history",
                    lang,
                    **{k: _n(v) for k, v in hist.items() if k != "recall"},
                    recall=_f(hist["recall"]),
                )
            ]
            if hist
            else []
        ),
        say("eval.more", lang),
    ]
