"""`python -m spiders.run`'s promises to the flows: exit codes and one clear line on stderr."""

from __future__ import annotations

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
