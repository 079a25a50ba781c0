"""`serve`: a Prefect deployment of the full run on a cron schedule, served until a signal stops it (one
host). `deploy` and `worker`: the same run on a Prefect process work pool, taken by workers on any host."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import Annotated, Any

import typer

from cli import prefect_control, validate, work_pool
from cli.consoles import out
from cli.errors import Fail, guard, say_error
from cli.options import Ctx, Frontier, Sources, Workers
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


@guard
def deploy(
    ctx: typer.Context,
    pool: Annotated[str, typer.Option(help="Prefect work pool (a process pool; created if missing).")],
    cron: Annotated[
        str | None, typer.Option(help='When to run, as cron, e.g. "0 3 * * *" (default: by hand only).')
    ] = None,
    name: Annotated[str, typer.Option(help="Deployment name.")] = "kaopu-pool",
    source: Sources = None,
    frontier: Frontier = None,
    workers: Workers = 1,
) -> None:
    """Register the full run as a deployment on a Prefect process work pool, for `kaopu worker --pool`
    (or `prefect worker start --pool`) on any host with kaopu and this data tree. Needs PREFECT_API_URL."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    ensure_watchlist(tree)
    sources = validate.sources(source)
    validate.frontier(frontier, workers)
    from flows import prefect_env

    prefect_env.configure(tree, verbose=c.verbose)
    if cron is not None:
        validate.cron(cron)
    work_pool.api_url()
    prefect_control.load_flows(tree, c.verbose)
    from flows import pool as kpool

    created = work_pool.ensure_process_pool(pool)
    parameters = {
        "data": str(tree.root.resolve()),
        "sources": sources,
        "config": str(cfg.path.resolve()) if cfg.path else None,
        "profile": cfg.profile_name,
        "frontier": frontier,
        "workers": workers,
    }
    work_pool.deploy(kpool.pool_run, name=name, pool=pool, cron=cron, parameters=parameters)
    when = f"on schedule {bounded(cron)}" if cron else "run by hand (Prefect UI or `prefect deployment run`)"
    out.print(
        f"deployment {kpool.pool_run.name}/{bounded(name)} on {'new ' if created else ''}process work pool "
        f"{bounded(pool)}, {when}; start workers with: kaopu worker --pool {bounded(pool)}",
        highlight=False,
        soft_wrap=True,
    )


@guard
def worker(
    ctx: typer.Context,
    pool: Annotated[str, typer.Option(help="Prefect work pool to take runs from (see `kaopu deploy`).")],
    limit: Annotated[int, typer.Option(min=1, max=64, help="Most flow runs at once on this host.")] = 1,
    name: Annotated[str | None, typer.Option(help="Worker name in Prefect (default: generated).")] = None,
) -> None:
    """Take the work pool's runs on this host until Ctrl-C or SIGTERM, which stop the run in progress
    (recorded as interrupted, marked crashed) and leave no process behind. Needs PREFECT_API_URL."""
    c: Ctx = ctx.obj
    work_pool.api_url()
    from flows import prefect_env

    prefect_env.configure(c.config().tree, verbose=c.verbose)  # the flow runs inherit it
    got: dict[str, int] = {}

    def on_signal(signum: int, _frame: object = None) -> None:
        got.setdefault("signum", signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    proc = work_pool.start_worker(pool, limit, name)
    while "signum" not in got and proc.poll() is None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.2)
    if "signum" not in got:
        raise Fail(f"the Prefect worker exited with code {proc.returncode}")
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut the stop short
        signal.signal(sig, signal.SIG_IGN)
    stopped = work_pool.stop_worker(proc)
    sig_name = signal.Signals(got["signum"]).name
    runs = f"; stopped {len(stopped)} run(s), marked crashed" if stopped else ""
    say_error(f"worker stopped by {sig_name}{runs}")
