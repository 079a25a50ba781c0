"""`python -m spiders.run`'s promises to the flows: exit codes and one clear line on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.sandbox_fixture import CONFIG, REPO


def _run(*args: str, tmp_path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "spiders.run", *args, "--data", str(tmp_path), "--config", str(CONFIG)]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["market", "--profile", "nope"], "--profile 'nope': expected one of live, sandbox"),
        (["weather"], "source: expected one of market, complaints, forum, articles, registry, cases"),
        (["forum", "--since", "yesterday"], "--since: expected YYYY-MM-DD, got 'yesterday'"),
    ],
)
def test_config_errors_exit_2_with_one_line(args, says, tmp_path):
    proc = _run(*args, tmp_path=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and says in proc.stderr
    assert not (tmp_path / "raw").exists()


def test_unreachable_site_exits_1_with_one_line_and_the_log_has_the_details(tmp_path):
    proc = _run("registry", "--base-url", "http://127.0.0.1:9", "--no-politeness", tmp_path=tmp_path)
    assert proc.returncode == 1
    line = proc.stderr.strip()
    assert len(line.splitlines()) == 1 and "nothing could be fetched" in line
    logs = list((tmp_path / "logs").glob("*-registry.log"))
    assert logs and "Connection refused" in logs[0].read_text(encoding="utf-8")


def test_a_run_after_a_killed_one_records_the_lines_it_left_and_crawls(tmp_path):
    """A run killed between writing a raw line and recording its id leaves a line the crawl state does
    not know; the next run reads it back (CrawlState.reconcile) as its spider is created — before
    Scrapy 2.19 has made the crawl's stats, so counting it there failed the whole run at start (seen
    as a frontier worker that survived a killed one exiting 1 with 'Crawler.stats is not set yet')."""
    from pipelines.contracts import MarketReview, to_record
    from pipelines.storage import DataTree, RawWriter
    from sandbox.server import start
    from spiders.crawl_state import CrawlState

    tree = DataTree(tmp_path)
    state = CrawlState(tree.crawl_state_dir("market"))
    raw = tree.raw_file("market", "killed-run")
    state.begin_run("killed-run", raw)
    with RawWriter(raw) as writer:
        writer.write(
            to_record(MarketReview(native_id="x1", source_url="http://x/", fetched_at="t", text="好"))
        )
    state.close()
    stats = tmp_path / "stats.json"
    with start(20261206, n_providers=2) as sandbox:
        proc = _run(
            "market",
            "--profile",
            "sandbox",
            "--base-url",
            sandbox.url,
            "--no-politeness",
            "--stats-out",
            str(stats),
            tmp_path=tmp_path,
        )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(stats.read_text())["kaopu/state/recovered_ids"] == 1
    state = CrawlState(tree.crawl_state_dir("market"))
    assert state.seen("market:x1")
    state.close()
