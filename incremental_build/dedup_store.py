"""Near-duplicate labels for the clean documents without re-hashing old texts on every build.

Canonicalising, digesting and MinHashing every text was most of an incremental build (10^6 texts,
~12 s). The per-text state (`pipelines.dedup.TextState`) depends on the text alone, so it is stored
per `doc_id` under `state/build/` and only new or re-crawled documents are hashed. The LSH graph of the
last labelling is stored beside them, so only the buckets new texts fall into are compared again
(`pipelines.dedup.update_labels`); the clusters are exactly those a full `cluster()` over every text
gives, whatever order the documents arrived in; `text_work.TextWork.dup_clusters` names each by its
first member (`pipelines.dedup.stable_labels`), so a build relabels only the clusters it changes.

The store is two files. The signatures (NUM_PERM uint32 per long text, its text and figure columns: ~270
MB at 10^6 documents, ~1% new per build) are rows of an append-only file, `dedup-sig-<token>.bin`: a
build appends its new rows and never moves old ones, until dead rows (gone or re-hashed texts) outnumber
live ones and the live rows are copied to a new file. Everything else (ids, lengths, digests, each long
text's row, the LSH graph) is one file of raw arrays (layout below `fingerprint`) written to a temporary
name and renamed into place, so it is either the previous build's or this one's; it names its row file
and how many rows of it are valid, so rows a crashed build appended after them are ignored and cut off
by the next append, and a checksum of the rows the last build appended catches a row file that lost
them. A document is re-hashed whenever its stored state might not fit its text: unknown id, replaced in
this build, a different text length, or a store written with other dedup parameters; a store that does
not hold together (torn, missing rows, foreign) is rebuilt from the texts, never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import dedup
from pipelines.dedup import LshGraph, TextState, text_state, update_labels
from pipelines.storage import DataTree, fsync_dir, strictly_increasing, write_bytes_atomic

STATE_FILE = "dedup-state.bin"
_SIG_PREFIX, _SIG_SUFFIX = "dedup-sig-", ".bin"
_OLD_FILES = ("dedup-state.npz",)  # earlier layouts: removed once this one is written
# Bumped whenever the layout of the stored arrays changes, so an older store is rebuilt, never misread.
LAYOUT = 4
_MAGIC = b"KAOPU-DEDUP\n"
_ALIGN = 64
_ARRAYS = (
    *("id_offsets", "id_data", "chars", "digest", "long", "sig_row"),
    *("g_d0", "g_first", "g_keys", "g_edges"),
)
# The row file is rewritten with only its live rows once it holds more than this many rows per live one.
_COMPACT_AT = 2.0
# The index keeps a checksum of the row file's last rows (this many, ~12 MB, read on every load: more
# than a 1% build appends at 10^6 documents), so a row file that lost its newest rows, e.g. in a power
# cut after the index was renamed into place, is not trusted.
_TAIL_ROWS = 50_000


def fingerprint() -> str:
    """Changes whenever stored states would no longer be what `text_state` computes today."""
    h = hashlib.sha256()
    for part in (dedup._A, dedup._B, dedup._BAND_MIX):
        h.update(part.tobytes())
    params = (LAYOUT, dedup.NUM_PERM, dedup.BANDS, dedup.SHINGLE, dedup.MIN_CHARS, dedup._NON_WORD.pattern)
    # The stored graph's edges were accepted by `near_duplicate`: its bars are part of the state too.
    params += (dedup.THRESHOLD, dedup.CONTAINMENT, dedup.CONTAIN_MIN_RESEMBLANCE, dedup.CONTAIN_MIN_SHINGLES)
    # The figure columns of a signature and the bar two texts' shared figures must clear.
    params += (dedup.TEXT_PERM, dedup.FACT_BANDS, dedup.FACT_SKETCH, dedup.FACTS_MIN, dedup.FACT_MIN_SHARED)
    # What `canonical` drops (page furniture) or folds (a Latin word → one symbol).
    params += (dedup._FURNITURE.pattern, dedup._FURNITURE_MAX_CHARS, dedup._LATIN_WORD.pattern)
    h.update(repr(params).encode())
    return h.hexdigest()[:32]


class SigRows:
    """The signatures of a state's long texts (what `TextState.sig` holds), read through each text's
    row in the store's row file instead of copied into one array: `rows[i]` for integer arrays `i`,
    as `update_labels` indexes them. Copying them in document order took ~0.5 s per build."""

    def __init__(self, rows: np.ndarray, at: np.ndarray):
        self.rows, self.at = rows, at

    def __len__(self) -> int:
        return len(self.at)

    def __getitem__(self, i: np.ndarray) -> np.ndarray:
        return np.asarray(self.rows[self.at[i]])


class _Store:
    """The row file as the last build left it: its name, valid rows and a map of them."""

    def __init__(self, directory: Path, name: str, valid: int):
        self.directory, self.name, self.valid = directory, name, valid

    @property
    def path(self) -> Path:
        return self.directory / self.name

    def rows(self, count: int | None = None) -> np.ndarray:
        count = self.valid if count is None else count
        if count == 0:
            return np.empty((0, dedup.NUM_PERM), dtype=np.uint32)
        return np.memmap(self.path, dtype=np.uint32, mode="r", shape=(count, dedup.NUM_PERM))


def _row_bytes() -> int:
    return dedup.NUM_PERM * np.dtype(np.uint32).itemsize


def _tail_hash(rows: np.ndarray, start: int) -> str:
    # Over the rows' bytes, so reading them checks they are on disk as written.
    return hashlib.blake2b(np.ascontiguousarray(rows[start:]).data, digest_size=16).hexdigest()


def _write_rows(store: _Store | None, directory: Path, new: np.ndarray) -> tuple[_Store, int]:
    """Append `new` signature rows after the valid ones of `store` (cutting off whatever a crashed
    build appended after them), or start a new row file. Returns the file and the first new row."""
    new = np.ascontiguousarray(new, dtype=np.uint32)
    if store is None:
        store = _Store(directory, _new_name(), 0)
        mode = "wb"
    else:
        mode = "r+b"
    start = store.valid
    with open(store.path, mode) as f:
        f.truncate(start * _row_bytes())
        f.seek(start * _row_bytes())
        if new.nbytes:
            f.write(new.reshape(-1).view(np.uint8).data)
        _durable(f)
    if mode == "wb":
        fsync_dir(directory)
    return _Store(directory, store.name, start + len(new)), start


def _durable(f) -> None:
    # The index that names these rows is renamed into place after them: the rows must be on disk first.
    f.flush()
    os.fsync(f.fileno())


def _compact(store: _Store, at: np.ndarray) -> tuple[_Store, np.ndarray]:
    """A new row file holding only the rows `at` names, in that order (the old file stays until the
    index naming the new one is in place)."""
    rows = store.rows()
    fresh = _Store(store.directory, _new_name(), len(at))
    with open(fresh.path, "wb") as f:
        for lo in range(0, len(at), 100_000):  # ~24 MB at a time
            f.write(np.ascontiguousarray(rows[at[lo : lo + 100_000]]).reshape(-1).view(np.uint8).data)
        _durable(f)
    fsync_dir(store.directory)
    return fresh, np.arange(len(at), dtype=np.int64)


def _new_name() -> str:
    # A new name per file, so an index never names a file that is being rewritten.
    return f"{_SIG_PREFIX}{secrets.token_hex(8)}{_SIG_SUFFIX}"


# The index is one file: a magic line, an 8-byte header length, a JSON header (fingerprint, the row
# file, and each array's dtype, shape and offset), then the raw arrays. It was an uncompressed .npz
# (410 MB at 10^6 documents); zip's CRC over every byte on both write and read, and reading it all into
# memory, took ~2 s of an incremental build. Raw arrays are memory-mapped instead, so a load reads only
# the pages the labelling touches, and the ids are arrow string buffers, so no 10^6 Python strings are
# made.
def save(
    tree: DataTree,
    doc_ids: pa.Array | Sequence[str],
    chars: np.ndarray,
    state: TextState,
    graph: LshGraph,
    *,
    rows: _Store | None = None,
) -> None:
    """Store the states and graph of exactly these documents. `rows`: the row file `state.sig` (a
    `SigRows` over it) reads from, this build's new rows already appended; without it (a state whose
    signatures are one array) a new row file is written."""
    directory = tree.build_state_dir
    path = tree.build_state(STATE_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    if rows is None:
        store, _ = _write_rows(None, directory, np.asarray(state.sig))
        sig_row = np.arange(len(state.sig), dtype=np.int64)
    else:
        store, sig_row = rows, state.sig.at
    if store.valid > _COMPACT_AT * max(len(sig_row), 1):
        store, sig_row = _compact(store, sig_row)
    tail_from = max(0, store.valid - _TAIL_ROWS)
    offsets, data = _id_buffers(doc_ids)
    arrays = {
        "id_offsets": offsets,
        "id_data": data,
        "chars": np.asarray(chars, dtype=np.int64),
        "digest": state.digest,
        "long": state.long,
        "sig_row": sig_row,
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
    sig_meta = {
        "file": store.name,
        "rows": store.valid,
        "tail_from": tail_from,
        "tail_hash": _tail_hash(store.rows(), tail_from),
    }
    header = {"fingerprint": fingerprint(), "n": len(chars), "sig": sig_meta, "arrays": meta}
    header = json.dumps(header).encode()
    body_start = -(-(len(_MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN

    def write(f) -> None:
        f.write(_MAGIC + len(header).to_bytes(8, "little") + header)
        for name in _ARRAYS:
            f.seek(body_start + meta[name]["offset"])
            if arrays[name].nbytes:
                f.write(arrays[name].reshape(-1).view(np.uint8).data)
        f.truncate(body_start + at)

    write_bytes_atomic(path, write)
    # Row files the index no longer names: an earlier build's before compaction, or a crashed one's.
    for old in directory.glob(f"{_SIG_PREFIX}*{_SIG_SUFFIX}"):
        if old.name != store.name:
            old.unlink(missing_ok=True)
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
    The arrays are read-only maps of the files (os.replace leaves a mapped file's data in place); the
    states' signatures are a `SigRows` over the row file."""
    loaded = _load(tree)
    return None if loaded is None else loaded[0]


