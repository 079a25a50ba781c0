"""Merging new clean rows into a stored table: one row per key, the latest fetch winning.

Rows are keyed (`doc_id`, `claim_id`, `company_id`, `service_code`) and a re-crawl of the same item
replaces the older row (latest `fetched_at` wins, ties to the later raw file), so processing the same
raw twice gives the same tables. `merge_docs` does this for the 10^6-row documents table without
sorting or copying the old rows: they were written in doc_id order, so the new rows are merged in by
position (`tests/test_clean_merge.py` checks it equals `latest` over everything).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import contracts
from pipelines.storage import conform, strictly_increasing


def latest(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per key: the most recently fetched (a re-crawl supersedes), ties to the later raw file."""
    if df.empty:
        return df
    return (
        df.sort_values([key, "fetched_at", "raw_file"], kind="stable")
        .drop_duplicates(key, keep="last")
        .reset_index(drop=True)
    )


def merge_docs(old: pa.Table, new: pd.DataFrame) -> pd.DataFrame:
    """`latest` over the old documents and the new ones, by doc_id, in doc_id order.

    The old table was written in doc_id order, one row per id, so only the old rows sharing an id with
    a new one can lose to it: `latest` runs over those and the new rows alone, and the winners are
    merged into the old rows by position. Sorting all 10^6 rows again cost ~2.7 s, mostly copying
    the texts. Anything unexpected in the old table (unsorted, other schema) takes the full path.
    """
    if not _sorted_unique_docs(old):
        docs = concat([old.to_pandas(), new])
        for col in ("fetched_at", "created_at"):
            if col in docs.columns:
                docs[col] = to_utc(docs[col])
        return latest(docs, "doc_id") if not docs.empty else docs
    if new.empty:
        return old.to_pandas()
    ids = old.column("doc_id")
    clash = np.flatnonzero(pc.is_in(ids, value_set=pa.array(new["doc_id"], pa.string())).to_numpy(False))
    # The clashing old rows first, as in the concat `latest` saw: on a tie the new row wins.
    winners = latest(concat([_take_rows(old, clash).to_pandas(), new]), "doc_id")
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
    in one chunk per run: arrow's take on such a column concatenates it first (dedup_store's
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


def to_utc(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")  # already parsed (a clean table read back): nothing to parse
    return pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")


def lookup(keys: pd.Series, values: pd.Series, wanted: pd.Series) -> pd.Series:
    """values[keys == w] for each w (keys unique), missing → NA: a dict over 10^6 doc ids took 0.4 s.

    The keys are first narrowed to the wanted ones: hashing the 40k claims' doc ids and probing the
    10^6 keys is ~6x cheaper than hashing the 10^6 keys (0.15 s → 0.025 s), same answers."""
    wanted_a = pa.array(wanted, pa.string())
    keys_a = pa.array(keys, pa.string())
    near = pc.is_in(keys_a, value_set=pc.unique(wanted_a))
    at = pc.index_in(wanted_a, value_set=keys_a.filter(near))
    found = pa.array(values, pa.string()).filter(near).take(at)
    return found.to_pandas().set_axis(wanted.index).astype("string")


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    # pandas 3 concatenates typed and all-NA columns without a warning (the column becomes object
    # when they disagree); write_table casts every column to the schema, so no cast is needed here.
    return pd.concat(frames, ignore_index=True)
