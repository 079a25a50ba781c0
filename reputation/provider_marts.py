"""The reputation logic's entry point: a set of providers' clean evidence → their rows of the marts.

The build engine (`incremental_build.marts`) decides which providers to recompute and where the rows
go; it calls `provider_marts` with those providers' evidence and `reputation_table` with the stats of
every provider. Nothing here knows about increments: `compute_marts` is the same logic over all of it.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from reputation.claim_checks import RULES, check_claims
from reputation.review_flags import FLAG_RULES, flag_reviews, review_context
from reputation.scores import WEIGHTS, finish, market_mean_rating, monthly, provider_stats

# Every signal the ablation (evaluation/ablation.py) can switch off: `claim:` a claim rule (the last,
# "no evidence", always decides), `review:` a rule that flags a review, `score:` a score component.
SIGNALS = (
    *(f"claim:{r.__name__}" for r in RULES[:-1]),
    *(f"review:{r}" for r in FLAG_RULES),
    *(f"score:{c}" for c in WEIGHTS),
)


def _switched_off(off: frozenset[str], kind: str) -> frozenset[str]:
    return frozenset(s.split(":", 1)[1] for s in off if s.startswith(kind + ":"))


class ProviderMarts(NamedTuple):
    """Everything that depends on each provider's own evidence."""

    review_flags: pd.DataFrame  # marts/review_flags rows
    claim_checks: pd.DataFrame  # marts/claim_checks rows
    stats: pd.DataFrame  # provider_stats: provider_reputation before `reputation_table`
    monthly: pd.DataFrame  # marts/provider_monthly rows


def provider_marts(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    claims: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
    context: pd.DataFrame | None = None,
    off: frozenset[str] = frozenset(),
) -> ProviderMarts:
    """Review flags, claim checks, reputation statistics and monthly rows of `providers` from their
    evidence. `context`: `review_context` of every document (default: of `docs`), since a review's
    author counts and copies reach beyond the providers computed. `off`: SIGNALS switched off."""
    context = review_context(docs) if context is None else context
    flags = flag_reviews(docs, context, _switched_off(off, "review"))
    checks = check_claims(claims, docs, registry, _switched_off(off, "claim"))
    stats = provider_stats(providers, docs, flags, checks, registry, listings)
    return ProviderMarts(flags, checks, stats, monthly(docs))


def reputation_table(
    stats: pd.DataFrame, docs: pd.DataFrame, off: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """`provider_stats` rows of every provider → marts/provider_reputation rows: the Bayesian averages
    shrink toward the mean rating of all `docs`, so this runs over every provider at every build."""
    return finish(stats, market_mean_rating(docs), _switched_off(off, "score"))


def compute_marts(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    claims: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
    off: frozenset[str] = frozenset(),
) -> dict[str, pd.DataFrame]:
    """Pure: clean frames → the four marts (without built_at / schema_version). `off`: SIGNALS
    switched off (evaluation/ablation.py)."""
    m = provider_marts(providers, docs, claims, registry, listings, off=off)
    return {
        "marts/provider_reputation": reputation_table(m.stats, docs, off),
        "marts/claim_checks": m.claim_checks,
        "marts/review_flags": m.review_flags,
        "marts/provider_monthly": m.monthly,
    }
