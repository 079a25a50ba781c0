"""Crawls of a whole sandbox world, the way the flows run them: one `python -m spiders.run`
subprocess per source, in the flow's two waves (the listing sources at once, then the search-only
ones at once), politeness off, faults on."""

from __future__ import annotations

import collections
import os
import signal
import subprocess

import pytest

from pipelines.contracts import ITEM_TYPES, SOURCES, to_record
from pipelines.storage import DataTree
from tests.sandbox_fixture import (
    REPO,
    crawl,
    disallowed_requests,
    raw_ids,
    raw_records,
    start_spider,
    wait_for,
)

pytestmark = pytest.mark.slow

SEED = 20261122  # not the default seed
N_PROVIDERS = 30


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    from sandbox.server import start

    log = tmp_path_factory.mktemp("sandbox") / "access.log"
    with start(SEED, n_providers=N_PROVIDERS, faults=0.05, port=0, access_log=str(log)) as handle:
        handle.access_log = log
        yield handle


@pytest.fixture(scope="module")
def world():
    from sandbox.world import World

    return World(SEED, N_PROVIDERS)


@pytest.fixture(scope="module")
def expected_ids(world) -> dict[str, set[str]]:
    by_kind: dict[str, set[str]] = collections.defaultdict(set)
    for item in world.expected_items():
        by_kind[item.kind].add(item.item_id)
    return by_kind


@pytest.fixture(scope="module")
def full_crawl(sandbox, tmp_path_factory):
    data = tmp_path_factory.mktemp("full")
    results = crawl(data, sandbox.url)
    return data, results


def test_full_crawl_collects_every_kind_without_duplicates_or_disallowed_paths(
    full_crawl, expected_ids, sandbox
):
    data, results = full_crawl
    for source, (code, err, stats) in results.items():
        assert code == 0, f"{source}: {err}"
        assert stats["raw_written"] > 0 and stats["finish_reason"] == "finished"
    counts = raw_ids(data)
    assert not [i for i, n in counts.items() if n > 1], "an item was written to raw twice"
    got_by_kind: dict[str, set[str]] = collections.defaultdict(set)
    for rec in raw_records(data):
        got_by_kind[rec["kind"]].add(f"{rec['source']}:{rec['native_id']}")
    for kind, want in expected_ids.items():
        share = len(want & got_by_kind[kind]) / len(want)
        assert share >= 0.99, f"{kind}: {share:.1%} of {len(want)} collected"
    assert disallowed_requests(sandbox.access_log) == []
    # No listing of questions, articles or companies exists (none does on the real sites): the
    # search-only sources found everything by searching the names the listing sources found first.
    asked = [ln.split(" ")[2] for ln in sandbox.access_log.read_text(encoding="utf-8").splitlines()]
    removed = ("/forum/questions", "/articles/list", "/registry/companies")
    assert not [p for p in asked if p.startswith(removed)]
    for source in ("forum", "articles", "registry"):
        known = results[source][2]["kaopu/discovery/known"]
        assert known >= N_PROVIDERS, f"{source} searched only {known} names from the data tree"
    # Faults were on: 429/503 answers were waited out as Retry-After asked, cut bodies retried,
    # and no page was given up on.
    totals = collections.Counter()
    for _, _, stats in results.values():
        totals.update({k: v for k, v in stats.items() if isinstance(v, int)})
    assert totals["kaopu/retry_after/waits"] > 0 and totals["retry/count"] > 0
    assert totals["retry/max_reached"] == 0 and totals["kaopu/errors/download"] == 0


def test_recrawl_right_away_writes_nothing_new(full_crawl, sandbox):
    data, _ = full_crawl
    before = sum(raw_ids(data).values())
    results = crawl(data, sandbox.url)
    for source, (code, err, stats) in results.items():
        assert code == 0, f"{source}: {err}"
        assert stats["raw_written"] == 0, source
    assert sum(raw_ids(data).values()) == before


