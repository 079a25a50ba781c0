"""Raw → clean: typed, normalised, masked, provider-resolved, sentiment-scored tables.

`update_clean` is incremental: a manifest under `state/build/` remembers, for every raw file, its size,
mtime and how many records were taken from it. A file seen before and unchanged is skipped; a file that
grew (a later run appended to it) is read again and only the records past the remembered count become
new rows. The text functions (normalise, mask, sentiment) are the cost, so they only ever run on new
records; everything cheap and global (provider ids, near-duplicate clusters) is recomputed over the
whole clean table so labels stay consistent however the raw arrived (near-duplicate labels from stored
per-text hashes, so only new texts are hashed).

Idempotence: rows are keyed (`doc_id`, `claim_id`, `company_id`, `service_code`) and a re-crawl of the
same item replaces the older row (latest `fetched_at` wins), so processing the same raw twice gives the
same tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from incremental_build import dedup_store as dedup_state
from incremental_build.provider_names import cached_provider_entries, load_brands, name_groups, save_brands
from pipelines import contracts
from pipelines.config import WatchedProvider, ensure_watchlist, load_watchlist
from pipelines.pii import mask
from pipelines.providers import ProviderIndex, gc_paused
from pipelines.sentiment import labels_from_scores
from pipelines.sentiment import load_model as sentiment_model
from pipelines.storage import (
    UNFINISHED,
    DataTree,
    QuarantineWriter,
    RawReader,
    being_written,
    conform,
    read_json_state,
    read_table,
    seal_unfinished,
    strictly_increasing,
    write_json_atomic,
    write_table,
)
from pipelines.text import is_traditional, normalize
from reputation import documents

# Records are turned into rows this many at a time: big enough that pandas and the batch text
# functions amortise their per-call cost, small enough that 10^6 documents never sit in memory as
# Python dicts all at once (a dict row is ~2 KB; 20k rows ≈ 40 MB).
BATCH = 20_000

MANIFEST = "clean-manifest.json"
# What else the clean tables depend on besides raw (the watch list resolves provider ids): a build
# with no new raw and the same inputs writes nothing.
INPUTS = "clean-inputs.json"
CLEAN_TABLES = ("clean/documents", "clean/claims", "clean/registry", "clean/listings")

_DOC_COLS = [f.name for f in contracts.DOCUMENTS]
_CLAIM_COLS = [f.name for f in contracts.CLAIMS]


# ------------------------------------------------------------------------------------------------
# Manifest of processed raw files.
# ------------------------------------------------------------------------------------------------
def load_manifest(tree: DataTree) -> dict[str, dict[str, int]]:
    return _load_state(tree, MANIFEST)


def _load_state(tree: DataTree, name: str) -> dict[str, Any]:
    # A torn manifest only costs a reprocess: rows are keyed, so re-reading is idempotent.
    return read_json_state(tree.state_dir("build") / name)


def _save_state(tree: DataTree, name: str, data: dict[str, Any]) -> None:
    write_json_atomic(tree.state_dir("build") / name, data)


def pending_raw(tree: DataTree, manifest: dict[str, dict[str, int]]) -> list[tuple[Path, str, int]]:
    """(path, relative path, records to skip) for every raw file with records not processed yet."""
    out = []
    for path in tree.raw_files():
        rel = tree.relative(path)
        st = path.stat()
        seen = manifest.get(rel)
        if seen is None:
            out.append((path, rel, 0))
        elif seen["size"] == st.st_size:
            # Raw files are append-only, so the same size is the same content. The mtime is not
            # compared: copying or restoring a data tree changes it, and must not re-read 10^6 items.
            continue
        elif st.st_size > seen["size"]:
            out.append((path, rel, int(seen["records"])))  # appended to: only the new records
        else:
            out.append((path, rel, 0))  # rewritten or truncated: read it whole, keys dedupe
    return out


# ------------------------------------------------------------------------------------------------
# Reading raw into typed items.
# ------------------------------------------------------------------------------------------------
def read_items(
    pending: Sequence[tuple[Path, str, int]], quarantine: QuarantineWriter, counts: dict[str, Any]
) -> Iterator[tuple[contracts.BaseItem, str]]:
    """Every new valid item with the raw file it came from; invalid records go to quarantine.

    A raw file that fails its check (`RawReader`) still gives every record before the damage, and is
    quarantined whole with its reason; it goes into `counts["damaged_raw"]` and not into the manifest,
    so a restored or re-crawled file is read again next time."""
    for path, rel, skip in pending:

        def bad_line(line_no: int, reason: str, rel: str = rel) -> None:
            quarantine.write({"line": line_no}, "bad_json_line", detail=reason, raw_file=rel)

        reader = RawReader(path, on_bad_line=bad_line)
        n = 0
        for rec in reader:
            n += 1
            if n <= skip:
                continue
            counts["records"] += 1
            item = _item_or_quarantine(rec, rel, quarantine)
            if item is not None:
                yield item, rel
        check = reader.check
        if check.problem is None:
            counts["_records_" + rel] = n
            continue
        if check.problem == UNFINISHED and being_written(path):
            # A spider run on its own (outside kaopu's lock) is still writing it: not damage. What it
            # holds so far is built; it stays out of the manifest and is read again once finished.
            counts["raw_being_written"].append(rel)
            continue
        source = rel.split("/")[1] if rel.count("/") >= 2 else None
        lost = {
            "raw_file": rel,
            "source": source,
            "day": rel.split("/")[2] if rel.count("/") >= 3 else None,
            "reason": check.problem,
            "detail": check.detail,
            "records_read": check.records,
            "unread_bytes": check.unread_bytes,
            "size": check.size,
        }
        # A killed crawl's file (no live writer holds it, see above): every line in it is whole, so it
        # is closed now and read as whole next time. Still reported this time.
        lost["sealed"] = seal_unfinished(check)
        quarantine.write(lost, check.problem, detail=check.detail, source=source, raw_file=rel)
        counts["damaged_raw"].append(lost)


def _item_or_quarantine(
    rec: dict[str, Any], rel: str, quarantine: QuarantineWriter
) -> contracts.BaseItem | None:
    try:
        return contracts.from_record(rec)
    except contracts.InvalidItem as exc:
        quarantine.write(
            rec,
            exc.reason,
            detail=exc.detail,
            source=rec.get("source"),
            source_url=rec.get("source_url"),
            raw_file=rel,
        )
    except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type
        quarantine.write(rec, "bad_field", detail=str(exc), source=rec.get("source"), raw_file=rel)
    return None


def _resolve_many(index: ProviderIndex, mentions: pd.Series) -> pd.Series:
    """Resolve each distinct mention once (10^6 documents name a few hundred providers).

    Distinct values and the lookup stay in arrow: pandas' unique and map over 10^6 mentions took
    0.3-0.6 s, the arrow kernels ~0.1 s."""
    arr = pa.array(mentions, pa.string())
    uniq = pc.unique(arr)
    ids = [index.resolve(m) if isinstance(m, str) and m.strip() else None for m in uniq.to_pylist()]
    found = pa.array(ids, pa.string()).take(pc.index_in(arr, value_set=uniq))
    return found.to_pandas().set_axis(mentions.index).astype("string")


def _find_mention(index: ProviderIndex, text: str) -> str | None:
    """The provider a free-text document is about, as its canonical name (which resolves back to it).

    A document naming several providers is attributed to the first one it names. The clean table has
    one provider per document, and a merchant's answer or an article names the agency it is about
    first and the ones it compares with afterwards; copying one text onto every name in a ten-agency
    list would give each of them the author's sentiment about one.
    """
    hits = index.find(text)
    if not hits:
        return None
    names = index.names(hits[0])
    return names[0] if names else hits[0]


# ------------------------------------------------------------------------------------------------
# Text processing (items become rows in reputation.documents).
# ------------------------------------------------------------------------------------------------
def _process_texts(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The expensive part, on one batch: normalise, mask, script flag, sentiment."""
    return _score(_normalise(rows))


