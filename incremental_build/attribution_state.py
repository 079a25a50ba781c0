"""What a document's provider depends on besides itself, kept per doc_id so late evidence reaches it.

A document's `provider_mention` is not a function of the document alone: a comment that names no
provider takes its article's, a review its listing's, and a name found in an answer's or an article's
text depends on the names the provider index knows, which grow as registry records, listings and case
pages arrive. The clean table keeps only the result, so an incremental build could not tell a stated
name from an inherited one, nor find the comments under an article that arrives late. This state keeps
the inputs instead, one row per document of clean/documents:

- `stated`: the name the item gives in its own fields (complaint target, case site's provider name);
- `article_id`: the article a comment sits under;
- `found`: the provider id a text search found (free-text kinds without a stated name), and `cands`,
  the organisation names the text contains (whatever the index knows; a typo or another legal form
  of a known name resolves through them);
- `fetched_at`, `raw_file`: which fetch of the item the row is, so re-crawls merge as the documents do.

Every build derives every document's mention from these rows (`provider_attribution.mentions`), and a
text is searched again only when the index changed in a way that can change its result
(`provider_attribution.stale_texts`), so the tables equal a full build's whatever order raw arrived in.
The index the `found` column was computed against is stored with the rows (its entries, in the file's
metadata), so the next build can tell what changed. The file is written before clean/documents: every
document always has its row (a crash in between leaves rows of documents not written yet, which the
re-read of the same raw replaces).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from incremental_build.table_merge import latest, to_utc
from pipelines.storage import DataTree, write_parquet_atomic

STATE_FILE = "attribution.parquet"
_META_KEY = b"kaopu-index-entries"
SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("kind", pa.string()),
        ("stated", pa.string()),
        ("article_id", pa.string()),
        ("found", pa.string()),
        ("cands", pa.list_(pa.string())),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("raw_file", pa.string()),
    ]
)
COLUMNS = SCHEMA.names


def row(doc: dict[str, Any]) -> tuple:
    """A new document's row (from `reputation.documents.document_row`, before its text work); `found`
    and `cands` are filled once its text is searched."""
    article = doc.get("_article_id")
    return (
        doc["doc_id"],
        doc["kind"],
        doc["provider_mention"],
        article if isinstance(article, str) and article else None,
        None,
        None,
        doc["fetched_at"],
        doc["raw_file"],
    )


def entries_digest(entries: list[dict[str, Any]]) -> str:
    blob = json.dumps(entries, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def load(tree: DataTree) -> tuple[pd.DataFrame, list[dict[str, Any]] | None] | None:
    """The stored rows and the index entries their `found` was computed against; None when there is
    no usable state (never written, torn, another layout): the build then starts over from raw."""
    path = tree.build_state(STATE_FILE)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException):
        return None
    if not table.schema.remove_metadata().equals(SCHEMA):
        return None
    meta = (table.schema.metadata or {}).get(_META_KEY)
    try:
        entries = json.loads(meta) if meta else None
    except ValueError:
        entries = None
    return table.replace_schema_metadata(None).to_pandas(), entries


def merge(old: pd.DataFrame | None, new_rows: list[tuple]) -> pd.DataFrame:
    """The old rows and the new ones, one per doc_id as clean/documents keeps them (latest fetch, ties
    to the later raw file, a new row winning a full tie; `table_merge.latest`), in no set order
    (`aligned` puts them in the documents' order). `fresh` marks the rows read in this build: their
    texts have not been searched yet."""
    new = pd.DataFrame(new_rows, columns=COLUMNS)
    new["fetched_at"] = to_utc(new["fetched_at"])
    new["fresh"] = True
    if old is None or old.empty:
        return latest(new, "doc_id")
    old = old.assign(fresh=False)
    if new.empty:
        return old
    clash = old["doc_id"].isin(new["doc_id"])
    winners = latest(pd.concat([old[clash], new], ignore_index=True), "doc_id")
    return pd.concat([old[~clash], winners], ignore_index=True)


def aligned(side: pd.DataFrame, doc_ids: pd.Series) -> pd.DataFrame:
    """The rows of `doc_ids`, in their order (clean/documents' doc_id order). Rows of documents not in
    the table (left by a build that died before writing it) are dropped; a document without a row is
    a broken state, an error rather than a guess."""
    ids = side["doc_id"].to_numpy()
    if len(ids) == len(doc_ids) and (ids == doc_ids.to_numpy()).all():
        return side.reset_index(drop=True)
    # In arrow: hashing 10^6 ids there is several times faster than a pandas Index of objects.
    at = pc.index_in(pa.array(doc_ids, pa.string()), value_set=pa.array(ids, pa.string()))
    if at.null_count:
        missing = doc_ids.iloc[pc.index(pc.is_null(at), True).as_py()]
        raise RuntimeError(f"build state {STATE_FILE} has no row for {missing}: run `kaopu build --full`")
    return side.iloc[at.to_numpy()].reset_index(drop=True)


def save(tree: DataTree, side: pd.DataFrame, entries: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pandas(side[COLUMNS], schema=SCHEMA, preserve_index=False)
    meta = json.dumps(entries, ensure_ascii=False, sort_keys=True, default=str).encode()
    write_parquet_atomic(table.replace_schema_metadata({_META_KEY: meta}), tree.build_state(STATE_FILE))


def forget(tree: DataTree) -> None:
    tree.build_state(STATE_FILE).unlink(missing_ok=True)
