"""A search-only source on a shared frontier: the workers that did not seed parse search hits too,
so what they need must not be set up in `start()` (which only the seeding worker runs). The forum's
question set was, and every search hit a non-seeding worker took raised AttributeError: its question
was never read. Three workers must collect what one process does, with no spider error."""

from __future__ import annotations

import pytest

from flows.crawl import run_spider
from pipelines.storage import DataTree
from sandbox.server import start
from tests.redis_fixture import start_redis
from tests.sandbox_fixture import CONFIG, raw_ids, watch_world

pytestmark = pytest.mark.slow

SEED = 20261208
N_PROVIDERS = 30


def _crawl(data, url: str, frontier: str | None, workers: int):
    watch_world(data, SEED, N_PROVIDERS)
    options = {"config": str(CONFIG), "profile": "sandbox", "base_url": url, "polite": False}
    return run_spider(
        "forum", tree=DataTree(data), run_id="search", frontier=frontier, workers=workers, **options
    )


def test_three_workers_search_the_forum_as_one_process_does(tmp_path):
    with start_redis(tmp_path) as redis_url, start(SEED, n_providers=N_PROVIDERS, port=0) as sb:
        alone = _crawl(tmp_path / "one", sb.url, None, 1)
        shared = _crawl(tmp_path / "two", sb.url, redis_url, 3)
    assert alone.ok and shared.ok, (alone.message, shared.message)
    errors = {k: v for k, v in shared.stats.items() if k.startswith("spider_exceptions/")}
    assert errors == {}
    want = set(raw_ids(tmp_path / "one", "forum"))
    assert want and set(raw_ids(tmp_path / "two", "forum")) == want
