"""Blocks are a result: a crawl that meets a site's block, captcha or login wall stops that source
after `block_limit` such pages, keeps what it crawled, and says why on one line (exit code 4)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.sandbox_fixture import REPO, config_with, raw_ids, spider_cmd, watch_world

pytestmark = pytest.mark.slow

SEED = 20261206
N_PROVIDERS = 12


def _requests_under(log, prefix: str) -> list[tuple[str, int]]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if parts[2].startswith(prefix):
            out.append((parts[2], int(parts[3])))
    return out


def _crawl_blocked(tmp_path, source: str, prefix: str, kind: str, good: int, *, cookie: str | None = None):
    from sandbox.server import start

    var = f"KAOPU_TEST_COOKIE_{source.upper()}"
    config = config_with(tmp_path, source, f'cookie_env = "{var}"')
    watch_world(tmp_path, SEED, N_PROVIDERS)  # what the search-only sources search for
    log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    if cookie:
        env[var] = cookie
    with start(SEED, N_PROVIDERS, port=0, access_log=log, blocks={prefix: (kind, good)}) as sb:
        cmd = spider_cmd(source, tmp_path, sb.url)
        cmd[cmd.index("--config") + 1] = str(config)
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    return proc, var, log


@pytest.mark.parametrize(
    ("source", "prefix", "kind", "good", "said"),
    [
        ("complaints", "/complaints", "login_required", 25, "login required (set {var})"),
        # registry: 24 searches (12 watched providers, two names each) come before company pages.
        ("registry", "/registry", "blocked", 30, "blocked (the site refused us)"),
        ("market", "/market", "captcha", 10, "captcha (solve it"),
        # forum: 27 searches (watched names and generic terms) before the questions they lead to.
        ("forum", "/forum", "login_required", 40, "login required (set {var})"),
        # articles: 26 searches (watched names and generic terms) before the articles they find.
        ("articles", "/articles", "rate_limited", 30, "rate limited"),
    ],
)
def test_a_blocked_source_stops_keeps_its_items_and_says_why(tmp_path, source, prefix, kind, good, said):
    """`good` requests are served before the block starts (each source's world is bigger)."""
    proc, var, log = _crawl_blocked(tmp_path, source, prefix, kind, good)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 4, proc.stderr
    assert len(lines) == 1 and lines[0].startswith(f"{source}: stopped — " + said.format(var=var)), lines
    # What was crawled before the block is kept in raw.
    assert sum(raw_ids(tmp_path, source).values()) > 0
    # The crawl stopped: after the block began it asked only a handful more pages (the breaker's
    # three, plus what was already in flight), not the rest of the world.
    seen = _requests_under(log, prefix)
    assert len(seen) - good <= 3 + 32, len(seen)
    stats_text = (tmp_path / f"stats-{source}.json").read_text(encoding="utf-8")
    assert f'"stopped_by": "{kind}"' in stats_text


def test_a_login_wall_met_with_a_cookie_says_the_cookie_expired(tmp_path):
    proc, var, _ = _crawl_blocked(
        tmp_path, "complaints", "/complaints", "cookie_expired", 25, cookie="SUB=an-old-session"
    )
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.strip() == (f"complaints: stopped — cookie expired (log in again and refresh {var})")


def test_the_daily_request_cap_stops_a_source_and_a_second_run_that_day_asks_nothing(tmp_path):
    from sandbox.server import start

    # 24 searches (12 watched providers, two names each), then up to 12 company pages: 30 cuts it short.
    config = config_with(tmp_path, "registry", "daily_requests = 30")
    watch_world(tmp_path, SEED, N_PROVIDERS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    log = tmp_path / "access.log"
    with start(SEED, N_PROVIDERS, port=0, access_log=log) as sb:
        cmd = spider_cmd("registry", tmp_path, sb.url)
        cmd[cmd.index("--config") + 1] = str(config)
        first = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
        second = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert first.returncode == 4, first.stderr
    assert first.stderr.strip().startswith("registry: stopped — daily request cap reached (30 requests today")
    assert 0 < sum(raw_ids(tmp_path, "registry").values()) < N_PROVIDERS
    asked = [p for p, _ in _requests_under(log, "/registry")]
    assert len(asked) == 30  # the cap, over both runs: the second run asked nothing
    assert second.returncode == 4, second.stderr


def test_the_live_forum_says_it_is_unsupported_instead_of_crawling_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    cmd = [sys.executable, "-m", "spiders.run", "forum", "--profile", "live", "--data", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("forum: unsupported: needs a 知乎 x-zse-96 signer")


def test_the_http_cache_never_keeps_a_block_page(tmp_path):
    from sandbox.server import start

    config = config_with(tmp_path, "market")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[profiles.sandbox]\n", "[profiles.sandbox]\nhttp_cache = true\n", 1))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    with start(SEED, N_PROVIDERS, port=0, blocks={"/market": ("captcha", 10)}) as sb:
        cmd = spider_cmd("market", tmp_path, sb.url)
        cmd[cmd.index("--config") + 1] = str(config)
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 4, proc.stderr
    bodies = [p.read_bytes() for p in (tmp_path / "state" / "httpcache").rglob("response_body")]
    assert bodies, "the pages before the captcha are cached"
    assert not [b for b in bodies if b"geetest" in b]


def test_the_run_after_a_block_collects_what_the_stopped_one_missed(tmp_path):
    from sandbox.server import start
    from sandbox.world import World

    proc, _var, _log = _crawl_blocked(tmp_path, "complaints", "/complaints", "captcha", 25)
    assert proc.returncode == 4, proc.stderr
    first = set(raw_ids(tmp_path, "complaints"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    with start(SEED, N_PROVIDERS, port=0) as sb:
        cmd = spider_cmd("complaints", tmp_path, sb.url)
        cmd[cmd.index("--config") + 1] = str(tmp_path / "kaopu.toml")
        again = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    want = {
        i.item_id for i in World(SEED, N_PROVIDERS).expected_items() if i.item_id.startswith("complaints:")
    }
    got = raw_ids(tmp_path, "complaints")
    assert first < set(got) and set(got) == want
    assert max(got.values()) == 1  # nothing written twice
