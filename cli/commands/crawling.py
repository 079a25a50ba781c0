"""Crawl, then build: `demo` (a sandbox world), `run` (every source of the profile), `crawl` (one
named provider)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import flow_runs, render, validate
from cli.consoles import out
from cli.errors import Fail, fail_if_damaged, fail_if_sources_failed, guard
from cli.options import AllowDamaged, Ctx, Since, Sources
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
    hard: Annotated[bool, typer.Option("--hard", help=HARD_HELP)] = False,
) -> None:
    """Start a sandbox world, crawl it, build the tables, print the top of provider_reputation."""
    c: Ctx = ctx.obj
    cfg = c.config(profile="sandbox")
    tree = cfg.tree
    out.print(say("demo.start", c.lang, seed=seed, providers=providers, root=tree.root))
    summary = flow_runs.locked_run(
        c,
        tree,
        "demo",
        list(SOURCES),
        lambda kflows, run_id: kflows.demo(
            str(tree.root), seed, providers, config=c.config_path, run_id=run_id, hard=hard
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
) -> None:
    """Crawl every source of the active profile, then build the tables."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    sources = validate.sources(source)
    validate.since(since)
    summary = flow_runs.crawl_then_build(c, cfg, "run", sources, sources=sources, since=since)
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
