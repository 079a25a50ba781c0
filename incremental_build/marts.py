"""Clean → marts: the four tables a merchant reads, a pure function of the clean tables.

A build recomputes the rows of the providers whose evidence changed since the last build and keeps
the others' (incremental_build/mart_state.py says how that stays equal to recomputing everything); a
change of method, or `full=True`, recomputes every row, so a better method applied to old evidence
needs no migration.

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
  `reputation.scores.WEIGHTS`) with `confidence` / `confidence_band` from the volume of evidence;
- `risk_flags`: the above as sentences, worst first ("2 of 5 success cases refuted", "经营异常 on
  record", "no TP certification"); `sources`, `first_seen`, `last_seen`: where and when evidence was found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from incremental_build import mart_state as inc
from incremental_build.provider_names import known_providers
from pipelines import contracts
from pipelines.config import WatchedProvider
from pipelines.storage import DataTree, read_table, write_table
from reputation.provider_marts import provider_marts, reputation_table
from reputation.review_flags import review_context

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
    "author_level",
    "amount_cny",
    "status",
    "reply_days",
    "client",
    "dup_cluster",
    "sentiment",
    "sentiment_label",
    # history: the marts count what disappeared or changed
    "gone_at",
    "gone_how",
    "rating_first",
    "n_changes",
    "history_changes",
]


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
    full: bool = False,
) -> dict:
    """Bring the four marts up to date with the clean tables and write them atomically; returns row
    counts per mart and how many providers were recomputed (`recomputed_providers`).

    Only providers whose evidence changed are recomputed unless `full` (or the method changed)."""
    built_at = pd.Timestamp(now or dt.datetime.now(dt.UTC))
    built_at = built_at.tz_localize("UTC") if built_at.tzinfo is None else built_at.tz_convert("UTC")
    docs_table = read_table(tree, "clean/documents", [*_DOC_COLS, "provider_mention"])
    docs = docs_table.to_pandas()
    claims = read_table(tree, "clean/claims").to_pandas()
    registry = read_table(tree, "clean/registry").to_pandas()
    listings = read_table(tree, "clean/listings").to_pandas()
    providers = known_providers(tree, watchlist, docs=docs, registry=registry, listings=listings)
    context = review_context(docs)
    fps = inc.fingerprints(providers, docs, context, claims, registry, listings)
    links = inc.copy_links(claims)
    prev = None if full else inc.load(tree)

    frames = (providers, docs, claims, registry, listings)
    if prev is None:
        redo, keep = set(fps.index), set()
    else:
        redo = inc.to_recompute(fps, prev.fingerprints, pd.concat([links, prev.links], ignore_index=True))
        keep = set(fps.index) - redo
        if not redo and all(tree.table_path(name).exists() for name in _SORT):
            # No provider's evidence changed since the marts were written: they are this build's
            # answer already, and rewriting them would only move their mtimes and built_at.
            rows = {n.split("/", 1)[1]: pq.ParquetFile(tree.table_path(n)).metadata.num_rows for n in _SORT}
            return {**rows, "recomputed_providers": 0, "unchanged": True}
        frames = tuple(inc.subset(df, redo, docs_table if df is docs else None) for df in frames)
    flags, checks, stats, month = provider_marts(*frames, context)

    def kept(stored: pa.Table | None, schema: pa.Schema) -> pa.Table:
        # The last build's rows of the providers not recomputed (none in a full build).
        return schema.empty_table() if stored is None else inc.keep_rows(stored, keep)

    stats_t = pa.concat_tables([kept(prev and prev.stats, inc.STATS_SCHEMA), inc.stats_table(stats)])
    fresh = {"marts/claim_checks": checks, "marts/review_flags": flags, "marts/provider_monthly": month}
    tables = {}
    for name, df in fresh.items():
        schema = contracts.TABLES[name]
        rows = [kept(prev and prev.marts[name], schema), inc.as_table(_cols(df, name), schema)]
        tables[name] = _stamped(pa.concat_tables(rows), built_at)
    # Through the stored form in every build, so a full and an incremental build give the same values.
    rep = reputation_table(stats_t.to_pandas(), docs)
    tables["marts/provider_reputation"] = _stamped(
        inc.as_table(_cols(rep, "marts/provider_reputation"), contracts.TABLES["marts/provider_reputation"]),
        built_at,
    )

    inc.invalidate(tree)
    counts: dict[str, int] = {}
    for name in _SORT:
        write_table(tree, name, tables[name], sort_by=_SORT[name])
        counts[name.split("/", 1)[1]] = tables[name].num_rows
    inc.save(tree, fps, links, stats_t, built_at, {n: tables[n].num_rows for n in inc.SPLICED})
    counts["recomputed_providers"] = len((redo & set(fps.index)) - {inc.NO_PROVIDER})
    return counts


def _cols(df: pd.DataFrame, name: str) -> pd.DataFrame:
    names = [
        c for c in contracts.TABLES[name].names if c in df.columns and c not in ("built_at", "schema_version")
    ]
    return df[names]


def _stamped(table: pa.Table, built_at: pd.Timestamp) -> pa.Table:
    """Every row gets this build's built_at and schema version (kept rows included: the table as a
    whole is what this build vouches for)."""
    n = table.num_rows
    stamp = pa.array(np.full(n, built_at.tz_convert(None).to_datetime64()), type=pa.timestamp("us")).cast(
        pa.timestamp("us", tz="UTC")
    )
    version = pa.array(np.full(n, contracts.SCHEMA_VERSION, dtype=np.int32))
    for col, values in (("built_at", stamp), ("schema_version", version)):
        i = table.schema.get_field_index(col)
        table = table.set_column(i, table.schema.field(i), values)
    return table
