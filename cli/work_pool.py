"""Prefect work pools: `kaopu deploy` registers the full run on a *process* pool; `kaopu worker` takes
its runs on this host and, when stopped, leaves nothing behind.

Why `kaopu worker` and not only `prefect worker start`: both pick the runs up (the deployment's
entrypoint is a module path, `flows.pool:pool_run`, loadable wherever kaopu is installed). But Prefect
3.8's worker answers SIGTERM by sending itself SIGINT and then waits for its flow runs to finish — a
full crawl — and was measured still running after they had (it needs a second signal). A service
manager stopping it would wait for its timeout and then SIGKILL it, and the run would go on below
nobody. `kaopu worker` runs `prefect worker start` as its child and, on SIGTERM or Ctrl-C:
1. freezes that worker (SIGSTOP), so it takes no new run while the current ones stop;
2. sends SIGTERM to each flow-run process: the run stops its spiders, records itself as interrupted
   and is marked Crashed by Prefect (flows/pool.py);
3. kills, `STOP_GRACE_S` later, whatever is left below it, the worker last;
4. marks any of those flow runs that is still not final as Crashed through the API, so none stays
   "Running" for ever, and leaves with 0 (a stop is its normal end, as for `serve`).
If `kaopu worker` itself is killed with SIGKILL, the kernel kills the Prefect worker
(PR_SET_PDEATHSIG) and each flow-run process notices it lost its parent and stops (flows/pool.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from cli.errors import Fail
from cli.stopping import descendants
from pipelines.config import bounded

STOP_GRACE_S = 8.0  # SIGTERM to a flow run → SIGKILL of what is left below the worker
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def api_url() -> str:
    """The Prefect server every host must reach; a pool on a server of our own would serve nobody."""
    url = os.environ.get("PREFECT_API_URL", "")
    if not url:
        raise Fail(
            "work pools need a Prefect server every worker can reach: set PREFECT_API_URL, "
            "e.g. http://10.0.0.5:4200/api (`prefect server start --host 0.0.0.0` starts one)",
            2,
        )
    return url.rstrip("/")


def ensure_process_pool(name: str) -> bool:
    """The work pool `name`, of type process; created when missing (returns True then)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def ensure() -> bool:
        async with get_client() as client:
            try:
                pool = await client.read_work_pool(name)
            except ObjectNotFound:
                try:
                    await client.create_work_pool(WorkPoolCreate(name=name, type="process"))
                    return True
                except ObjectAlreadyExists:  # a worker started at the same time created it
                    pool = await client.read_work_pool(name)
            if pool.type != "process":
                raise Fail(
                    f"work pool {bounded(name)} is of type {bounded(pool.type)}; kaopu deploys to a "
                    "process pool: pick another --pool name",
                    2,
                )
            return False

    return run_coro_as_sync(ensure())


def deploy(pool_flow: Any, *, name: str, pool: str, cron: str | None, parameters: dict[str, Any]) -> str:
    """Register `pool_flow` (flows.pool.pool_run) as deployment `name` on `pool`; returns its id.
    Re-running it updates the deployment (same name), so `deploy` is idempotent."""
    from prefect.deployments.runner import EntrypointType

    deployment = pool_flow.to_deployment(
        name=name,
        cron=cron,
        parameters=parameters,
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="kaopu's full run (crawl + build), taken by `kaopu worker --pool " + pool + "`",
    )
    return str(deployment.apply(work_pool_name=pool))  # sync here: Prefect dispatches on the caller


# ---------------------------------------------------------------------------------------------
# kaopu worker
# ---------------------------------------------------------------------------------------------


def _die_with_parent_kill() -> None:
    """In the Prefect worker before it starts: SIGKILL when `kaopu worker` dies (SIGTERM would not do:
    Prefect's worker does not stop on it)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start_worker(pool: str, limit: int, name: str | None) -> subprocess.Popen:
    prefect_bin = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    cmd = [prefect_bin, "worker", "start", "--pool", pool, "--type", "process", "--limit", str(limit)]
    if name:
        cmd += ["--name", name]
    return subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C at the terminal reaches kaopu only, which stops the rest in order
        preexec_fn=_die_with_parent_kill,  # safe: kaopu worker has started no thread
    )


def flow_run_processes(worker_pid: int) -> dict[int, str]:
    """pid → flow run id of every flow-run process below the Prefect worker (its environment names it)."""
    found = {}
    for pid in descendants(worker_pid):
        with contextlib.suppress(OSError):
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            run_id = next((e.split(b"=", 1)[1] for e in env if e.startswith(b"PREFECT__FLOW_RUN_ID=")), None)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if run_id and b"prefect.engine" in cmdline:
                found[pid] = run_id.decode()
    return found


def stop_worker(proc: subprocess.Popen, grace_s: float = STOP_GRACE_S) -> list[str]:
    """Steps 1-4 of the module docstring; returns the ids of the flow runs that were stopped."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGSTOP)
    runs = flow_run_processes(proc.pid)
    for pid in runs:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while descendants(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in descendants(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for run_id in runs.values():
        crash_if_running(run_id, "stopped with its kaopu worker")
    return list(runs.values())


def _call(path: str, body: dict | None = None) -> Any:
    req = urllib.request.Request(
        api_url() + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def crash_if_running(flow_run_id: str, message: str, attempts: int = 5) -> str | None:
    """Mark a flow run Crashed unless it is already final; returns the state it is left in. The
    SQLite-backed server answers 503 when busy: retried a few times."""
    for attempt in range(attempts):
        try:
            state = (_call(f"/flow_runs/{flow_run_id}") or {}).get("state") or {}
            if state.get("type") in FINAL_STATES:
                return state["type"]
            _call(
                f"/flow_runs/{flow_run_id}/set_state",
                {"state": {"type": "CRASHED", "name": "Crashed", "message": message}, "force": True},
            )
            return "CRASHED"
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(0.5 * (attempt + 1))
    return None
