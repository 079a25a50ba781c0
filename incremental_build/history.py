"""Every version of every document, and what changed between them: clean/changes and the history
columns of clean/documents.

Raw is append-only: a revisit writes a known item again (same `source:native_id`, a later
`fetched_at`) and a disappearance as a `Disappearance` record. The build keeps one small
*observation* per raw record — when it was fetched, from which raw file, and the few fields a change
is told by (a hash of the text, the rating, the status, a case page's figures) or how it went — in
a build-state table. Each build adds the new raw's observations and recomputes the history of the
documents they touch only, from all of those documents' observations in fetch order, so the answer
does not depend on how the raw was split into builds (a full rebuild gives the same rows).

Change kinds (`clean/changes.change`, the vocabulary of the sandbox truth's `events`):
- `edited`: the text or the rating differs from the version before (a case page: the text only);
- `figures_changed`: a case page's figures (metric, before, after, growth) differ;
- `withdrawn`: a complaint's page says it was withdrawn (`withdrawn_page`);
- `deleted`: any other disappearance (404, a deleted notice, gone from its list) of an item that has
  no page of its own or whose page is gone;
- `status_changed` (recorded, not scored): a complaint's 投诉进度 moved.
A field missing in either version (no rating, no figures) is not a change: an unknown is not a new
value. A disappearance followed by a later version (the item came back) ends the gone state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from incremental_build.table_merge import to_utc
from pipelines import contracts
from pipelines.storage import DataTree, read_table, write_parquet_atomic, write_table

OBSERVATIONS = "history-observations"  # build state: fragments, one row per raw record of a document
_OBS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("kind", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("raw_file", pa.string()),
        ("author", pa.string()),
        ("text_hash", pa.string()),
        ("rating", pa.float64()),
        ("status", pa.string()),
        ("figures", pa.string()),
        ("gone_how", pa.string()),  # set on a disappearance, null on a version
        ("status_text", pa.string()),
    ]
)
# Items whose only place is a list: gone from it, they are deleted. An item with a page of its own
# (a complaint, a case) that is only missing from its list is recorded as `delisted`.
_LIST_ONLY_KINDS = (*contracts.REVIEW_KINDS, *contracts.THIRD_PARTY_KINDS, *contracts.ANSWER_KINDS)
HISTORY_COLUMNS = (
    "versions",
    "first_seen_at",
    "last_seen_at",
    "gone_at",
    "gone_how",
    "rating_first",
    "n_changes",
    "history_changes",
)


@dataclass
class Observations:
    """What a build reads from new raw, for the history: filled while the raw is read."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def version(self, item: contracts.BaseItem, rel: str, figures: bool = True) -> int:
        """Add one version; returns its position. `figures=False`: a case page's figures are set later
        (`set_figures`), by the text workers that read its text (`incremental_build.text_work`)."""
        self.rows.append(version_row(item, rel, figures))
        return len(self.rows) - 1

    def set_figures(self, at: Iterable[int], figures: Iterable[str | None]) -> None:
        """The `case_figures` of the versions at positions `at` (as `version` returned them)."""
        for i, f in zip(at, figures, strict=True):
            self.rows[i]["figures"] = f

    def gone(self, item: contracts.Disappearance, rel: str) -> None:
        self.rows.append(gone_row(item, rel))


def version_row(item: contracts.BaseItem, rel: str, figures: bool = True) -> dict[str, Any]:
    """One version of a document: the fields a change is told by. Missing fields stay null (and a case
    page's figures with `figures=False`, for the caller to fill)."""
    text = getattr(item, "text", None)
    rating = getattr(item, "rating", None)
    return {
        "doc_id": item.item_id,
        "kind": item.kind,
        "fetched_at": item.fetched_at,
        "raw_file": rel,
        "author": getattr(item, "author", None),
        "text_hash": hashlib.sha1(text.encode()).hexdigest() if isinstance(text, str) and text else None,
        "rating": float(rating) if isinstance(rating, int | float) and not isinstance(rating, bool) else None,
        "status": getattr(item, "status", None) or None,
        "figures": case_figures(text) if figures and item.kind in contracts.CASE_KINDS else None,
        "gone_how": None,
        "status_text": None,
    }


def gone_row(item: contracts.Disappearance, rel: str) -> dict[str, Any]:
    return {
        "doc_id": item.gone_item_id,
        "kind": item.item_kind,
        "fetched_at": item.fetched_at,
        "raw_file": rel,
        "author": None,
        "text_hash": None,
        "rating": None,
        "status": None,
        "figures": None,
        "gone_how": item.how,
        "status_text": item.status_text,
    }


