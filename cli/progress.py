"""What a user watches while a command works: one line per source (pages, items, errors) and the
build's stage.

The crawls run in other processes: each spider rewrites `state/runs/<run>-<source>.progress.json`
twice a second and writes `<run>-<source>.stats.json` when it ends; the build flow writes
`state/build-stage.json` as it enters each stage. This module only reads those files.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from flows import history
from pipelines.storage import DataTree

POLL_S = 0.5


def _read(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not there yet, or caught between write and rename
    return doc if isinstance(doc, dict) else None


def crawl_line(stats_dir: Path, run_id: str, source: str) -> tuple[str, bool]:
    """The source's line, and whether its crawl has ended."""
    final = _read(stats_dir / f"{run_id}-{source}.stats.json")
    doc = final or _read(stats_dir / f"{run_id}-{source}.progress.json")
    if doc is None:
        return f"{source}: starting", False
    counts = f"{doc.get('pages', 0)} pages, {doc.get('items', 0)} items, {doc.get('errors', 0)} errors"
    return (f"{source}: done, {counts}" if final else f"{source}: {counts}"), final is not None


def build_line(tree: DataTree, since: float) -> str:
    """The build's stage, once this command's build has started (an older stage file says nothing)."""
    path = history.build_stage_file(tree)
    doc = _read(path)
    try:
        fresh = path.stat().st_mtime >= since
    except OSError:
        fresh = False
    if not doc or not fresh:
        return "build: waiting"
    stage = str(doc.get("stage"))
    return f"build: {history.BUILD_STAGES.get(stage, stage)}"


def follow(console: Console, tree: DataTree, run_id: str, sources: list[str], call: Callable[[], Any]) -> Any:
    """Run `call()` while the lines above follow it on `console` (stderr: stdout stays for results)."""
    stats_dir = tree.run_stats_dir
    since = time.time() - 1  # mtimes can lag the clock by a little
    done = threading.Event()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        lines = {s: progress.add_task(f"{s}: starting", total=None) for s in sources}
        build = progress.add_task("build: waiting", total=None)

        def poll() -> None:
            while not done.wait(POLL_S):
                for source, task in lines.items():
                    text, ended = crawl_line(stats_dir, run_id, source)
                    progress.update(task, description=text)
                    if ended:
                        progress.stop_task(task)
                progress.update(build, description=build_line(tree, since))

        poller = threading.Thread(target=poll, name="kaopu-progress", daemon=True)
        poller.start()
        try:
            return call()
        finally:
            done.set()
            poller.join(timeout=2)
