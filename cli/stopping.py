"""SIGINT and SIGTERM stop any kaopu command within seconds, whatever it is doing, and leave no child.

Why this is needed: a run's work is spread over processes — spiders, the clean worker, Prefect's
temporary server, and under `kaopu serve` the flow-run process the runner starts for each scheduled
run. Python turns SIGINT into KeyboardInterrupt in the main thread only; SIGTERM does nothing useful by
default; Prefect 3.8's runner answers SIGTERM by calling its async `stop()` without awaiting it, and a
flow interrupted mid-call may spend a long time retrying calls to a server that is already gone.

So on the first signal kaopu:
1. tells every descendant process to stop (SIGTERM: a spider then closes its raw file and keeps its
   queue for the next run), except the Prefect server, which the dying flow still talks to;
2. raises KeyboardInterrupt in the main thread, so the command unwinds and says what happened;
3. starts a watchdog: whatever is still alive `GRACE_S` seconds later is killed (SIGKILL, found again
   by walking /proc, since a retry may have started a new spider), the run is recorded as interrupted,
   and the process leaves with 128 + the signal number, even if the unwinding hangs.
A second signal skips the grace. The data tree's lock is an flock, so the kernel releases it whatever
way the process ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

GRACE_S = 5.0  # signal → SIGKILL of what is left; the process is gone about a second later
CHILD_GRACE_S = 2.5  # once the command has unwound, how long its children get between SIGTERM and SIGKILL
EXIT_S = 1.5  # after the command unwound, the longest its interpreter may take to exit
_SERVER_MARKS = (b"prefect.server.api.server", b"server\x00start")  # Prefect's temporary or own server


def _proc_stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a live process, None if it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None
    return int(fields[1]), fields[19]


def descendants(root: int | None = None) -> dict[int, str]:
    """Every live process below `root` (default: this one), as pid → start time (pids get reused)."""
    root = root or os.getpid()
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat:
                children.setdefault(stat[0], []).append(int(entry))
                starts[int(entry)] = stat[1]
    found: dict[int, str] = {}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        if pid not in found:
            found[pid] = starts[pid]
            stack += children.get(pid, [])
    return found


def _is_server(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return any(mark in cmdline for mark in _SERVER_MARKS)


def _send(pids: dict[int, str], sig: int) -> None:
    for pid, start in pids.items():
        stat = _proc_stat(pid)
        if stat and stat[1] == start:  # still the process we found, not a new one with its pid
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)


def _alive(pids: dict[int, str]) -> dict[int, str]:
    return {pid: s for pid, s in pids.items() if (stat := _proc_stat(pid)) and stat[1] == s}


_active: Stopper | None = None


def _to_active(signum: int, frame: object = None, *_rest: object) -> None:
    if _active is not None:
        _active.handle(signum, frame)
    raise KeyboardInterrupt


def route_prefect_signals() -> None:
    """Prefect 3.8 puts its own SIGTERM handlers over ours, and neither stops kaopu's children:
    - a flow call swaps in `_prefect_sigterm_handler` (raises TerminationSignal) for its duration;
      the flow then waits for its task threads, i.e. for spiders nobody told to stop;
    - `Runner.start` (under `kaopu serve`) installs `handle_sigterm`, which calls the async `stop()`
      without awaiting it and raises SystemExit inside the event loop: serve wedged.
    Both are pointed at the active Stopper. Call after Prefect is imported (and configured)."""
    import prefect.utilities.engine as engine
    from prefect.runner import Runner

    engine._prefect_sigterm_handler = _to_active
    Runner.handle_sigterm = lambda _runner, signum, frame=None: _to_active(signum, frame)


class Stopper:
    """Installed by a command for its lifetime; `on_stop(signal_name)` records the interruption."""

    def __init__(
        self,
        on_stop: Callable[[str], None] | None = None,
        on_signal: Callable[[], None] | None = None,
    ):
        self.on_stop = on_stop
        self.on_signal = on_signal  # runs first, while every process is still as it was
        self.signum: int | None = None
        self._known: dict[int, str] = {}
        self._recorded = threading.Lock()
        self._deadline = 0.0
        self.final_code: int | None = None  # what to leave with, if not 128 + the signal (serve: 0)

    @property
    def exit_code(self) -> int:
        return 128 + (self.signum or signal.SIGINT)

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum or signal.SIGINT).name

    def install(self) -> Stopper:
        global _active
        _active = self
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.handle)
        return self

    def handle(self, signum: int, _frame: object = None) -> None:
        if self.signum is not None:  # a second signal: no more grace
            self._kill_all_and_exit()
        self.signum = signum
        if self.on_signal:
            with contextlib.suppress(Exception):  # looking around must never keep a process alive
                self.on_signal()
        from flows import crawl

        crawl.stop_spiders()  # no spider starts from now on, not even a retry
        found = descendants()
        self._known.update(found)
        _send({p: s for p, s in found.items() if not _is_server(p)}, signal.SIGTERM)
        self._deadline = time.monotonic() + GRACE_S
        threading.Thread(target=self._watchdog, name="kaopu-stop-watchdog", daemon=True).start()
        raise KeyboardInterrupt

    def was_descendant(self, pid: int) -> bool:
        return pid in self._known

    def record(self) -> None:
        """Record the interruption once, whichever of the main thread and the watchdog gets here first."""
        if self.signum is None or not self._recorded.acquire(blocking=False):
            return
        if self.on_stop:
            with contextlib.suppress(Exception):  # recording must never keep a process alive
                self.on_stop(self.signal_name)

    def finish(self) -> None:
        """The main thread unwound: stop what is left (the server too) within the grace. The watchdog
        stays: Prefect's at-exit flushes retry against a server that is gone, so an exit that takes
        more than `EXIT_S` more is cut short."""
        if self.signum is None:
            return
        self.record()
        self._known.update(descendants())
        _send(self._known, signal.SIGTERM)
        patience = min(self._deadline, time.monotonic() + CHILD_GRACE_S)
        while _alive(self._known) and time.monotonic() < patience:
            self._known.update(descendants())
            time.sleep(0.05)
        _send(self._known, signal.SIGKILL)
        self._deadline = min(self._deadline, time.monotonic() + EXIT_S)

    def _watchdog(self) -> None:
        while time.monotonic() < self._deadline:
            new = {p: s for p, s in descendants().items() if p not in self._known}
            self._known.update(new)
            _send({p: s for p, s in new.items() if not _is_server(p)}, signal.SIGTERM)
            time.sleep(0.1)
        self._kill_all_and_exit()

    def exit(self) -> NoReturn:
        """Leave now, once the command has said how it stopped. A normal exit would run Prefect's
        at-exit flushes, which retry for seconds against a server that is gone; nothing is left to
        save (the history is written, the children are gone, the lock goes with the process)."""
        self._kill_all_and_exit()

    def _kill_all_and_exit(self) -> NoReturn:
        self._known.update(descendants())
        _send(self._known, signal.SIGKILL)
        self.record()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.exit_code if self.final_code is None else self.final_code)
