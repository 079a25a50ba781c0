"""What is read from each document's text alone (its claims, a case page's figures) is read by the text
work, on the worker processes with the rest of it: the build's own process only collects it. The
tables are the same as a build that does all of it in one process, in one batch."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re

import pandas as pd
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build import clean, history
from incremental_build.clean import CLEAN_TABLES, update_clean
from pipelines import claims
from pipelines.storage import DataTree, read_table
from sandbox.world import World
from tests.history_items import later_history


@pytest.fixture(scope="module")
def items():
    items = list(World(11, 8).expected_items())
    return items + later_history(items, random.Random(3)) + _refigured_cases(items)


def _refigured_cases(items: list) -> list:
    """A few case pages fetched again five days later with their first figure rewritten."""
    cases = [i for i in items if i.kind == "case_page" and re.search(r"\d", i.text or "")]
    out = []
    for item in cases[:3]:
        text = re.sub(r"\d+", lambda m: str(int(m.group(0)) * 2 + 1), item.text, count=1)
        later = (dt.datetime.fromisoformat(item.fetched_at) + dt.timedelta(days=5)).isoformat()
        out.append(dataclasses.replace(item, fetched_at=later, text=text))
    return out


def _never_here(*args, **kwargs):
    raise AssertionError("read in the build's own process, not by the text workers")


def test_claims_and_case_figures_are_read_on_the_workers_and_equal_a_one_process_build(
    tmp_path, items, monkeypatch
):
    here, workers = DataTree(tmp_path / "here"), DataTree(tmp_path / "workers")
    for tree in (here, workers):
        write_raw(tree, "one", items)
    update_clean(here, workers=1)

    # Many small batches on two spawned workers (they import the real functions); in this process the
    # claim extractor and the case figures fail loudly if anything still calls them.
    monkeypatch.setattr(clean, "BATCH", 60)
    monkeypatch.setattr(claims, "extract", _never_here)
    monkeypatch.setattr(history, "case_figures", _never_here)
    counts = update_clean(workers, workers=2)
    assert counts["new_documents"] > 3 * 60, "too few documents for several batches"

    changes = read_table(workers, "clean/changes").to_pandas()
    assert (changes["change"] == "figures_changed").any(), "no case page changed its figures: proves nothing"
    for name in CLEAN_TABLES:
        a, b = read_table(here, name).to_pandas(), read_table(workers, name).to_pandas()
        assert len(a), f"{name} is empty: the comparison would prove nothing"
        pd.testing.assert_frame_equal(a, b, obj=name)
