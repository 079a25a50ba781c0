"""The flows as users meet them: real Prefect flow runs, and the `kaopu` command line against a sandbox.

Flows run under the session's one `prefect_test_harness` (tests/conftest.py); CLI subprocesses are
pointed at the same server through PREFECT_API_URL so each does not start its own. `kaopu serve` is
tested both ways: against the session's server (a scheduled run completes), and the way a user without a
Prefect server meets it, starting one of its own (which must not outlive it); tests/test_cli_signals.py
stops both kinds.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from pipelines.storage import DataTree, read_jsonl_gz
from sandbox.server import start
from sandbox.world import World
from tests.sandbox_fixture import watch_world

REPO = Path(__file__).resolve().parents[1]
SEED = 41  # not the demo's default world
N_PROVIDERS = 8


@pytest.fixture(scope="module")
def sandbox():
    with start(SEED, n_providers=N_PROVIDERS, port=0) as sb:
        yield sb


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _kaopu_env(sandbox_url: str, api: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    env["KAOPU_SANDBOX_URL"] = sandbox_url
    env.pop("PREFECT_HOME", None)  # each data tree keeps its own
    if api:
        env["PREFECT_API_URL"] = api
    else:
        env.pop("PREFECT_API_URL", None)
    env["COLUMNS"] = "200"
    return env


def _kaopu(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.app", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _empty_watchlist(data: Path) -> None:
    """The shipped example watch list names providers of another world; these tests watch none."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "providers.toml").write_text("# no providers watched\n", encoding="utf-8")


