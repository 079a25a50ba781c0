"""Which providers' mart rows a build must recompute; the others are kept from the last build.

The marts are a pure function of the clean tables, and almost all of that function is per provider:
a provider's review flags, claim verdicts, monthly rows and reputation statistics read only its own
documents, claims, registry and listing rows. The exceptions are few and handled explicitly:

- a review's author may have written reviews of other providers (the one-review-author and the
  review-farm-account signals) and its near-duplicate cluster spans providers:
  `review_flags.review_context` is computed over every review, and each review's context (every
  column of it) is part of its provider's fingerprint, so a new review by the same author elsewhere
  changes this provider's fingerprint too;
- a success case may be a copy of another provider's (the `duplicated` verdict): providers that claim
  the same client are recomputed together (`copy_links`), by the links of this build and the last;
- the market mean rating behind the Bayesian averages: `scores.finish` runs over every provider on
  every build, from stored per-provider statistics.

So a build fingerprints every provider's inputs (a 64-bit hash of its rows, order-independent),
recomputes the providers whose fingerprint changed (and those linked to them), and keeps every other
provider's rows from the last build's marts. The result equals a full recomputation (tested in
tests/test_marts_incremental.py). Anything that could make the kept rows stale forces a full build:
a change of the marts' method key (`method_keys.marts_key`: the code of the logic the marts run, the
clean key and so the models), a missing or torn state file, or marts not written by the build the
state belongs to (their `built_at` differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from incremental_build.method_keys import CODE_CACHE, marts_key
from pipelines import contracts
from pipelines.storage import DataTree, conform, read_json_state, write_json_atomic, write_parquet_atomic
from reputation.claim_checks import client_cores
from reputation.scores import FINISHED, STATS_EXTRA

STATE_JSON = "marts-state.json"
STATS_FILE = "marts-stats.parquet"
# Documents, claims and flags without a provider are one more group, under this key (never an id:
# provider ids are slugs of names).
NO_PROVIDER = ""
# Marts spliced per provider; provider_reputation is always rebuilt from the stored statistics.
SPLICED = ("marts/claim_checks", "marts/review_flags", "marts/provider_monthly")

# Per-provider statistics as stored between builds: the reputation mart's columns before `finish`,
# plus the few `finish` needs that the mart does not show.
STATS_SCHEMA = pa.schema(
    [
        f
        for f in contracts.PROVIDER_REPUTATION
        if f.name not in FINISHED and f.name not in ("built_at", "schema_version")
    ]
    + [
        pa.field("adjusted_mean", pa.float64()),
        pa.field("n_kept_rated", pa.float64()),
        pa.field("reg_status", pa.string()),
        pa.field("n_comments_articles", pa.int32()),
    ]
)
assert set(STATS_EXTRA) <= set(STATS_SCHEMA.names)

# Document columns a provider's marts read (the text itself is represented by its length and its
# sentiment: a text changes only with a re-crawl, which changes fetched_at, and a change of the code
# that makes texts changes the method key).
_DOC_FP_COLS = [
    "doc_id",
    "gone_at",
    "n_changes",
    "kind",
    "author",
    "client",
    "status",
    "created_at",
    "fetched_at",
    "text_chars",
    "rating",
    "author_level",
    "amount_cny",
    "reply_days",
    "sentiment",
    "sentiment_label",
]


def provider_key(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna(NO_PROVIDER).astype(object)


# String columns whose values are (nearly) all distinct: hashed directly. The others repeat values
# (kind, status, client; authors: a third as many as documents) and are hashed once per distinct value
# (pandas' `categorize`): for ids that took twice as long as hashing them directly, for authors 0.6x.
_DISTINCT = frozenset({"doc_id", "claim_id", "company_id", "service_code"})
_MIX = np.uint64(0x100000001B3)  # FNV-1 prime: each column's hash is mixed into the row's in turn


def _row_hashes(df: pd.DataFrame) -> np.ndarray:
    h = np.zeros(len(df), dtype=np.uint64)
    for col in df.columns:
        c = pd.util.hash_pandas_object(df[col], index=False, categorize=col not in _DISTINCT)
        h = (h * _MIX) ^ c.to_numpy(dtype=np.uint64)  # uint64 arithmetic wraps: modulo 2^64
    return h


def _sum_by_key(provider_id: pd.Series, hashes: np.ndarray) -> pd.Series:
    """Order-independent combination of row hashes per provider key: their sum modulo 2^64."""
    if len(hashes) == 0:
        return pd.Series(dtype=np.uint64)
    # Factorised as it is (arrow strings factorise natively); missing ids get code -1, i.e. NO_PROVIDER.
    codes, uniques = pd.factorize(provider_id)
    codes = codes + 1
    sums = np.zeros(len(uniques) + 1, dtype=np.uint64)
    np.add.at(sums, codes, hashes)  # uint64 addition wraps: modulo 2^64
    present = np.bincount(codes, minlength=len(sums)) > 0
    names = np.array([NO_PROVIDER, *map(str, uniques)], dtype=object)
    return pd.Series(sums[present], index=pd.Index(names[present], dtype=object))


def fingerprints(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    context: pd.DataFrame,
    claims: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
) -> pd.Series:
    """provider key → 64-bit fingerprint of every input row its marts read."""
    parts: dict[str, pd.Series] = {}
    if not docs.empty:
        d = docs[_DOC_FP_COLS]  # copy-on-write: the context columns added below copy nothing else
        ctx = context.reindex(docs.index)
        for col in context.columns:  # every cross-provider input of the review flags
            d[col] = ctx[col].fillna(0).astype(context[col].dtype)
        parts["docs"] = _sum_by_key(docs["provider_id"], _row_hashes(d))
    for name, df in (("claims", claims), ("registry", registry), ("listings", listings)):
        if not df.empty:
            cols = [c for c in df.columns if c not in ("schema_version", "provider_id")]
            parts[name] = _sum_by_key(df["provider_id"], _row_hashes(df[cols]))
    if not providers.empty:
        p = providers[["provider_name", "legal_name"]].copy()
        p["aliases"] = ["\x1f".join(a) for a in providers["aliases"]]
        parts["providers"] = _sum_by_key(providers["provider_id"], _row_hashes(p))
    if not parts:
        return pd.Series(dtype=np.uint64)
    table = pd.DataFrame(parts).fillna(0).astype(np.uint64)
    table = table.reindex(columns=["docs", "claims", "registry", "listings", "providers"], fill_value=0)
    return pd.Series(_row_hashes(table), index=table.index.astype(object), dtype=np.uint64)


def copy_links(claims: pd.DataFrame) -> pd.DataFrame:
    """(core, key) for every provider claiming a client that another provider claims too: the
    providers whose `duplicated` verdicts depend on each other (see claim_checks._duplicates)."""
    if claims.empty:
        return pd.DataFrame({"core": pd.Series(dtype=object), "key": pd.Series(dtype=object)})
    cores = client_cores(claims)
    links = pd.DataFrame({"core": cores, "key": provider_key(claims.loc[cores.index, "provider_id"])})
    shared = links.groupby("core")["key"].transform("nunique") >= 2
    return links[shared].drop_duplicates().reset_index(drop=True)


def to_recompute(now: pd.Series, before: pd.Series, links: pd.DataFrame) -> set[str]:
    """Keys whose fingerprint is new or changed, plus every key linked to one of them by a shared
    client (in this build's claims or the last's: a link that just disappeared matters too)."""
    # Plain dicts: reindexing a uint64 Series with a missing key turns it into float64, and 64-bit
    # hashes do not survive that.
    last = before.to_dict()
    changed = {k for k, v in now.items() if last.get(k) != v}
    # A provider that vanished still pulls in the providers its cases were linked with.
    changed |= set(last) - set(now.index)
    if not changed or links.empty:
        return changed
    # Plain dicts from a loop over the ~10^4 links: groupby().apply(set) took ten times as long.
    by_core: dict[str, set[str]] = defaultdict(set)
    cores_of: dict[str, list[str]] = defaultdict(list)
    for core, k in zip(links["core"].tolist(), links["key"].tolist(), strict=True):
        by_core[core].add(k)
        cores_of[k].append(core)
    todo, out = list(changed), set(changed)
    while todo:
        for core in cores_of.get(todo.pop(), []):
            for k in by_core[core] - out:
                out.add(k)
                todo.append(k)
    return out


@dataclass
class Previous:
    fingerprints: pd.Series
    links: pd.DataFrame
    stats: pa.Table
    marts: dict[str, pa.Table]


def load(tree: DataTree) -> Previous | None:
    """The last build's state and marts, or None when a full build is needed."""
    meta = read_json_state(tree.build_state(STATE_JSON))
    if meta.get("method") != marts_key(cache=tree.build_state(CODE_CACHE)) or "built_at" not in meta:
        return None
    try:
        stats = pq.read_table(tree.build_state(STATS_FILE))
        fp = meta["fingerprints"]
        fingerprints_ = pd.Series(
            np.array([int(v, 16) for v in fp.values()], dtype=np.uint64),
            index=pd.Index(list(fp.keys()), dtype=object),
        )
        links = pd.DataFrame(meta["links"], columns=["core", "key"], dtype=object)
        marts = {}
        for name in SPLICED:
            t = pq.read_table(tree.table_path(name))
            stamps = pc.unique(t.column("built_at")).to_pylist() if t.num_rows else []
            if t.num_rows != meta["rows"].get(name) or any(str(s) != meta["built_at"] for s in stamps):
                return None  # rewritten since (by hand, or by a build that crashed before its state)
            marts[name] = t
    except (OSError, KeyError, ValueError, TypeError, pa.ArrowInvalid):
        return None
    if stats.schema != STATS_SCHEMA:
        return None
    return Previous(fingerprints_, links, stats, marts)


