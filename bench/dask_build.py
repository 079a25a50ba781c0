"""The clean build's text work on Dask (`--dask local:2`) against local worker processes, and what an
incremental build writes with clean/documents partitioned.

    .venv/bin/python bench/dask_build.py --size 100000 --seed 1 --repeats 3
    PYTHONPATH=/path/to/older/checkout .venv/bin/python bench/dask_build.py --modes local   # "before"

    .venv/bin/python bench/dask_build.py --size 1000000 --repeats 1 --no-increment --workdir /tmp/d6
    .venv/bin/python bench/dask_build.py --size 1000000 --workdir /tmp/d6 --reuse-raw   # raw kept

Raw comes from `World(seed, n).expected_items()` as in bench/build.py. Each measured build runs in a
fresh process on a fresh copy of the same data tree. Its peak memory is the whole process tree's
(`TreeMemory`: psutil sums the RSS of the build process and all its descendants every 0.2 s — text
workers, LocalCluster nannies and workers, the temporary Prefect API — and keeps the largest sum,
with each part's own peak beside it). Modes are interleaved per repeat (local #0, dask #0, local #1
...) so each pair shares the machine's load; the 1-minute load average before and after is printed.
A Dask build also prints its runner's `TextStats` (text work on the workers, the build blocked on
results, the hand-off) and the pickled size of one batch each way.

- `clean-local`: `update_clean` as `kaopu build` runs it (text work on up to 4 local processes).
- `clean-dask`: the same inside a Prefect flow whose DaskTaskRunner starts a LocalCluster of 2
  single-threaded worker processes; every text batch is a Prefect task there. Timed from the flow
  call (the LocalCluster start included); the Prefect API is started before the clock.
- `inc-clean`: a world 1% larger written as a new raw run onto the built tree, then `update_clean`;
  reports how many documents partitions it rewrote and kept (files' inode and mtime before/after).

Every figure is printed per repeat and as a mean with a 95% t-interval. The machine is shared (2 cores,
other jobs running): read CPU seconds beside wall seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

# Two-sided 95% t quantiles by degrees of freedom (n - 1).
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _partition_files(root: Path) -> dict[str, tuple[int, int]]:
    docs = root / "clean" / "documents"
    if not docs.is_dir():
        return {}
    return {
        p.relative_to(docs).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in docs.rglob("*.parquet")
    }


def _pickled(obj) -> dict:
    """Bytes and seconds of one object's round trip through pickle (protocol 5, as distributed uses)."""
    import pickle

    t0 = time.perf_counter()
    data = pickle.dumps(obj, protocol=5)
    t1 = time.perf_counter()
    pickle.loads(data)
    return {"bytes": len(data), "dumps_s": t1 - t0, "loads_s": time.perf_counter() - t1}


def _clean_dask(root: str, workers: int) -> dict:
    from flows import prefect_env
    from pipelines.storage import DataTree

    prefect_env.configure(DataTree(root))  # as the CLI does: before Prefect is imported
    from prefect import flow

    from flows.dask_target import parse
    from flows.dask_texts import Rows, TextStats, on_task_runner, task_runner
    from incremental_build.clean import update_clean

    target = parse(f"local:{workers}")
    stats = TextStats()
    ship: dict = {}

    def texts(batches):
        """The build's runner, with the first batch's rows and frame weighed (off the clock)."""

        def tap(it):
            for i, rows in enumerate(it):
                if i == 0:
                    ship["rows"] = len(rows)
                    ship["out"] = _pickled(Rows(rows))
                yield rows

        for i, frame in enumerate(on_task_runner(target.in_flight, stats)(tap(batches))):
            if i == 0:
                ship["back"] = _pickled(frame)
            yield frame

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        return None

    @flow(name="bench-clean-dask")
    def clean() -> dict:
        return update_clean(DataTree(root), watchlist=[], texts=texts)

    warm_up()  # the temporary Prefect API starts here, before the clock
    t0, c0 = time.perf_counter(), _cpu_seconds()
    counts = clean.with_options(task_runner=task_runner(target))()
    off_clock = sum(ship[k]["dumps_s"] + ship[k]["loads_s"] for k in ("out", "back") if k in ship)
    seconds = time.perf_counter() - t0 - off_clock
    text = {k: round(v, 2) if isinstance(v, float) else v for k, v in dataclasses.asdict(stats).items()}
    if ship and stats.batches:
        # Shipping, estimated from the first batch: its rows out and its frame back, pickled and
        # unpickled once each way, times the number of batches (the bytes cross loopback sockets).
        per = {k: ship[k]["dumps_s"] + ship[k]["loads_s"] for k in ("out", "back")}
        text["ship_mb_per_batch"] = {k: round(ship[k]["bytes"] / 2**20, 1) for k in ("out", "back")}
        text["ship_cpu_seconds_est"] = round(sum(per.values()) * stats.rows / ship["rows"], 2)
    return {"counts": counts, "seconds": seconds, "cpu_seconds": _cpu_seconds() - c0, "text": text}


