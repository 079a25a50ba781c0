"""Raw is the source of truth: a damaged raw file is caught, its readable records still built, the file
quarantined whole with its reason and read again once restored; `kaopu verify` finds every problem."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from cli.verify import damage_lines, verify_tree
from incremental_build.clean import update_clean
from incremental_build.raw_manifest import load_manifest
from pipelines.storage import (
    CORRUPT,
    FOOTER_KEY,
    TRUNCATED,
    UNFINISHED,
    DataTree,
    RawReader,
    RawWriter,
    check_raw,
    read_quarantine,
    read_table,
    write_parquet_atomic,
)
from spiders.crawl_state import CrawlState

REPO = Path(__file__).resolve().parents[1]


def review(i: int) -> dict:
    return {
        "kind": "market_review",
        "source": "market",
        "native_id": f"r{i}",
        "source_url": f"https://fuwu.example/ser/detail.htm?service_code=ts-{i % 3}",
        "fetched_at": "2025-03-10T02:00:00+00:00",
        "service_code": f"ts-{i % 3}",
        "provider_name": "示例电商",
        "text": f"第{i}条评价：客服回复及时，店铺流量比签约前好了一些，编号{i * 7919}。",
        "rating": 4,
        "created_at": "2025-02-01T00:00:00+00:00",
    }


def write_reviews(path: Path, n: int) -> None:
    with RawWriter(path) as w:
        for i in range(n):
            w.write(review(i))


@pytest.fixture
def tree(tmp_path: Path) -> DataTree:
    return DataTree(tmp_path / "data")


def read_all(path: Path) -> tuple[list[dict], object]:
    reader = RawReader(path)
    return list(reader), reader.check


# -- the reader judges every file ------------------------------------------------------------------
def test_a_whole_file_checks_clean_and_counts_its_footer(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    write_reviews(path, 50)
    records, check = read_all(path)
    assert len(records) == 50 and check.problem is None
    assert (check.records, check.members, check.footers) == (50, 1, 1)


def test_a_file_cut_in_half_is_truncated_and_keeps_its_first_records(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    write_reviews(path, 400)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    records, check = read_all(path)
    assert check.problem == TRUNCATED
    assert 0 < len(records) < 400
    assert [r["native_id"] for r in records] == [f"r{i}" for i in range(len(records))]


def test_bytes_overwritten_mid_file_are_corrupt(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    write_reviews(path, 400)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 14] = b"\xa5" * 14
    path.write_bytes(bytes(data))
    records, check = read_all(path)
    assert check.problem == CORRUPT
    assert len(records) < 400


def test_junk_and_empty_files_are_damaged_not_empty(tmp_path):
    junk = tmp_path / "junk.jsonl.gz"
    junk.write_bytes(b"<html>503 Service Unavailable</html>")
    assert check_raw(junk).problem == CORRUPT
    empty = tmp_path / "empty.jsonl.gz"
    empty.write_bytes(b"")
    assert check_raw(empty).problem == TRUNCATED


def test_a_footer_that_disagrees_with_the_member_is_corrupt(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    lines = [json.dumps(review(i)) for i in range(3)] + [json.dumps({FOOTER_KEY: {"records": 5}})]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    assert check_raw(path).problem == CORRUPT


def test_an_old_file_without_footer_is_judged_by_crc_and_length(tmp_path):
    path = tmp_path / "old.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(review(i)) + "\n" for i in range(5)).encode()))
    records, check = read_all(path)
    assert len(records) == 5 and check.problem is None and check.footers == 0


def _killed_writer(path: Path, n: int) -> None:
    """A writer SIGKILLed after `n` records, as a crawl killed mid-run leaves its file."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from pipelines.storage import RawWriter\n"
        f"w = RawWriter(Path({str(path)!r}))\n"
        f"for i in range({n}):\n"
        "    w.write({'n': i})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60)
    assert proc.returncode == -9