# A figure as a case page writes it: digits with their unit (53万元, 19w, 300%, 1.5%) or a run of
# Chinese numerals (四千八百万).
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|万|w|W|亿|千|元)?|[零一二两三四五六七八九十百千万亿]{2,}")


def case_figures(text: str | None, normalize_with: Callable[[str], str] | None = None) -> str | None:
    """A case page's figures, as JSON: every figure written in it, in order (`numbers`), and the
    success claims the extractor reads from it (`claims`: metric, before, after, growth, period).
    The numbers decide a change: the extractor does not read every sentence form, and a page that
    rewrote a figure in other words changed its figures too. None when the page writes none (the
    numbers only in an image). `normalize_with`: `normalize`, or a caller's cache of it (the text work
    has normalised the same text already)."""
    if not isinstance(text, str) or not text:
        return None
    from pipelines.claims import extract
    from pipelines.text import normalize

    clean = (normalize_with or normalize)(text)
    numbers = [m.group(0).replace(" ", "") for m in _FIGURE.finditer(clean)]
    if not numbers:
        return None
    claims = [
        [c.metric, c.before, c.after, c.growth_pct, c.period_days]
        for c in extract(clean)
        if c.kind == "success_case"
    ]
    return json.dumps({"numbers": numbers, "claims": claims}, ensure_ascii=False)


