"""The reputation logic's entry point: a set of providers' clean evidence → their rows of the marts.

The build engine (`incremental_build.marts`) decides which providers to recompute and where the rows
go; it calls `provider_marts` with those providers' evidence and `reputation_table` with the stats of
every provider. Nothing here knows about increments: `compute_marts` is the same logic over all of it.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from reputation.claim_checks import check_claims
from reputation.review_flags import flag_reviews, review_context
from reputation.scores import finish, market_mean_rating, monthly, provider_stats


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
) -> ProviderMarts:
    """Review flags, claim checks, reputation statistics and monthly rows of `providers` from their
    evidence. `context`: `review_context` of every document (default: of `docs`), since a review's
    author counts and copies reach beyond the providers computed."""
    context = review_context(docs) if context is None else context
    flags = flag_reviews(docs, context)
    checks = check_claims(claims, docs, registry)
    stats = provider_stats(providers, docs, flags, checks, registry, listings)
    return ProviderMarts(flags, checks, stats, monthly(docs))


def reputation_table(stats: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """`provider_stats` rows of every provider → marts/provider_reputation rows: the Bayesian averages
    shrink toward the mean rating of all `docs`, so this runs over every provider at every build."""
    return finish(stats, market_mean_rating(docs))


def compute_marts(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    claims: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Pure: clean frames → the four marts (without built_at / schema_version)."""
    m = provider_marts(providers, docs, claims, registry, listings)
    return {
        "marts/provider_reputation": reputation_table(m.stats, docs),
        "marts/claim_checks": m.claim_checks,
        "marts/review_flags": m.review_flags,
        "marts/provider_monthly": m.monthly,
    }
