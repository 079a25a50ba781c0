"""The build's text work on Dask (`kaopu build --dask`, and `kaopu run --dask` / `kaopu demo --dask` for
their build stage): a LocalCluster build gives the clean tables a local build gives, table for table,
with every batch run as a Prefect task on the cluster; a bad or unreachable `--dask` is one line and
exit 2, for every command that takes it."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from evaluation.sandbox_eval import write_raw
from incremental_build import clean
from incremental_build.clean import CLEAN_TABLES, update_clean
from pipelines.storage import DataTree, read_table
from sandbox.world import World
from tests.history_items import later_history

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def items():
    items = list(World(11, 8).expected_items())
    return items + later_history(items, random.Random(3))


def _texts_task_runs(flow_run_id) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return [r.name for r in runs if r.name.startswith("texts") and r.state and r.state.is_completed()]


def test_a_localcluster_build_equals_a_local_build_table_for_table(prefect_api, tmp_path, items, monkeypatch):
    from flows import flows as kflows

    # Small batches: many tasks over both workers, so their results must come back in order.
    monkeypatch.setattr(clean, "BATCH", 60)
    local, dask = DataTree(tmp_path / "local"), DataTree(tmp_path / "dask")
    for tree in (local, dask):
        write_raw(tree, "one", items)
    update_clean(local, workers=1)

    # Dask's default dashboard port taken (another cluster on the machine): no warning, no failure.
    busy = socket.socket()
    try:
        busy.bind(("127.0.0.1", 8787))
        busy.listen()
    except OSError:
        pass  # taken already: the same situation
    try:
        state = kflows.build_on("local:2")(str(dask.root), dask="local:2", return_state=True)
    finally:
        busy.close()
    assert state.is_completed(), state
    documents = read_table(dask, "clean/documents").num_rows
    assert documents > 3 * 60, "too few documents for several batches"
    batches = _texts_task_runs(state.state_details.flow_run_id)
    assert len(batches) == -(-documents // 60), "every batch ran as a task of the flow's Dask runner"

    for name in CLEAN_TABLES:
        a, b = read_table(local, name).to_pandas(), read_table(dask, name).to_pandas()
        assert len(a), f"{name} is empty: the comparison would prove nothing"
        pd.testing.assert_frame_equal(a, b, obj=name)


def _kaopu(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOPU_", "PREFECT_"))}
    env["COLUMNS"] = "200"
    cmd = [sys.executable, "-m", "cli.app", "--data", str(tmp_path / "data"), *args]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("dask-scheduler:8786", "expected tcp://HOST:PORT"),
        ("local:0", "expected tcp://HOST:PORT"),
        ("tcp://127.0.0.1", "expected tcp://HOST:PORT"),
        ("tcp://127.0.0.1:{closed}", "no Dask scheduler reachable there (connection refused)"),
        ("tcp://no-such-host.invalid:8786", "no Dask scheduler reachable there (unknown host"),
    ],
)
@pytest.mark.parametrize("command", ["build", "run", "demo"])
def test_a_bad_dask_address_is_one_line_and_exit_2_before_anything_starts(tmp_path, spec, words, command):
    spec = spec.format(closed=_closed_port())
    t0 = time.monotonic()
    proc = _kaopu([command, "--dask", spec], tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kaopu: --dask ") and words in lines[0], lines
    assert "Traceback" not in proc.stderr
    assert time.monotonic() - t0 < 30, "refused before a lock, Prefect or a cluster started"
    assert not (tmp_path / "data" / "state" / "run.lock").exists()


def _build_flow_runs(data: Path) -> list:
    """The `kaopu-build` flow runs (a run's or a demo's build stage among them) on this data tree."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["kaopu-build"])))
    return [r for r in runs if r.parameters.get("data") == str(data)]


def _cli_env(api: str, sandbox_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOPU_", "PREFECT_"))}
    env |= {"COLUMNS": "200", "PREFECT_API_URL": api}
    if sandbox_url:
        env["KAOPU_SANDBOX_URL"] = sandbox_url
    return env


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "cli.app", *args]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=400)


def _rebuilt_locally(data: Path, tmp_path: Path) -> DataTree:
    """The same raw as `data`, built without Dask in a tree of its own."""
    import shutil

    local = DataTree(tmp_path / "local")
    shutil.copytree(DataTree(data).root / "raw", local.root / "raw")
    update_clean(local, workers=1)
    return local


def test_demo_and_run_send_their_build_to_dask_and_build_what_a_local_build_builds(prefect_api, tmp_path):
    """`demo --dask local:2` and `run --dask local:2`, with the global `--data` typed after the command:
    the crawl is as without it, the build's texts run as tasks on the LocalCluster, and the clean
    tables equal a local build of the same raw."""
    from sandbox.server import start

    demo_data = tmp_path / "demo"
    proc = _cli(
        ["demo", "--providers", "3", "--dask", "local:2", "--data", str(demo_data)], _cli_env(prefect_api)
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    local = _rebuilt_locally(demo_data, tmp_path)
    documents = read_table(DataTree(demo_data), "clean/documents").num_rows
    assert documents > 0
    for name in CLEAN_TABLES:
        a, b = read_table(local, name).to_pandas(), read_table(DataTree(demo_data), name).to_pandas()
        pd.testing.assert_frame_equal(a, b, obj=name)

    # `run` on a tree of its own, one source, against the same small world.
    run_data = tmp_path / "run"
    with start(11, n_providers=3, port=0) as sandbox:
        env = _cli_env(prefect_api, sandbox.url)
        proc = _cli(["run", "--source", "forum", "--dask", "local:2", "--data", str(run_data)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert read_table(DataTree(run_data), "clean/documents").num_rows > 0

    for data in (demo_data, run_data):
        [build] = _build_flow_runs(data)
        assert build.state.is_completed(), build.state
        assert _texts_task_runs(build.id), f"{data.name}: the build's text work ran as tasks on Dask"
