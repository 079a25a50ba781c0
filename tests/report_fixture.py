"""A small sandbox world built into marts, plus one hostile provider on the watch list: shared by the
report tests (the static ones and the browser one)."""

from __future__ import annotations

import datetime as dt

from evaluation.sandbox_eval import load_world_into_raw
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.storage import DataTree
from sandbox.world import DEFAULT_SEED, World

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
HOSTILE_NAME = '<script>alert("x")</script>../../逃逸'
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>"
# A watched provider with a traditional-script alias and no evidence at all (nothing is crawled for it).
QUIET_NAME = "静湖电商"
QUIET_ALIAS_TRADITIONAL = "靜湖網絡"


def build_tree(root) -> DataTree:
    tree = DataTree(root)
    load_world_into_raw(World(DEFAULT_SEED, 12), tree, "fast")
    watch = [
        {"name": HOSTILE_NAME, "aliases": [HOSTILE_ALIAS]},
        {"name": QUIET_NAME, "aliases": [QUIET_ALIAS_TRADITIONAL, "静湖"]},
    ]
    update_clean(tree, watchlist=watch)
    build_marts(tree, watchlist=watch, now=NOW)
    return tree
