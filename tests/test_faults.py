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
import select
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from evaluation.sandbox_eval import load_world_into_raw
from incremental_build.clean import update_clean
from incremental_build.marts import build_marts
from pipelines.contracts import TABLES
from pipelines.storage import DataTree, RawReader, RawWriter, read_quarantine, read_table, table_files
from sandbox.world import World

REPO = Path(__file__).resolve().parents[1]
SEED = 20261206
TRIED: collections.Counter = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    line = "fault suite tried: " + ", ".join(f"{k} {v}" for k, v in sorted(TRIED.items()))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:  # pragma: no cover - run with capture off
        print(line)
        return
    with capture.global_and_fixture_disabled():  # on the terminal, not in the captured output
        print("\n" + line)


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


def test_the_raw_reader_never_loses_records_without_saying_so(tmp_path):
    """Many more damaged files than the builds above, through the reader alone: whatever it yields is
    the file's records in order, and when it yields fewer it names a problem."""
    path = tmp_path / "a.jsonl.gz"
    originals = [{"n": i, "text": f"第{i}条：" + "好" * (i % 37)} for i in range(300)]
    with RawWriter(path) as w:
        for rec in originals:
            w.write(rec)
    pristine = path.read_bytes()
    rng = random.Random(SEED)
    for _ in range(300):
        how = rng.choice([d for d in DAMAGES if d != "duplicated"])
        path.write_bytes(pristine)
        damage(path, how, rng)
        TRIED[f"reader-only files {how}"] += 1
        reader = RawReader(path, on_bad_line=lambda n, why: None)
        got = list(reader)
        assert got == originals[: len(got)] or reader.check.problem, how
        assert len(got) == len(originals) or reader.check.problem, how


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
# One process imports kaopu once (4 s) and forks a child per fault; the child's build is the one killed
# or starved of disk, so the test process and its tables are never touched.
ZYGOTE = textwrap.dedent(
    """
    import json, os, resource, signal, sys, threading
    import pyarrow.parquet as pq
    from incremental_build.clean import update_clean
    from incremental_build.marts import build_marts
    from pipelines.storage import DataTree

    def kill_at(n):
        # SIGKILL at the n-th durable step of the build: a table write begun, written but not yet
        # renamed, a rename (tables and state files) done.
        steps = [0]

        def step():
            steps[0] += 1
            if steps[0] == n:
                os.kill(os.getpid(), signal.SIGKILL)

        real_replace, real_write = os.replace, pq.write_table

        def replace(*a, **k):
            step()
            real_replace(*a, **k)
            step()

        def write_table(*a, **k):
            step()
            real_write(*a, **k)
            step()

        os.replace, pq.write_table = replace, write_table

    def fault(mode, arg, root):
        if mode == "kill":
            kill_at(arg)
        elif mode == "timer":
            # SIGKILL after `arg` ms, wherever the build is: reading, scoring, merging, writing.
            threading.Timer(arg / 1000, os.kill, (os.getpid(), signal.SIGKILL)).start()
        elif mode == "disk":
            # Files may not grow past `arg` bytes: writes fail as on a full disk (EFBIG rather than
            # ENOSPC, at the same place) instead of the default SIGXFSZ.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (arg, arg))
        tree = DataTree(root)
        try:
            update_clean(tree, watchlist=[], workers=1)
            build_marts(tree, watchlist=[])
        except OSError as exc:
            print(f"kaopu: build failed: {exc}", file=sys.stderr)
            return 1
        return 0

    print("ready", flush=True)
    for line in sys.stdin:
        mode, arg, root, err = line.split()
        pid = os.fork()
        if pid == 0:
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            sys.stderr = os.fdopen(2, "w", buffering=1)
            os._exit(fault(mode, int(arg), root))
        _, status = os.waitpid(pid, 0)
        print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
    """
)


@pytest.fixture(scope="module")
def zygote():
    proc = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert _reply(proc) == "ready"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=60)
    proc.stdout.close()


def _reply(proc: subprocess.Popen, timeout: float = 120) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"the fault process did not answer within {timeout:.0f} s"
    return proc.stdout.readline().strip()


def run_child(zygote: subprocess.Popen, mode: str, arg: int, root: Path) -> tuple[int, str]:
    """(exit code, negative for a signal; stderr) of a build in a forked child with the fault."""
    err = root.parent / "child.err"
    zygote.stdin.write(f"{mode} {arg} {root} {err}\n")
    zygote.stdin.flush()
    code = int(_reply(zygote))
    return code, err.read_text(encoding="utf-8") if err.exists() else ""


def snapshot(tree: DataTree) -> dict[str, bytes]:
    return {str(f): f.read_bytes() for name in TABLES for f in table_files(tree, name)}


def assert_each_table_whole(tree: DataTree, before: dict[str, bytes]) -> None:
    """Every table (every partition of a partitioned one) is the previous one, or a complete new one
    that reads with its schema."""
    for name in TABLES:
        files = table_files(tree, name)
        assert files or not any(k.startswith(str(tree.table_path(name))) for k in before), f"{name} vanished"
        for path in files:
            if path.read_bytes() != before.get(str(path)):
                pq.read_table(path)  # whole: the footer and every page read
        if files:
            assert read_table(tree, name).schema.names == TABLES[name].names, name


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


# (mode, argument, what is counted): a SIGKILL at a random durable step (a table write begun,
# written but not renamed, a rename done), or at a random moment (reading, scoring, merging, writing).
_STEP, _MOMENT = random.Random(SEED * 7), random.Random(SEED * 11)
KILLS = [("kill", _STEP.randint(1, 30), "builds killed at a random step") for _ in range(3)]
# A build of this tree takes a few hundred ms in the forked child: moments past that would only
# test a finished build, which the step kills and the next test already cover.
KILLS += [("timer", _MOMENT.randint(10, 200), "builds killed at a random moment") for _ in range(3)]


@pytest.mark.parametrize(("mode", "arg", "counted"), KILLS)
def test_a_killed_build_leaves_whole_tables_and_the_next_build_catches_up(
    half_built, zygote, tmp_path, mode, arg, counted
):
    base, reference = half_built
    root = tmp_path / "data"
    shutil.copytree(base, root)
    tree = DataTree(root)
    before = snapshot(tree)
    code, err = run_child(zygote, mode, arg, root)
    TRIED[counted] += code == -9
    assert code in (-9, 0), err[-2000:]
    assert_each_table_whole(tree, before)
    build(tree)
    assert_same_tables(tables(tree), reference)


@pytest.mark.parametrize("room", ["none", "all but the biggest table"])
def test_a_disk_that_fills_during_a_build_leaves_whole_tables_and_says_so(
    half_built, pristine, zygote, tmp_path, room
):
    base, reference = half_built
    root = tmp_path / "data"
    shutil.copytree(base, root)
    tree = DataTree(root)
    before = snapshot(tree)
    pristine_tree = DataTree(pristine[0])
    biggest = max(f.stat().st_size for name in TABLES for f in table_files(pristine_tree, name))
    limit = 4_096 if room == "none" else biggest - 1
    code, err = run_child(zygote, "disk", limit, root)
    TRIED["disk-full builds"] += 1
    assert code == 1, err[-2000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith("kaopu: build failed:") and "too large" in last.lower()
    assert_each_table_whole(tree, before)
    assert not list(root.rglob("*.tmp")), "a temporary file left behind"
    build(tree)
    assert_same_tables(tables(tree), reference)
