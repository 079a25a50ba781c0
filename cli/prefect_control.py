"""Prefect from the command line: its environment for a data tree, the flows module, and a Prefect
server of our own for `kaopu serve`.

Prefect is imported only after its environment is set (`flows.prefect_env.configure`): which is why
the flows module is reached through `load_flows`, never imported at the top of a command module.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cli import stopping
from cli.errors import Fail
from pipelines.storage import DataTree

SERVER_START_S = 120  # a cold Prefect server migrates its database first


def load_flows(tree: DataTree, verbose: bool):
    """Configure Prefect for this data tree, then import the flows."""
    from flows import prefect_env

    prefect_env.configure(tree, verbose=verbose)
    from flows import flows as kflows

    prefect_env.attach_log_file(tree)
    stopping.route_prefect_signals()
    return kflows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ui_url() -> str:
    api = os.environ.get("PREFECT_API_URL", "")
    return api[: -len("/api")] if api.endswith("/api") else api


def _die_with_parent() -> None:
    """In the server's process before it starts (Linux): the kernel sends it SIGTERM when `serve`
    dies, however it dies. `serve` stops the server itself on Ctrl-C, but a `kill -9` would leave it
    running, holding its port and the data tree's Prefect database."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def launch_server(log_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """`prefect server start` on a free loopback port, its output appended to `log_path`, without
    waiting for it: the process and its API URL (see `server_healthy`). The kernel stops it when the
    process that started it dies."""
    port = free_port()
    prefect_bin = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    with open(log_path, "ab") as log:  # the server keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [prefect_bin, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # safe here: no threads yet (Prefect is imported later)
        )
    return proc, f"http://127.0.0.1:{port}/api"


def server_healthy(api: str) -> bool:
    """Whether the Prefect server at `api` answers its health check."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(tree: DataTree) -> subprocess.Popen:
    """No Prefect server configured: start one on loopback, with its database in the data tree.
    Schedules need a real server (the temporary one a flow call starts does not run them)."""
    env = os.environ.copy()
    env["PREFECT_UI_ENABLED"] = "true"
    proc, api = launch_server(tree.logs_dir / "prefect-server.log", env)
    deadline = time.monotonic() + SERVER_START_S
    while not server_healthy(api):
        if proc.poll() is not None:
            raise Fail(
                f"the Prefect server exited while starting; see {tree.logs_dir / 'prefect-server.log'}"
            )
        if time.monotonic() >= deadline:
            proc.terminate()
            raise Fail(f"the Prefect server did not start within {SERVER_START_S} s")
        time.sleep(0.5)
    os.environ["PREFECT_API_URL"] = api
    return proc


def reap_server(proc: subprocess.Popen) -> None:
    """After `terminate()` and the command's own unwinding: give the server a second, then kill it."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=1)
    if proc.poll() is None:
        proc.kill()
