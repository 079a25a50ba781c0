"""Near-duplicate labels for the clean documents without re-hashing old texts on every build.

Canonicalising, digesting and MinHashing every text was most of an incremental build (10^6 texts,
~12 s). The per-text state (`pipelines.dedup.TextState`) depends on the text alone, so it is stored
per `doc_id` under `state/build/` and only new or re-crawled documents are hashed. The LSH graph of the
last labelling is stored beside them, so only the buckets new texts fall into are compared again
(`pipelines.dedup.update_labels`); the labels are exactly those a full `cluster()` over every text
gives, whatever order the documents arrived in.

The store is one file of raw arrays (layout below `fingerprint`) written to a temporary name and
renamed into place, so it is either the previous build's or this one's. A document is re-hashed
whenever its stored state might not fit its text: unknown id, replaced in this build, a different
text length, or a store written with other dedup parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import dedup
from pipelines.dedup import LshGraph, TextState, text_state, update_labels
from pipelines.storage import DataTree

STATE_FILE = "dedup-state.bin"
_OLD_FILES = ("dedup-state.npz",)  # earlier layouts: removed once this one is written
# Bumped whenever the layout of the stored arrays changes, so an older store is rebuilt, never misread.
LAYOUT = 3
_MAGIC = b"KAOPU-DEDUP\n"
_ALIGN = 64
_ARRAYS = ("id_offsets", "id_data", "chars", "digest", "long", "sig", "g_d0", "g_first", "g_keys", "g_edges")


def fingerprint() -> str:
    """Changes whenever stored states would no longer be what `text_state` computes today."""
    h = hashlib.sha256()
    for part in (dedup._A, dedup._B, dedup._BAND_MIX):
        h.update(part.tobytes())
    params = (LAYOUT, dedup.NUM_PERM, dedup.BANDS, dedup.SHINGLE, dedup.MIN_CHARS, dedup._NON_WORD.pattern)
    h.update(repr(params).encode())
    return h.hexdigest()[:32]


# The store is one file: a magic line, an 8-byte header length, a JSON header (fingerprint, and each
# array's dtype, shape and offset), then the raw arrays. It was an uncompressed .npz (410 MB at 10^6
# documents); zip's CRC over every byte on both write and read, and reading it all into memory, took
# ~2 s of an incremental build. Raw arrays are memory-mapped instead, so a load reads only the pages
# the labelling touches, and the ids are arrow string buffers, so no 10^6 Python strings are made.
def save(
    tree: DataTree, doc_ids: pa.Array | Sequence[str], chars: np.ndarray, state: TextState, graph: LshGraph
) -> None:
    path = tree.state_dir("build") / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    offsets, data = _id_buffers(doc_ids)
    arrays = {
        "id_offsets": offsets,
        "id_data": data,
        "chars": np.asarray(chars, dtype=np.int64),
        "digest": state.digest,
        "long": state.long,
        "sig": state.sig,
        "g_d0": graph.d0,
        "g_first": graph.first,
        "g_keys": graph.keys,
        "g_edges": graph.edges,
    }
    meta, at = {}, 0
    for name in _ARRAYS:
        a = np.ascontiguousarray(arrays[name])
        arrays[name] = a
        meta[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "offset": at}
        at += -(-a.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"fingerprint": fingerprint(), "n": len(chars), "arrays": meta}).encode()
    body_start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(_MAGIC + len(header).to_bytes(8, "little") + header)
        for name in _ARRAYS:
            f.seek(body_start + meta[name]["offset"])
            if arrays[name].nbytes:
                f.write(arrays[name].reshape(-1).view(np.uint8).data)
        f.truncate(body_start + at)
    os.replace(tmp, path)
    for old in _OLD_FILES:
        (path.parent / old).unlink(missing_ok=True)


def _id_buffers(doc_ids: pa.Array | Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    ids = pa.array(doc_ids, pa.large_string()) if not isinstance(doc_ids, pa.Array) else doc_ids
    ids = pc.cast(ids, pa.large_string())
    if ids.null_count:
        raise ValueError("a document without an id")
    offs = np.frombuffer(ids.buffers()[1], dtype=np.int64)[ids.offset : ids.offset + len(ids) + 1]
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8) if len(ids) else np.empty(0, np.uint8)
    return offs - offs[0], data[offs[0] : offs[-1]]


def _read(path: Path) -> tuple[dict, dict[str, np.ndarray]] | None:
    with open(path, "rb") as f:
        head = f.read(len(_MAGIC) + 8)
        if len(head) < len(_MAGIC) + 8 or head[: len(_MAGIC)] != _MAGIC:
            return None
        size = int.from_bytes(head[len(_MAGIC) :], "little")
        header = json.loads(f.read(size).decode())
    if header.get("fingerprint") != fingerprint():
        return None
    body_start = -(-(len(_MAGIC) + 8 + size) // _ALIGN) * _ALIGN
    file_size = path.stat().st_size
    arrays = {}
    for name in _ARRAYS:
        m = header["arrays"][name]
        dtype, shape = np.dtype(m["dtype"]), tuple(int(x) for x in m["shape"])
        start = body_start + int(m["offset"])
        if start + dtype.itemsize * int(np.prod(shape)) > file_size:
            return None  # torn
        if np.prod(shape) == 0:
            arrays[name] = np.empty(shape, dtype=dtype)
        else:
            arrays[name] = np.memmap(path, dtype=dtype, mode="r", offset=start, shape=shape)
    return header, arrays


def load(tree: DataTree) -> tuple[pa.Array, np.ndarray, TextState, LshGraph] | None:
    """(doc ids, text lengths, states, graph) of the last build, or None when absent, torn or outdated.
    The arrays are read-only maps of the file (os.replace leaves a mapped file's data in place)."""
    path = tree.state_dir("build") / STATE_FILE
    if not path.exists():
        return None
    try:
        read = _read(path)
        if read is None:
            return None
        header, z = read
        n = int(header["n"])
        offs = z["id_offsets"]
        if len(offs) != n + 1 or (n and (offs[0] != 0 or offs[-1] != len(z["id_data"]))):
            return None
        buffers = [None, pa.py_buffer(np.asarray(offs)), pa.py_buffer(np.asarray(z["id_data"]))]
        ids = pa.Array.from_buffers(pa.large_string(), n, buffers)
        ids.validate(full=True)
        state = TextState(z["digest"], z["long"], z["sig"])
        chars = z["chars"]
        graph = LshGraph(z["g_d0"], z["g_first"], z["g_keys"], z["g_edges"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, pa.ArrowException):
        return None  # a torn or foreign file only costs a full re-hash
    if not (len(ids) == n == len(chars) == len(state) and int(state.long.sum()) == len(state.sig)):
        return None
    if not (len(graph.d0) == len(graph.first) == graph.keys.shape[1] and graph.edges.shape[1:] == (4,)):
        return None
    return ids, chars, state, graph


def labels(tree: DataTree, doc_ids: pd.Series, texts: pd.Series, fresh_ids: pd.Series) -> np.ndarray:
    """`dup_cluster` for every document (in the given order), hashing only what the store lacks;
    the store is replaced by the states of exactly these documents."""
    # Ids as arrow strings: hash lookups over 10^6 of them without making Python strings.
    ids_now = pa.array(doc_ids, pa.large_string())
    chars = texts.fillna("").str.len().to_numpy(dtype=np.int64)
    stored = load(tree)
    pos = np.full(len(ids_now), -1, dtype=np.int64)
    graph = None
    old_state = None
    if stored is not None:
        ids, old_chars, old_state, graph = stored
        if pc.count_distinct(ids).as_py() == len(ids):
            at = pc.fill_null(pc.index_in(ids_now, value_set=ids), -1)
            pos = at.to_numpy(zero_copy_only=False).astype(np.int64)
        found = pos >= 0
        found[found] &= old_chars[pos[found]] == chars[found]
        found &= ~pc.is_in(ids_now, value_set=pa.array(fresh_ids, pa.large_string())).to_numpy(False)
        pos[~found] = -1
    need = np.flatnonzero(pos < 0)
    computed = text_state(texts.iloc[need].fillna("").tolist(), normalized=True)
    state = _merge(old_state, pos, computed, need)
    labels, graph = update_labels(state, pos, graph)
    save(tree, ids_now, chars, state, graph)
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
