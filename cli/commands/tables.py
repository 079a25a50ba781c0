"""The tables and what is built from them: `build` (clean tables and marts), `report` (the static
site), `verify` (the whole data tree), `status` (runs, counts, freshness)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import flow_runs, prefect_control, progress, render, summaries, validate
from cli.consoles import err, out
from cli.errors import Fail, fail_if_damaged, guard
from cli.options import AllowDamaged, Ctx, Dask
from flows.lock import RunLock
from pipelines.config import ensure_watchlist
from pipelines.storage import new_run_id

FULL_HELP = (
    "Re-clean every raw file, not only new ones, then rebuild the marts "
    "(after a change to the text normaliser; equals a build into a fresh data tree)."
)


@guard
def build(
    ctx: typer.Context,
    allow_damaged: AllowDamaged = False,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the full result as JSON to this file ('-': stdout).")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help=FULL_HELP)] = False,
    dask: Dask = None,
) -> None:
    """Rebuild clean tables (from new raw files only) and the marts (from clean)."""
    c: Ctx = ctx.obj
    validate.dask(dask)
    tree = c.config().tree
    ensure_watchlist(tree)
    run_id = new_run_id("build")
    with flow_runs.stoppable(tree, "build", run_id), RunLock(tree, what="build", run_id=run_id):
        kflows = prefect_control.load_flows(tree, c.verbose)
        root = str(tree.root)
        if dask is None:
            result = progress.follow(err, tree, run_id, [], lambda: kflows.build(root, full=full))
        else:
            on_dask = kflows.build_on(dask)
            result = progress.follow(err, tree, run_id, [], lambda: on_dask(root, full=full, dask=dask))
    if not render.write_json(json_out, result):
        render.print_lines(summaries.build_lines(result, c.lang))
        render.print_reputation(tree, c.lang)
    fail_if_damaged(result, allow_damaged)  # with --json too: damage is never only in the JSON


@guard
def report(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Providers to show (any name or alias).")] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="Where to write it (default data/report).")
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open it in the browser.")] = False,
    compare: Annotated[bool, typer.Option(help="A side-by-side page of the 2–5 NAMEs.")] = False,
) -> None:
    """Write the static report (index, a page per provider, comparison) from the marts."""
    from report import ReportError
    from report.cli import report as write

    try:
        # `--lang` after `report` is the global option (cli/group.py moves it): one language per run
        write(ctx.obj.config().tree, names, out_dir, ctx.obj.lang, open_, compare, out)
    except ReportError as exc:
        raise Fail(str(exc), exc.exit_code) from None


@guard
def verify(ctx: typer.Context) -> None:
    """Check the whole data tree (raw files, build manifest, tables' schemas and row counts)."""
    from cli.verify import verify_tree

    tree = ctx.obj.config().tree
    problems = verify_tree(tree)
    render.print_lines(problems)
    if problems:
        raise Fail(f"{len(problems)} problem(s) in {tree.root}")
    out.print(f"{tree.root}: raw, manifest and tables verified, nothing lost", markup=False, highlight=False)


@guard
def status(ctx: typer.Context) -> None:
    """The run in progress, last runs, row counts per table, quarantined items, freshness per source."""
    render.print_status(ctx.obj.config().tree, ctx.obj.lang)
