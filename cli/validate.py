"""Values the user typed, checked before anything starts (a lock, Prefect, a server, a crawl): a bad
one is one line and exit 2."""

from __future__ import annotations

import datetime as dt

from cli.errors import Fail
from pipelines.config import bounded
from pipelines.contracts import SOURCES


def sources(chosen: list[str] | None) -> list[str]:
    """`--source` values (default: every source), each once, in the order given."""
    picked = list(dict.fromkeys(chosen or SOURCES))
    unknown = [s for s in picked if s not in SOURCES]
    if unknown:
        raise Fail(f"unknown source {bounded(unknown[0])}; expected one of {', '.join(SOURCES)}", 2)
    return picked


def revisit(value: str | None) -> None:
    from spiders.base import parse_revisit

    try:
        parse_revisit(value)
    except ValueError as exc:
        raise Fail(f"--{exc}", 2) from None


def as_of(value: str | None) -> None:
    from sandbox.history import parse_as_of

    try:
        parse_as_of(value)
    except ValueError as exc:
        raise Fail(str(exc), 2) from None


def since(value: str | None) -> None:
    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise Fail(f"--since {bounded(value)}: expected a date like 2026-01-31", 2) from None


def cron(expr: str) -> None:
    """Refuse a bad schedule before starting a server, with Prefect's own schedule validation
    (call after `prefect_env.configure`: it imports Prefect)."""
    from prefect.client.schemas.schedules import CronSchedule

    if len(expr.split()) != 5:
        raise Fail(
            f"--cron {bounded(expr)}: expected 5 fields (minute hour day month weekday), e.g. '0 3 * * *'", 2
        )
    try:
        CronSchedule(cron=expr)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        errors = getattr(exc, "errors", lambda: [])()
        reason = errors[0]["msg"] if errors else str(exc)
        raise Fail(f"--cron {bounded(expr)}: {reason}", 2) from None


def frontier(url: str | None, workers: int) -> None:
    """`--frontier` is a Redis URL; `--workers` above 1 means nothing without it."""
    if url is None:
        if workers != 1:
            raise Fail("--workers needs --frontier redis://HOST:PORT/DB (workers share the queue there)", 2)
        return
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise Fail(f"--frontier {bounded(url)}: expected a Redis URL like redis://127.0.0.1:6379/0", 2)


def dask(spec: str | None) -> None:
    """`--dask` is `tcp://HOST:PORT` with something answering there, or `local:N`."""
    if spec is None:
        return
    import importlib.util

    from flows.dask_target import check_reachable, parse

    problem = check_reachable(parse(spec))  # a malformed value: OptionError, exit 2
    if importlib.util.find_spec("prefect_dask") is None:
        raise Fail("--dask needs prefect-dask: install kaopu with its dask extra (pip install '.[dask]')", 2)
    if problem:
        raise Fail(f"--dask {bounded(spec)}: no Dask scheduler reachable there ({problem})", 2)
