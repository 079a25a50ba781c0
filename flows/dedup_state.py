"""Near-duplicate labels for the clean documents without re-hashing old texts on every build.

Canonicalising, digesting and MinHashing every text was most of an incremental build (10^6 texts,
~12 s). The per-text state (`pipelines.dedup.TextState`) depends on the text alone, so it is stored
per `doc_id` under `state/build/` and only new or re-crawled documents are hashed. The LSH graph of the
last labelling is stored beside them, so only the buckets new texts fall into are compared again
(`pipelines.dedup.update_labels`); the labels are exactly those a full `cluster()` over every text
gives, whatever order the documents arrived in.

The store is one uncompressed .npz written to a temporary name and renamed into place, so it is either
the previous build's or this one's. A document is re-hashed whenever its stored state might not fit
its text: unknown id, replaced in this build, a different text length, or a store written with other
dedup parameters.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipelines import dedup
from pipelines.dedup import LshGraph, TextState, text_state, update_labels
from pipelines.storage import DataTree

STATE_FILE = "dedup-state.npz"
# Bumped whenever the layout of the stored arrays changes, so an older store is rebuilt, never misread.
LAYOUT = 2
_SEP = "\x1f"  # unit separator: never in a doc_id (source:native_id from URLs and ids)


def fingerprint() -> str:
    """Changes whenever stored states would no longer be what `text_state` computes today."""
    h = hashlib.sha256()
    for part in (dedup._A, dedup._B, dedup._BAND_MIX):
        h.update(part.tobytes())
    params = (LAYOUT, dedup.NUM_PERM, dedup.BANDS, dedup.SHINGLE, dedup.MIN_CHARS, dedup._NON_WORD.pattern)
    h.update(repr(params).encode())
    return h.hexdigest()[:32]


def save(
    tree: DataTree, doc_ids: Sequence[str], chars: np.ndarray, state: TextState, graph: LshGraph
) -> None:
    path = tree.state_dir("build") / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    ids = np.frombuffer(_SEP.join(doc_ids).encode("utf-8"), dtype=np.uint8)
    with open(tmp, "wb") as f:
        np.savez(
            f,
            fingerprint=np.frombuffer(fingerprint().encode(), dtype=np.uint8),
            n=np.array([len(doc_ids)], dtype=np.int64),
            ids=ids,
            chars=np.asarray(chars, dtype=np.int64),
            digest=state.digest,
            long=state.long,
            sig=state.sig,
            g_d0=graph.d0,
            g_first=graph.first,
            g_keys=graph.keys,
            g_edges=graph.edges,
        )
    os.replace(tmp, path)


def load(tree: DataTree) -> tuple[pd.Index, np.ndarray, TextState, LshGraph] | None:
    """(doc ids, text lengths, states, graph) of the last build, or None when absent, torn or outdated."""
    path = tree.state_dir("build") / STATE_FILE
    if not path.exists():
        return None
    try:
        # Our own file handle: np.load leaks its own when the archive is torn.
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
            if z["fingerprint"].tobytes().decode() != fingerprint():
                return None
            n = int(z["n"][0])
            raw_ids = z["ids"].tobytes().decode("utf-8")
            ids = pd.Index(raw_ids.split(_SEP) if n else [], dtype=object)
            state = TextState(z["digest"], z["long"], z["sig"])
            chars = z["chars"]
            graph = LshGraph(z["g_d0"], z["g_first"], z["g_keys"], z["g_edges"])
    except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile):
        return None  # a torn or foreign file only costs a full re-hash
    if not (len(ids) == n == len(chars) == len(state) and int(state.long.sum()) == len(state.sig)):
        return None
    if not (len(graph.d0) == len(graph.first) == graph.keys.shape[1] and graph.edges.shape[1:] == (4,)):
        return None
    return ids, chars, state, graph


def labels(
    tree: DataTree, doc_ids: pd.Series, texts: pd.Series, fresh_ids: pd.Series
) -> np.ndarray:
    """`dup_cluster` for every document (in the given order), hashing only what the store lacks;
    the store is replaced by the states of exactly these documents."""
    # Python strings once: arrow-backed columns would convert again at every lookup (10^6 ids).
    ids_now = doc_ids.to_numpy(dtype=object)
    chars = texts.fillna("").str.len().to_numpy(dtype=np.int64)
    stored = load(tree)
    pos = np.full(len(ids_now), -1, dtype=np.int64)
    graph = None
    old_state = None
    if stored is not None:
        ids, old_chars, old_state, graph = stored
        if ids.is_unique:
            pos = ids.get_indexer(ids_now)
        found = pos >= 0
        found[found] &= old_chars[pos[found]] == chars[found]
        found &= pd.Index(fresh_ids.to_numpy(dtype=object)).get_indexer(ids_now) < 0
        pos[~found] = -1
    need = np.flatnonzero(pos < 0)
    computed = text_state(texts.iloc[need].fillna("").tolist(), normalized=True)
    state = _merge(old_state, pos, computed, need)
    labels, graph = update_labels(state, pos, graph)
    save(tree, ids_now.tolist(), chars, state, graph)
    return labels


def _merge(old: TextState | None, pos: np.ndarray, computed: TextState, need: np.ndarray) -> TextState:
    """States in document order: row i from `old` at pos[i], or the next computed one where pos < 0.
    Filled in place, one copy of each array (the signatures alone are ~200 MB at 10^6 documents)."""
    n = len(pos)
    have = np.flatnonzero(pos >= 0)
    digest = np.empty((n, 2), dtype=np.uint64)
    long = np.zeros(n, dtype=bool)
    digest[need] = computed.digest
    long[need] = computed.long
    if old is not None and len(have):
        digest[have] = old.digest[pos[have]]
        long[have] = old.long[pos[have]]
    sig = np.empty((int(long.sum()), computed.sig.shape[1]), dtype=np.uint32)
    row = np.cumsum(long) - 1
    sig[row[need[computed.long]]] = computed.sig
    if old is not None and len(have):
        old_row = np.cumsum(old.long) - 1
        keep = have[long[have]]
        sig[row[keep]] = old.sig[old_row[pos[keep]]]
    return TextState(digest, long, sig)
