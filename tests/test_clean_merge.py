"""`_merge_docs` (old table merged by position) gives what `_latest` over old + new rows gives."""

from __future__ import annotations

import pandas as pd

from flows.clean import _latest, _merge_docs
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
    expected = _latest(pd.concat([old_t.to_pandas(), new], ignore_index=True), "doc_id")
    got = _merge_docs(old_t, new)
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
    got = _merge_docs(conform(old, contracts.DOCUMENTS), new)
    assert got["doc_id"].tolist() == ["a", "b", "c"]
    assert got["text"].tolist() == ["old a", "b", "old c"]
