"""Politeness is shared, not multiplied: two frontier workers crawling one site with the profile's
delay send, together, what one worker would (spiders/frontier.py's shared pace in Redis), and the
daily request cap is one count for all of them (spiders/quota.py), as the sandbox's access log shows."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from spiders import frontier
from tests.redis_fixture import start_redis
from tests.sandbox_fixture import REPO, _env, config_with, logged_sandbox, spider_cmd, watch_world

pytestmark = pytest.mark.slow

DELAY_S = 0.2
SOURCE = "market"


def _polite_worker(data, config, url: str, redis_url: str, worker: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "spiders.run", SOURCE, "--data", str(data), "--config", str(config)]
    cmd += ["--profile", "sandbox", "--base-url", url, "--frontier", redis_url, "--worker", worker]
    cmd += ["--run-id", f"pace-{worker}", "--stats-out", str(data / f"stats-{worker}.json")]
    return subprocess.Popen(
        cmd, cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_polite_workers_keep_one_workers_pace_on_the_site(tmp_path):
    config = config_with(tmp_path, SOURCE, f"delay = {DELAY_S}")
    with (
        start_redis(tmp_path) as redis_url,
        logged_sandbox(tmp_path, 20261207, 12, faults=0.0) as sb,
    ):
        assert frontier.prepare(redis_url, SOURCE) == "fresh"
        procs = [_polite_worker(tmp_path, config, sb.url, redis_url, w) for w in ("w1", "w2")]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
    stats = [json.loads((tmp_path / f"stats-{w}.json").read_text()) for w in ("w1", "w2")]
    # Only the time both workers were crawling says anything about sharing (on a loaded machine the
    # second can start seconds after the first). robots.txt is each worker's own, before any pace.
    both_from = max(dt.datetime.fromisoformat(s["start_time"]) for s in stats)
    both_until = min(dt.datetime.fromisoformat(s["finish_time"]) for s in stats)
    times = sorted(
        t
        for line in sb.access_log.read_text(encoding="utf-8").splitlines()
        if " /robots.txt " not in line
        and both_from <= (t := dt.datetime.fromisoformat(line.split(" ")[0])) <= both_until
    )
    pages = [s["pages"] for s in stats]
    assert len(times) >= 20, f"the workers crawled together for {len(times)} pages only ({pages} each)"
    # One worker alone keeps `delay` on average between requests (each gap is delay × U(0.5, 1.5));
    # two workers each keeping it for themselves would halve it. The log stamps answers, not
    # requests (a slow answer can land next to the following one), so the mean is what is checked.
    mean_gap = (times[-1] - times[0]).total_seconds() / (len(times) - 1)
    assert mean_gap >= 0.8 * DELAY_S, (mean_gap, len(times), pages)


def test_a_worker_on_another_host_gets_no_more_of_the_days_cap_than_what_is_left(tmp_path):
    """w1 spends the registry's cap of 30 and stops with requests still queued; w2 joins from another
    host (its own data tree: no quota file of w1's) and sends nothing: the count is in Redis."""
    cap, seed, n_providers = 30, 20261206, 12  # 24 searches, then up to 12 company pages
    config = config_with(tmp_path, "registry", f"daily_requests = {cap}")
    with start_redis(tmp_path) as redis_url, logged_sandbox(tmp_path, seed, n_providers, faults=0.0) as sb:
        assert frontier.prepare(redis_url, "registry") == "fresh"
        done = {}
        for worker in ("w1", "w2"):
            data = tmp_path / worker
            watch_world(data, seed, n_providers)
            cmd = spider_cmd("registry", data, sb.url, "--frontier", redis_url, "--worker", worker)
            cmd[cmd.index("--config") + 1] = str(config)
            done[worker] = subprocess.run(
                cmd, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=180
            )
        left = frontier.Frontier(frontier.connect(redis_url), "registry").pending()
    for worker, proc in done.items():
        assert proc.returncode == 4 and "daily request cap reached" in proc.stderr, (worker, proc.stderr)
    assert left > 0, "the cap did not cut the crawl short: the test proves nothing"
    asked = [ln for ln in sb.access_log.read_text(encoding="utf-8").splitlines() if " /registry/" in ln]
    assert len([ln for ln in asked if "/robots.txt" not in ln]) == cap
