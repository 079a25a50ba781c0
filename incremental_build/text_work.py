"""The text work of a clean build: normalise, mask, script flag and sentiment of new documents, what is
read from each text alone (claims, a case page's figures), and their near-duplicate labels, on worker
processes when the backlog is big enough to pay for them.

This is the expensive part of a build (sentiment scoring above all), so it only ever runs on records
not processed before. `TextWork` takes the new rows batch by batch as they are read from raw; the
caller asks for `result()` (the processed rows) and, once the merged table is known, for
`dup_clusters()` (labels over every text, only new texts hashed: see `incremental_build.dedup_store`).
Given a `TextRunner`, the batches go to it instead of local processes (`flows.dask_texts` runs them as
Prefect tasks on a Dask cluster); the near-duplicate labels stay here, over the merged table.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incremental_build import dedup_store
from incremental_build.history import case_figures
from pipelines import contracts
from pipelines.dedup import stable_labels
from pipelines.pii import mask
from pipelines.sentiment import labels_from_scores
from pipelines.sentiment import load_model as sentiment_model
from pipelines.storage import DataTree, read_table, strictly_increasing
from pipelines.text import is_traditional, normalize
from reputation import documents


def process_texts(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The expensive part, on one batch: normalise, mask, script flag, sentiment, and what is read
    from each text alone (`_read`: claims, case figures), so the build's process only merges."""
    norm = per_distinct(normalize)  # a case page's text is normalised for its figures too
    return _read(_score(_normalise(rows, norm)), norm)


# Columns a row may carry for `_read`: a case page's text as its item stated it (`case_figures` reads
# it raw) and its position among the build's history observations (`history.Observations.version`).
FIGURES_OF = "_figures_of"
VERSION_AT = "_version_at"
# Columns `_read` adds: each document's claim rows (`documents.document_claims`), a case page's figures.
CLAIMS = "_claims"
FIGURES = "_figures"


def _read(df: pd.DataFrame, norm: Callable[[str], str] = normalize) -> pd.DataFrame:
    """Claims and case figures of a processed batch, per document (private columns, which the build
    collects and drops before the merge). `norm`: `normalize`, or the batch's cache of it."""
    df[CLAIMS] = _objects(documents.document_claims(df))
    if FIGURES_OF in df.columns:
        cases = df["kind"].isin(contracts.CASE_KINDS).to_numpy()
        texts = df[FIGURES_OF].to_numpy(dtype=object)
        figures = [case_figures(t, norm) if c else None for t, c in zip(texts, cases, strict=True)]
        df[FIGURES] = _objects(figures)
        df = df.drop(columns=[FIGURES_OF])
    return df


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object column of `values` (lists stay whole: numpy would stack equal-length ones)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _normalise(rows: list[dict[str, Any]], norm: Callable[[str], str] = normalize) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    raw = df["raw_text"].fillna("").astype(str).tolist()
    # Each distinct text once: reviews and comments repeat (a fifth of a sandbox crawl's texts are
    # copies, real review pages repeat 默认好评 and the like), and every step is a function of the text.
    read = per_distinct(lambda t: (mask(norm(t)), is_traditional(t)))
    done = [read(t) for t in raw]
    texts = [d[0] for d in done]
    df["text"] = texts
    df["was_traditional"] = [d[1] for d in done]
    title = per_distinct(lambda t: mask(normalize(t)))
    df["title"] = [title(t) if isinstance(t, str) and t else None for t in df["title"]]
    df["text_chars"] = np.fromiter((len(t) for t in texts), dtype=np.int32, count=len(texts))
    return df.drop(columns=["raw_text"])


def per_distinct(fn: Callable[[str], Any]) -> Callable[[str], Any]:
    """`fn` computed once per distinct text of a batch (a plain dict: it lives as long as the batch)."""
    seen: dict[str, Any] = {}

    def once(text: str) -> Any:
        got = seen.get(text, _MISSING)
        if got is _MISSING:
            got = seen[text] = fn(text)
        return got

    return once


_MISSING = object()


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
    score = per_distinct(model.score_normalised)
    scores = [score(t) for t in texts]
    return scores, labels_from_scores(scores)


