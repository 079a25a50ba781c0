"""Suite-wide set-up. Prefect reads its settings when first imported, so they are set here, before any
test module imports it: a throw-away PREFECT_HOME, analytics off, a generous server start-up timeout
(the temporary server takes 10–25 s to start cold on 2 cores), and quiet console logs."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

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


@pytest.fixture(scope="session")
def prefect_api() -> str:
    """One temporary Prefect server for the whole session; yields its API URL so CLI subprocesses
    can use it too instead of each starting their own."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


def pytest_unconfigure(config: pytest.Config) -> None:
    # The throw-away PREFECT_HOME holds the temporary server's SQLite database (a few MB per session);
    # without this every suite run left one behind in /tmp.
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