def test_a_killed_writers_file_is_unfinished_and_the_next_writer_seals_it(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    _killed_writer(path, 30)
    records, check = read_all(path)
    assert check.problem == UNFINISHED and len(records) == 30
    # A retry of the same run appends to the same file: it must not append after a dangling stream.
    with RawWriter(path) as w:
        assert w.path == path
        w.write({"n": 30})
    records, check = read_all(path)
    assert check.problem is None and [r["n"] for r in records] == list(range(31))
    with gzip.open(path, "rt") as fh:  # and any gzip reader agrees
        assert sum(1 for line in fh if FOOTER_KEY not in line) == 31


def test_a_writer_never_appends_to_a_corrupt_file(tmp_path):
    path = tmp_path / "run1.jsonl.gz"
    path.write_bytes(b"not gzip at all")
    with RawWriter(path) as w:
        w.write({"n": 1})
    assert w.path == tmp_path / "run1.1.jsonl.gz"
    assert path.read_bytes() == b"not gzip at all"
    assert [r["n"] for r in RawReader(w.path)] == [1]


# -- the build ----------------------------------------------------------------------------------------
def test_a_truncated_raw_file_is_quarantined_whole_built_as_far_as_readable_and_read_again(tree):
    raw = tree.raw_file("market", "run1")
    write_reviews(raw, 400)
    state = CrawlState(tree.state_dir("crawl", "market"))  # as the crawl that wrote the file left it
    state.add(f"market:r{i}" for i in range(400))
    state.mark_thread_done("ts-1", "2025-03-10T02:00:00+00:00")
    state.close()
    backup = raw.with_name("backup.bin")
    shutil.copyfile(raw, backup)
    data = raw.read_bytes()
    raw.write_bytes(data[: len(data) // 2])

    counts = update_clean(tree, watchlist=[])
    rel = tree.relative(raw)
    [damaged] = counts["damaged_raw"]
    assert damaged["raw_file"] == rel and damaged["reason"] == TRUNCATED
    built = read_table(tree, "clean/documents").num_rows
    assert 0 < built == damaged["records_read"] < 400
    rows = [q for q in read_quarantine(tree) if q["reason"] == TRUNCATED]
    assert [q["raw_file"] for q in rows] == [rel]
    assert rel not in load_manifest(tree)
    [line] = damage_lines(counts["damaged_raw"])
    assert rel in line and TRUNCATED in line and "kaopu run --source market" in line

    # The crawl state forgets what raw lost, so a re-crawl of the source writes it again.
    assert counts["recrawl_reset"] == ["market"]
    state = CrawlState(tree.state_dir("crawl", "market"))
    try:
        assert state.count() == built and state.seen("market:r0") and not state.seen("market:r399")
    finally:
        state.close()

    shutil.copyfile(backup, raw)  # restored from a backup: read in full next time
    backup.unlink()
    counts = update_clean(tree, watchlist=[])
    assert counts["damaged_raw"] == []
    assert read_table(tree, "clean/documents").num_rows == 400
    assert load_manifest(tree)[rel]["records"] == 400


def test_a_file_a_live_writer_holds_is_built_so_far_but_neither_damaged_nor_sealed(tree):
    raw = tree.raw_file("market", "run1")
    writer = RawWriter(raw)  # a spider run on its own, outside kaopu's lock, still writing
    try:
        for i in range(10):
            writer.write(review(i))
        with pytest.raises(RuntimeError, match="another process is writing"):
            RawWriter(raw)
        counts = update_clean(tree, watchlist=[])
        assert counts["damaged_raw"] == [] and counts["raw_being_written"] == [tree.relative(raw)]
        assert read_table(tree, "clean/documents").num_rows == 10
        assert tree.relative(raw) not in load_manifest(tree)
        writer.write(review(10))  # not sealed under it: its next line still lands whole
    finally:
        writer.close()
    records, check = read_all(raw)
    assert check.problem is None and len(records) == 11
    update_clean(tree, watchlist=[])
    assert read_table(tree, "clean/documents").num_rows == 11


def test_the_build_counts_every_line_it_quarantines(tree):
    raw = tree.raw_file("market", "run1")
    raw.parent.mkdir(parents=True)
    lines = [
        json.dumps(review(1)),
        "{not json",
        "[1, 2, 3]",
        json.dumps({**review(2), "kind": "no_such_kind"}),
        json.dumps({**review(3), "text": 12345}),
    ]
    raw.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    counts = update_clean(tree, watchlist=[])
    quarantined = read_quarantine(tree)
    assert counts["quarantined"] == len(quarantined) == 4
    reasons = sorted(q["reason"] for q in quarantined)
    assert reasons == ["bad_field", "bad_json_line", "bad_json_line", "unknown_kind"]
    assert "int" in next(q["detail"] for q in quarantined if q["reason"] == "bad_field")


# -- verify ---------------------------------------------------------------------------------------------
def test_verify_finds_damaged_raw_a_vanished_built_file_and_a_table_of_the_wrong_shape(tree):
    good = tree.raw_file("market", "run1")
    write_reviews(good, 20)
    other = tree.raw_file("forum", "run1")
    write_reviews(other, 5)
    update_clean(tree, watchlist=[])
    assert verify_tree(tree) == []

    data = good.read_bytes()
    good.write_bytes(data[: len(data) - 40])
    other.unlink()
    write_parquet_atomic(pa.table({"doc_id": ["x"]}), tree.table_path("clean/claims"))
    problems = verify_tree(tree)
    text = "\n".join(problems)
    assert len(problems) == 5, text
    assert f"raw {tree.relative(good)}: {TRUNCATED}" in text
    assert f"manifest: {tree.relative(good)} is" in text and "smaller than" in text
    assert f"manifest: {tree.relative(other)} was built" in text and "gone from raw" in text
    assert "table clean/claims: schema differs" in text
    assert "table clean/claims: 1 rows, the last build wrote 0" in text


def _kaopu(*args: str, data: Path, api: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOPU_")}
    env["COLUMNS"] = "200"
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run(
        [sys.executable, "-m", "cli.app", "--data", str(data), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_kaopu_verify_exits_non_zero_with_one_line_per_problem(tree):
    write_reviews(tree.raw_file("market", "run1"), 10)
    ok = _kaopu("verify", data=tree.root)
    assert ok.returncode == 0, ok.stderr
    broken = tree.raw_file("market", "run2")
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(b"\x1f\x8b junk")
    bad = _kaopu("verify", data=tree.root)
    assert bad.returncode == 1
    assert [line for line in bad.stdout.splitlines() if line.startswith("raw ")] == [
        line for line in bad.stdout.splitlines() if tree.relative(broken) in line
    ]


def test_kaopu_build_ends_with_a_loud_line_per_damaged_file_and_fails_unless_allowed(tree, prefect_api):
    tree.root.mkdir(parents=True)
    (tree.root / "providers.toml").write_text("# no providers watched\n", encoding="utf-8")
    raw = tree.raw_file("market", "run1")
    write_reviews(raw, 300)
    data = raw.read_bytes()
    raw.write_bytes(data[: len(data) // 2])
    rel = tree.relative(raw)

    failed = _kaopu("build", data=tree.root, api=prefect_api)
    assert failed.returncode == 1, failed.stderr
    loud = [line for line in failed.stderr.splitlines() if "DAMAGED" in line]
    assert len(loud) == 1 and rel in loud[0] and TRUNCATED in loud[0]
    assert "kaopu run --source market" in loud[0]

    allowed = _kaopu("build", "--allow-damaged", data=tree.root, api=prefect_api)
    assert allowed.returncode == 0, allowed.stderr
    assert sum("DAMAGED" in line for line in allowed.stderr.splitlines()) == 1  # still said, every time
