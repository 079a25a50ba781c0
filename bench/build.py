"""Build-time benchmark: raw → clean → marts at 10^4, 10^5 and 10^6 documents, then 1% more raw.

    .venv/bin/python bench/build.py                      # all three sizes (10^6 takes a while)
    .venv/bin/python bench/build.py --sizes 10000,100000 --seed 1 --workdir /tmp/kaopu-bench

Raw comes from `World(seed, n).expected_items()` (the fast path a perfect crawl would produce), with
n chosen so the world has about the requested number of text documents. Each phase runs in its own
process so its peak RSS is its own (workers' peak reported beside it). The incremental build adds the
documents of a world 1% larger (its new providers, questions and articles) as a new raw run, then
runs the same two phases again: clean only processes the new raw records, and the marts recompute only
the providers whose evidence changed (`recomputed_providers` in the marts' counts).

    .venv/bin/python bench/build.py --sizes 100000 --repeat 5   # the incremental clean 5 times

`--partition-by source`, `source,month` (month first seen) or `source,created_month` picks the layout
of clean/documents for the run (default: the one `pipelines.storage.PARTITIONED` names), and
`--increment-days D` stamps the increment's items as fetched D days after the base crawl (a crawl a
month later: 31), as a real increment is, and `--base-months M` spreads the base's items over M
monthly crawls (by a hash of the item id), as a tree that has been crawled for M months is. Each
clean reports what it did to the clean/documents files (`documents_files`: rewritten, kept, removed,
bytes written, from their inodes and mtimes before and after).

`--stages` says where each phase's time goes: the build process's own CPU seconds beside its text
workers' (`main_cpu_seconds`, `workers_cpu_seconds`), and a sampler thread that looks at the main thread
every 20 ms and names the stage its innermost frame in kaopu's code belongs to (`stages`: each stage's
share of the main thread's wall time, and the main thread's CPU seconds since the last look, from its
own CPU clock; waiting for the text workers is a stage of its own, with wall time and next to no CPU).
On a pure-Python loop its cost was lost in this machine's noise (CPU ratio with/without 0.90–1.02).

`--repeat R` runs the incremental clean R times, each on its own copy of the tree as it stood before it,
and reports the mean of its wall and CPU seconds with a 95% t interval (`inc-clean-repeats`): on a
shared machine one run of a few seconds says little.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Other benchmarks live beside this file (bench/sandbox.py …); the script's own directory first on
# sys.path would shadow the project's packages of the same name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def _cpu_seconds(*who: int) -> float:
    """CPU seconds of this process and its finished children (or of `who` alone)."""
    usages = [resource.getrusage(w) for w in who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usages)


def _files(tree, name: str = "clean/documents") -> dict[str, tuple[int, int, int]]:
    """(inode, mtime ns, bytes) of each file of a table, by path."""
    from pipelines.storage import table_files

    return {
        str(p): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in table_files(tree, name)
    }


def _file_changes(before: dict, after: dict) -> dict:
    written = [k for k, v in after.items() if before.get(k) != v]
    return {
        "rewritten": len(written),
        "kept": len(after) - len(written),
        "removed": len(set(before) - set(after)),
        "bytes_written": sum(after[k][2] for k in written),
        "files": len(after),
        "bytes": sum(v[2] for v in after.values()),
        "rows_per_file": _rows_per_file(list(after)),
    }


def _rows_per_file(paths: list[str]) -> dict:
    import pyarrow.parquet as pq

    rows = sorted(pq.ParquetFile(p).metadata.num_rows for p in paths)
    return {"min": rows[0], "median": rows[len(rows) // 2], "max": rows[-1]} if rows else {}


def _layout(partition_by: str | None) -> None:
    """Use the layout `partition_by` names for clean/documents in this process."""
    import dataclasses

    from pipelines import storage

    layouts = {
        "source": {"period": None},
        "source,month": {"period": "month", "time_of": ("first_seen_at",)},
        # The month a document was published (else fetched), measured against the month first seen.
        "source,created_month": {"period": "month", "time_of": ("created_at", "fetched_at")},
    }
    if partition_by:
        if partition_by not in layouts:
            raise SystemExit(f"--partition-by: one of {', '.join(layouts)}, not {partition_by!r}")
        docs = storage.PARTITIONED["clean/documents"]
        storage.PARTITIONED["clean/documents"] = dataclasses.replace(docs, **layouts[partition_by])


# Where a frame's module puts the build: the first matching prefix of its path in the repository (else
# the path itself).
_STAGE_OF = (
    ("pipelines/text.py", "normalize"),
    ("pipelines/pii.py", "pii"),
    ("pipelines/claims.py", "claims"),
    ("pipelines/numbers.py", "claims"),
    ("pipelines/sentiment.py", "sentiment"),
    ("pipelines/snownlp_fast.py", "sentiment"),
    ("pipelines/dedup.py", "dedup"),
    ("incremental_build/dedup_store.py", "dedup"),
    ("pipelines/providers.py", "providers"),
    ("pipelines/org_names.py", "providers"),
    ("pipelines/agency_context.py", "providers"),
    ("pipelines/lexicon.py", "providers"),
    ("pipelines/names.py", "providers"),
    ("incremental_build/provider_", "providers"),
    ("incremental_build/attribution_state.py", "providers"),
    ("incremental_build/text_work.py", "text work hand-off (waiting for workers)"),
    ("incremental_build/raw_manifest.py", "reading raw"),
    ("pipelines/storage.py", "table reads and writes"),
    ("incremental_build/table_merge.py", "merge"),
    ("incremental_build/history.py", "history"),
    ("reputation/documents.py", "document and claim rows"),
    ("pipelines/contracts.py", "document and claim rows"),
    ("pipelines/replies.py", "document and claim rows"),
    ("pipelines/case_pages.py", "document and claim rows"),
    ("pipelines/dates.py", "document and claim rows"),
    ("reputation/", "marts logic"),
)


class _StageSampler:
    """Samples the main thread's stack every `interval` s from a thread of its own and counts the stage of
    the innermost frame in the repository's code (frames in libraries count for their caller)."""

    def __init__(self, interval: float = 0.02) -> None:
        import collections
        import threading

        self.root = str(Path(__file__).resolve().parent.parent) + "/"
        self.counts: collections.Counter[str] = collections.Counter()
        self.cpu: collections.Counter[str] = collections.Counter()
        self.main = threading.get_ident()
        self.clock = time.pthread_getcpuclockid(self.main)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.interval = interval

    def stage(self, frame) -> str:
        while frame is not None:
            path = frame.f_code.co_filename
            if path.startswith(self.root) and not any(d in path for d in ("/bench/", "-packages/")):
                rel = path[len(self.root) :]
                return next((stage for prefix, stage in _STAGE_OF if rel.startswith(prefix)), rel)
            frame = frame.f_back
        return "outside kaopu code"

    def _run(self) -> None:
        last = time.clock_gettime(self.clock)
        while not self.done.wait(self.interval):
            stage = self.stage(sys._current_frames().get(self.main))
            now = time.clock_gettime(self.clock)
            self.counts[stage] += 1
            self.cpu[stage] += now - last
            last = now

    def __enter__(self) -> _StageSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()

    def shares(self) -> dict:
        """Stage → share of the main thread's samples and its CPU seconds, most CPU first."""
        total = sum(self.counts.values()) or 1
        return {
            name: {"share": round(self.counts[name] / total, 3), "cpu_seconds": round(cpu, 1)}
            for name, cpu in self.cpu.most_common()
        }


