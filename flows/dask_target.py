"""`--dask`: where the build's text work goes (see `flows.dask_texts`). Parsed and checked before
anything starts (a lock, Prefect, a cluster), without importing Prefect or Dask, so a typo is one line
and exit 2 within seconds."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipelines.config import OptionError

EXPECTED = "tcp://HOST:PORT (a Dask scheduler) or local:N (a LocalCluster of N worker processes, 1-64)"
# Batches in flight per worker: enough that no worker waits for the build to read the next batch from
# raw, few enough that memory stays flat (a batch is 20k rows, ~40 MB as rows, more as a frame).
IN_FLIGHT_PER_WORKER = 2
CONNECT_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class DaskTarget:
    """Where the text work goes: a scheduler's address, or a local cluster of `workers` processes."""

    address: str | None = None
    workers: int = 0

    @property
    def in_flight(self) -> int:
        return IN_FLIGHT_PER_WORKER * max(self.workers, 4 if self.address else 1)


def parse(spec: str) -> DaskTarget:
    """`--dask` as typed: `tcp://HOST:PORT` or `local:N`; anything else is an OptionError (one line)."""
    value = (spec or "").strip()
    if m := re.fullmatch(r"local:(\d{1,3})", value):
        n = int(m.group(1))
        if 1 <= n <= 64:
            return DaskTarget(workers=n)
        raise OptionError("--dask", EXPECTED, spec)
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise OptionError("--dask", EXPECTED, spec)
    return DaskTarget(address=f"tcp://{parts.netloc}")


def check_reachable(target: DaskTarget, timeout: float = CONNECT_TIMEOUT_S) -> str | None:
    """Why nothing can be reached at the scheduler's address (None when something answers there, or
    for a local cluster). One TCP connect, before a lock or Prefect starts: a typo fails in seconds,
    not after distributed's 30 s connect timeout and a traceback."""
    if target.address is None:
        return None
    parts = urlsplit(target.address)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout):
            return None
    except socket.gaierror as exc:
        return f"unknown host ({exc.strerror or exc})"
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return (exc.strerror or str(exc)).lower()