def _normalise(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    raw = df["raw_text"].fillna("").astype(str).tolist()
    texts = [mask(normalize(t)) for t in raw]
    df["text"] = texts
    df["was_traditional"] = [is_traditional(t) for t in raw]
    df["title"] = [mask(normalize(t)) if isinstance(t, str) and t else None for t in df["title"]]
    df["text_chars"] = np.fromiter((len(t) for t in texts), dtype=np.int32, count=len(texts))
    return df.drop(columns=["raw_text"])


def _score(df: pd.DataFrame) -> pd.DataFrame:
    scores, labels = _sentiment(df["text"].tolist())
    df["sentiment"] = np.asarray(scores, dtype=float)
    df["sentiment_label"] = np.asarray(labels, dtype=np.int8)
    return df


def _sentiment(texts: list[str]) -> tuple[list[float], list[int]]:
    """`sentiment.score` and its labels in one pass. Scoring is the most expensive step of the build,
    so it runs once (labels come from the scores) and on the already-normalised text through the
    model directly, skipping score()'s own normalize (measured: 10 s of 12 s on 8k documents before)."""
    model = sentiment_model()
    scores = [model.score_normalised(t) for t in texts]
    return scores, labels_from_scores(scores)


def _process_batches(batches: Iterable[list[dict[str, Any]]], workers: int) -> Iterator[pd.DataFrame]:
    """`_process_texts` over batches, on `workers` processes once there is more than one batch.

    The first batch runs here; a second one means a big backlog (10^5+ documents), worth the second
    of start-up a worker process costs. Workers are spawned, not forked: the build may run inside a
    Prefect worker thread, and forking a threaded process can deadlock. (Spawning re-imports the main
    module, so a script calling `update_clean` needs the usual `if __name__ == "__main__":` guard.)
    """
    it = iter(batches)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    if second is None or workers <= 1:
        yield _process_texts(first)
        if second is not None:
            yield _process_texts(second)
            for b in it:
                yield _process_texts(b)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending = [pool.submit(_process_texts, first), pool.submit(_process_texts, second)]
        for b in it:
            # Bounded look-ahead: at most `workers` + 1 batches in flight, so memory stays flat.
            while len(pending) > workers:
                yield pending.pop(0).result()
            pending.append(pool.submit(_process_texts, b))
        for f in pending:
            yield f.result()


# A lone batch at least this big, arriving on a clean table at least OVERLAP_OLD_MIN rows big, is
# labelled for near-duplicates ahead, in a background process, while this one reads the old tables,
# builds the provider index and scores the texts (~4 s at 10^6 documents): that hides the worker's
# start-up (~1.5 s) and the labelling (~3 s). With a smaller batch or table there is less to hide than
# the start-up costs, and everything is done here.
OVERLAP_MIN = 2_000
OVERLAP_OLD_MIN = 200_000


@dataclass
class _Labels:
    """Near-duplicate labels the background worker computed for the table it expected the merge to
    give: old rows and new ones by doc_id, every new row winning (the usual case, a re-crawl is
    newer), with the new texts it was given. Used only when the merged table is exactly that one."""

    ids: pa.Array
    chars: np.ndarray
    fresh_at: np.ndarray  # positions of the new documents in `ids`
    fresh_texts: list[str]
    labels: np.ndarray

    def fit(self, docs: pd.DataFrame) -> bool:
        if len(docs) != len(self.ids):
            return False
        ids = pa.array(docs["doc_id"], pa.large_string())
        if not (ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids).equals(self.ids):
            return False
        if not np.array_equal(docs["text_chars"].to_numpy(dtype=np.int64), self.chars):
            return False
        return docs["text"].iloc[self.fresh_at].tolist() == self.fresh_texts


def _warm_up() -> None:
    """Submitted first to a fresh worker: unpickling it imports this module (~1 s), while the caller
    prepares the real task."""


def _labels_ahead(df: pd.DataFrame, root: str) -> _Labels | None:
    """In the background worker: the labels of the merged table to be (see `_Labels`), or None when
    they cannot be had from the new texts alone (no usable store, unsorted table, a batch repeating an
    id) and the caller computes them as usual. `df`: the new documents' doc_id, text and text_chars."""
    tree = DataTree(root)
    try:
        old = read_table(tree, "clean/documents", ["doc_id", "text_chars"])
        old_ids = old.column("doc_id").combine_chunks()
        if len(df) != df["doc_id"].nunique() or len(old_ids) < 2 or not strictly_increasing(old_ids):
            return None
        new_ids = pa.array(df["doc_id"], pa.string())
        keep = pc.invert(pc.is_in(old_ids, value_set=new_ids))
        ids = pa.concat_arrays([old_ids.filter(keep), new_ids])
        chars = np.concatenate(
            [
                old.column("text_chars").combine_chunks().filter(keep).to_numpy(zero_copy_only=False),
                df["text_chars"].to_numpy(),
            ]
        ).astype(np.int64)
        order = pc.sort_indices(ids).to_numpy()
        ids, chars = ids.take(pa.array(order)), chars[order]
        n_old = int(pc.sum(keep).as_py() or 0)
        fresh_at = np.flatnonzero(order >= n_old)
        texts = pd.Series([None] * len(ids), dtype=object)
        fresh_texts = df["text"].to_numpy(dtype=object)[order[fresh_at] - n_old].tolist()
        texts.iloc[fresh_at] = fresh_texts
        known = np.zeros(len(ids), dtype=bool)
        known[fresh_at] = True
        out = dedup_state.labels(tree, ids, texts, df["doc_id"], chars=chars, known=known)
    except Exception:  # only an optimisation: whatever went wrong, the caller labels as usual
        return None
    return _Labels(pa.array(ids, pa.large_string()), chars, fresh_at, fresh_texts, out)


class _TextWork:
    """The text work on the new documents: a big backlog on worker processes as soon as it is read
    (`_process_batches`); a single big batch here, when `result()` is asked for, with its
    near-duplicate labels worked out meanwhile by one background worker (`_labels_ahead`, collected
    by `dup_clusters`); anything else right here."""

    def __init__(self, batches: Iterable[list[dict[str, Any]]], workers: int, tree: DataTree, old_rows: int):
        self._pool: ProcessPoolExecutor | None = None
        self._frames: list[pd.DataFrame] = []
        self._lone: pd.DataFrame | None = None
        it = iter(batches)
        first = next(it, None)
        second = next(it, None) if first is not None else None
        lone_big = first is not None and second is None and len(first) >= OVERLAP_MIN
        if lone_big and workers > 1 and old_rows >= OVERLAP_OLD_MIN:
            # Spawned, not forked, for the reason given in `_process_batches`.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._pool.submit(_warm_up)
            # Normalised here first (the labels need the texts, the worker's start-up hides this);
            # scored in `result()`, while the worker labels.
            self._lone = _normalise(first)
            new = self._lone[["doc_id", "text", "text_chars"]]
            self._future = self._pool.submit(_labels_ahead, new, str(tree.root))
            return
        ahead = [b for b in (first, second) if b is not None]
        self._frames = list(_process_batches(itertools.chain(ahead, it), workers))

    def result(self) -> list[pd.DataFrame]:
        if self._lone is not None:
            self._frames, self._lone = [_score(self._lone)], None
        return self._frames

    def dup_clusters(self, tree: DataTree, docs: pd.DataFrame, new_ids: pd.Series) -> np.ndarray:
        """`dup_cluster` of the merged table: the background worker's labels when they are for exactly
        this table, else labelled here. Asked for last, so the worker has had all the time there is."""
        ahead = None
        if self._pool is not None:
            try:
                ahead = self._future.result()
            except Exception:  # a worker that died (memory, a signal) only costs the head start
                ahead = None
            finally:
                self.close()
        if ahead is not None and ahead.fit(docs):
            return ahead.labels
        # Labels over every text, but only new texts are hashed: the stored states of the others give
        # the same labels as clustering all of them again (see incremental_build/dedup_store.py).
        return dedup_state.labels(tree, docs["doc_id"], docs["text"], new_ids)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _latest(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per key: the most recently fetched (a re-crawl supersedes), ties to the later raw file."""
    if df.empty:
        return df
    return (
        df.sort_values([key, "fetched_at", "raw_file"], kind="stable")
        .drop_duplicates(key, keep="last")
        .reset_index(drop=True)
    )


def _merge_docs(old: pa.Table, new: pd.DataFrame) -> pd.DataFrame:
    """`_latest` over the old documents and the new ones, by doc_id, in doc_id order.

    The old table was written in doc_id order, one row per id, so only the old rows sharing an id with
    a new one can lose to it: `_latest` runs over those and the new rows alone, and the winners are
    merged into the old rows by position. Sorting all 10^6 rows again cost ~2.7 s, mostly copying
    the texts. Anything unexpected in the old table (unsorted, other schema) takes the full path.
    """
    if not _sorted_unique_docs(old):
        docs = _concat([old.to_pandas(), new])
        for col in ("fetched_at", "created_at"):
            if col in docs.columns:
                docs[col] = _to_utc(docs[col])
        return _latest(docs, "doc_id") if not docs.empty else docs
    if new.empty:
        return old.to_pandas()
    ids = old.column("doc_id")
    clash = np.flatnonzero(pc.is_in(ids, value_set=pa.array(new["doc_id"], pa.string())).to_numpy(False))
    # The clashing old rows first, as in the concat `_latest` saw: on a tie the new row wins.
    winners = _latest(_concat([_take_rows(old, clash).to_pandas(), new]), "doc_id")
    winners_t = conform(winners, contracts.DOCUMENTS)
    at = np.searchsorted(ids.to_numpy(), winners_t.column("doc_id").to_numpy())
    order = _merge_order(len(old), clash, at)
    cols = _interleave(old, winners_t, order, at)
    return pa.Table.from_arrays(cols, schema=old.schema).to_pandas()


def _sorted_unique_docs(old: pa.Table) -> bool:
    if old.num_rows == 0 or not old.schema.equals(contracts.DOCUMENTS):
        return False
    return strictly_increasing(old.column("doc_id"))


def _take_rows(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """table.take(rows) for ascending `rows`, one chunk at a time: arrow's take on a chunked table
    concatenated every column first, a copy of the 10^6 documents (0.25 s) to pick a few rows."""
    cols = []
    for col in table.columns:
        first = np.r_[0, np.cumsum([len(ch) for ch in col.chunks], dtype=np.int64)]
        chunk_of = np.searchsorted(first, rows, side="right") - 1
        parts = [
            ch.take(pa.array(rows[chunk_of == k] - first[k]))
            for k, ch in enumerate(col.chunks)
            if (chunk_of == k).any()
        ]
        cols.append(pa.chunked_array(parts, type=col.type))
    return pa.Table.from_arrays(cols, schema=table.schema)


def _merge_order(n_old: int, dropped: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Rows of [old rows, winners] in doc_id order: old row i unless dropped, winner j just before
    the old row at its insertion point `at[j]` (the row it replaces, if it replaces one), winners
    with the same insertion point in their own order.

    Both sequences are sorted already, so every row's place is computed instead of argsorting 10^6
    keys (0.06 s): the kept old rows before it plus the winners before it."""
    keep = np.ones(n_old, dtype=bool)
    keep[dropped] = False
    old_rows = np.flatnonzero(keep)
    winners = np.argsort(at, kind="stable")  # in doc_id order already; the sort makes it certain
    at_sorted = at[winners]
    order = np.empty(len(old_rows) + len(at), dtype=np.int64)
    # Old row i follows the winners inserted at or before it; winner j (in at order) follows the
    # kept old rows before its insertion point.
    order[np.arange(len(old_rows)) + np.searchsorted(at_sorted, old_rows, side="right")] = old_rows
    kept_before = np.r_[0, np.cumsum(keep, dtype=np.int64)]
    order[np.arange(len(at)) + kept_before[at_sorted]] = n_old + winners
    return order


# Above this many runs of consecutive rows, the merged columns are copied rather than sliced.
# Slicing is ~1 µs per run and column and leaves one arrow chunk per run, which every later kernel
# and the parquet writer walk; doc ids are `source:native id`, so an increment's new ids mostly
# come in a few hundred runs (10^4 new documents at 10^6: ~420 runs) and slicing copies nothing.
_MAX_SLICED_RUNS = 4096


def _interleave(old: pa.Table, new: pa.Table, order: np.ndarray, at: np.ndarray) -> list[pa.ChunkedArray]:
    """Every column of [old, new] at `order` (`at`: each new row's insertion point in `old`).

    The old table is 10^6 rows, ~500 MB, and most of its rows stay in sequence. Copying it
    (combine_chunks, then take) was most of the merge's time (~2 of 2.7 s), mostly first touches of
    fresh memory, so the old rows are kept as zero-copy slices of their chunks when the runs are
    few, and otherwise copied chunk by chunk, never the whole table at once. The columns come out
    in one chunk per run: arrow's take on such a column concatenates it first (dedup_state's
    `texts.iloc[need]` pays ~0.1 s for that on the texts), still far less than the copies saved.
    """
    n_old = old.num_rows
    brk = np.flatnonzero((np.diff(order) != 1) | (order[1:] == n_old)) + 1
    starts = np.r_[0, brk]
    if len(starts) <= _MAX_SLICED_RUNS:
        runs = list(zip(order[starts].tolist(), np.diff(np.r_[starts, len(order)]).tolist(), strict=True))
        return [_sliced(old.column(c), new.column(c), runs, n_old) for c in old.column_names]
    # Position of every output row in old-row coordinates, non-decreasing along `order`: old row i
    # is at i, a new row at the old row it goes before. An old chunk's segment is then one range.
    coord = np.where(order < n_old, order, at[np.maximum(order - n_old, 0)])
    return [_taken(old.column(c), new.column(c), order, coord) for c in old.column_names]


def _sliced(
    old: pa.ChunkedArray, new: pa.ChunkedArray, runs: list[tuple[int, int]], n_old: int
) -> pa.ChunkedArray:
    chunks: list[pa.Array] = []
    for a, length in runs:
        chunks += (old.slice(a, length) if a < n_old else new.slice(a - n_old, length)).chunks
    return pa.chunked_array(chunks, type=old.type)


def _taken(
    old: pa.ChunkedArray, new: pa.ChunkedArray, order: np.ndarray, coord: np.ndarray
) -> pa.ChunkedArray:
    n_old = len(old)
    new_a = new.combine_chunks()
    lengths = [len(ch) for ch in old.chunks]
    first = np.r_[0, np.cumsum(lengths)]
    # New rows going after the last old row (coord == n_old) belong to the last chunk.
    bounds = np.r_[0, np.searchsorted(coord, first[1:-1]), len(order)]
    out = []
    for k, ch in enumerate(old.chunks):
        seg = order[bounds[k] : bounds[k + 1]]
        local = np.where(seg < n_old, seg - first[k], seg - n_old + lengths[k])
        out.append(pa.concat_arrays([ch, new_a]).take(pa.array(local)))
    return pa.chunked_array(out, type=old.type)


def _to_utc(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")  # already parsed (a clean table read back): nothing to parse
    return pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")


def _table_df(tree: DataTree, name: str) -> pd.DataFrame:
    return read_table(tree, name).to_pandas()


# ------------------------------------------------------------------------------------------------
# The entry point.
# ------------------------------------------------------------------------------------------------
def update_clean(
    tree: DataTree, *, watchlist: Iterable[WatchedProvider | dict] | None = None, workers: int | None = None
) -> dict:
    """Process every raw record not processed before into the clean tables. Returns counts.

    `workers`: processes for the text work of a large backlog (default: the machine's cores, at most 4).
    """
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if watchlist is None:
        watchlist = load_watchlist(ensure_watchlist(tree))
    watchlist = list(watchlist)
    manifest = load_manifest(tree)
    pending = pending_raw(tree, manifest)
    last = _load_state(tree, INPUTS)
    if not pending and last.get("watchlist") == _watchlist_key(watchlist) and _all_written(tree):
        # Nothing new in raw and the same watch list: the tables are what this build would write.
        fresh = {"raw_files": 0, "records": 0, "quarantined": 0, "new_documents": 0}
        fresh.update({"damaged_raw": [], "raw_being_written": []})
        return {**last.get("counts", {}), **fresh, "unchanged": True}
    counts: dict[str, Any] = {
        "raw_files": len(pending),
        "records": 0,
        "quarantined": 0,
        "damaged_raw": [],
        "raw_being_written": [],
    }
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")

    reg_rows: list[dict[str, Any]] = []
    list_rows: list[dict[str, Any]] = []
    new_case_names: list[str] = []

    def doc_batches(quarantine: QuarantineWriter) -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        for item, rel in read_items(pending, quarantine, counts):
            if item.kind in contracts.REGISTRY_KINDS:
                reg_rows.append(documents.registry_row(item, rel))  # type: ignore[arg-type]
            elif item.kind in contracts.LISTING_KINDS:
                list_rows.append(documents.listing_row(item, rel))  # type: ignore[arg-type]
            else:
                row = documents.document_row(item, rel)
                if row["kind"] in contracts.CASE_KINDS and row["provider_mention"]:
                    new_case_names.append(row["provider_mention"])
                batch.append(row)
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
        if batch:
            yield batch

    with QuarantineWriter(tree.quarantine_file(f"build-{stamp}")) as quarantine:
        texts = _TextWork(doc_batches(quarantine), workers, tree, _table_rows(tree, "clean/documents"))
    # Every line the build quarantined (bad lines, invalid items, damaged files), not only items.
    counts["quarantined"] = quarantine.count
    try:
        return _finish_clean(
            tree, watchlist, manifest, pending, counts, texts, reg_rows, list_rows, new_case_names
        )
    finally:
        texts.close()


def _finish_clean(
    tree: DataTree,
    watchlist: list[WatchedProvider | dict],
    manifest: dict[str, dict[str, int]],
    pending: list[tuple[Path, str, int]],
    counts: dict[str, int],
    texts: _TextWork,
    reg_rows: list[dict[str, Any]],
    list_rows: list[dict[str, Any]],
    new_case_names: list[str],
) -> dict:
    """The rest of `update_clean`, once the new records are read (their texts may still be in work)."""

    # Structured tables: merge with what is there, latest fetch per key.
    old_reg = _table_df(tree, "clean/registry")
    registry = pd.DataFrame(reg_rows)
    if not registry.empty:
        registry["fetched_at"] = _to_utc(registry["fetched_at"])
        registry["established"] = _to_utc(registry["established"]).dt.date
    registry = _latest(_concat([old_reg, registry]), "company_id")
    old_list = _table_df(tree, "clean/listings")
    listings = pd.DataFrame(list_rows)
    if not listings.empty:
        listings["fetched_at"] = _to_utc(listings["fetched_at"])
    listings = _latest(_concat([old_list, listings]), "service_code")

    # The old documents stay an arrow table until merged: only the few columns naming providers are
    # needed before then, and pandas would copy the 10^6 texts at every sort and filter. They are read
    # on a thread meanwhile: decoding ~1 GB is arrow's and the kernel's work, outside the GIL, while
    # this thread builds the provider index and scores the new texts (~1-2 s of a 1% build at 10^6).
    # (The names first: they would wait behind the big read in arrow's thread pool.)
    old_names = read_table(tree, "clean/documents", ["kind", "native_id", "provider_mention"]).to_pandas()
    reader = ThreadPoolExecutor(max_workers=1)
    old_read = reader.submit(read_table, tree, "clean/documents")
    reader.shutdown(wait=False)  # nothing more to submit; the read goes on
    case_names: list[str] = []
    if not old_names.empty:
        case_names += (
            old_names.loc[old_names["kind"].isin(contracts.CASE_KINDS), "provider_mention"].dropna().tolist()
        )
    case_names += new_case_names

    # clean/listings has no brand column; the brands listings stated are kept in the build state so
    # a later run still knows that brand and legal name are one company.
    brands = load_brands(tree)
    for r in list_rows:
        if r["_brand"]:
            brands[r["service_code"]] = r["_brand"]
    with gc_paused():
        groups = name_groups(registry, listings, brands, case_names)
        entries = cached_provider_entries(tree, watchlist, groups)
        index = ProviderIndex(entries)

    docs_new = _concat(texts.result())
    new_claim_rows: list[dict[str, Any]] = []
    new_ids = pd.Series([], dtype=object)
    if not docs_new.empty:
        docs_new = _attribute(docs_new, old_names, index)
        # Claims need the case pages' own fields (category, image_only); extract them before those
        # helper columns are dropped.
        new_claim_rows = documents.claim_rows(docs_new)
        new_ids = docs_new["doc_id"]
        docs_new = docs_new.drop(columns=[c for c in docs_new.columns if c.startswith("_")])
        # Parse the new rows' ISO strings before the concat: the old rows are datetimes already, and a
        # mixed column would send all 10^6 of them back through the parser.
        for col in ("fetched_at", "created_at"):
            docs_new[col] = _to_utc(docs_new[col])
    old_docs = old_read.result()
    docs = _merge_docs(old_docs, docs_new)
    del old_docs, docs_new

    # Global, cheap: re-resolve every mention against today's index.
    if not docs.empty:
        docs["provider_mention"] = _review_mentions(docs, listings)
        docs["provider_id"] = _resolve_many(index, docs["provider_mention"].astype("string"))

    # Claims: new case pages are extracted; old claims keep their rows but take today's provider ids.
    old_claims = _table_df(tree, "clean/claims")
    claims = pd.DataFrame(new_claim_rows, columns=_CLAIM_COLS)
    # As for the documents: parsed before the concat, or the old claims' datetimes, mixed with the new
    # strings in one object column, all go through the parser again (0.2 s for 40k claims).
    for col in ("fetched_at", "claimed_at"):
        claims[col] = _to_utc(claims[col])
    if not old_claims.empty and len(new_ids):
        old_claims = old_claims[~old_claims["doc_id"].isin(new_ids)]
    claims = _concat([old_claims, claims])
    if not claims.empty:
        for col in ("fetched_at", "claimed_at"):
            claims[col] = _to_utc(claims[col])
        claims = claims.sort_values(["claim_id", "fetched_at"], kind="stable").drop_duplicates(
            "claim_id", keep="last"
        )
        claims["provider_id"] = _lookup(docs["doc_id"], docs["provider_id"], claims["doc_id"])

    if not registry.empty:
        registry["provider_id"] = _resolve_many(index, registry["legal_name"].astype("string"))
    if not listings.empty:
        listings["provider_id"] = _resolve_many(index, listings["provider_name"].astype("string"))

    write_table(tree, "clean/claims", _with_version(claims, contracts.CLAIMS), sort_by=["claim_id"])
    write_table(tree, "clean/registry", _with_version(registry, contracts.REGISTRY), sort_by=["company_id"])
    write_table(tree, "clean/listings", _with_version(listings, contracts.LISTINGS), sort_by=["service_code"])
    # Recluster every text last: nothing above needs the labels, and a background worker may still be
    # working them out.
    if not docs.empty:
        docs["dup_cluster"] = texts.dup_clusters(tree, docs, new_ids)
    docs = docs[[c for c in _DOC_COLS if c in docs.columns]]
    if not docs.empty:
        docs["schema_version"] = contracts.SCHEMA_VERSION
    # Already in doc_id order (`_latest` sorted it); sorting again in arrow would copy 10^6 texts.
    write_table(tree, "clean/documents", docs)

    # The manifest moves only after every table is written: a crash before this line reprocesses the
    # same records next time, which the keyed merge makes harmless.
    # A damaged file has no `_records_` count and stays out: it is read again until it is whole.
    for path, rel, _skip in pending:
        if "_records_" + rel not in counts:
            continue
        st = path.stat()
        manifest[rel] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "records": counts.pop("_records_" + rel),
        }
    save_brands(tree, brands)
    _save_state(tree, MANIFEST, manifest)
    if counts["damaged_raw"]:
        from cli.verify import forget_lost_items  # (verify imports this module)

        counts["recrawl_reset"] = forget_lost_items(tree, counts["damaged_raw"])
    counts = {k: v for k, v in counts.items() if not k.startswith("_")}
    counts.update(
        {
            "new_documents": len(new_ids),
            "documents": len(docs),
            "claims": len(claims),
            "registry": len(registry),
            "listings": len(listings),
            "providers": len(entries),
        }
    )
    _save_state(tree, INPUTS, {"watchlist": _watchlist_key(watchlist), "counts": counts})
    return counts


def _lookup(keys: pd.Series, values: pd.Series, wanted: pd.Series) -> pd.Series:
    """values[keys == w] for each w (keys unique), missing → NA: a dict over 10^6 doc ids took 0.4 s.

    The keys are first narrowed to the wanted ones: hashing the 40k claims' doc ids and probing the
    10^6 keys is ~6x cheaper than hashing the 10^6 keys (0.15 s → 0.025 s), same answers."""
    wanted_a = pa.array(wanted, pa.string())
    keys_a = pa.array(keys, pa.string())
    near = pc.is_in(keys_a, value_set=pc.unique(wanted_a))
    at = pc.index_in(wanted_a, value_set=keys_a.filter(near))
    found = pa.array(values, pa.string()).filter(near).take(at)
    return found.to_pandas().set_axis(wanted.index).astype("string")


def _watchlist_key(watchlist: list[WatchedProvider | dict]) -> str:
    entries = [w if isinstance(w, dict) else dataclasses.asdict(w) for w in watchlist]
    return hashlib.sha256(json.dumps(entries, sort_keys=True, default=str).encode()).hexdigest()


def _all_written(tree: DataTree) -> bool:
    return all(tree.table_path(name).exists() for name in CLEAN_TABLES)


def _table_rows(tree: DataTree, name: str) -> int:
    """Rows of a written table, from its footer (0 when absent or unreadable)."""
    try:
        return pq.ParquetFile(tree.table_path(name)).metadata.num_rows
    except (OSError, pa.ArrowException):
        return 0


def _with_version(df: pd.DataFrame, schema) -> pd.DataFrame:
    df = df[[c for c in schema.names if c in df.columns]].copy()
    if not df.empty:
        df["schema_version"] = contracts.SCHEMA_VERSION
    return df


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    # pandas 3 concatenates typed and all-NA columns without a warning (the column becomes object
    # when they disagree); write_table casts every column to the schema, so no cast is needed here.
    return pd.concat(frames, ignore_index=True)


def _attribute(docs: pd.DataFrame, old_docs: pd.DataFrame, index: ProviderIndex) -> pd.DataFrame:
    """Fill `provider_mention` for new documents that do not state their provider in a field.

    Complaints and case pages carry it (target, provider name); reviews get theirs from the listing
    (see `_review_mentions`, done over all documents); answers, articles and case pages without the
    field are searched for a name; a comment that names no provider is about the article it sits
    under, so it takes the article's.
    """
    docs = docs.copy()
    free = docs["provider_mention"].isna() & docs["kind"].isin(contracts.MENTION_IN_TEXT_KINDS)
    if free.any():
        # One assignment for all of them: a cell at a time into the arrow-backed column rebuilt it
        # each time (0.15 s for 1,700 documents).
        pairs = zip(docs.loc[free, "title"].tolist(), docs.loc[free, "text"].tolist(), strict=True)
        docs.loc[free, "provider_mention"] = [
            _find_mention(index, "\n".join(t for t in pair if isinstance(t, str) and t)) for pair in pairs
        ]
    orphan = (docs["kind"] == "comment") & docs["provider_mention"].isna() & docs["_article_id"].notna()
    if orphan.any():
        arts = [d[d["kind"] == "article"] for d in (old_docs, docs) if not d.empty]
        by_article: dict[str, Any] = {}
        for a in arts:
            by_article.update(zip(a["native_id"], a["provider_mention"], strict=True))
        # As strings: a map that finds no article gives all-None objects, which pandas 3 refuses to
        # put into a string column (a batch of comments under unattributed articles crashed the build).
        docs.loc[orphan, "provider_mention"] = (
            docs.loc[orphan, "_article_id"]
            .map(lambda aid: by_article.get(aid) or by_article.get(f"mp_{aid}"))
            .astype(docs["provider_mention"].dtype)
        )
    return docs


_SERVICE_CODE = re.compile(r"service_code=([^&#]+)")


def _review_mentions(docs: pd.DataFrame, listings: pd.DataFrame) -> pd.Series:
    """A review that does not name its provider belongs to its listing's provider; the listing is
    found by the service code in the review's URL, so a listing crawled in a later run still counts."""
    mention = docs["provider_mention"].copy()
    if listings.empty:
        return mention
    need = (docs["kind"] == "market_review") & mention.isna()
    if need.any():
        by_code = dict(zip(listings["service_code"], listings["provider_name"], strict=True))
        codes = docs.loc[need, "source_url"].str.extract(_SERVICE_CODE, expand=False)
        mention.loc[need] = codes.map(by_code)
    return mention
