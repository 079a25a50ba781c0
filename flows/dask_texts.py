"""The build's text work on a Dask cluster, through Prefect's Dask task runner (prefect-dask).

`kaopu build --dask tcp://HOST:PORT` sends each batch of new documents (normalise, mask, script flag,
sentiment: `incremental_build.text_work.process_texts`) to the Dask scheduler at that address as a
Prefect task; `--dask local:N` starts a LocalCluster of N worker processes for the length of the build.
Everything else in the build (reading raw, provider resolution, near-duplicate labels, the merge, the
writes, the marts) runs in the build's own process as without `--dask`, so the tables are the same.

A worker only needs kaopu installed (the same version): batches go to it as rows and come back as
frames, so it never opens the data tree. A LocalCluster's workers report their task runs to the
build's own Prefect API; a remote cluster's workers report to the Prefect API their own environment
names (`PREFECT_API_URL`), or to a temporary one of their own when none is set.

Import this module only after `flows.prefect_env.configure()`, like `flows.flows`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.dask_target import DaskTarget
from incremental_build.text_work import process_texts


def task_runner(target: DaskTarget):
    """Prefect's DaskTaskRunner for `target`. A local cluster is created lazily (at the first batch,
    inside the flow run) so its workers can be pointed at the flow's own Prefect API."""
    from prefect_dask import DaskTaskRunner

    if target.address is not None:
        return DaskTaskRunner(address=target.address)
    return DaskTaskRunner(cluster_class=_local_cluster, cluster_kwargs={"n_workers": target.workers})


def _local_cluster(n_workers: int, **kwargs: Any):
    """A LocalCluster of single-threaded worker processes (the text work holds the GIL), whose
    workers report to the Prefect API this flow run uses: without it each worker would start a
    temporary Prefect server of its own (~15 s each on 2 cores). Its dashboard goes on a free loopback
    port (the log says which): `None` does not turn it off, and the default 8787 already taken by
    another cluster only warns and moves, a warning the test suite turns into a failure."""
    from distributed import LocalCluster
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    api = str(ctx.client.api_url) if ctx is not None and ctx.client is not None else ""
    env = {"PREFECT_API_URL": api.rstrip("/")} if api else {}
    return LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        env=env,
        **kwargs,
    )


class Rows:
    """One batch of rows, opaque to Prefect: a plain list would be walked element by element (20k
    dicts) by Prefect's parameter inspection on every submit."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class TextStats:
    """Where a Dask build's text time went, as the build's process saw it (`on_task_runner(stats=)`):
    `work_seconds` is `process_texts` on the workers (the text work itself; `work_cpu_seconds` its
    CPU); `wait_seconds` the build blocked on a result (text work it could not overlap with reading
    raw); `submit_seconds` handing batches to Prefect and Dask (the cluster's start at the first batch
    included); `first_submit_seconds` the first of those alone."""

    batches: int = 0
    rows: int = 0
    work_seconds: float = 0.0
    work_cpu_seconds: float = 0.0
    wait_seconds: float = 0.0
    submit_seconds: float = 0.0
    first_submit_seconds: float = 0.0


@dataclass
class Done:
    """One batch's processed frame and how long `process_texts` took on the worker."""

    frame: pd.DataFrame
    seconds: float
    cpu_seconds: float = 0.0


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2, task_run_name="texts")
def text_batch(batch: Rows) -> Done:
    """The text work on one batch, on a Dask worker (retried once: a worker lost mid-batch)."""
    t0, c0 = time.perf_counter(), time.process_time()
    frame = process_texts(batch.rows)
    return Done(frame, time.perf_counter() - t0, time.process_time() - c0)


def on_task_runner(in_flight: int, stats: TextStats | None = None):
    """The text-work runner `update_clean(texts=...)` takes: every batch as a `text_batch` task on the
    flow's task runner, in order, at most `in_flight` at once. Call inside a flow run. `stats`, when
    given, is filled in as the batches go (see `TextStats`)."""
    stats = stats if stats is not None else TextStats()

    def collect(future: Any) -> pd.DataFrame:
        t0 = time.perf_counter()
        done = future.result()
        stats.wait_seconds += time.perf_counter() - t0
        stats.work_seconds += done.seconds
        stats.work_cpu_seconds += done.cpu_seconds
        return done.frame

    def run(batches: Iterable[list[dict[str, Any]]]) -> Iterator[pd.DataFrame]:
        pending: list[Any] = []
        for rows in batches:
            while len(pending) >= in_flight:
                yield collect(pending.pop(0))
            t0 = time.perf_counter()
            pending.append(text_batch.submit(Rows(rows)))
            took = time.perf_counter() - t0
            stats.submit_seconds += took
            stats.first_submit_seconds = stats.first_submit_seconds or took
            stats.batches += 1
            stats.rows += len(rows)
        for future in pending:
            yield collect(future)

    return run