# Runs the text work somewhere else (a Dask cluster): batches of rows in, `process_texts` frames out,
# in the same order.
TextRunner = Callable[[Iterable[list[dict[str, Any]]]], Iterable[pd.DataFrame]]


def process_batches(batches: Iterable[list[dict[str, Any]]], workers: int) -> Iterator[pd.DataFrame]:
    """`process_texts` over batches, on `workers` processes once there is more than one batch.

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
        yield process_texts(first)
        if second is not None:
            yield process_texts(second)
            for b in it:
                yield process_texts(b)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending = [pool.submit(process_texts, first), pool.submit(process_texts, second)]
        for b in it:
            # Bounded look-ahead: at most `workers` + 1 batches in flight, so memory stays flat.
            while len(pending) > workers:
                yield pending.pop(0).result()
            pending.append(pool.submit(process_texts, b))
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


def labels_ahead(df: pd.DataFrame, root: str) -> _Labels | None:
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
        out = dedup_store.labels(tree, ids, texts, df["doc_id"], chars=chars, known=known)
    except Exception:  # only an optimisation: whatever went wrong, the caller labels as usual
        return None
    return _Labels(pa.array(ids, pa.large_string()), chars, fresh_at, fresh_texts, out)


class TextWork:
    """The text work on the new documents: a big backlog on worker processes as soon as it is read
    (`process_batches`); a single big batch here, when `result()` is asked for, with its
    near-duplicate labels worked out meanwhile by one background worker (`labels_ahead`, collected
    by `dup_clusters`); anything else right here. With a `runner`, every batch goes to it instead.
    """

    def __init__(
        self,
        batches: Iterable[list[dict[str, Any]]],
        workers: int,
        tree: DataTree,
        old_rows: int,
        runner: TextRunner | None = None,
    ):
        self._pool: ProcessPoolExecutor | None = None
        self._frames: list[pd.DataFrame] = []
        self._lone: pd.DataFrame | None = None
        if runner is not None:
            self._frames = list(runner(batches))
            return
        it = iter(batches)
        first = next(it, None)
        second = next(it, None) if first is not None else None
        lone_big = first is not None and second is None and len(first) >= OVERLAP_MIN
        if lone_big and workers > 1 and old_rows >= OVERLAP_OLD_MIN:
            # Spawned, not forked, for the reason given in `process_batches`.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._pool.submit(_warm_up)
            # Normalised here first (the labels need the texts, the worker's start-up hides this);
            # scored in `result()`, while the worker labels.
            self._lone = _normalise(first)
            new = self._lone[["doc_id", "text", "text_chars"]]
            self._future = self._pool.submit(labels_ahead, new, str(tree.root))
            return
        ahead = [b for b in (first, second) if b is not None]
        self._frames = list(process_batches(itertools.chain(ahead, it), workers))

    def result(self) -> list[pd.DataFrame]:
        if self._lone is not None:
            self._frames, self._lone = [_read(_score(self._lone))], None
        return self._frames

    def dup_clusters(self, tree: DataTree, docs: pd.DataFrame, new_ids: pd.Series) -> np.ndarray:
        """`dup_cluster` of the merged table: the background worker's labels when they are for exactly
        this table, else labelled here. Asked for last, so the worker has had all the time there is.
        Each cluster is named by its member first seen (`stable_labels`): a stable label is what lets
        an incremental build leave the partitions of clean/documents it did not change alone."""
        return stable_labels(self._labels(tree, docs, new_ids), docs["doc_id"], _first_seen(docs))

    def _labels(self, tree: DataTree, docs: pd.DataFrame, new_ids: pd.Series) -> np.ndarray:
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
        return dedup_store.labels(tree, docs["doc_id"], docs["text"], new_ids)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _first_seen(docs: pd.DataFrame) -> np.ndarray | None:
    """When each document was first seen, as `stable_labels` takes it (None: no history column)."""
    if "first_seen_at" not in docs.columns:
        return None
    return pd.to_datetime(docs["first_seen_at"], utc=True).dt.tz_localize(None).to_numpy("datetime64[us]")
