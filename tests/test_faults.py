"""Fuzz and fault suite: raw files damaged at random (seeded) points, bad lines of every kind, a disk that
fills during a build, a build SIGKILLed at random points. Each must end with the previous tables intact,
nothing dropped in silence (every item is in the tables, quarantined, or in a file the build reported
damaged), and a build that, once the fault is gone, gives the same tables as one that never met it.

The counts of what was tried are printed at the end of the module (and in the report of issue 14).
"""

from __future__ import annotations

import collections
import gzip
import json
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from flows.clean import update_clean
from flows.evaluation import load_world_into_raw
from flows.marts import build_marts
from pipelines.contracts import TABLES
from pipelines.storage import DataTree, RawReader, read_quarantine, read_table
from sandbox.world import World

REPO = Path(__file__).resolve().parents[1]
SEED = 20261206
TRIED: collections.Counter = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = "fault suite tried: " + ", ".join(f"{k} {v}" for k, v in sorted(TRIED.items()))
    if reporter is not None:
        reporter.write_line(line)
    else:  # pragma: no cover - without the terminal plugin
        print(line)


def build(tree: DataTree) -> dict:
    clean = update_clean(tree, watchlist=[], workers=1)
    marts = build_marts(tree, watchlist=[])
    return {"clean": clean, "marts": marts}


