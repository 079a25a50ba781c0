"""Clean → marts: the four tables a merchant reads, recomputed from the clean tables every time.

Recomputing (rather than updating) keeps the marts a pure function of clean: a better method applied
to old evidence needs no migration, and the cost is small next to text processing (see bench/build.py).

`marts/provider_reputation`, one row per provider (watch list + providers structured sources name),
answers the questions merchants ask before hiring an agency:

- official certification: `tp_star` (the market's TP badge, null = none; also a risk flag);
- case authenticity: `claims_n` and `claims_<verdict>` counts, `authenticity_score` (share of cases
  not shown false, supported ones counting a little extra), details per case in `marts/claim_checks`;
- team size and company facts: `staff_insured` (参保人数), `established`, `registered_capital_cny`,
  `lawsuit_count`, `abnormal_count` (经营异常);
- fees: `fee_monthly_min_cny` / `fee_monthly_max_cny` (listings' price ranges, else fees others
  quote per month or year), `commission_pct_mentioned` (median commission others quote);
- complaints: `n_complaints`, `complaints_amount_cny`, `complaints_completed_share` (已完成),
  `median_reply_days` (filing to the company's first reply);
- reputation: `rating_mean` with `n_ratings`, `rating_bayes` (shrunk toward the market mean),
  `positive_share_wilson_low`, `adjusted_rating` with `n_kept` (suspicious reviews down-weighted,
  `suspicious_share` of them), `sentiment_mean`, and `reputation_score` (0–100, weights in
  `flows.scores.WEIGHTS`) with `confidence` / `confidence_band` from the volume of evidence;
- `risk_flags`: the above as sentences, worst first ("2 of 5 success cases refuted", "经营异常 on
  record", "no TP certification"); `sources`, `first_seen`, `last_seen`: where and when evidence was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from flows.claim_checks import check_claims
from flows.provider_names import known_providers
from flows.review_flags import flag_reviews
from flows.scores import monthly, reputation
from pipelines import contracts
from pipelines.config import WatchedProvider
from pipelines.storage import DataTree, read_table, write_table

# Only the columns the marts read: the text column is the largest and only flags and fees need it.
_DOC_COLS = [
    "doc_id",
    "source",
    "kind",
    "native_id",
    "provider_id",
    "author",
    "title",
    "text",
    "text_chars",
    "created_at",
    "fetched_at",
    "rating",
    "amount_cny",
    "status",
    "reply_days",
    "client",
    "dup_cluster",
    "sentiment",
    "sentiment_label",
]


def compute_marts(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    claims: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Pure: clean frames → the four marts (without built_at / schema_version)."""
    flags = flag_reviews(docs)
    checks = check_claims(claims, docs, registry)
    rep = reputation(providers, docs, flags, checks, registry, listings)
    return {
        "marts/provider_reputation": rep,
        "marts/claim_checks": checks,
        "marts/review_flags": flags,
        "marts/provider_monthly": monthly(docs),
    }


_SORT = {
    "marts/provider_reputation": ["provider_id"],
    "marts/claim_checks": ["claim_id"],
    "marts/review_flags": ["source", "native_id"],
    "marts/provider_monthly": ["provider_id", "month"],
}


def build_marts(
    tree: DataTree,
    *,
    watchlist: Iterable[WatchedProvider | dict] | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Recompute and atomically write the four marts; returns row counts per mart."""
    built_at = pd.Timestamp(now or dt.datetime.now(dt.UTC))
    built_at = built_at.tz_localize("UTC") if built_at.tzinfo is None else built_at.tz_convert("UTC")
    docs = read_table(tree, "clean/documents").select(_DOC_COLS).to_pandas()
    marts = compute_marts(
        known_providers(tree, watchlist),
        docs,
        read_table(tree, "clean/claims").to_pandas(),
        read_table(tree, "clean/registry").to_pandas(),
        read_table(tree, "clean/listings").to_pandas(),
    )
    counts = {}
    for name, df in marts.items():
        schema = contracts.TABLES[name]
        df = df[[c for c in schema.names if c in df.columns]].copy()
        df["built_at"] = built_at
        df["schema_version"] = contracts.SCHEMA_VERSION
        write_table(tree, name, df, sort_by=_SORT[name])
        counts[name.split("/", 1)[1]] = len(df)
    return counts
