"""One real Prefect server for the whole test session: `prefect server start` on a free loopback port,
its database in a throw-away PREFECT_HOME, stopped when the session ends.

A cold server takes 10–25 s to start on 2 cores (imports, then its database migrations), more under
load. So it is started in the background as soon as collection shows that some test will need it
(`launch`), and the first test that asks for it (`SessionServer.wait`) only waits for what is left of
that start-up: the tests collected before it run meanwhile. Readiness is polled on `/api/health`
with a deadline; if the server process exits instead, its log is in the failure.

Tests whose point is the server's own start-up (`kaopu serve` with no server configured) still start
their own, as a user's `serve` does.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

from cli import prefect_control

START_TIMEOUT_S = 180  # cold start-up measured 10–25 s on 2 cores, several times that under load
STOP_TIMEOUT_S = 10


class SessionServer:
    """A `prefect server start` subprocess; `api_url` is usable once `wait()` returned."""

    def __init__(self, home: Path):
        self.home = home
        self.log_path = home / "prefect-server.log"
        self._ready = False
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(
            {
                "PREFECT_HOME": str(home),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1",
                "PREFECT_UI_ENABLED": "false",
                "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            }
        )
        # The same start as `kaopu serve`'s own server (cli/prefect_control.py), with its own home.
        self.proc, self.api_url = prefect_control.launch_server(self.log_path, env)

    def wait(self, timeout: float = START_TIMEOUT_S) -> str:
        """Block until the server answers its health check; fail with its log's tail if it cannot."""
        if self._ready:
            return self.api_url
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"the session's Prefect server exited ({code}):\n{self._tail()}")
            if prefect_control.server_healthy(self.api_url):
                self._ready = True
                return self.api_url
            time.sleep(0.2)
        raise RuntimeError(f"the session's Prefect server did not answer in {timeout:.0f} s:\n{self._tail()}")

    def _tail(self) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