def tables(tree: DataTree) -> dict[str, pd.DataFrame]:
    out = {}
    for name in TABLES:
        df = read_table(tree, name).to_pandas()
        out[name] = df.drop(columns=[c for c in ("built_at",) if c in df.columns])
    return out


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, set[str]], dict[str, pd.DataFrame]]:
    """A small world in raw (two runs, so a build has old tables to keep), its reference tables, and
    the ids each raw file holds."""
    root = tmp_path_factory.mktemp("pristine") / "data"
    tree = DataTree(root)
    items = list(World(7, 3).expected_items())
    load_world_into_raw(_Items(items[: len(items) // 2]), tree, "run1")
    load_world_into_raw(_Items(items[len(items) // 2 :]), tree, "run2")
    build(tree)
    ids = {
        tree.relative(p): {f"{r['source']}:{r['native_id']}" for r in RawReader(p)} for p in tree.raw_files()
    }
    return root, ids, tables(tree)


class _Items:
    def __init__(self, items):
        self.items = items

    def expected_items(self):
        return iter(self.items)


def copy_raw(pristine_root: Path, dest: Path) -> DataTree:
    shutil.copytree(pristine_root / "raw", dest / "raw")
    (dest / "providers.toml").write_text("# none\n", encoding="utf-8")
    return DataTree(dest)


# -- raw files damaged at random points ------------------------------------------------------------------
DAMAGES = ("truncated", "corrupted", "emptied", "duplicated", "junk")


def damage(path: Path, how: str, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(data[: rng.randrange(1, len(data))]))
    elif how == "corrupted":
        at = rng.randrange(10, len(data))  # past the fixed gzip header fields
        width = rng.randint(1, 16)
        for i in range(at, min(at + width, len(data))):
            data[i] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "emptied":
        path.write_bytes(b"")
    elif how == "duplicated":
        shutil.copyfile(path, path.with_name("copy-" + path.name))
    elif how == "junk":
        path.write_bytes(rng.randbytes(rng.randint(1, 4096)))


@pytest.mark.parametrize("trial", range(10))
def test_a_damaged_raw_file_loses_nothing_in_silence(pristine, tmp_path, trial):
    root, ids_by_file, reference = pristine
    rng = random.Random(SEED + trial)
    how = DAMAGES[trial % len(DAMAGES)]
    tree = copy_raw(root, tmp_path / "data")
    target = rng.choice(tree.raw_files())
    damage(target, how, rng)
    TRIED[f"raw files {how}"] += 1

    result = build(tree)
    reported = {d["raw_file"]: d for d in result["clean"]["damaged_raw"]}
    docs = set(read_table(tree, "clean/documents", ["doc_id"]).column(0).to_pylist())
    known = docs | _other_keys(tree)
    for rel, ids in ids_by_file.items():
        missing = ids - known
        assert not missing or rel in reported, f"{how}: {len(missing)} items of {rel} lost in silence"
    every_id = set().union(*ids_by_file.values())
    assert docs <= every_id, f"{how}: rows that were never in raw"
    if how == "duplicated":
        assert not reported
        assert_same_tables(tables(tree), reference)
    elif reported:
        rel = tree.relative(target)
        assert set(reported) == {rel}
        quarantined = [q for q in read_quarantine(tree) if q["raw_file"] == rel]
        assert [q["reason"] for q in quarantined] == [reported[rel]["reason"]]
        TRIED["damaged files reported"] += 1
    else:
        # Damage gzip does not see (a changed header byte) must have cost nothing.
        assert_same_tables(tables(tree), reference)


def _other_keys(tree: DataTree) -> set[str]:
    """Items that are rows of the structured tables, in their id form."""
    reg = read_table(tree, "clean/registry", ["company_id"]).column(0).to_pylist()
    lst = read_table(tree, "clean/listings", ["service_code"]).column(0).to_pylist()
    return {f"registry:{c}" for c in reg} | {f"market:{c}" for c in lst}


# -- bad lines of every kind -------------------------------------------------------------------------------
def _good(i: int, **change) -> str:
    rec = {
        "kind": "forum_answer",
        "source": "forum",
        "native_id": f"a{i}",
        "source_url": f"https://forum.test/question/1/answer/{i}",
        "fetched_at": "2025-03-10T02:00:00+00:00",
        "question_id": "1",
        "question_title": "代运营靠谱吗",
        "text": f"第{i}个回答：我们合作了半年，数据有起色。",
    }
    rec.update(change)
    return json.dumps(rec, ensure_ascii=False)


BAD_LINES: dict[str, bytes] = {
    "not json": b"{this is not json",
    "json array": b"[1, 2, 3]",
    "json string": b'"just a string"',
    "json null": b"null",
    "json number": b"42",
    "invalid utf-8": b'{"kind": "forum_answer", "text": "\xff\xfe"}',
    "nul bytes": b"\x00\x00\x00",
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "unknown kind": _good(1, kind="no_such_kind").encode(),
    "no kind": _good(2, kind=None).encode(),
    "missing native id": _good(3, native_id="").encode(),
    "missing url": _good(4, source_url=None).encode(),
    "integer text": _good(5, text=12345).encode(),
    "list text": _good(6, text=["a", "b"]).encode(),
    "empty text": _good(7, text="   ").encode(),
    "integer native id": _good(8, native_id=17).encode(),
    "string vote count": _good(9, voteup_count="many").encode(),
    "market rating as text": json.dumps(
        {
            "kind": "market_review",
            "source": "market",
            "native_id": "m1",
            "source_url": "https://market.test/ser/detail.htm?service_code=ts-1",
            "fetched_at": "2025-03-10T02:00:00+00:00",
            "text": "不错",
            "rating": "五星",
        },
        ensure_ascii=False,
    ).encode(),
}
GOOD_LINES = [
    _good(100).encode(),
    _good(101).encode() + b"\r",  # CRLF line ending
    b"\xef\xbb\xbf" + _good(102).encode(),  # a BOM
    _good(103, text="很长的回答" * 20_000).encode(),  # 100k characters
]


def test_bad_lines_of_every_kind_are_quarantined_and_counted_never_dropped(tmp_path):
    tree = DataTree(tmp_path / "data")
    raw = tree.raw_file("forum", "run1")
    raw.parent.mkdir(parents=True)
    lines = [*GOOD_LINES, *BAD_LINES.values(), b"", b"   "]
    raw.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    TRIED["bad line kinds"] += len(BAD_LINES)

    counts = update_clean(tree, watchlist=[], workers=1)
    docs = set(read_table(tree, "clean/documents", ["doc_id"]).column(0).to_pylist())
    quarantined = read_quarantine(tree)
    assert counts["quarantined"] == len(quarantined)
    # Every non-blank line is a document or a quarantine row: none vanished.
    assert len(docs) + len(quarantined) == len(GOOD_LINES) + len(BAD_LINES), (
        sorted(docs),
        [(q["reason"], q["detail"][:60]) for q in quarantined],
    )
    assert all(q["reason"] and q["raw_file"] == tree.relative(raw) for q in quarantined)


# -- a disk that fills, a kill at a random point: in a subprocess ------------------------------------------
CHILD = textwrap.dedent(
    """
    import os, resource, signal, sys
    import pyarrow.parquet as pq
    import pipelines.storage as storage
    from flows.clean import update_clean
    from flows.marts import build_marts
    from pipelines.storage import DataTree

    mode, arg, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "kill":
        # SIGKILL at the arg-th durable step of the build: a table write begun, a rename, a state file.
        steps = [0]

        def step():
            steps[0] += 1
            if steps[0] == arg:
                os.kill(os.getpid(), signal.SIGKILL)

        def hooked(fn, before_and_after=False):
            def wrapper(*a, **k):
                step()
                out = fn(*a, **k)
                if before_and_after:
                    step()
                return out
            return wrapper

        os.replace = hooked(os.replace, True)
        real_write = pq.write_table

        def half_written(table, where, **k):
            step()
            real_write(table, where, **k)
            step()  # written, not yet fsynced or renamed

        pq.write_table = half_written
    elif mode == "disk":
        # Files may not grow past `arg` bytes: writes fail as on a full disk (EFBIG, not ENOSPC, but
        # the same failure at the same place) instead of the default SIGXFSZ.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (arg, arg))
    tree = DataTree(root)
    try:
        update_clean(tree, watchlist=[], workers=1)
        build_marts(tree, watchlist=[])
    except OSError as exc:
        print(f"kaopu: build failed: {exc}", file=sys.stderr)
        sys.exit(1)
    print("steps", steps[0] if mode == "kill" else 0)
    """
)


def run_child(mode: str, arg: int, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(arg), str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(tree: DataTree) -> dict[str, bytes]:
    return {name: tree.table_path(name).read_bytes() for name in TABLES if tree.table_path(name).exists()}


def assert_each_table_whole(tree: DataTree, before: dict[str, bytes]) -> None:
    """Every table is the previous one, or a complete new one that reads with its schema."""
    for name in TABLES:
        path = tree.table_path(name)
        assert path.exists() or name not in before, f"{name} vanished"
        if path.exists() and path.read_bytes() != before.get(name):
            assert pq.read_schema(path).names == TABLES[name].names, name
            pq.read_table(path)  # whole: the footer and every page read


@pytest.fixture(scope="module")
def half_built(pristine, tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A tree whose tables hold run1 only, with run2 in raw waiting to be built."""
    root, _ids, reference = pristine
    base = tmp_path_factory.mktemp("half") / "data"
    tree = copy_raw(root, base)
    run2 = [p for p in tree.raw_files() if "run2" in p.name]
    parked = base / "parked"
    parked.mkdir()
    for p in run2:
        shutil.move(p, parked / tree.relative(p).replace("/", "__"))
    build(tree)
    for p in parked.iterdir():
        shutil.move(p, base / p.name.replace("__", "/"))
    parked.rmdir()
    return base, reference


@pytest.mark.parametrize("trial", range(3))
def test_a_build_killed_at_a_random_point_leaves_whole_tables_and_the_next_build_catches_up(
    half_built, tmp_path, trial
):
    base, reference = half_built
    root = tmp_path / "data"
    shutil.copytree(base, root)
    tree = DataTree(root)
    before = snapshot(tree)
    step = random.Random(SEED * 7 + trial).randint(1, 30)
    proc = run_child("kill", step, root)
    TRIED["builds killed"] += proc.returncode == -9
    assert proc.returncode in (-9, 0), proc.stderr[-2000:]
    assert_each_table_whole(tree, before)
    build(tree)
    assert_same_tables(tables(tree), reference)


@pytest.mark.parametrize("room", ["none", "all but the biggest table"])
def test_a_disk_that_fills_during_a_build_leaves_whole_tables_and_says_so(
    half_built, pristine, tmp_path, room
):
    base, reference = half_built
    root = tmp_path / "data"
    shutil.copytree(base, root)
    tree = DataTree(root)
    before = snapshot(tree)
    biggest = max(DataTree(pristine[0]).table_path(name).stat().st_size for name in TABLES)
    limit = 4_096 if room == "none" else biggest - 1
    proc = run_child("disk", limit, root)
    TRIED["disk-full builds"] += 1
    assert proc.returncode == 1, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("kaopu: build failed:") and "too large" in last.lower()
    assert_each_table_whole(tree, before)
    assert not list(root.rglob("*.tmp")), "a temporary file left behind"
    build(tree)
    assert_same_tables(tables(tree), reference)