def _later(items, days: int, months: int = 0):
    """The items fetched `days` later, or each in one of `months` monthly crawls."""
    import dataclasses
    import datetime as dt
    import zlib

    for item in items:
        shift = days + (31 * (zlib.crc32(item.item_id.encode()) % months) if months else 0)
        if shift and getattr(item, "fetched_at", None):
            when = dt.datetime.fromisoformat(item.fetched_at) + dt.timedelta(days=shift)
            item = dataclasses.replace(item, fetched_at=when.isoformat())
        yield item


def _phase(
    name: str,
    root: str,
    seed: int,
    n: int,
    partition_by: str | None = None,
    days: int = 0,
    months: int = 0,
    stages: bool = False,
) -> dict:
    """Run one phase in this process and return its measurements."""
    # Imports first: interpreter and library start-up is not build time.
    import importlib

    from pipelines.storage import DataTree

    for module in (
        "evaluation.sandbox_eval",
        "incremental_build.clean",
        "incremental_build.marts",
        "sandbox.world",
    ):
        importlib.import_module(module)

    _layout(partition_by)
    tree = DataTree(root)
    sampler = _StageSampler() if stages else contextlib.nullcontext()
    t0 = time.perf_counter()
    c0 = _cpu_seconds()
    own0 = _cpu_seconds(resource.RUSAGE_SELF)
    out: dict = {}
    with sampler:
        _phase_work(name, tree, seed, n, out, days, months)
    out["seconds"] = round(time.perf_counter() - out.pop("t0", t0), 2)
    # CPU (this process and its finished workers): the machine is shared, so wall time alone misleads.
    out["cpu_seconds"] = round(_cpu_seconds() - out.pop("c0", c0), 2)
    if stages:
        out["main_cpu_seconds"] = round(_cpu_seconds(resource.RUSAGE_SELF) - out.pop("own0", own0), 2)
        out["workers_cpu_seconds"] = round(out["cpu_seconds"] - out["main_cpu_seconds"], 2)
        out["stages"] = sampler.shares()
    # ru_maxrss is in KiB on Linux.
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["workers_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


def _phase_work(name: str, tree, seed: int, n: int, out: dict, days: int, months: int) -> None:
    from evaluation.sandbox_eval import write_raw
    from incremental_build.clean import update_clean
    from incremental_build.marts import build_marts
    from sandbox.world import World

    if name == "raw":
        out["written"] = write_raw(tree, "base", _later(World(seed, n).expected_items(), 0, months))
    elif name == "raw-inc":
        base = {i.item_id for i in World(seed, n).expected_items()}
        bigger = World(seed, math.ceil(n * 1.01))
        # Generating the id set above is not part of what is measured.
        out.update(t0=time.perf_counter(), c0=_cpu_seconds(), own0=_cpu_seconds(resource.RUSAGE_SELF))
        new_items = (item for item in bigger.expected_items() if item.item_id not in base)
        out["written"] = write_raw(tree, "increment", _later(new_items, days))
    elif name == "clean":
        before = _files(tree)
        out["counts"] = update_clean(tree, watchlist=[])
        out["documents_files"] = _file_changes(before, _files(tree))
    elif name == "marts":
        out["counts"] = build_marts(tree, watchlist=[])


def run_phase(name: str, root: Path, seed: int, n: int) -> dict:
    cmd = [sys.executable, __file__, "--phase", name, "--root", str(root), "--seed", str(seed), "--n", str(n)]
    cmd += [
        "--partition-by",
        _OPTIONS.get("partition_by") or "",
        "--increment-days",
        str(_OPTIONS.get("days", 0)),
        "--base-months",
        str(_OPTIONS.get("months", 0)),
    ]
    cmd += ["--stages"] if _OPTIONS.get("stages") else []
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


_OPTIONS: dict = {}  # --partition-by, --increment-days, --base-months and --stages, passed on to every phase


def _repeated_clean(root: Path, seed: int, n: int, repeat: int) -> dict:
    """The incremental clean `repeat` times, each on a fresh copy of `root` (left as it was)."""
    import statistics

    from scipy import stats

    runs = []
    for i in range(repeat):
        copy = root.with_name(f"{root.name}-copy{i}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy)
        runs.append(run_phase("clean", copy, seed, n))
        shutil.rmtree(copy, ignore_errors=True)
    out: dict = {"runs": repeat}
    for key in ("seconds", "cpu_seconds"):
        xs = [r[key] for r in runs]
        mean = statistics.fmean(xs)
        half = stats.t.ppf(0.975, repeat - 1) * statistics.stdev(xs) / math.sqrt(repeat)
        out[key] = {"mean": round(mean, 2), "ci95": [round(mean - half, 2), round(mean + half, 2)], "all": xs}
    out["texts_searched_again"] = [r["counts"].get("texts_searched_again") for r in runs]
    out["documents_files"] = [r["documents_files"] for r in runs]
    return out


def providers_for(target_docs: int, seed: int) -> int:
    from pipelines.contracts import TEXT_KINDS
    from sandbox.world import World

    sample = 200
    counts = World(seed, sample).count_documents()
    per_provider = sum(counts[k] for k in TEXT_KINDS) / sample
    return max(1, round(target_docs / per_provider))


def _stage_lines(phase: str, out: dict) -> str:
    """Where a phase's time went (--stages): the build process's and the workers' CPU, then each stage."""
    head = (
        f"    {phase}: {out['cpu_seconds']:.1f} CPU s = build process {out['main_cpu_seconds']:.1f} "
        f"+ text workers {out['workers_cpu_seconds']:.1f}; its main thread by stage (CPU s, share of wall):"
    )
    body = [
        f"      {name:<42} {v['cpu_seconds']:7.1f} CPU s {v['share']:6.1%}"
        for name, v in out["stages"].items()
        if v["share"] >= 0.005 or v["cpu_seconds"] >= 0.1
    ]
    return "\n".join([head, *body])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the data trees")
    ap.add_argument("--repeat", type=int, default=1, help="incremental clean runs, each on a copy")
    ap.add_argument(
        "--partition-by",
        default="",
        help="clean/documents layout: source, source,month or source,created_month",
    )
    ap.add_argument("--increment-days", type=int, default=0, help="the increment is fetched D days later")
    ap.add_argument("--base-months", type=int, default=0, help="the base is M monthly crawls")
    ap.add_argument("--stages", action="store_true", help="each phase's time by stage (sampled)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        out = _phase(
            args.phase,
            args.root,
            args.seed,
            args.n,
            args.partition_by,
            args.increment_days,
            args.base_months,
            args.stages,
        )
        print(json.dumps(out, ensure_ascii=False))
        return
    _OPTIONS.update(
        partition_by=args.partition_by, days=args.increment_days, months=args.base_months, stages=args.stages
    )

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kaopu-bench-"))
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        n = providers_for(size, args.seed)
        root = work / f"size-{size}"
        shutil.rmtree(root, ignore_errors=True)
        row: dict = {"target_docs": size, "providers": n}
        for phase in ("raw", "clean", "marts"):
            row[phase] = run_phase(phase, root, args.seed, n)
        row["documents"] = row["clean"]["counts"]["documents"]
        row["raw-inc"] = run_phase("raw-inc", root, args.seed, n)
        if args.repeat > 1:
            row["inc-clean-repeats"] = _repeated_clean(root, args.seed, n, args.repeat)
        for phase in ("clean", "marts"):
            row[f"inc-{phase}"] = run_phase(phase, root, args.seed, n)
        row["incremental_new_documents"] = row["inc-clean"]["counts"]["new_documents"]
        full = row["clean"]["seconds"] + row["marts"]["seconds"]
        inc = row["inc-clean"]["seconds"] + row["inc-marts"]["seconds"]
        row["incremental_share_of_full"] = round(inc / full, 3)
        full_cpu = row["clean"]["cpu_seconds"] + row["marts"]["cpu_seconds"]
        inc_cpu = row["inc-clean"]["cpu_seconds"] + row["inc-marts"]["cpu_seconds"]
        row["incremental_cpu_share_of_full"] = round(inc_cpu / full_cpu, 3)
        results.append(row)
        print(
            f"{row['documents']:>9,} docs ({n:,} providers): clean {row['clean']['seconds']:>7.1f}s "
            f"{row['clean']['peak_rss_mb']:>7.0f} MB "
            f"(+workers {row['clean']['workers_peak_rss_mb']:.0f} MB) | "
            f"marts {row['marts']['seconds']:>6.1f}s {row['marts']['peak_rss_mb']:>6.0f} MB | "
            f"+{row['incremental_new_documents']:,} docs: clean {row['inc-clean']['seconds']:.1f}s, "
            f"marts {row['inc-marts']['seconds']:.1f}s "
            f"({row['inc-marts']['counts'].get('recomputed_providers', 0):,} providers recomputed) "
            f"= {row['incremental_share_of_full']:.1%} of full "
            f"(CPU {full_cpu:.1f}s → {inc_cpu:.1f}s = {row['incremental_cpu_share_of_full']:.1%})",
            flush=True,
        )
        files = row["inc-clean"]["documents_files"]
        print(
            f"    clean/documents: {row['clean']['documents_files']['files']} files, "
            f"{row['clean']['documents_files']['bytes'] / 1e6:.1f} MB; the incremental build rewrote "
            f"{files['rewritten']} of {files['files']} ({files['bytes_written'] / 1e6:.1f} MB), "
            f"removed {files['removed']}",
            flush=True,
        )
        if args.stages:
            for phase in ("clean", "marts"):
                print(_stage_lines(phase, row[phase]), flush=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
