"""The full run on a Prefect process work pool (`kaopu deploy`, `kaopu worker`, cli/work_pool.py,
flows/pool.py) against a real Prefect server (the session's, tests/conftest.py) and a sandbox: a worker
runs the deployment to the end; a worker stopped with SIGTERM mid-crawl leaves no process, no lock
and no run stuck "Running". Slow: real workers start real flow-run processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from cli.stopping import descendants
from flows import history, lock
from pipelines.storage import DataTree
from sandbox.server import start
from tests.sandbox_fixture import watch_world
from tests.test_cli_signals import _alive, _api_call, _spawn_group, _spider_running
from tests.test_flows import _kaopu, _kaopu_env, _wait_for

pytestmark = pytest.mark.slow

SEED = 41
N_PROVIDERS = 8
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@pytest.fixture(scope="module")
def sandbox():
    with start(SEED, n_providers=N_PROVIDERS, port=0) as sb:
        yield sb


def _env(sandbox_url: str, api: str, home: Path) -> dict[str, str]:
    env = _kaopu_env(sandbox_url, api)
    env["PREFECT_WORKER_QUERY_SECONDS"] = "1"  # poll the pool every second, not every 10
    env["PREFECT_HOME"] = str(home)  # for a bare `prefect worker start`; kaopu commands use the tree's
    return env


def _deploy(data: Path, pool: str, env: dict[str, str], *extra: str) -> dict:
    done = _kaopu(["--data", str(data), "deploy", "--pool", pool, *extra], env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"kaopu worker --pool '{pool}'" in done.stdout
    api = env["PREFECT_API_URL"]
    found = _api_call(api, "/deployments/filter", {"work_pools": {"name": {"any_": [pool]}}})
    assert found and len(found) == 1, found
    return found[0]


def _trigger(api: str, deployment: dict) -> str:
    run = _wait_for(
        lambda: _api_call(api, f"/deployments/{deployment['id']}/create_flow_run", {}), 30, "a flow run"
    )
    return run["id"]


def _state(api: str, flow_run_id: str) -> str | None:
    found = _api_call(api, f"/flow_runs/{flow_run_id}")
    return found["state"]["type"] if found and found.get("state") else None


@contextlib.contextmanager
def _reaped(proc: subprocess.Popen):
    family: dict[int, str] = {}
    try:
        yield family
    finally:
        family.update(descendants(proc.pid))
        for pid in [proc.pid, *family]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.communicate(timeout=10)


def test_a_process_pool_worker_runs_the_deployed_full_run(prefect_api, sandbox, tmp_path):
    """`kaopu deploy` to a pool that does not exist yet; a bare `prefect worker start --pool`, as on
    any other host, takes the run and it completes: every source crawled, the marts built."""
    data = tmp_path / "data"
    watch_world(data, SEED, N_PROVIDERS)
    env = _env(sandbox.url, prefect_api, tmp_path / "prefect-home")
    dep = _deploy(data, "kaopu-test-run", env, "--cron", "0 3 * * *")
    assert [s["schedule"].get("cron") for s in dep["schedules"]] == ["0 3 * * *"]
    assert dep["entrypoint"] == "flows.pool.pool_run" and dep["parameters"]["data"] == str(data)
    pool = _api_call(prefect_api, "/work_pools/kaopu-test-run")
    assert pool["type"] == "process"

    run_id = _trigger(prefect_api, dep)
    worker = _spawn_group(
        [str(Path(sys.executable).parent / "prefect"), "worker", "start", "--pool", "kaopu-test-run"], env
    )
    with _reaped(worker):
        state = _wait_for(lambda: (s := _state(prefect_api, run_id)) in FINAL and s, 240, "the run to finish")
    assert state == "COMPLETED", (
        worker.communicate(timeout=5)[1][-3000:] if worker.poll() is not None else state
    )
    tree = DataTree(data)
    last = history.last_runs(tree, 1)[-1]
    assert last["run_id"].startswith("pool-") and not last["failed_sources"]
    assert {r["source"] for r in last["crawl"]} == {
        "market",
        "complaints",
        "forum",
        "articles",
        "registry",
        "cases",
    }
    assert len(pd.read_parquet(tree.table_path("marts/provider_reputation"))) >= N_PROVIDERS // 2
    assert lock.holder(tree) is None


@pytest.fixture(scope="module")
def big_sandbox():
    """Big enough that the crawl is still running when the test stops the worker."""
    with start(43, n_providers=150, port=0) as sb:
        yield sb


def test_sigterm_to_a_kaopu_worker_mid_run_leaves_no_process_no_lock_and_no_running_run(
    prefect_api, big_sandbox, tmp_path
):
    data = tmp_path / "data"
    data.mkdir()
    (data / "providers.toml").write_text("# no providers watched\n", encoding="utf-8")
    env = _env(big_sandbox.url, prefect_api, tmp_path / "prefect-home")
    worker = _spawn_group(
        [sys.executable, "-m", "cli.app", "--data", str(data), "worker", "--pool", "kaopu-test-stop"], env
    )
    tree = DataTree(data)
    with _reaped(worker) as family:
        # The worker starts while the deployment is made (either may create the pool).
        dep = _deploy(data, "kaopu-test-stop", env, "--source", "market", "--source", "forum")
        run_id = _trigger(prefect_api, dep)
        _wait_for(
            lambda: lock.holder(tree) and _spider_running(worker), 120, "the run to take the tree and crawl"
        )
        holder = lock.holder(tree)
        family.update(descendants(worker.pid))
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=20)
        took = time.monotonic() - started
        print(f"kaopu worker stopped {took:.1f} s after SIGTERM")  # shown with -s
    assert worker.returncode == 0, err
    assert "worker stopped by SIGTERM; stopped 1 run(s)" in err
    assert not [p for p in family if _alive(p)], "a process outlived its worker"
    assert lock.holder(tree) is None
    assert _state(prefect_api, run_id) == "CRASHED"
    last = history.last_runs(tree, 1)[-1]
    assert last.get("interrupted") == "SIGTERM" and last["run_id"] == holder["run_id"]


def test_deploy_without_a_prefect_server_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = _kaopu(["--data", str(tmp_path / "data"), "deploy", "--pool", "p"], env, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PREFECT_API_URL" in lines[0]
