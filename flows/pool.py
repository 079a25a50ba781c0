"""The full run as a deployment on a Prefect *process* work pool (`kaopu deploy --pool NAME`), picked
up by `kaopu worker --pool NAME` (or `prefect worker start --pool NAME`) on any host where kaopu is
installed and the data tree is reachable at the same path.

Import this module only after `flows.prefect_env.configure()` — or from the flow-run process a worker
starts (`python -m prefect.engine`), whose environment the worker set.

That flow-run process runs below no kaopu command, so nothing else would stop its spiders when it is
stopped. `pool_run` looks after itself:
- on SIGTERM or SIGINT (`kaopu worker` passing its stop on, a service manager signalling the whole
  group, a cancel from the Prefect UI), no spider starts any more and the running ones get SIGTERM
  (they close their raw files and keep their queues for the next run); whatever is still alive
  `CHILD_GRACE_S` later is killed; the run is recorded as interrupted in the data tree's history; and
  the flow leaves by KeyboardInterrupt, which Prefect records as the flow run Crashed;
- when its worker is gone (killed with SIGKILL, say) the process is re-parented: a watcher notices
  within `PARENT_POLL_S` and stops the run the same way, so no run writes the data tree on its own.
The data tree's lock is an flock, so it goes with the process whatever way that ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
import time
from typing import Any

from prefect import flow

from flows import crawl as crawling
from flows import history
from flows.flows import run
from flows.lock import RunLock
from pipelines.storage import DataTree, new_run_id

CHILD_GRACE_S = 3.0  # SIGTERM to a spider → SIGKILL of what is left
PARENT_POLL_S = 0.5
DEPLOYMENT = "kaopu-pool"
ENTRYPOINT = "flows.pool:pool_run"  # a module path: any host where kaopu is installed can load it


class _Guard:
    """Signal handling of one pool run in its flow-run process (see the module docstring)."""

    def __init__(self) -> None:
        self.signal_name: str | None = None
        self._parent = os.getppid()
        self._done = threading.Event()

    def install(self) -> _Guard:
        if threading.current_thread() is not threading.main_thread():
            return self  # called in-process from a thread (a test, a notebook): signals are not ours
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.handle)
        # A subflow call puts Prefect's own SIGTERM handler back for its duration (it raises
        # TerminationSignal and leaves the spiders running); it is looked up by name, so point it here.
        import prefect.utilities.engine as engine

        engine._prefect_sigterm_handler = self.handle
        threading.Thread(target=self._watch_parent, name="kaopu-pool-parent", daemon=True).start()
        return self

    def handle(self, signum: int, _frame: object = None) -> None:
        if self.signal_name is None:
            self.signal_name = signal.Signals(signum).name
            crawling.stop_spiders()  # no spider starts from now on, not even a retry
        raise KeyboardInterrupt

    def _watch_parent(self) -> None:
        while not self._done.wait(PARENT_POLL_S):
            if os.getppid() != self._parent:  # the worker is gone: stop as if it had said so
                os.kill(os.getpid(), signal.SIGTERM)
                return

    def finish(self) -> None:
        """Every spider gone: SIGTERM had `CHILD_GRACE_S` to work, then SIGKILL."""
        self._done.set()
        if self.signal_name is None:
            return
        from cli.stopping import descendants

        deadline = time.monotonic() + CHILD_GRACE_S
        while descendants() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in descendants():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@flow(name="kaopu-pool-run")
def pool_run(
    data: str,
    sources: list[str] | None = None,
    config: str | None = None,
    profile: str | None = None,
    frontier: str | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """What `kaopu deploy` registers: a full run that, like the CLI, refuses to overlap another run
    on the data tree, and stops cleanly when its worker is stopped."""
    tree = DataTree(data)
    run_id = new_run_id("pool")
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    guard = _Guard().install()
    try:
        with RunLock(tree, what="work-pool run", run_id=run_id):
            return run(
                data,
                sources=sources,
                config=config,
                profile=profile,
                run_id=run_id,
                frontier=frontier,
                workers=workers,
            )
    finally:
        guard.finish()
        if guard.signal_name is not None:
            history.record_interrupted(
                tree, run_id=run_id, what="work-pool run", started=started, signal_name=guard.signal_name
            )
