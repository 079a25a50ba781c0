"""`merge_docs` (old table merged by position) gives what `latest` over old + new rows gives."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from incremental_build import table_merge
from incremental_build.table_merge import latest, merge_docs
from pipelines import contracts
from pipelines.storage import conform


def _rows(ids, fetched, raw, text):
    return pd.DataFrame(
        {
            "doc_id": ids,
            "kind": ["comment"] * len(ids),
            "fetched_at": pd.to_datetime(fetched, utc=True),
            "raw_file": raw,
            "text": text,
        }
    )


def test_merge_equals_latest_over_everything():
    old = _rows(
        ["a", "c", "e", "g"],
        ["2024-01-02", "2024-01-02", "2024-01-02", "2024-01-02"],
        ["r1", "r1", "r1", "r1"],
        ["old a", "old c", "old e", "old g"],
    )
    new = _rows(
        # b and h are new ids; c is re-crawled later (new wins), e earlier (old wins), g at the same
        # time from a later raw file (new wins), a twice among the new rows (the later one wins).
        ["a", "a", "b", "c", "e", "g", "h"],
        ["2024-01-03", "2024-01-04", "2024-01-01", "2024-01-05", "2024-01-01", "2024-01-02", "2024-01-01"],
        ["r2", "r2", "r2", "r2", "r2", "r2", "r2"],
        ["a1", "a2", "b", "c", "e", "g", "h"],
    )
    old_t = conform(old, contracts.DOCUMENTS)
    expected = latest(pd.concat([old_t.to_pandas(), new], ignore_index=True), "doc_id")
    got = merge_docs(old_t, new)
    assert got["doc_id"].tolist() == ["a", "b", "c", "e", "g", "h"]
    assert got["text"].tolist() == ["a2", "b", "c", "old e", "g", "h"]
    cols = ["doc_id", "fetched_at", "raw_file", "text"]
    pd.testing.assert_frame_equal(
        conform(got[cols], contracts.DOCUMENTS).to_pandas(),
        conform(expected[cols], contracts.DOCUMENTS).to_pandas(),
    )


def test_an_unsorted_old_table_takes_the_full_path():
    old = _rows(["c", "a"], ["2024-01-02"] * 2, ["r1"] * 2, ["old c", "old a"])
    new = _rows(["b"], ["2024-01-01"], ["r2"], ["b"])
    got = merge_docs(conform(old, contracts.DOCUMENTS), new)
    assert got["doc_id"].tolist() == ["a", "b", "c"]
    assert got["text"].tolist() == ["old a", "b", "old c"]


@pytest.mark.parametrize("max_runs", [0, 4096])  # copied chunk by chunk / kept as slices
def test_merge_over_several_chunks_either_way(monkeypatch, max_runs):
    monkeypatch.setattr(table_merge, "_MAX_SLICED_RUNS", max_runs)
    rng = np.random.default_rng(7)
    old_ids = sorted({f"d{i:05d}" for i in rng.integers(0, 20_000, 3_000)})
    old = _rows(old_ids, ["2024-01-02"] * len(old_ids), ["r1"] * len(old_ids), [f"old {i}" for i in old_ids])
    # Re-crawls of old ids (later, earlier, tied), new ids inside and past the old range, runs of
    # consecutive new ids, and a chunked old table as parquet reads it (chunks of uneven length).
    new_ids = [*rng.choice(old_ids, 300).tolist(), *(f"d{i:05d}" for i in rng.integers(0, 25_000, 700))]
    new_ids += [f"d{i:05d}" for i in range(5_000, 5_050)]
    fetched = rng.choice(["2024-01-01", "2024-01-02", "2024-01-03"], len(new_ids)).tolist()
    new = _rows(new_ids, fetched, ["r2"] * len(new_ids), [f"new {i} {j}" for j, i in enumerate(new_ids)])
    old_t = conform(old, contracts.DOCUMENTS)
    cuts = [0, 1, 700, 701, 1_900, len(old_t)]
    old_t = pa.Table.from_batches(
        [b for a, z in itertools.pairwise(cuts) for b in old_t.slice(a, z - a).to_batches()]
    )
    expected = latest(pd.concat([old_t.to_pandas(), new], ignore_index=True), "doc_id")
    got = merge_docs(old_t, new)
    pd.testing.assert_frame_equal(
        conform(got, contracts.DOCUMENTS).to_pandas(), conform(expected, contracts.DOCUMENTS).to_pandas()
    )
