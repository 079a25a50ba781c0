"""Suite-wide set-up. Prefect reads its settings when first imported, so they are set here, before any
test module imports it: a throw-away PREFECT_HOME, analytics off, a generous server start-up timeout
(the temporary server takes 10–25 s to start cold on 2 cores), and quiet console logs."""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis

_PREFECT_HOME = tempfile.mkdtemp(prefix="kaopu-test-prefect-")
os.environ.update(
    {
        "PREFECT_HOME": _PREFECT_HOME,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
        "PREFECT_UI_ENABLED": "false",
    }
)
os.environ.pop("PREFECT_API_URL", None)  # never talk to a developer's own Prefect server

# Property tests (hypothesis): under CI (`.ci/run` sets $CI, as most runners do) every run draws the
# same examples, so a red build is the code's doing and reproducible, never a new random draw; on a
# developer's machine each run draws new ones, and hypothesis's local database replays a failure found.
_hypothesis.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis.load_profile("ci")


_SERVER = pytest.StashKey["SessionServer"]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the session's Prefect server now, in the background, if a collected test will need it:
    its cold start-up (10–25 s) then overlaps the tests that run before the first one that does."""
    if session.config.option.collectonly:
        return
    if any("prefect_api" in getattr(item, "fixturenames", ()) for item in session.items):
        from tests.prefect_server import SessionServer

        session.config.stash[_SERVER] = SessionServer(Path(_PREFECT_HOME) / "session-server")


@pytest.fixture(scope="session")
def prefect_api(request: pytest.FixtureRequest) -> str:
    """One real Prefect server (`prefect server start`, tests/prefect_server.py) for the whole session;
    yields its API URL, which in-process flows use (Prefect's settings) and CLI subprocesses are given
    (PREFECT_API_URL), so none of them starts a temporary server of its own."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.prefect_server import SessionServer

    stash = request.config.stash
    if _SERVER not in stash:  # collected without it (a plugin added the fixture late): start it now
        stash[_SERVER] = SessionServer(Path(_PREFECT_HOME) / "session-server")
    api = stash[_SERVER].wait()
    with temporary_settings(updates={PREFECT_API_URL: api}):
        yield api
        _drain_prefect_workers()


def _drain_prefect_workers() -> None:
    """Flush the log and event records in-process flows queued, while the server still answers."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):  # never started
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


def pytest_sessionfinish(session: pytest.Session) -> None:
    server = session.config.stash.get(_SERVER, None)
    if server is not None:
        server.stop()


def pytest_unconfigure(config: pytest.Config) -> None:
    # The throw-away PREFECT_HOME holds the temporary server's SQLite database (a few MB per session);
    # without this every suite run left one behind in /tmp.
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