def test_crawl_killed_with_sigkill_and_resumed_ends_with_the_same_items(full_crawl, sandbox, tmp_path):
    full_data, _ = full_crawl
    source = "market"  # the biggest source: plenty of time to be killed halfway
    proc = start_spider(source, tmp_path, sandbox.url)
    try:
        wait_for(
            lambda: sum(raw_ids(tmp_path, source).values()) >= 50 or proc.poll() is not None, timeout=120
        )
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the crawl finished before it could be killed"
    partial = raw_ids(tmp_path, source)
    assert partial
    code, err, stats = crawl(tmp_path, sandbox.url, sources=[source])[source]
    assert code == 0, err
    assert stats["kaopu/jobdir/state"] == "discarded"  # the killed run's queue was not trusted
    resumed = raw_ids(tmp_path, source)
    assert max(resumed.values()) == 1, "the resumed crawl rewrote items the killed one had written"
    assert set(resumed) == set(raw_ids(full_data, source))


def _owner(item) -> str | None:
    """Whose document a structured item is: the provider name it carries."""
    for attr in type(item).names_provider:
        if getattr(item, attr, None):
            return getattr(item, attr)
    return None


def test_targeted_crawl_returns_that_providers_documents_only(sandbox, world, tmp_path):
    from pipelines.text import to_simplified

    me = next(
        p
        for p in world.providers()
        if world.complaints(p.index) and p.n_cases and world.articles_mentioning(p.index)
    )
    mine = {me.legal_name, me.brand}
    my_names = [me.brand, me.legal_name, *me.aliases]
    aliases = ", ".join(f'"{a}"' for a in me.aliases)
    (tmp_path / "providers.toml").write_text(
        f'[[provider]]\nname = "{me.brand}"\nlegal_name = "{me.legal_name}"\naliases = [{aliases}]\n',
        encoding="utf-8",
    )

    def about_me(rec: dict) -> bool:
        if not ITEM_TYPES[rec["kind"]].names_provider:  # free text: it names the provider
            text = to_simplified((rec.get("title") or "") + rec["text"]).casefold()
            return any(n.casefold() in text for n in my_names)
        owner = rec.get("provider_name") or rec.get("target") or rec.get("legal_name")
        return owner in mine

    want = {item.item_id for item in world.expected_items() if about_me(to_record(item))}
    want_sources = {i.split(":")[0] for i in want}
    assert want_sources == set(SOURCES)

    results = crawl(tmp_path, sandbox.url, "--provider", me.brand)
    for source, (code, err, _) in results.items():
        assert code == 0, f"{source}: {err}"
    got = raw_records(tmp_path)
    strangers = [r for r in got if not about_me(r)]
    assert strangers == [], f"{len(strangers)} documents of other providers, e.g. {strangers[:1]}"
    got_ids = {f"{r['source']}:{r['native_id']}" for r in got}
    assert len(want & got_ids) >= 0.99 * len(want), sorted(want - got_ids)[:10]

    # Asked again: nothing new to write, but the provider is still known there (exit 0, not 3).
    again = crawl(tmp_path, sandbox.url, "--provider", me.brand, sources=["cases", "registry"])
    for source, (code, err, stats) in again.items():
        assert (code, stats.get("raw_written")) == (0, 0), f"{source}: {err}"


def test_unknown_provider_exits_3_and_writes_nothing(sandbox, tmp_path):
    # Two sources, two kinds of search (an HTML keyword list, a JSON company search): each process
    # costs seconds of start-up on a small machine, and the exit path is the same for all six.
    results = crawl(
        tmp_path, sandbox.url, "--provider", "完全不存在的服务商XYZ", sources=["market", "complaints"]
    )
    for source, (code, err, _) in results.items():
        assert code == 3, f"{source}: {code} {err}"
        assert err.strip() == f"no documents for '完全不存在的服务商XYZ' at {source}"
    tree = DataTree(tmp_path)
    assert tree.raw_files() == []
    assert not (tmp_path / "quarantine").exists() or not any((tmp_path / "quarantine").iterdir())


