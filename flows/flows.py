"""The Prefect flows: crawl, build, run (= crawl + build), demo (= sandbox + run), scheduled_run.

Import this module only after `flows.prefect_env.configure()` — Prefect reads its settings at import.

Each flow is a thin shell around plain functions (`flows.crawl.run_spider`,
`incremental_build.clean.update_clean`, `incremental_build.marts.build_marts`) so the logic is tested
without Prefect, and the flows are tested under one `prefect_test_harness`. Crawls run as subprocesses
(Scrapy's reactor cannot restart in one process), several at once within the machine's cores; a source
that fails after its retries is reported and the others' data still lands and is built.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner

from flows import history
from flows.crawl import EXIT_FAILED, CrawlResult, run_spider
from flows.lock import RunLock
from pipelines.config import load_config
from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, new_run_id
from spiders.discovery import crawl_waves

# A crawl subprocess is mostly waiting on the network (or the sandbox); two per core keeps both
# cores busy without letting six Scrapy processes fight over 2 cores.
MAX_PARALLEL_CRAWLS = max(2, 2 * (os.cpu_count() or 1))


class CrawlFailed(RuntimeError):
    pass


def _not_stopping(*_args: Any) -> bool:
    """A crawl stopped by SIGINT/SIGTERM is not retried (the retry's delay would hold the stop up)."""
    from flows.crawl import stopping

    return not stopping()


@task(retries=2, retry_delay_seconds=3, retry_condition_fn=_not_stopping, task_run_name="crawl-{source}")
def crawl_source(source: str, data: str, run_id: str, options: dict[str, Any]) -> dict[str, Any]:
    """One source's crawl. A crash of the spider process is retried (its JOBDIR resumes where it
    stopped and the seen-id store keeps raw free of duplicates); 'no match' and config errors are
    answers, not failures, and are not retried."""
    result = run_spider(source, tree=DataTree(data), run_id=run_id, **options)
    if result.exit_code == EXIT_FAILED:
        raise CrawlFailed(result.message)  # the spider's message already names the source
    return result.as_dict()


@flow(name="kaopu-crawl", task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_CRAWLS))
def crawl(
    data: str,
    sources: list[str] | None = None,
    provider: str | None = None,
    since: str | None = None,
    revisit: str | None = None,
    config: str | None = None,
    profile: str | None = None,
    base_url: str | None = None,
    polite: bool = True,
    run_id: str | None = None,
    frontier: str | None = None,
    workers: int = 1,
) -> list[dict[str, Any]]:
    run_id = run_id or new_run_id("crawl")
    wanted = list(sources or SOURCES)
    cfg = load_config(config, data=data, profile=profile, base_url=base_url)
    prof = cfg.profile()
    options = {
        "config": str(cfg.path) if cfg.path else None,
        "profile": prof.name,
        "base_url": base_url,
        "provider": provider,
        "since": since,
        "revisit": revisit,
        "polite": polite,
        # A shared Redis frontier: `workers` processes per source (spiders/frontier.py).
        "frontier": frontier,
        "workers": workers,
    }
    results: list[dict[str, Any]] = []
    # Search-only sources run after the listing ones, to search the names those found.
    for wave in crawl_waves(wanted, targeted=bool(provider)):
        futures = {}
        for source in wave:
            if not prof.source(source).enabled:
                results.append(
                    CrawlResult(source, 0, f"{source} is disabled in profile {prof.name}", 0.0).as_dict()
                )
                continue
            futures[source] = crawl_source.submit(source, data, run_id, options)
        for source, future in futures.items():
            try:
                results.append(future.result())
            except Exception as exc:  # the task failed after its retries: report it, keep the rest
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                results.append(CrawlResult(source, EXIT_FAILED, message, 0.0).as_dict())
    return results


# The build's two steps are tasks of their own: each reads its input tables from the data tree and
# writes its output atomically (the manifest and the mart state move last), so a retry after a crash
# (a text worker killed for memory, a full disk freed) redoes only that step, idempotently. Inside the
# clean step, near-duplicate labels and provider resolution are not tasks: both are recomputed over the
# whole documents table as it is merged, and a task boundary would write the 10^6 texts twice.
@task(retries=1, retry_delay_seconds=2, task_run_name="clean-tables")
def update_clean_tables(data: str, full: bool = False, dask: str | None = None) -> dict[str, Any]:
    """raw → clean: only raw records not processed before, unless `full` or the clean method changed.
    `dask`: the text work goes to the flow's task runner (a DaskTaskRunner for that cluster)."""
    from incremental_build.clean import update_clean

    texts = None
    if dask is not None:
        from flows import dask_texts
        from flows.dask_target import parse

        texts = dask_texts.on_task_runner(parse(dask).in_flight)
    return update_clean(DataTree(data), full=full, texts=texts)


