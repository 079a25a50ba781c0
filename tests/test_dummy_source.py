"""A seventh source added in page object + crawler + profile entry + fixture + sandbox site: it
crawls and builds like the six (a proof for issue 15; removed again after)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.storage import DataTree
from tests.sandbox_fixture import crawl, raw_records, watch_world

pytestmark = pytest.mark.slow

SEED, N = 20261122, 8


def test_a_new_source_crawls_and_builds(tmp_path):
    from sandbox.server import start
    from sandbox.world import World

    world = World(SEED, N)
    want = {a.id for q in range(world.n_questions()) for a in world.question(q).answers}
    data = tmp_path / "data"
    watch_world(data, SEED, N)
    with start(SEED, n_providers=N, port=0) as sb:
        results = crawl(data, sb.url, sources=("boards", "market"))
    assert results["boards"][0] == 0, results["boards"][1][-2000:]
    got = {r["native_id"] for r in raw_records(data, "boards")}
    assert got == want
    tree = DataTree(data)
    update_clean(tree)
    build_marts(tree, now=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    docs = pd.read_parquet(data / "clean" / "documents.parquet")
    posts = docs[docs["kind"] == "board_post"]
    assert len(posts) == len(want) and posts["provider_id"].notna().mean() > 0.5
    rep = pd.read_parquet(data / "marts" / "provider_reputation.parquet")
    assert rep["n_answers"].sum() == posts["provider_id"].notna().sum()
    assert "boards" in {s for row in rep["sources"] for s in row}