def invalidate(tree: DataTree) -> None:
    """Called before any mart is written: a build that dies half-way leaves no state, so the next
    one recomputes everything rather than splicing onto marts of two different builds."""
    (tree.build_state(STATE_JSON)).unlink(missing_ok=True)


def save(
    tree: DataTree,
    fps: pd.Series,
    links: pd.DataFrame,
    stats: pa.Table,
    built_at: pd.Timestamp,
    rows: dict[str, int],
) -> None:
    write_parquet_atomic(stats, tree.build_state(STATS_FILE))
    write_json_atomic(
        tree.build_state(STATE_JSON),
        {
            "method": marts_key(cache=tree.build_state(CODE_CACHE)),
            "built_at": str(built_at),
            "rows": rows,
            "fingerprints": {k: format(int(v), "x") for k, v in fps.items()},
            "links": links[["core", "key"]].to_numpy().tolist(),
        },
    )


def as_table(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """The frame's columns of `schema`, cast to it (an empty frame's columns have no type to cast)."""
    if df.empty:
        return schema.empty_table()
    return conform(df[[c for c in schema.names if c in df.columns]], schema)


def stats_table(stats: pd.DataFrame) -> pa.Table:
    return as_table(stats, STATS_SCHEMA)


def keep_rows(table: pa.Table, keep: set[str], column: str = "provider_id") -> pa.Table:
    """Rows of a stored table whose provider key is in `keep`."""
    keys = pc.fill_null(table.column(column), NO_PROVIDER)
    return table.filter(pc.is_in(keys, value_set=pa.array(sorted(keep), type=pa.string())))


def subset(df: pd.DataFrame, keys: set[str], arrow: pa.Table | None = None) -> pd.DataFrame:
    """The rows of `df` whose provider key is in `keys`, with their index labels.

    `arrow`: `df` as the arrow table it was converted from. The rows are then taken there and only
    they are converted: filtering 10^6 documents column by column in pandas took 0.05-0.4 s, this
    0.03 s. The conversion is cast to `df`'s dtypes (a column without nulls among these rows would
    otherwise come out int where `df` has float)."""
    if df.empty:
        return df
    pid = df["provider_id"]
    rows = pid.isin(keys)
    if NO_PROVIDER in keys:
        rows |= pid.isna()
    mask = rows.to_numpy(dtype=bool)
    if arrow is None:
        return df[mask]
    out = arrow.filter(pa.array(mask)).to_pandas().astype(df.dtypes.to_dict())
    out.index = df.index[mask]
    return out