def forget(tree: DataTree) -> None:
    """Drop the store (the clean layer starts over): the next labelling hashes every text."""
    tree.build_state(STATE_FILE).unlink(missing_ok=True)
    directory = tree.build_state_dir
    for old in (*directory.glob(f"{_SIG_PREFIX}*{_SIG_SUFFIX}"), *(directory / n for n in _OLD_FILES)):
        old.unlink(missing_ok=True)


def _load(tree: DataTree) -> tuple[tuple[pa.Array, np.ndarray, TextState, LshGraph], _Store] | None:
    directory = tree.build_state_dir
    path = tree.build_state(STATE_FILE)
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
        sig_meta = header["sig"]
        name = str(sig_meta["file"])
        if not (name.startswith(_SIG_PREFIX) and name.endswith(_SIG_SUFFIX) and "/" not in name):
            return None
        store = _Store(directory, name, int(sig_meta["rows"]))
        if store.path.stat().st_size < store.valid * _row_bytes():
            return None  # the row file lost rows the index counts on
        rows = store.rows()
        tail_from = int(sig_meta["tail_from"])
        if not 0 <= tail_from <= store.valid or _tail_hash(rows, tail_from) != sig_meta["tail_hash"]:
            return None  # the last build's rows did not all reach the file
        at = z["sig_row"]
        if len(at) and (int(at.min()) < 0 or int(at.max()) >= store.valid):
            return None
        state = TextState(z["digest"], z["long"], SigRows(rows, at))
        chars = z["chars"]
        graph = LshGraph(z["g_d0"], z["g_first"], z["g_keys"], z["g_edges"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, pa.ArrowException):
        return None  # a torn or foreign file only costs a full re-hash
    if not (len(ids) == n == len(chars) == len(state) and int(state.long.sum()) == len(state.sig)):
        return None
    if not (len(graph.d0) == len(graph.first) == graph.keys.shape[1] and graph.edges.shape[1:] == (4,)):
        return None
    return (ids, chars, state, graph), store


class MissingTexts(Exception):
    """`labels` was given only some texts, and the store lacks the state of a document without one."""


def labels(
    tree: DataTree,
    doc_ids: pd.Series | pa.Array,
    texts: pd.Series,
    fresh_ids: pd.Series,
    *,
    chars: np.ndarray | None = None,
    known: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster labels for every document (in the given order), hashing only what the store lacks;
    the store is replaced by the states of exactly these documents. Labels as `update_labels` gives
    them (0, 1, 2 … by first occurrence); the build names them (`pipelines.dedup.stable_labels`).

    `chars` (the texts' lengths) and `known` (which texts are given) let a caller that has only the
    new texts ask anyway: when a document without its text needs hashing, MissingTexts is raised
    before anything is written."""
    # Ids as arrow strings: hash lookups over 10^6 of them without making Python strings.
    ids_now = pa.array(doc_ids, pa.large_string())
    if chars is None:
        chars = texts.fillna("").str.len().to_numpy(dtype=np.int64)
    chars = np.asarray(chars, dtype=np.int64)
    loaded = _load(tree)
    pos = np.full(len(ids_now), -1, dtype=np.int64)
    graph = None
    old_state, store = None, None
    if loaded is not None:
        (ids, old_chars, old_state, graph), store = loaded
        if _unique(ids):
            at = pc.fill_null(pc.index_in(ids_now, value_set=ids), -1)
            pos = at.to_numpy(zero_copy_only=False).astype(np.int64)
        found = pos >= 0
        found[found] &= old_chars[pos[found]] == chars[found]
        found &= ~pc.is_in(ids_now, value_set=pa.array(fresh_ids, pa.large_string())).to_numpy(False)
        pos[~found] = -1
    need = np.flatnonzero(pos < 0)
    if known is not None and not known[need].all():
        missing = int((~known[need]).sum())
        raise MissingTexts(f"{missing} documents need hashing and their texts were not given")
    computed = text_state(texts.iloc[need].fillna("").tolist(), normalized=True)
    if store is None:
        state = _merge(None, pos, computed, need)
        labels, graph = update_labels(state, pos, graph)
        save(tree, ids_now, chars, state, graph)
        return labels
    # New signatures go after the stored ones; the states read every signature from the row file.
    store, first_new = _write_rows(store, store.directory, computed.sig)
    state = _merge(old_state, pos, computed, need, first_new=first_new)
    state = TextState(state.digest, state.long, SigRows(store.rows(), state.sig))
    labels, graph = update_labels(state, pos, graph)
    save(tree, ids_now, chars, state, graph, rows=store)
    return labels


def _unique(ids: pa.Array) -> bool:
    # The stored ids are the last clean table's, in its doc_id order: strictly increasing is the
    # quick answer (5 ms at 10^6, counting them 0.3 s).
    return strictly_increasing(ids) or pc.count_distinct(ids).as_py() == len(ids)


def _merge(
    old: TextState | None,
    pos: np.ndarray,
    computed: TextState,
    need: np.ndarray,
    *,
    first_new: int | None = None,
) -> TextState:
    """States in document order: row i from `old` at pos[i], or the next computed one where pos < 0.
    Filled in place, one copy of each array (the signatures alone are ~200 MB at 10^6 documents).

    With `first_new` (`old.sig` is a `SigRows`, the computed signatures were appended to its file at
    that row) the result's `sig` is each long text's row in that file, not the signatures."""
    n = len(pos)
    have = np.flatnonzero(pos >= 0)
    digest = np.empty((n, 2), dtype=np.uint64)
    long = np.zeros(n, dtype=bool)
    digest[need] = computed.digest
    long[need] = computed.long
    if old is not None and len(have):
        digest[have] = old.digest[pos[have]]
        long[have] = old.long[pos[have]]
    row = np.cumsum(long) - 1
    if first_new is not None:
        sig = np.empty(int(long.sum()), dtype=np.int64)
        sig[row[need[computed.long]]] = np.arange(first_new, first_new + len(computed.sig))
    else:
        sig = np.empty((int(long.sum()), computed.sig.shape[1]), dtype=np.uint32)
        sig[row[need[computed.long]]] = computed.sig
    if old is not None and len(have):
        old_row = np.cumsum(old.long) - 1
        keep = have[long[have]]
        old_sig = old.sig.at if first_new is not None else old.sig
        sig[row[keep]] = old_sig[old_row[pos[keep]]]
    return TextState(digest, long, sig)
