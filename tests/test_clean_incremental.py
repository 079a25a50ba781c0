"""Incremental clean == full clean: stored near-duplicate states give the labels a full clustering gives."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build import dedup_store as dedup_state
from incremental_build.clean import update_clean
from pipelines import dedup
from pipelines.dedup import cluster, stable_labels
from pipelines.storage import DataTree, read_table
from sandbox.world import World


def _items():
    return list(World(7, 12).expected_items())


def _second(item) -> bool:
    # By a hash of the id, so the second run's documents fall between the first run's in doc_id order
    # (a new document can become the first of its cluster, or the head of an LSH bucket). Items that
    # teach the provider index new names, and articles whose provider their comments inherit, fall in
    # either run: what depends on them is recomputed when they arrive (tests/test_build_order.py).
    return zlib.crc32(item.item_id.encode()) % 3 == 0


def _docs(tree: DataTree) -> pd.DataFrame:
    return read_table(tree, "clean/documents").to_pandas()


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    items = _items()
    first = [i for i in items if not _second(i)]
    second = [i for i in items if _second(i)]
    inc = DataTree(tmp_path_factory.mktemp("inc") / "data")
    write_raw(inc, "one", first)
    update_clean(inc, watchlist=[], workers=1)
    write_raw(inc, "two", second)
    counts = update_clean(inc, watchlist=[], workers=1)
    full = DataTree(tmp_path_factory.mktemp("full") / "data")
    write_raw(full, "one", first)
    write_raw(full, "two", second)
    update_clean(full, watchlist=[], workers=1)
    return inc, full, counts


def test_incremental_clean_equals_full_clean(trees):
    inc, full, counts = trees
    assert 0 < counts["new_documents"] < counts["documents"]
    a, b = _docs(inc), _docs(full)
    sizes = b["dup_cluster"].value_counts()
    assert (sizes >= 2).sum() >= 5, "the world must have near-duplicates for the test to mean anything"
    pd.testing.assert_frame_equal(a, b)


def test_labels_equal_clustering_every_text_again(trees):
    _inc, full, _ = trees
    docs = _docs(full)
    expected = cluster(docs["text"].fillna("").tolist(), normalized=True)
    assert docs["dup_cluster"].tolist() == _named(docs, expected).tolist()


def _count_hashing(monkeypatch) -> list[int]:
    """How many texts each call of the store's hashing was given, from now on."""
    hashed: list[int] = []
    real = dedup_state.text_state

    def counting(texts, **kw):
        hashed.append(len(texts))
        return real(texts, **kw)

    monkeypatch.setattr(dedup_state, "text_state", counting)
    return hashed


def test_only_new_or_changed_texts_are_hashed(trees, monkeypatch):
    inc, _full, _ = trees
    docs = _docs(inc)
    hashed = _count_hashing(monkeypatch)
    fresh = docs["doc_id"].iloc[:3]
    texts = docs["text"].copy()
    texts.iloc[5] = texts.iloc[5] + "追加"  # a text that changed length is re-hashed even if not fresh
    labels = dedup_state.labels(inc, docs["doc_id"], texts, fresh)
    assert hashed == [4]
    assert labels.tolist() == cluster(texts.fillna("").tolist(), normalized=True)


def test_a_store_written_in_any_document_order_is_reused(trees, monkeypatch):
    inc, _full, _ = trees
    docs = _docs(inc)
    shuffled = docs.sample(frac=1.0, random_state=3).reset_index(drop=True)
    _relabel(inc, shuffled, shuffled["doc_id"].iloc[:0])  # the store now holds unsorted ids
    hashed = _count_hashing(monkeypatch)
    labels = dedup_state.labels(inc, docs["doc_id"], docs["text"], docs["doc_id"].iloc[:0])
    assert hashed == [0], "every state was found by its id, not by its position"
    assert labels.tolist() == cluster(docs["text"].fillna("").tolist(), normalized=True)


