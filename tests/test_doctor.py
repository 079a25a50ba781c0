"""`kaopu doctor` against the sandbox: one probe per source (plus one robots.txt per host), and each
answer — reachable, login wall, expired cookie, block — told with what to do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli.doctor import check_profile
from pipelines.config import load_config
from pipelines.contracts import SOURCES
from tests.sandbox_fixture import CONFIG, REPO, config_with

SEED = 20261207


def _requests(log) -> list[str]:
    return [line.split(" ")[2] for line in log.read_text(encoding="utf-8").splitlines()]


def _live_like_config(tmp_path):
    """The sandbox profile with cookie variables for complaints and forum, as the live one has."""
    for source in ("complaints", "forum"):
        path = config_with(tmp_path, source, f'cookie_env = "KAOPU_TEST_DOCTOR_{source.upper()}"')
    return path


@pytest.fixture
def clean_env(monkeypatch):
    for var in [v for v in os.environ if v.startswith("KAOPU_")]:
        monkeypatch.delenv(var)


def test_doctor_makes_one_request_per_source_and_reports_every_source_ok(tmp_path, clean_env):
    from sandbox.server import start

    log = tmp_path / "access.log"
    with start(SEED, 5, access_log=log) as sb:
        profile = load_config(CONFIG, profile="sandbox", base_url=sb.url).profile()
        checks = check_profile(profile)
    assert {c.source: c.status for c in checks} == dict.fromkeys(SOURCES, "ok")
    asked = _requests(log)
    assert asked.count("/robots.txt") == 1  # one host: read once, obeyed for every probe
    probes = [p for p in asked if p != "/robots.txt"]
    assert sorted(p.split("/")[1] for p in probes) == sorted(SOURCES)
    assert sum(c.requests for c in checks) == len(probes)


def test_doctor_tells_a_missing_cookie_from_an_expired_one_and_a_good_one(tmp_path, clean_env, monkeypatch):
    from sandbox.server import start

    config = _live_like_config(tmp_path)
    with start(SEED, 5) as sb:
        profile = load_config(config, profile="sandbox", base_url=sb.url).profile()
        missing = {c.source: c for c in check_profile(profile)}
        monkeypatch.setenv("KAOPU_TEST_DOCTOR_FORUM", "z_c0=a-session; d_c0=x")
        logged_in = {c.source: c for c in check_profile(profile)}
    assert missing["forum"].status == "login_required"
    assert "KAOPU_TEST_DOCTOR_FORUM" in missing["forum"].todo
    assert logged_in["forum"].status == "ok" and "logged in" in logged_in["forum"].detail
    with start(SEED, 5, blocks={"/complaints": ("cookie_expired", 0)}) as sb:
        monkeypatch.setenv("KAOPU_TEST_DOCTOR_COMPLAINTS", "SUB=an-old-session")
        profile = load_config(config, profile="sandbox", base_url=sb.url).profile()
        expired = {c.source: c for c in check_profile(profile)}
    assert expired["complaints"].status == "cookie_expired"
    assert "refresh KAOPU_TEST_DOCTOR_COMPLAINTS" in expired["complaints"].todo


def test_doctor_reports_blocks_unsupported_sources_and_robots_without_asking_more(tmp_path, clean_env):
    from sandbox.server import start

    config = config_with(tmp_path, "forum", 'unsupported = "needs a signer"', "enabled = false")
    log = tmp_path / "access.log"
    with start(SEED, 5, access_log=log, blocks={"/registry": ("captcha", 0)}) as sb:
        profile = load_config(config, profile="sandbox", base_url=sb.url).profile()
        checks = {c.source: c for c in check_profile(profile)}
    assert checks["forum"].status == "unsupported" and checks["forum"].requests == 0
    assert checks["registry"].status == "captcha"
    assert not [p for p in _requests(log) if p.startswith("/forum")]


def test_kaopu_doctor_prints_a_table_and_exits_nonzero_when_a_source_needs_work(tmp_path, clean_env):
    from sandbox.server import start

    with start(SEED, 5, blocks={"/market": ("blocked", 0)}) as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
        env["KAOPU_SANDBOX_URL"] = sb.url
        proc = subprocess.run(
            [sys.executable, "-m", "cli.app", "--config", str(CONFIG), "--data", str(tmp_path), "doctor"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1, proc.stderr
    assert "market" in proc.stdout and "blocked" in proc.stdout and "wait a day" in proc.stdout
