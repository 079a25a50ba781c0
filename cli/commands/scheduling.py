"""`serve`: a Prefect deployment of the full run on a cron schedule, served until a signal stops it."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from cli import prefect_control, validate
from cli.consoles import out
from cli.errors import guard, say_error
from cli.options import Ctx, Sources
from cli.stopping import Stopper
from flows import history, lock
from pipelines.config import bounded, ensure_watchlist
from pipelines.storage import DataTree


@guard
def serve(
    ctx: typer.Context,
    cron: Annotated[str, typer.Option(help='When to run, as cron, e.g. "0 3 * * *" (03:00 every day).')],
    name: Annotated[str, typer.Option(help="Deployment name.")] = "kaopu-scheduled",
    source: Sources = None,
) -> None:
    """Create a Prefect deployment of the full run on a cron schedule and serve it (Ctrl-C stops)."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    ensure_watchlist(tree)
    sources = validate.sources(source)
    from flows import prefect_env

    prefect_env.configure(tree, verbose=c.verbose)
    validate.cron(cron)
    at_signal: dict[str, Any] = {}
    stopper = Stopper(
        on_signal=lambda: at_signal.update(holder=lock.holder(tree)),
        on_stop=lambda signal_name: _record_scheduled_interrupted(tree, stopper, at_signal, signal_name),
    ).install()
    stopper.final_code = 0  # serve's job is to run until told to stop: a signal is no failure
    server = None
    try:
        if not os.environ.get("PREFECT_API_URL"):
            server = prefect_control.start_server(tree)
        kflows = prefect_control.load_flows(tree, c.verbose)
        out.print(
            f"serving deployment {bounded(name)} with schedule {bounded(cron)}; "
            f"Prefect UI: {prefect_control.ui_url()}",
            highlight=False,
        )
        sys.stdout.flush()
        kflows.scheduled_run.serve(
            name=name,
            cron=cron,
            parameters={
                "data": str(tree.root),
                "sources": sources,
                "config": c.config_path,
                "profile": cfg.profile_name,
            },
            print_starting_message=False,
        )
    except KeyboardInterrupt:
        pass  # the signal was handled (children told to stop); leave through `finally`
    finally:
        if server is not None:
            server.terminate()
        stopper.finish()  # waits for the children, the server among them, and kills what lingers
        if server is not None:
            prefect_control.reap_server(server)
    if stopper.signum is not None:
        say_error(f"serve stopped by {stopper.signal_name}")
        stopper.exit()


def _record_scheduled_interrupted(
    tree: DataTree, stopper: Stopper, at_signal: dict[str, Any], signal_name: str
) -> None:
    """A scheduled run (a flow-run process below serve) held the data tree when serve was stopped:
    it is recorded as interrupted, as a `kaopu run` would record itself."""
    holder = at_signal.get("holder")
    if holder and holder.get("pid") != os.getpid() and stopper.was_descendant(int(holder.get("pid", 0))):
        history.record_interrupted(
            tree,
            run_id=holder.get("run_id"),
            what=str(holder.get("what", "scheduled run")),
            started=holder.get("started"),
            signal_name=signal_name,
        )