@task(retries=1, retry_delay_seconds=2, task_run_name="marts")
def build_mart_tables(data: str, full: bool = False) -> dict[str, Any]:
    """clean → marts: only providers whose evidence changed, unless `full` or the marts method changed."""
    from incremental_build.marts import build_marts

    return build_marts(DataTree(data), full=full)


@flow(name="kaopu-build")
def build(data: str, full: bool = False, dask: str | None = None) -> dict[str, Any]:
    """raw → clean (only new raw files) → marts (only providers whose evidence changed are recomputed).
    `full`: re-clean every raw file and recompute every provider, as a fresh data tree would.
    `dask`: run the text work on that Dask cluster (call the flow `build_on(dask)` gives)."""
    tree = DataTree(data)
    history.build_stage(tree, "clean")
    clean = update_clean_tables(data, full, dask)
    history.build_stage(tree, "marts")
    # (A re-clean for a changed clean method recomputes every mart too: the marts key includes it.)
    marts = build_mart_tables(data, full)
    history.build_stage(tree, "done")
    return {"clean": clean, "marts": marts}


def build_on(dask: str | None):
    """The build flow, with a Dask task runner for `--dask` (`tcp://HOST:PORT` or `local:N`)."""
    if dask is None:
        return build
    from flows import dask_texts
    from flows.dask_target import parse

    return build.with_options(task_runner=dask_texts.task_runner(parse(dask)))


@flow(name="kaopu-run")
def run(
    data: str,
    sources: list[str] | None = None,
    provider: str | None = None,
    since: str | None = None,
    revisit: str | None = None,
    config: str | None = None,
    profile: str | None = None,
    base_url: str | None = None,
    polite: bool = True,
    run_id: str | None = None,
    frontier: str | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> dict[str, Any]:
    """Crawl, then build (`dask`: the build's text work on that Dask cluster, as `kaopu build --dask`)."""
    started = dt.datetime.now(dt.UTC)
    run_id = run_id or new_run_id("run")
    crawled = crawl(
        data,
        sources=sources,
        provider=provider,
        since=since,
        revisit=revisit,
        config=config,
        profile=profile,
        base_url=base_url,
        polite=polite,
        run_id=run_id,
        frontier=frontier,
        workers=workers,
    )
    if provider and all(r["exit_code"] != 0 for r in crawled):
        built: dict[str, Any] = {"skipped": "no source had documents for this provider"}
    else:
        built = build_on(dask)(data, dask=dask)
    summary = {
        "run_id": run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "provider": provider,
        "crawl": crawled,
        "build": built,
        "failed_sources": [r["source"] for r in crawled if r["exit_code"] not in (0, 3)],
    }
    history.record_run(DataTree(data), summary)
    return summary


@flow(name="kaopu-scheduled-run")
def scheduled_run(
    data: str,
    sources: list[str] | None = None,
    config: str | None = None,
    profile: str | None = None,
) -> dict[str, Any]:
    """What `kaopu serve` schedules: a full run that, like the CLI, refuses to overlap another run."""
    run_id = new_run_id("scheduled")
    with RunLock(DataTree(data), what="scheduled run", run_id=run_id):
        return run(data, sources=sources, config=config, profile=profile, run_id=run_id)


@flow(name="kaopu-demo")
def demo(
    data: str,
    seed: int,
    providers: int,
    config: str | None = None,
    run_id: str | None = None,
    frontier: str | None = None,
    workers: int = 1,
    hard: bool = False,
    as_of: str | None = None,
    revisit: str | None = None,
    dask: str | None = None,
) -> dict[str, Any]:
    """Start a sandbox world (the adversarial one with `hard`) on a free loopback port, run everything
    against it, stop it. `dask`: the build's text work on that Dask cluster."""
    from sandbox.history import parse_as_of
    from sandbox.server import start

    access_log = str(DataTree(data).logs_dir / "sandbox-access.log")
    moment = parse_as_of(as_of)
    with start(seed, n_providers=providers, port=0, access_log=access_log, hard=hard, as_of=moment) as sb:
        return run(
            data,
            revisit=revisit,
            config=config,
            profile="sandbox",
            base_url=sb.url,
            run_id=run_id,
            frontier=frontier,
            workers=workers,
            dask=dask,
        )