def test_since_skips_older_items(sandbox, tmp_path):
    from pipelines.dates import parse_date

    code, err, stats = crawl(tmp_path, sandbox.url, "--since", "2025-01-01", sources=["forum"])["forum"]
    assert code == 0, err
    got = raw_records(tmp_path, "forum")
    assert got and stats["kaopu/since/skipped"] > 0
    assert min(parse_date(r["created_at"]) for r in got).year >= 2025


def test_cookies_from_the_environment_are_never_logged(sandbox, tmp_path):
    from tests.sandbox_fixture import CONFIG, spider_cmd

    config = tmp_path / "kaopu.toml"
    config.write_text(
        CONFIG.read_text(encoding="utf-8").replace(
            "[profiles.sandbox.sources.registry]\n",
            '[profiles.sandbox.sources.registry]\ncookie_env = "KAOPU_TEST_COOKIE"\n',
        ),
        encoding="utf-8",
    )
    cmd = spider_cmd("registry", tmp_path, sandbox.url)
    cmd[cmd.index("--config") + 1] = str(config)
    env = dict(os.environ, KAOPU_TEST_COOKIE="SUB=very-secret-session-token; other=1")
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
    assert "very-secret-session-token" not in logs and "SUB=" not in logs
    assert "very-secret-session-token" not in (tmp_path / "stats-registry.json").read_text(encoding="utf-8")


def test_pages_over_the_size_cap_are_not_fetched_and_are_reported(sandbox, tmp_path):
    import json

    from tests.sandbox_fixture import CONFIG, spider_cmd

    # The smallest cap the config takes (1 KiB): the article pages fit, their comment lists do not.
    config = tmp_path / "kaopu.toml"
    text = CONFIG.read_text(encoding="utf-8")
    assert "download_maxsize = 5000000" in text
    config.write_text(text.replace("download_maxsize = 5000000", "download_maxsize = 1024"), encoding="utf-8")
    cmd = spider_cmd("articles", tmp_path, sandbox.url)
    cmd[cmd.index("--config") + 1] = str(config)
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    stats = json.loads((tmp_path / "stats-articles.json").read_text(encoding="utf-8"))
    assert stats["oversize"] > 0 and stats["errors"] >= stats["oversize"]
    assert stats["response_received_count"] < stats.get("downloader/request_count", 0)
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
    assert "larger than download_maxsize (1024 bytes)" in logs


def test_the_http_cache_keeps_pages_but_never_a_429_or_503(sandbox, tmp_path):
    import ast
    import json

    from tests.sandbox_fixture import CONFIG, spider_cmd

    # Scrapy's cache stores every status unless told otherwise: a cached 503 would be replayed as the
    # page on every later crawl. The sandbox serves 429s and 503s at a 5% fault rate.
    config = tmp_path / "kaopu.toml"
    text = CONFIG.read_text(encoding="utf-8")
    cached = text.replace("[profiles.sandbox]\n", "[profiles.sandbox]\nhttp_cache = true\n", 1)
    config.write_text(cached, encoding="utf-8")
    cmd = spider_cmd("market", tmp_path, sandbox.url)
    cmd[cmd.index("--config") + 1] = str(config)
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    stats = json.loads((tmp_path / "stats-market.json").read_text(encoding="utf-8"))
    served_errors = sum(stats.get(f"downloader/response_status_count/{c}", 0) for c in (429, 503))
    assert served_errors > 0, "the crawl must meet a throttled or unavailable page for this to mean anything"
    metas = list((tmp_path / "state" / "httpcache").rglob("meta"))
    statuses = [ast.literal_eval(p.read_text(encoding="utf-8"))["status"] for p in metas]
    assert statuses.count(200) > 10
    assert not {429, 503} & set(statuses)
