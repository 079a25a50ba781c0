"""The data tree's promises: raw survives SIGKILL, parquet is never half written, quarantine keeps
reasons, and no scraped name can write outside data/."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import storage
from pipelines.contracts import MarketReview, to_record
from pipelines.storage import FOOTER_KEY, DataTree, QuarantineWriter, RawWriter, read_jsonl_gz, slugify


def _wait_for(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_raw_writer_survives_sigkill_with_a_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "market" / "2026-01-01" / "run-1.jsonl.gz"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from pipelines.storage import RawWriter
        w = RawWriter(Path({str(path)!r}))
        i = 0
        while True:
            w.write({{"native_id": str(i), "text": "评价" * 50, "n": i}})
            i += 1
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        _wait_for(lambda: path.exists() and sum(1 for _ in read_jsonl_gz(path)) >= 500, what="500 raw items")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    records = list(read_jsonl_gz(path))
    assert len(records) >= 500
    # Every record before the kill is complete and in order: nothing lost but the one in flight.
    assert [r["n"] for r in records] == list(range(len(records)))


def test_raw_files_appended_by_a_later_run_read_as_one_stream(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with RawWriter(path) as w:
        w.write({"n": 1})
    with RawWriter(path) as w:
        w.write({"n": 2})
    assert [r["n"] for r in read_jsonl_gz(path)] == [1, 2]
    with gzip.open(path, "rt", encoding="utf-8") as fh:  # any gzip reader agrees, footers aside
        lines = [json.loads(line) for line in fh]
    assert [r["n"] for r in lines if FOOTER_KEY not in r] == [1, 2]
    assert [r[FOOTER_KEY]["records"] for r in lines if FOOTER_KEY in r] == [1, 1]


def test_a_corrupt_line_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b'{"n": 1}\n{not json\n{"n": 3}\n')
    bad: list[tuple[int, str]] = []
    assert [r["n"] for r in read_jsonl_gz(path, on_bad_line=lambda n, why: bad.append((n, why)))] == [1, 3]
    assert bad and bad[0][0] == 2


def test_parquet_write_is_atomic_when_the_writer_crashes(tmp_path: Path, monkeypatch) -> None:
    tree = DataTree(tmp_path)
    old = pa.table({"provider_id": ["a"], "month": ["2026-01"]})
    path = storage.write_table(tree, "marts/provider_monthly", old)
    before = path.read_bytes()

    real_write = pq.write_table

    def crash_half_way(table, where, **kwargs):
        real_write(table.slice(0, 1), where, **kwargs)  # some bytes reach the temp file …
        raise OSError("disk full")  # … then the process fails

    monkeypatch.setattr(pq, "write_table", crash_half_way)
    new = pa.table({"provider_id": ["b", "c"], "month": ["2026-02", "2026-03"]})
    with pytest.raises(OSError, match="disk full"):
        storage.write_table(tree, "marts/provider_monthly", new)
    assert path.read_bytes() == before  # the reader still sees the whole old table
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_parquet_never_half_written_under_sigkill(tmp_path: Path) -> None:
    """Kill a process that rewrites a large table in a loop; the table on disk always reads whole."""
    tree = DataTree(tmp_path)
    script = textwrap.dedent(
        f"""
        import pyarrow as pa
        from pipelines.storage import DataTree, write_table
        tree = DataTree({str(tmp_path)!r})
        n = 200_000
        i = 0
        while True:
            t = pa.table({{"provider_id": [f"p{{i}}-{{k}}" for k in range(n)], "month": ["2026-01"] * n}})
            write_table(tree, "marts/provider_monthly", t)
            i += 1
        """
    )
    path = tree.table_path("marts/provider_monthly")
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        _wait_for(path.exists, what="first table")
        # Let it get into the middle of a later write, then kill it.
        first = path.stat().st_mtime_ns
        _wait_for(lambda: path.stat().st_mtime_ns != first, what="a second write")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    table = pq.read_table(path)
    assert table.num_rows == 200_000
    assert len(set(s.split("-")[0] for s in table.column("provider_id").to_pylist())) == 1


def test_same_rows_in_any_order_give_the_same_table(tmp_path: Path) -> None:
    tree = DataTree(tmp_path)
    a = pa.table({"provider_id": ["x", "y", "z"], "month": ["2026-01", "2026-02", "2026-03"]})
    storage.write_table(tree, "marts/provider_monthly", a, sort_by=["provider_id", "month"])
    first = pq.read_table(tree.table_path("marts/provider_monthly"))
    storage.write_table(tree, "marts/provider_monthly", a.take([2, 0, 1]), sort_by=["provider_id", "month"])
    second = pq.read_table(tree.table_path("marts/provider_monthly"))
    assert first.equals(second)


def test_reading_some_columns_gives_those_whether_or_not_the_table_was_written(tmp_path: Path) -> None:
    tree = DataTree(tmp_path)
    never = storage.read_table(tree, "marts/provider_monthly", ["month", "provider_id"])
    assert never.column_names == ["month", "provider_id"] and never.num_rows == 0
    row = pa.table({"provider_id": ["x"], "month": ["2026-01"]})
    storage.write_table(tree, "marts/provider_monthly", row)
    written = storage.read_table(tree, "marts/provider_monthly", ["month", "provider_id"])
    assert written.column_names == ["month", "provider_id"]
    assert written.to_pylist() == [{"month": "2026-01", "provider_id": "x"}]


def test_a_misspelt_column_is_refused_not_dropped(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not in the schema"):
        storage.write_table(DataTree(tmp_path), "marts/provider_monthly", pa.table({"provder_id": ["x"]}))


def test_quarantine_rows_carry_reason_and_origin(tmp_path: Path) -> None:
    tree = DataTree(tmp_path)
    item = to_record(MarketReview(native_id="", source_url="http://x/r", fetched_at="2026-01-01T00:00:00Z"))
    with QuarantineWriter(tree.quarantine_file("run-1")) as q:
        q.write(item, "missing_native_id", detail="no id in JSONP", source="market", source_url="http://x/r")
    rows = storage.read_quarantine(tree)
    assert len(rows) == 1
    assert rows[0]["reason"] == "missing_native_id"
    assert rows[0]["source"] == "market" and rows[0]["source_url"] == "http://x/r"
    assert rows[0]["item"]["kind"] == "market_review"


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "CON",
        "con",
        "x" * 2000,
        "/abs/path",
        "..",
        ".",
        "",
        "a/../../b",
        "名字\x00\n../",
        "NUL.txt",
    ],
)
def test_hostile_provider_names_stay_inside_the_data_tree(tmp_path: Path, hostile: str) -> None:
    root = tmp_path / "data"
    tree = DataTree(root)
    slug = slugify(hostile)
    assert slug and len(slug) <= 64
    assert "/" not in slug and "\\" not in slug and slug not in {".", ".."}
    assert slug.lower() not in {"con", "nul", "prn", "aux"}
    # A targeted crawl keeps its resumable queue in state/jobs/<source>/<provider>: the real path.
    for path in (tree.state_dir("jobs", "market", hostile), tree.state_dir("crawl", hostile)):
        path.mkdir(parents=True, exist_ok=True)
        assert root.resolve() in path.resolve().parents
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_slugs_are_stable_and_distinct() -> None:
    assert slugify("杭州火蝠电子商务有限公司") == slugify("杭州火蝠电子商务有限公司")
    assert slugify("火蝠电商") == "火蝠电商"
    assert slugify("x" * 2000) != slugify("x" * 1999)
    assert slugify("A B") == "a-b"


@pytest.mark.parametrize("run_id", ["../x", "a/b", "", "x" * 200, ".hidden"])
def test_run_ids_cannot_name_paths(tmp_path: Path, run_id: str) -> None:
    with pytest.raises(ValueError):
        DataTree(tmp_path).raw_file("market", run_id)


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        DataTree(tmp_path).raw_dir("../../etc")


def test_run_ids_sort_by_time() -> None:
    a = storage.new_run_id()
    assert a.startswith("run-") and os.sep not in a


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], True),
        (["a"], True),
        (["a", "b", "c"], True),
        (["a", "b", "b"], False),  # sorted, not unique
        (["b", "a"], False),
        (["a", None, "c"], False),
    ],
)
def test_strictly_increasing_means_sorted_unique_and_no_nulls(values, expected) -> None:
    arr = pa.array(values, pa.string())
    assert storage.strictly_increasing(arr) is expected
    halves = pa.chunked_array([arr[: len(arr) // 2], arr[len(arr) // 2 :]], pa.string())
    assert storage.strictly_increasing(halves) is expected


def _fsynced(monkeypatch) -> list[str]:
    """Paths whose descriptor was fsynced, in order (the real fsync still runs)."""
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return synced


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
@pytest.mark.parametrize("kind", ["json state", "parquet table", "dedup store"])
def test_every_state_and_table_write_reaches_the_disk_before_it_counts(
    tmp_path: Path, monkeypatch, kind
) -> None:
    # A rename is durable only once the directory is fsynced, and the renamed file only if it was
    # fsynced before: otherwise a power cut can leave an empty manifest where the old one was.
    import numpy as np
    import pandas as pd

    from incremental_build import dedup_store

    tree = DataTree(tmp_path)
    synced = _fsynced(monkeypatch)
    if kind == "json state":
        target = tree.build_state("clean-manifest.json")
        storage.write_json_atomic(target, {"a": 1})
    elif kind == "parquet table":
        target = tree.table_path("marts/provider_monthly")
        storage.write_table(tree, "marts/provider_monthly", pa.table({"provider_id": ["a"]}))
    else:
        target = tree.build_state(dedup_store.STATE_FILE)
        texts = pd.Series(["同一个故事讲了两遍，字数要够长才算长文本。" * 3] * 2 + ["短"])
        dedup_store.labels(tree, pd.Series(["a", "b", "c"]), texts, pd.Series(["a", "b", "c"]))
        rows = next(p for p in tree.build_state_dir.iterdir() if p.name.startswith("dedup-sig-"))
        assert str(rows) in synced, "the signature rows the index names are on disk before it"
        assert np.asarray(dedup_store.load(tree)[2].long).sum() >= 1
    assert target.exists()
    directory = max(i for i, p in enumerate(synced) if p == str(target.parent))
    file = max(i for i, p in enumerate(synced) if p.startswith(str(target.parent / f".{target.name}.")))
    assert file < directory, "the file is fsynced before its rename is made durable"


def test_an_atomic_write_leaves_another_writers_temporary_file_alone_and_clears_a_crashs(tmp_path):
    """Two crawler workers writing one stats file at once: the first to rename must not find its
    temporary file taken away by the other's clean-up (it failed with FileNotFoundError)."""
    from pipelines.storage import STALE_TMP_S, write_json_atomic

    target = tmp_path / "stats.json"
    in_flight = tmp_path / ".stats.json.abc123.tmp"
    in_flight.write_text("{}")
    crashed = tmp_path / ".stats.json.def456.tmp"
    crashed.write_text("{}")
    old = time.time() - STALE_TMP_S - 5
    os.utime(crashed, (old, old))
    write_json_atomic(target, {"pages": 3})
    assert json.loads(target.read_text()) == {"pages": 3}
    assert in_flight.exists()
    assert not crashed.exists()