def test_a_torn_or_outdated_store_is_rebuilt(trees, monkeypatch):
    inc, _full, _ = trees
    docs = _docs(inc)
    path = inc.state_dir("build") / dedup_state.STATE_FILE
    path.write_bytes(path.read_bytes()[:100])
    labels = dedup_state.labels(inc, docs["doc_id"], docs["text"], docs["doc_id"].iloc[:0])
    assert np.array_equal(_named(docs, labels), docs["dup_cluster"].to_numpy())
    monkeypatch.setattr(dedup_state, "fingerprint", lambda: "other parameters")
    assert dedup_state.load(inc) is None


def _row_file(tree: DataTree):
    loaded = dedup_state._load(tree)
    assert loaded is not None
    return loaded[1]


def _named(docs: pd.DataFrame, labels) -> np.ndarray:
    """Labels named as the build names them: by each cluster's member first seen."""
    first_seen = docs["first_seen_at"].dt.tz_localize(None).to_numpy("datetime64[us]")
    return stable_labels(np.asarray(labels), docs["doc_id"], first_seen)


def _relabel(tree: DataTree, docs: pd.DataFrame, fresh) -> np.ndarray:
    return _named(docs, dedup_state.labels(tree, docs["doc_id"], docs["text"], fresh))


def test_a_build_appends_only_its_new_signatures(trees):
    inc, _full, _ = trees
    docs = _docs(inc)
    _relabel(inc, docs, docs["doc_id"].iloc[:0])  # a store in the current layout
    before = _row_file(inc)
    fresh = docs["doc_id"][docs["text"].fillna("").str.len() > 100].iloc[:3]
    assert np.array_equal(_relabel(inc, docs, fresh), docs["dup_cluster"].to_numpy())
    after = _row_file(inc)
    assert after.name == before.name and after.valid == before.valid + 3
    assert dedup_state.load(inc) is not None


def test_rows_after_the_valid_ones_are_ignored_and_cut_off(trees):
    inc, _full, _ = trees
    docs = _docs(inc)
    _relabel(inc, docs, docs["doc_id"].iloc[:0])
    store = _row_file(inc)
    with open(store.path, "ab") as f:  # what a build that crashed before writing its index leaves
        f.write(b"\xff" * 1000)
    assert dedup_state.load(inc) is not None
    assert np.array_equal(_relabel(inc, docs, docs["doc_id"].iloc[:0]), docs["dup_cluster"].to_numpy())
    assert store.path.stat().st_size == store.valid * dedup.NUM_PERM * 4


@pytest.mark.parametrize("damage", ["shorter", "last_row_changed", "missing"])
def test_a_row_file_that_lost_rows_is_rebuilt(trees, damage):
    inc, _full, _ = trees
    docs = _docs(inc)
    _relabel(inc, docs, docs["doc_id"].iloc[:0])
    store = _row_file(inc)
    data = store.path.read_bytes()
    if damage == "shorter":
        store.path.write_bytes(data[:-1])
    elif damage == "last_row_changed":
        store.path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    else:
        store.path.unlink()
    assert dedup_state.load(inc) is None
    assert np.array_equal(_relabel(inc, docs, docs["doc_id"].iloc[:0]), docs["dup_cluster"].to_numpy())
    assert dedup_state.load(inc) is not None


def test_the_row_file_is_compacted_when_mostly_dead(trees, monkeypatch):
    inc, _full, _ = trees
    docs = _docs(inc)
    _relabel(inc, docs, docs["doc_id"].iloc[:0])
    before = _row_file(inc)
    # Every document re-crawled: all stored rows die and as many are appended.
    monkeypatch.setattr(dedup_state, "_COMPACT_AT", 1.5)
    assert np.array_equal(_relabel(inc, docs, docs["doc_id"]), docs["dup_cluster"].to_numpy())
    after = _row_file(inc)
    live = int(dedup_state.load(inc)[2].long.sum())
    assert after.name != before.name and not before.path.exists()
    assert after.valid == live
    assert np.array_equal(_relabel(inc, docs, docs["doc_id"].iloc[:0]), docs["dup_cluster"].to_numpy())
