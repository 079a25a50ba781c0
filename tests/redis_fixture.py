"""A real Redis for the frontier tests: Debian's `redis-server` (make test installs it) on a free
loopback port, its files in a temporary directory, stopped on leaving `start_redis`."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

# No snapshots, no append-only file, in the foreground, its log on stdout.
_EPHEMERAL = ("--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_redis(directory: Path):
    """Yields the URL of a redis-server running on a free loopback port, its files in `directory`."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (`make redis` or `make test` installs Debian's)")
    port = _free_port()
    # Logging to stdout: the fixture reads it until the server says it accepts connections (or exits),
    # so readiness is awaited without polling.
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), *_EPHEMERAL],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines, drain = [], None
    try:
        for line in proc.stdout:
            lines.append(line)
            if "Ready to accept connections" in line:
                break
        else:
            raise RuntimeError("redis-server did not start:\n" + "".join(lines[-10:]))
        # Keep draining its log so a full pipe never blocks the server.
        drain = threading.Thread(target=proc.stdout.read, daemon=True)
        drain.start()
        url = f"redis://127.0.0.1:{port}/0"
        with redis.Redis.from_url(url) as client:
            assert client.ping()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if drain is not None:
            drain.join(timeout=10)
        proc.stdout.close()
