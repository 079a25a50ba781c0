"""What `kaopu status` reads: past runs (finished or interrupted), the run in progress, table sizes,
quarantine counts and how fresh each source is."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from pipelines.contracts import SOURCES, TABLES
from pipelines.storage import DataTree, append_line_durably, read_jsonl_gz, table_rows, write_json_atomic


def runs_file(tree: DataTree):
    return tree.run_history_file


def record_run(tree: DataTree, record: dict[str, Any]) -> None:
    """Append one finished run (flows call this last, so a crashed run leaves no half record)."""
    append_line_durably(runs_file(tree), json.dumps(record, ensure_ascii=False, default=str))


def record_interrupted(
    tree: DataTree, *, run_id: str | None, what: str, started: str | None, signal_name: str
) -> None:
    """A run stopped by a signal: said in the history, so `status` does not show the run before it
    as the latest one."""
    record_run(
        tree,
        {
            "run_id": run_id or "?",
            "what": what,
            "started": started,
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "interrupted": signal_name,
            "crawl": [],
            "failed_sources": [],
        },
    )


BUILD_STAGES = {"clean": "raw → clean tables", "marts": "clean → marts", "done": "done"}


def build_stage_file(tree: DataTree):
    return tree.build_stage_file


def build_stage(tree: DataTree, stage: str) -> None:
    """The build flow says which stage it is in, for the progress a user watches."""
    write_json_atomic(
        build_stage_file(tree), {"stage": stage, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    )


def quarantine_counts(tree: DataTree) -> Counter[str]:
    """Quarantined items by reason, over every quarantine file of the tree."""
    counts: Counter[str] = Counter()
    qdir = tree.quarantine_dir
    for path in sorted(qdir.glob("*.jsonl")) if qdir.exists() else []:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    counts[str(json.loads(line).get("reason", "?"))] += 1
                except (ValueError, AttributeError):
                    counts["unreadable quarantine line"] += 1
    return counts


def last_runs(tree: DataTree, n: int = 5) -> list[dict[str, Any]]:
    path = runs_file(tree)
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # a line cut by a crash while appending: skip it, keep the rest
    return rows[-n:]


def table_counts(tree: DataTree) -> dict[str, int | None]:
    """Rows per table from parquet metadata (cheap: no data is read). None = never built."""
    counts: dict[str, int | None] = {}
    for name in TABLES:
        counts[name] = table_rows(tree, name)
    return counts


def source_freshness(tree: DataTree) -> dict[str, dict[str, Any]]:
    """Per source: raw files, items, and the newest `fetched_at` (from the newest raw file)."""
    out: dict[str, dict[str, Any]] = {}
    for source in SOURCES:
        files = tree.raw_files(source)
        newest: str | None = None
        if files:
            latest = max(files, key=lambda p: p.stat().st_mtime)
            for rec in read_jsonl_gz(latest):
                fetched = rec.get("fetched_at")
                if isinstance(fetched, str) and (newest is None or fetched > newest):
                    newest = fetched
        out[source] = {"raw_files": len(files), "newest_fetch": newest, "age": _age(newest)}
    return out


def age(iso: str | None) -> str | None:
    """How long ago an ISO time was, in words a user reads at a glance ("3 d"), None if unknown."""
    return _age(iso)


def _age(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        then = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    seconds = (dt.datetime.now(dt.UTC) - then).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{max(seconds, 0):.0f} s"