def _mart_content(tree: DataTree, name: str) -> pd.DataFrame:
    df = pd.read_parquet(tree.table_path(name))
    return df.drop(columns=["built_at"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Flows under Prefect
# ---------------------------------------------------------------------------------------------


def test_build_flow_turns_raw_into_marts_and_is_idempotent(prefect_api, tmp_path):
    from evaluation.sandbox_eval import load_world_into_raw
    from flows import flows as kflows

    tree = DataTree(tmp_path / "data")
    _empty_watchlist(tree.root)
    world = World(SEED, n_providers=N_PROVIDERS)
    load_world_into_raw(world, tree, "run-world")

    result = kflows.build(str(tree.root))
    assert result["marts"]

    rep = pd.read_parquet(tree.table_path("marts/provider_reputation"))
    assert len(rep) == N_PROVIDERS
    assert rep["reputation_score"].between(0, 100).all()
    assert set(rep["legal_name"]) == {p["legal_name"] for p in world.truth()["providers"]}
    checks = pd.read_parquet(tree.table_path("marts/claim_checks"))
    # Case checks come from case pages only, and (nearly) every page gets one; a page read as several
    # claims (the headline plus side figures such as the agency's own scale) gives several rows.
    # Promises read from complaints get a verdict too (kept or broken); the truth is about cases.
    cases = checks[checks["kind"] == "success_case"]
    paths = {u.removeprefix("http://sandbox") for u in cases["source_url"]}
    assert set(checks["kind"]) <= {"success_case", "promise"}
    truth_paths = set(world.truth()["claims"])
    assert paths <= truth_paths and len(paths) >= 0.9 * len(truth_paths)

    first = {name: _mart_content(tree, name) for name in ("marts/provider_reputation", "marts/claim_checks")}
    kflows.build(str(tree.root))  # nothing new in raw: same tables
    for name, df in first.items():
        pd.testing.assert_frame_equal(_mart_content(tree, name), df)
    # `kaopu build --full`: every raw file re-cleaned, every provider recomputed, the same tables.
    again = kflows.build(str(tree.root), full=True)
    in_raw = sum(1 for path in tree.raw_files() for _ in read_jsonl_gz(path))
    assert again["clean"]["full"] and again["clean"]["records"] == in_raw
    assert again["marts"]["recomputed_providers"] >= N_PROVIDERS
    for name, df in first.items():
        pd.testing.assert_frame_equal(_mart_content(tree, name), df)


def test_run_flow_reports_a_failing_source_and_builds_the_others(prefect_api, sandbox, tmp_path):
    from flows import flows as kflows

    # A port that is bound but never listens: every connection to it is refused.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    try:
        config = (
            (REPO / "kaopu.toml")
            .read_text(encoding="utf-8")
            .replace('base_url = "{base}/cases"', f'base_url = "http://127.0.0.1:{dead_port}/cases"')
        )
        cfg = tmp_path / "kaopu.toml"
        cfg.write_text(config, encoding="utf-8")
        tree = DataTree(tmp_path / "data")
        # The registry can only be searched and no listing source runs first: the watch list says whom.
        watch_world(tree.root, SEED, N_PROVIDERS)
        summary = kflows.run(
            str(tree.root),
            sources=["registry", "cases"],
            config=str(cfg),
            profile="sandbox",
            base_url=sandbox.url,
            polite=False,
        )
    finally:
        dead.close()

    assert summary["failed_sources"] == ["cases"]
    by_source = {r["source"]: r for r in summary["crawl"]}
    assert by_source["registry"]["exit_code"] == 0 and by_source["registry"]["raw_written"] == N_PROVIDERS
    assert by_source["cases"]["message"]
    registry = pd.read_parquet(tree.table_path("clean/registry"))
    assert len(registry) == N_PROVIDERS  # the healthy source's data landed and was built
    assert tree.table_path("marts/provider_reputation").exists()


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def test_cli_crawl_of_one_provider_prints_its_row_and_verdicts(prefect_api, sandbox, tmp_path):
    world = World(SEED, n_providers=N_PROVIDERS)
    me = world.provider(2)
    data = tmp_path / "data"
    proc = _kaopu(
        ["--data", str(data), "crawl", "--provider", me.brand], _kaopu_env(sandbox.url, prefect_api)
    )
    assert proc.returncode == 0, proc.stderr
    assert me.brand in proc.stdout
    assert "靠谱分" in proc.stdout and "宣称的成功案例" in proc.stdout
    # The report is written and the provider's own page is printed (its path, on a line of its own).
    page = re.search(r"的报告页：(\S+\.html)", proc.stdout)
    assert page and Path(page.group(1)).is_file() and me.brand in Path(page.group(1)).read_text("utf-8")
    # Only that provider's documents were crawled: every raw listing and registry record is its own.
    tree = DataTree(data)
    names = set()
    for source in ("market", "registry"):
        for path in tree.raw_files(source):
            for rec in read_jsonl_gz(path):
                names.add(rec.get("legal_name") or rec.get("provider_name"))
    assert names == {me.legal_name}


def test_cli_crawl_of_an_unknown_provider_says_so_and_writes_nothing(prefect_api, sandbox, tmp_path):
    data = tmp_path / "data"
    proc = _kaopu(
        ["--data", str(data), "crawl", "--provider", "不存在的代运营公司"],
        _kaopu_env(sandbox.url, prefect_api),
    )
    assert proc.returncode == 3
    assert "不存在的代运营公司" in proc.stderr
    assert proc.stderr.count("kaopu:") == 1
    assert DataTree(data).raw_files() == []


def test_a_second_run_on_the_same_data_tree_refuses_and_the_first_completes(prefect_api, sandbox, tmp_path):
    data = tmp_path / "data"
    _empty_watchlist(data)
    env = _kaopu_env(sandbox.url, prefect_api)
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.app",
            "--data",
            str(data),
            "run",
            "--source",
            "registry",
            "--source",
            "cases",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = data / "state" / "run.lock"
    _wait_for(
        lambda: lock.exists() and str(first.pid) in lock.read_text(), 60, "the first run to take the lock"
    )
    second = _kaopu(["--data", str(data), "run", "--source", "registry"], env, timeout=120)
    assert first.poll() is None, "the first run ended before the second tried; the test proves nothing"
    assert second.returncode == 1
    assert "another kaopu run" in second.stderr and str(first.pid) in second.stderr
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    rep = pd.read_parquet(DataTree(data).table_path("marts/provider_reputation"))
    assert len(rep) == N_PROVIDERS


def test_bad_config_is_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "kaopu.toml"
    bad.write_text("[kaopu]\nprofile = 3\n", encoding="utf-8")
    proc = _kaopu(["--config", str(bad), "status"], {**os.environ, "COLUMNS": "200"}, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "kaopu.profile" in lines[0]


# A user stops serve with Ctrl-C at a terminal, where SIGINT always has Python's handler. A suite
# started without job control (`cmd &` in a script, as CI may) passes SIGINT on ignored, and a Python
# started that way never installs the handler: serve would not see the Ctrl-C. So serve is started
# with the terminal's handler put back first.
_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'kaopu'; runpy.run_module('cli.app', run_name='__main__')"
)


def _serve(sandbox, data, api: str | None = None, name: str = "kaopu-scheduled") -> subprocess.Popen:
    """`kaopu serve` of the registry source, in a process group of its own (see `_stop`); with `api`,
    against that Prefect server, else against one it starts itself."""
    env = _kaopu_env(sandbox.url, api)
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"
    args = ["--data", str(data), "serve", "--cron", "0 3 * * *", "--source", "registry", "--name", name]
    return subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _ui(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline()  # blocks until serve prints where it is (or exits)
    match = re.search(r"Prefect UI: (http://127\.0\.0\.1:\d+)", line)
    assert match, f"serve did not say where its UI is: {line!r} {proc.stderr.read() if proc.poll() else ''}"
    return match.group(1)


def _stop(proc: subprocess.Popen, seconds: float = 60) -> None:
    """Ctrl-C, as a user stops serve. Whatever is still running after `seconds` is killed with its
    process group, so a slow stop cannot leave a server behind for the tests after, and this fails."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate(timeout=10)
        tail = "\n".join((err or "").splitlines()[-40:])
        raise AssertionError(f"serve did not stop within {seconds:.0f} s of Ctrl-C:\n{tail}") from None


def _answers(api: str) -> bool:
    try:
        with urllib.request.urlopen(api + "/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_serve_creates_a_cron_deployment_and_a_triggered_run_completes(prefect_api, sandbox, tmp_path):
    data = tmp_path / "data"
    watch_world(data, SEED, N_PROVIDERS)  # the registry can only be searched: for these providers
    name = "kaopu-scheduled-flows"  # the session's server holds other tests' deployments too
    proc = _serve(sandbox, data, prefect_api, name)
    try:
        api = _ui(proc) + "/api"
        assert api == prefect_api, "serve did not use the Prefect server it was given"

        def call(path: str, body: dict | None = None) -> object:
            """One API call; None when the server says 503. Prefect's own client retries those: the
            SQLite-backed server answers 503 while its database is busy (start-up, the runner polling)."""
            data = None if body is None else json.dumps(body).encode()
            req = urllib.request.Request(api + path, data=data, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return json.loads(resp.read())
            except urllib.error.HTTPError as exc:
                if exc.code == 503:
                    return None
                raise
            except urllib.error.URLError:
                return None

        def deployment():
            found = call("/deployments/filter", {"deployments": {"name": {"any_": [name]}}})
            return found[0] if found else None

        dep = _wait_for(deployment, 120, "the deployment to be registered")
        crons = [s["schedule"].get("cron") for s in dep.get("schedules", [])]
        assert crons == ["0 3 * * *"]

        run = _wait_for(lambda: call(f"/deployments/{dep['id']}/create_flow_run", {}), 60, "a flow run")

        def finished():
            found = call(f"/flow_runs/{run['id']}")
            state = found["state"]["type"] if found else None
            return state if state in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None

        assert _wait_for(finished, 240, "the triggered run to finish") == "COMPLETED"
        registry = pd.read_parquet(DataTree(data).table_path("clean/registry"))
        assert len(registry) == N_PROVIDERS
    finally:
        _stop(proc)


def test_the_server_serve_started_stops_when_serve_is_killed(sandbox, tmp_path):
    proc = _serve(sandbox, tmp_path / "data")
    try:
        api = _ui(proc) + "/api"
        assert _answers(api)
        proc.kill()  # no Ctrl-C, no finally: only the kernel can tell the server
        proc.communicate(timeout=30)
        _wait_for(lambda: not _answers(api), 60, "the server to stop once serve was killed")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.parametrize("cron", ["61 * * * *", "0 3 * *"])
def test_a_bad_schedule_is_refused_in_one_line_before_any_server_starts(tmp_path, cron):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = _kaopu(["--data", str(tmp_path / "data"), "serve", "--cron", cron], env, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and cron in lines[0]
    assert not (tmp_path / "data" / "logs" / "prefect-server.log").exists()
