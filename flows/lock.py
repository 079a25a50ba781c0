"""One run at a time per data tree.

Two runs writing the same raw files and tables would interleave; the second one refuses instead. The
lock is an OS file lock (flock), so it is released by the kernel when its holder dies — a crashed or
killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

from pipelines.storage import DataTree


class RunLocked(RuntimeError):
    """Another kaopu process holds the data tree."""


class RunLock:
    def __init__(self, tree: DataTree, what: str = "run", run_id: str | None = None):
        self.path: Path = lock_path(tree)
        self.what = what
        self.run_id = run_id
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise RunLocked(
                f"another kaopu {holder.get('what', 'run')} (pid {holder.get('pid', '?')}, started "
                f"{holder.get('started', '?')}) is using the data tree {self.path.parents[1]}; "
                "wait for it to finish or use another --data"
            ) from None
        os.ftruncate(fd, 0)
        info = {
            "pid": os.getpid(),
            "what": self.what,
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "run_id": self.run_id,
        }
        os.write(fd, json.dumps(info).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_path(tree: DataTree) -> Path:
    return tree.run_lock_file


def holder(tree: DataTree) -> dict | None:
    """Who holds the data tree now (pid, what, started, run_id), or None when nobody does.
    Probes with a shared lock, so it never blocks nor takes the tree from a run."""
    path = lock_path(tree)
    if not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd) or {"what": "run"}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_holder(fd: int) -> dict:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, 4096) or b"{}")
    except (OSError, ValueError):
        return {}
