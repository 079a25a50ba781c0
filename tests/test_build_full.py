"""`full` builds equal fresh builds, and a changed method re-cleans old raw on the next build."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build import clean, text_work
from incremental_build.clean import CLEAN_TABLES, update_clean
from incremental_build.marts import build_marts
from pipelines.contracts import TABLES
from pipelines.storage import DataTree, read_table
from sandbox.world import World
from tests.history_items import later_history

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MARTS = [name for name in TABLES if name.startswith("marts/")]


@pytest.fixture(scope="module")
def items():
    items = list(World(11, 8).expected_items())
    return items + later_history(items, random.Random(3))


def _build(tree: DataTree, full: bool = False) -> dict:
    counts = update_clean(tree, watchlist=[], workers=1, full=full)
    build_marts(tree, watchlist=[], now=NOW, full=full)
    return counts


def _tables(tree: DataTree) -> dict[str, pd.DataFrame]:
    return {name: read_table(tree, name).to_pandas() for name in (*CLEAN_TABLES, *MARTS)}


def _assert_same(a: DataTree, b: DataTree) -> None:
    ta, tb = _tables(a), _tables(b)
    for name in ta:
        assert len(ta[name]), f"{name} is empty: the comparison would prove nothing"
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


def test_a_full_build_equals_a_fresh_build(tmp_path, items):
    # Two runs built one after the other (the second run's names reach the first run's free text
    # incrementally already: tests/test_build_order.py), then a full build, which starts over from raw.
    half = len(items) // 2
    built = DataTree(tmp_path / "built")
    write_raw(built, "one", items[:half])
    _build(built)
    write_raw(built, "two", items[half:])
    _build(built)
    counts = _build(built, full=True)
    assert counts["full"] and counts["records"] == len(items)

    fresh = DataTree(tmp_path / "fresh")
    write_raw(fresh, "one", items[:half])
    write_raw(fresh, "two", items[half:])
    _build(fresh)
    _assert_same(built, fresh)


def test_a_changed_normaliser_recleans_old_raw_on_the_next_build(tmp_path, items, monkeypatch):
    tree = DataTree(tmp_path / "data")
    write_raw(tree, "one", items)
    _build(tree)
    assert update_clean(tree, watchlist=[], workers=1).get("unchanged"), "nothing new: nothing to do"

    # An improved normaliser: its code is what the clean key hashes, so the key changes with it.
    real_normalize, real_key = text_work.normalize, clean.clean_key
    monkeypatch.setattr(text_work, "normalize", lambda t: real_normalize(t) + "（新）")
    monkeypatch.setattr(clean, "clean_key", lambda **kw: real_key(**kw) + "-new-normalize")
    counts = update_clean(tree, watchlist=[], workers=1)
    assert counts["full"] and counts["records"] == len(items), "every old raw record is read again"
    docs = read_table(tree, "clean/documents").to_pandas()
    assert len(docs) and docs["text"].str.endswith("（新）").all(), "the new text shows in every row"
    # And once re-cleaned, the same method has nothing more to do.
    assert update_clean(tree, watchlist=[], workers=1).get("unchanged")