def _phase(name: str, root: str, seed: int, n: int, period: str) -> dict:
    from evaluation.sandbox_eval import load_world_into_raw, write_raw
    from incremental_build.clean import update_clean
    from pipelines import storage
    from pipelines.storage import DataTree
    from sandbox.world import World

    if hasattr(storage, "PARTITIONED"):  # (an older kaopu has no partitions)
        docs = storage.PARTITIONED["clean/documents"]
        storage.PARTITIONED["clean/documents"] = dataclasses.replace(
            docs, period=None if period == "none" else period
        )

    tree = DataTree(root)
    out: dict = {}
    before = _partition_files(tree.root)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    if name == "raw":
        out["written"] = load_world_into_raw(World(seed, n), tree, "base")
    elif name == "raw-inc":
        base = {i.item_id for i in World(seed, n).expected_items()}
        bigger = World(seed, math.ceil(n * 1.01))
        out["written"] = write_raw(
            tree, "increment", (i for i in bigger.expected_items() if i.item_id not in base)
        )
    elif name in ("clean-local", "inc-clean"):
        out["counts"] = update_clean(tree, watchlist=[])
    elif name.startswith("clean-dask"):
        out = _clean_dask(root, int(name.rsplit("-", 1)[1]))
        t0, c0 = time.perf_counter() - out.pop("seconds"), _cpu_seconds() - out.pop("cpu_seconds")
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["cpu_seconds"] = round(_cpu_seconds() - c0, 2)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["workers_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    after = _partition_files(tree.root)
    if after:
        out["partitions"] = len(after)
        out["partitions_rewritten"] = sum(after[k] != before.get(k) for k in after)
    return out


def _role(proc, root_pid: int) -> str:
    """Which part of a build a process of its tree is: the build process itself, the temporary Prefect
    API it started, or a text worker (a LocalCluster nanny or worker, or a local text process)."""
    if proc.pid == root_pid:
        return "build"
    try:
        cmd = " ".join(proc.cmdline())
    except Exception:
        return "workers"
    return "prefect_api" if "uvicorn" in cmd or ("prefect" in cmd and "server" in cmd) else "workers"


class TreeMemory:
    """Peak RSS of a process and all its descendants, summed, polled every `interval` s (psutil): what
    the machine must have free for the build, the driver, the Dask scheduler (in the driver's process
    for a LocalCluster), nannies, workers and the temporary Prefect API together. RSS counts pages two
    processes share twice; spawned (not forked) children share little but the libraries."""

    def __init__(self, pid: int, interval: float = 0.2):
        import threading

        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = {"tree": 0, "build": 0, "workers": 0, "prefect_api": 0, "processes": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            now = {"tree": 0, "build": 0, "workers": 0, "prefect_api": 0}
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue  # gone between the listing and the reading
                now["tree"] += rss
                now[_role(proc, self.root.pid)] += rss
            for key, value in now.items():
                self.peak[key] = max(self.peak[key], value)
            self.peak["processes"] = max(self.peak["processes"], len(procs))
            self._stop.wait(self.interval)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        mb = {f"tree_peak_{k}_mb": round(v / 2**20, 1) for k, v in self.peak.items() if k != "processes"}
        return mb | {"tree_processes": self.peak["processes"]}


def run_phase(name: str, root: Path, seed: int, n: int, period: str = "none") -> dict:
    cmd = [sys.executable, __file__, "--phase", name, "--root", str(root), "--seed", str(seed), "--n", str(n)]
    cmd += ["--period", period]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        memory = TreeMemory(proc.pid)
        code = proc.wait()
        tree = memory.stop()
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0:
        raise SystemExit(f"phase {name} failed:\n{stderr[-4000:]}")
    return json.loads(stdout.strip().splitlines()[-1]) | tree


def _interval(values: list[float]) -> str:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.2f}"
    half = _T95.get(len(values) - 1, 1.96) * statistics.stdev(values) / math.sqrt(len(values))
    return f"{mean:.2f} ± {half:.2f}"


def providers_for(target_docs: int, seed: int) -> int:
    """Providers a world needs for about `target_docs` text documents (as bench/build.py sizes it)."""
    from pipelines.contracts import TEXT_KINDS
    from sandbox.world import World

    sample = 200
    counts = World(seed, sample).count_documents()
    return max(1, round(target_docs / (sum(counts[k] for k in TEXT_KINDS) / sample)))


def _copy(src: Path, dst: Path) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--modes", default="local,dask-2", help="clean builds to compare: local, dask-N")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--period", default="none", help="documents partitions by source and: none, month, year")
    ap.add_argument("--no-increment", action="store_true", help="skip the +1%% builds")
    ap.add_argument("--reuse-raw", action="store_true", help="keep the workdir's raw from an earlier run")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.root, args.seed, args.n, args.period), ensure_ascii=False))
        return

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kaopu-dask-bench-"))
    n = providers_for(args.size, args.seed)
    raw = work / "raw-only"
    if not (args.reuse_raw and raw.exists()):
        shutil.rmtree(raw, ignore_errors=True)
        run_phase("raw", raw, args.seed, n)
    period = args.period
    results: dict = {"target_docs": args.size, "providers": n, "runs": {}}
    modes = args.modes.split(",")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    built = None
    # Interleaved (local #0, dask #0, local #1, ...): the machine's load drifts, each pair shares it.
    for i in range(args.repeats):
        for mode in modes:
            phase = "clean-local" if mode == "local" else f"clean-dask-{mode.split('-')[1]}"
            root = _copy(raw, work / f"{mode}-{i}")
            load = os.getloadavg()
            r = run_phase(phase, root, args.seed, n, period)
            r["load_before"] = [round(x, 2) for x in load]
            r["load_after"] = [round(x, 2) for x in os.getloadavg()]
            runs[mode].append(r)
            print(
                f"{mode:>8} #{i}: {r['counts']['documents']:,} docs {r['seconds']:.1f} s "
                f"(CPU {r['cpu_seconds']:.1f} s), tree peak {r['tree_peak_tree_mb']:.0f} MB "
                f"= build {r['tree_peak_build_mb']:.0f} + workers {r['tree_peak_workers_mb']:.0f} "
                f"+ Prefect API {r['tree_peak_prefect_api_mb']:.0f} MB (each peak on its own; "
                f"{r['tree_processes']} processes), load {load[0]:.1f} → {os.getloadavg()[0]:.1f}"
                + (f"\n          text: {r['text']}" if "text" in r else ""),
                flush=True,
            )
            if built is None and mode == "local":
                built = root
            else:
                shutil.rmtree(root, ignore_errors=True)
    for mode in modes:
        results["runs"][mode] = runs[mode]
        print(
            f"{mode:>8}: {_interval([r['seconds'] for r in runs[mode]])} s, "
            f"CPU {_interval([r['cpu_seconds'] for r in runs[mode]])} s, "
            f"tree peak {_interval([r['tree_peak_tree_mb'] for r in runs[mode]])} MB, "
            f"build process {_interval([r['peak_rss_mb'] for r in runs[mode]])} MB",
            flush=True,
        )
    if args.no_increment or built is None:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return

    # +1%: onto the first local build, each repeat on a fresh copy of it.
    run_phase("raw-inc", built, args.seed, n, period)
    inc = []
    for i in range(args.repeats):
        root = _copy(built, work / f"inc-{i}")
        inc.append(run_phase("inc-clean", root, args.seed, n, period))
        r = inc[-1]
        parts = (
            f", partitions {r['partitions_rewritten']}/{r['partitions']} rewritten"
            if "partitions" in r
            else ""
        )
        print(
            f"  +1% #{i}: +{r['counts']['new_documents']:,} docs {r['seconds']:.2f} s "
            f"(CPU {r['cpu_seconds']:.1f} s), peak {r['peak_rss_mb']:.0f} MB{parts}",
            flush=True,
        )
        shutil.rmtree(root, ignore_errors=True)
    results["runs"]["inc-clean"] = inc
    print(
        f"     +1%: {_interval([r['seconds'] for r in inc])} s, "
        f"peak {_interval([r['peak_rss_mb'] for r in inc])} MB",
        flush=True,
    )
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
