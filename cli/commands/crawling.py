"""Crawl, then build: `demo` (a sandbox world), `run` (every source of the profile), `crawl` (one
named provider); `crawl-worker` lends this host's processes to a shared crawl another host started."""

from __future__ import annotations

import concurrent.futures
from typing import Annotated

import typer

from cli import flow_runs, render, validate
from cli.consoles import out
from cli.errors import Fail, fail_if_damaged, fail_if_sources_failed, guard
from cli.options import (
    DEFAULT_REVISIT,
    AllowDamaged,
    AsOf,
    Ctx,
    Dask,
    Frontier,
    Revisit,
    Since,
    Sources,
    Workers,
)
from pipelines.config import bounded, clip
from pipelines.contracts import SOURCES
from pipelines.messages import say
from sandbox.cli import HARD_HELP
from sandbox.world import DEFAULT_SEED


@guard
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Sandbox world seed.")] = DEFAULT_SEED,
    providers: Annotated[
        int, typer.Option(min=1, max=100_000, help="Providers in the world.")
    ] = flow_runs.DEMO_PROVIDERS,
    frontier: Frontier = None,
    workers: Workers = 1,
    hard: Annotated[bool, typer.Option("--hard", help=HARD_HELP)] = False,
    as_of: AsOf = None,
    revisit: Revisit = DEFAULT_REVISIT,
    dask: Dask = None,
) -> None:
    """Start a sandbox world, crawl it, build the tables, print the top of provider_reputation.
    On a data tree an earlier demo filled, the crawl continues it (new items, and `--revisit`)."""
    c: Ctx = ctx.obj
    validate.frontier(frontier, workers)
    validate.dask(dask)
    validate.as_of(as_of)
    validate.revisit(revisit)
    cfg = c.config(profile="sandbox")
    tree = cfg.tree
    out.print(say("demo.start", c.lang, seed=seed, providers=providers, root=tree.root))
    summary = flow_runs.locked_run(
        c,
        tree,
        "demo",
        list(SOURCES),
        lambda kflows, run_id: kflows.demo(
            str(tree.root),
            seed,
            providers,
            config=c.config_path,
            run_id=run_id,
            frontier=frontier,
            workers=workers,
            hard=hard,
            as_of=as_of,
            revisit=revisit,
            dask=dask,
        ),
    )
    failed = render.report_crawl(summary, c.lang)
    render.print_reputation(tree, c.lang)
    render.print_paths(tree, c.lang)
    render.write_report(tree, c.lang)
    fail_if_sources_failed(failed, c.lang)


@guard
def run(
    ctx: typer.Context,
    source: Sources = None,
    since: Since = None,
    allow_damaged: AllowDamaged = False,
    frontier: Frontier = None,
    workers: Workers = 1,
    revisit: Revisit = DEFAULT_REVISIT,
    dask: Dask = None,
) -> None:
    """Crawl every source of the active profile, then build the tables (the text work on Dask with
    `--dask`)."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    sources = validate.sources(source)
    validate.since(since)
    validate.revisit(revisit)
    validate.frontier(frontier, workers)
    validate.dask(dask)
    shared = {"frontier": frontier, "workers": workers} if frontier else {}
    if dask is not None:
        shared["dask"] = dask
    summary = flow_runs.crawl_then_build(
        c, cfg, "run", sources, sources=sources, since=since, revisit=revisit, **shared
    )
    failed = render.report_crawl(summary, c.lang)
    render.print_reputation(tree, c.lang)
    render.print_stale(tree, failed, c.lang)
    render.print_paths(tree, c.lang)
    render.write_report(tree, c.lang)
    fail_if_damaged(summary, allow_damaged)
    fail_if_sources_failed(failed, c.lang, key="fail.sources_rest_built")


@guard
def crawl(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option(help="The provider to crawl, by any of its names.")],
    since: Since = None,
) -> None:
    """Crawl every source for one named provider, rebuild, print its row and claim verdicts."""
    c: Ctx = ctx.obj
    if not provider.strip():
        raise Fail("--provider needs a name", 2)
    validate.since(since)
    cfg = c.config()
    tree = cfg.tree
    summary = flow_runs.crawl_then_build(
        c, cfg, f"crawl of {clip(provider)}", list(SOURCES), provider=provider, since=since
    )
    failed = render.report_crawl(summary, c.lang)
    if all(r["exit_code"] == 3 for r in summary["crawl"]):
        raise Fail(say("fail.no_documents", c.lang, name=bounded(provider)), 3)
    render.print_provider(tree, provider, c.lang)
    fail_if_damaged(summary, allow_damaged=True)  # said, but a targeted crawl is not failed for another file
    render.print_stale(tree, failed, c.lang)
    render.write_report(tree, c.lang, provider)
    fail_if_sources_failed(failed, c.lang)


@guard
def crawl_worker(
    ctx: typer.Context,
    frontier: Annotated[
        str,
        typer.Option(
            "--frontier", metavar="redis://HOST:PORT/DB", help="The Redis of the crawl to join (required)."
        ),
    ],
    source: Sources = None,
    workers: Workers = 1,
    base_url: Annotated[
        str | None, typer.Option(help="Where the profile's sites are, if the crawl was started with one.")
    ] = None,
) -> None:
    """Join a shared crawl in progress (started by `kaopu run --frontier` on any host) with this host's
    crawler processes; they write raw files of their own to the data store, the starting host builds."""
    from flows.crawl import join_frontier
    from pipelines.storage import new_run_id

    c: Ctx = ctx.obj
    sources = validate.sources(source)
    validate.frontier(frontier, workers)
    cfg = c.config(base_url=base_url)
    profile = cfg.profile()
    wanted = [s for s in sources if profile.source(s).enabled]
    run_id = new_run_id("worker")
    options = {
        "config": str(cfg.path) if cfg.path else None,
        "profile": profile.name,
        "base_url": base_url,
        "polite": True,
    }
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(len(wanted), 1)) as pool:
        futures = [
            pool.submit(
                join_frontier, s, tree=cfg.tree, run_id=f"{run_id}-{s}", url=frontier, n=workers, **options
            )
            for s in wanted
        ]
        results = [f.result().as_dict() for f in futures]
    failed = render.report_crawl({"crawl": results}, c.lang)
    fail_if_sources_failed(failed, c.lang)
