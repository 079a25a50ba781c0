"""Prefect hygiene: where Prefect keeps its state, how long it waits, and how much it says.

Prefect reads its settings from the environment when it is first imported, so `configure()` must run
before anything imports `prefect` (the CLI imports the flow modules only after calling it).

- PREFECT_HOME lives inside the data tree, not the user's home: two data trees never share a
  database, and deleting a data tree deletes its run history.
- Analytics are off: kaopu never phones home.
- The temporary server gets 120 s to start: measured 10–25 s cold on 2 cores, more under load.
- Logs go to `data/logs/prefect.log`; the terminal only shows them with --verbose.
"""

from __future__ import annotations

import logging
import os

from pipelines.storage import DataTree

STARTUP_TIMEOUT_S = 120


def configure(tree: DataTree, *, verbose: bool = False) -> None:
    home = tree.prefect_home
    home.mkdir(parents=True, exist_ok=True)
    tree.logs_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(STARTUP_TIMEOUT_S),
        "PREFECT_LOGGING_LEVEL": "INFO",
        # Everything reaches the file handler below; the console shows it only when asked to.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO" if verbose else "CRITICAL",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.5",
        # The temporary server's own UI is not needed for a one-off run.
        "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "false"),
    }
    os.environ.update(env)
    # A user who configured their own Prefect server keeps it (PREFECT_API_URL is left alone).


def attach_log_file(tree: DataTree) -> None:
    """Send Prefect's log records to data/logs/prefect.log (call after importing prefect)."""
    path = tree.logs_dir / "prefect.log"
    logger = logging.getLogger("prefect")
    if any(isinstance(h, logging.FileHandler) and h.baseFilename == str(path) for h in logger.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