# ------------------------------------------------------------------------------------------ build
def update(
    tree: DataTree, docs: pd.DataFrame, new: Observations, start_over: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add the new observations, recompute the touched documents' history; returns the documents
    with their history columns and the full clean/changes table (both written by the caller).

    The observations are append-only fragments, one per build that read new raw; only the touched
    documents' rows are read back (filtered in arrow before pandas sees them)."""
    if start_over:
        forget(tree)
    fresh = _frame(new.rows)
    touched = sorted(set(fresh["doc_id"])) if len(fresh) else []
    mine = pd.concat([_read_obs(tree, touched), fresh], ignore_index=True) if touched else _empty_obs()
    # One row per observation: a build that died after writing its fragment reads the same raw again,
    # and a raw file copied under another name holds the same fetches (same document, same moment).
    mine = mine.drop_duplicates(["doc_id", "fetched_at", "gone_how"], keep="first")
    old_changes = contracts.TABLES["clean/changes"].empty_table().to_pandas()
    if not start_over:
        old_changes = read_table(tree, "clean/changes").to_pandas()
    per_doc, changes = history(mine)
    if len(old_changes) and touched:
        old_changes = old_changes[~old_changes["doc_id"].isin(touched)]
    all_changes = pd.concat([old_changes, changes], ignore_index=True) if len(changes) else old_changes
    docs = with_history(docs, per_doc, changes)
    if len(fresh):
        stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        table = pa.Table.from_pandas(fresh, schema=_OBS_SCHEMA, preserve_index=False)
        write_parquet_atomic(table, _path(tree) / f"obs-{stamp}.parquet")
    return docs, all_changes


def write_changes(tree: DataTree, changes: pd.DataFrame) -> None:
    changes = changes.copy()
    changes["schema_version"] = contracts.SCHEMA_VERSION
    write_table(tree, "clean/changes", changes, sort_by=["doc_id", "seen_at", "change"])


def forget(tree: DataTree) -> None:
    shutil.rmtree(_path(tree), ignore_errors=True)


def _path(tree: DataTree) -> Path:
    return tree.build_state(OBSERVATIONS)


def _empty_obs() -> pd.DataFrame:
    return _OBS_SCHEMA.empty_table().to_pandas()


def _read_obs(tree: DataTree, doc_ids: list[str]) -> pd.DataFrame:
    """The stored observations of `doc_ids` (every fragment scanned, only their rows converted)."""
    files = sorted(_path(tree).glob("obs-*.parquet"))
    if not files:
        return _empty_obs()
    wanted = pa.array(doc_ids, pa.string())
    parts = []
    for path in files:
        table = pq.read_table(path, schema=_OBS_SCHEMA)
        parts.append(table.filter(pc.is_in(table.column("doc_id"), value_set=wanted)))
    return pa.concat_tables(parts).to_pandas()


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return _empty_obs()
    df = pd.DataFrame(rows, columns=_OBS_SCHEMA.names)
    df["fetched_at"] = to_utc(df["fetched_at"])
    df = df[df["fetched_at"].notna() & df["doc_id"].notna()]  # an undated record cannot be ordered
    return pa.Table.from_pandas(df, schema=_OBS_SCHEMA, preserve_index=False).to_pandas()


def history(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations (any order) → (one row per document: versions, first/last seen, gone; the change
    rows). Pure: the unit tests feed it bad input directly."""
    cols = [f.name for f in contracts.CHANGES if f.name != "schema_version"]
    if obs.empty:
        return pd.DataFrame(columns=["doc_id", *HISTORY_COLUMNS[:6]]), pd.DataFrame(columns=cols)
    obs = obs.sort_values(["doc_id", "fetched_at", "raw_file"], kind="stable").reset_index(drop=True)
    versions = obs[obs["gone_how"].isna()]
    changes = [_version_changes(versions), _gone_changes(obs, versions)]
    per_doc = _per_doc(obs, versions)
    out = (
        pd.concat([c for c in changes if len(c)], ignore_index=True) if any(len(c) for c in changes) else None
    )
    return per_doc, (out[cols] if out is not None else pd.DataFrame(columns=cols))


def _per_doc(obs: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    g = versions.groupby("doc_id", sort=False)
    per = pd.DataFrame(
        {
            "versions": g.size(),
            "first_seen_at": g["fetched_at"].min(),
            "last_seen_at": g["fetched_at"].max(),
            "rating_first": g["rating"].first(),  # the first non-null rating, in fetch order
        }
    )
    gone = obs[obs["gone_how"].notna()].merge(
        per[["last_seen_at"]], left_on="doc_id", right_index=True, how="left"
    )
    # Gone when found gone after its last version (or never seen in a version at all).
    gone = gone[gone["last_seen_at"].isna() | (gone["fetched_at"] > gone["last_seen_at"])]
    first_gone = gone.groupby("doc_id", sort=False).first()
    per = per.join(
        first_gone[["fetched_at", "gone_how"]].rename(columns={"fetched_at": "gone_at"}), how="outer"
    )
    return per.rename_axis("doc_id").reset_index()


def _version_changes(v: pd.DataFrame) -> pd.DataFrame:
    """Consecutive versions of one document that differ."""
    if len(v) < 2:
        return pd.DataFrame()
    prev = v.groupby("doc_id", sort=False).shift(1)
    has_prev = prev["fetched_at"].notna()
    cur, prev = v[has_prev], prev[has_prev]

    def differs(col: str) -> pd.Series:
        return cur[col].notna() & prev[col].notna() & (cur[col] != prev[col])

    is_case = cur["kind"].isin(contracts.CASE_KINDS)
    figures = is_case & differs("figures")
    text = differs("text_hash") & ~figures
    edited = text | (~is_case & differs("rating"))
    status = differs("status")
    rows = []
    for name, mask in (("figures_changed", figures), ("edited", edited), ("status_changed", status)):
        if mask.any():
            rows.append(_change_rows(cur[mask], prev[mask], name))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _change_rows(cur: pd.DataFrame, prev: pd.DataFrame, change: str) -> pd.DataFrame:
    source, native = _split_ids(cur["doc_id"])
    return pd.DataFrame(
        {
            "doc_id": cur["doc_id"].to_numpy(),
            "source": source,
            "native_id": native,
            "kind": cur["kind"].to_numpy(),
            "change": change,
            "seen_at": cur["fetched_at"].to_numpy(),
            "author": cur["author"].to_numpy(),
            "text_hash_before": prev["text_hash"].to_numpy(),
            "text_hash_after": cur["text_hash"].to_numpy(),
            "rating_before": prev["rating"].to_numpy(),
            "rating_after": cur["rating"].to_numpy(),
            "status_before": prev["status"].to_numpy(),
            "status_after": cur["status"].to_numpy(),
            "figures_before": prev["figures"].to_numpy(),
            "figures_after": cur["figures"].to_numpy(),
            "how": None,
            "status_text": None,
            "raw_file": cur["raw_file"].to_numpy(),
        }
    )


def _gone_changes(obs: pd.DataFrame, versions: pd.DataFrame) -> pd.DataFrame:
    """The first disappearance after each run of versions (a re-found gone item is not a new change)."""
    if obs["gone_how"].isna().all():
        return pd.DataFrame()
    # Number the version runs: every version starts a new run; disappearances belong to the run before.
    run = obs["gone_how"].isna().groupby(obs["doc_id"], sort=False).cumsum()
    gone = obs[obs["gone_how"].notna()].assign(_run=run[obs["gone_how"].notna()])
    gone = gone.drop_duplicates(["doc_id", "_run"], keep="first")
    last = versions.groupby("doc_id", sort=False).last()
    kinds = gone["kind"].fillna(gone["doc_id"].map(last["kind"]))
    before = last.reindex(gone["doc_id"])
    list_only = kinds.isin(_LIST_ONLY_KINDS) | kinds.isna()
    change = np.where(
        gone["gone_how"] == "withdrawn_page",
        "withdrawn",
        np.where((gone["gone_how"] != "missing_from_list") | list_only, "deleted", "delisted"),
    )
    source, native = _split_ids(gone["doc_id"])
    return pd.DataFrame(
        {
            "doc_id": gone["doc_id"].to_numpy(),
            "source": source,
            "native_id": native,
            "kind": kinds.to_numpy(),
            "change": change,
            "seen_at": gone["fetched_at"].to_numpy(),
            "author": before["author"].to_numpy(),
            "text_hash_before": before["text_hash"].to_numpy(),
            "text_hash_after": None,
            "rating_before": before["rating"].to_numpy(),
            "rating_after": None,
            "status_before": before["status"].to_numpy(),
            "status_after": None,
            "figures_before": before["figures"].to_numpy(),
            "figures_after": None,
            "how": gone["gone_how"].to_numpy(),
            "status_text": gone["status_text"].to_numpy(),
            "raw_file": gone["raw_file"].to_numpy(),
        }
    )


def _split_ids(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    parts = ids.str.split(":", n=1, expand=True).reindex(columns=[0, 1])
    return parts[0].to_numpy(), parts[1].to_numpy()


def with_history(docs: pd.DataFrame, per_doc: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The touched documents' history columns set; every other row keeps what it had."""
    docs = _typed_history(docs)
    if docs.empty or per_doc.empty:
        return docs
    # In arrow: pandas' isin over 10^6 arrow strings goes through Python objects.
    touched = pa.array(per_doc["doc_id"], pa.string())
    at = pc.is_in(pa.array(docs["doc_id"], pa.string()), value_set=touched).to_numpy(zero_copy_only=False)
    if not at.any():
        return docs
    per = per_doc.set_index("doc_id")
    ids = docs.loc[at, "doc_id"]
    for col in ("versions", "rating_first"):
        docs.loc[at, col] = pd.to_numeric(per[col].reindex(ids), errors="coerce").to_numpy(dtype="float64")
    for col in ("first_seen_at", "last_seen_at", "gone_at"):
        # Set as a tz-aware series (aligned on the rows): as a numpy array it became 10^6 Timestamp objects.
        docs.loc[at, col] = to_utc(per[col].reindex(ids)).set_axis(ids.index)
    docs.loc[at, "gone_how"] = per["gone_how"].reindex(ids).to_numpy(dtype=object)
    kinds = changes.groupby("doc_id")["change"].agg(lambda s: sorted(set(s))) if len(changes) else pd.Series()
    counts = changes.groupby("doc_id").size() if len(changes) else pd.Series(dtype="float64")
    docs.loc[at, "n_changes"] = counts.reindex(ids).fillna(0).to_numpy(dtype="float64")
    lists = docs["history_changes"].to_numpy(dtype=object).copy()
    found = kinds.to_dict()
    for row, doc_id in zip(np.flatnonzero(at), ids, strict=True):
        lists[row] = found.get(doc_id, [])
    docs["history_changes"] = lists
    return docs


def _typed_history(docs: pd.DataFrame) -> pd.DataFrame:
    """The history columns present, in types a partial assignment cannot break (numbers as floats:
    the stored int32 columns hold nulls for rows written before the history existed)."""
    for col in ("versions", "rating_first", "n_changes"):
        docs[col] = pd.to_numeric(docs[col], errors="coerce").astype("float64") if col in docs else np.nan
    for col in ("first_seen_at", "last_seen_at", "gone_at"):
        docs[col] = (
            to_utc(docs[col])
            if col in docs
            else pd.Series(pd.NaT, index=docs.index, dtype="datetime64[us, UTC]")
        )
    if "gone_how" not in docs:
        docs["gone_how"] = None
    docs["gone_how"] = docs["gone_how"].astype(object)
    if "history_changes" not in docs:
        docs["history_changes"] = None
    docs["history_changes"] = docs["history_changes"].astype(object)
    return docs
