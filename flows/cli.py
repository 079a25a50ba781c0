"""`kaopu` — the one command line.

Every failure is one clear line on stderr and a non-zero exit (2 for a bad config or argument, 3 when
a named provider matched nothing, 1 otherwise). Prefect and Scrapy logs go to `data/logs/`; `--verbose`
shows Prefect's on the terminal too. Prefect is imported only after its environment is set
(`flows.prefect_env.configure`), which is why the flow module is imported inside the commands.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import history
from flows.lock import RunLock, RunLocked
from pipelines.config import Config, ConfigError, ensure_watchlist, load_config
from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, new_run_id
from sandbox.cli import app as sandbox_app
from sandbox.world import DEFAULT_SEED

app = typer.Typer(
    name="kaopu",
    help="Evidence-backed reputation tables for Taobao/Tmall agencies (代运营服务商).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(sandbox_app, name="sandbox", help="The offline web kaopu is tested and demonstrated on.")

out = Console()
err = Console(stderr=True)


class Fail(Exception):
    """A failure the user should read as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Ctx:
    config_path: str | None
    data: str | None
    profile: str | None
    verbose: bool

    def config(self, *, profile: str | None = None, base_url: str | None = None) -> Config:
        return load_config(
            self.config_path, data=self.data, profile=profile or self.profile, base_url=base_url
        )


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        str | None, typer.Option("--config", help="kaopu.toml to use (or $KAOPU_CONFIG).")
    ] = None,
    data: Annotated[
        str | None, typer.Option("--data", help="The data tree (or $KAOPU_DATA; default ./data).")
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Source profile: sandbox or live.")] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show Prefect's logs on the terminal.")
    ] = False,
) -> None:
    ctx.obj = Ctx(config, data, profile, verbose)


def _guard(fn):
    """Turn every exception into one line and an exit code; the traceback goes to the log file."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: Ctx | None = next(
            (a.obj for a in [*args, *kwargs.values()] if isinstance(getattr(a, "obj", None), Ctx)), None
        )
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ConfigError as exc:
            err.print(f"kaopu: config error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except RunLocked as exc:
            err.print(f"kaopu: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except Fail as exc:
            err.print(f"kaopu: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.code) from None
        except KeyboardInterrupt:
            err.print("kaopu: interrupted; finished tables are intact and a re-run resumes")
            raise typer.Exit(130) from None
        except Exception as exc:
            log = _error_log(ctx, exc)
            first = str(exc).splitlines()[0] if str(exc) else ""
            err.print(
                f"kaopu: {type(exc).__name__}: {first} (details: {log})",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            if ctx and ctx.verbose:
                traceback.print_exc()
            raise typer.Exit(1) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn  # typer reads the signature through this
    return wrapper


def _error_log(ctx: Ctx | None, exc: BaseException) -> str:
    try:
        tree = ctx.config().tree if ctx else DataTree("data")
        tree.logs_dir.mkdir(parents=True, exist_ok=True)
        path = tree.logs_dir / "kaopu-errors.log"
    except Exception:
        path = Path(tempfile.gettempdir()) / "kaopu-errors.log"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return str(path)


def _prefect(tree: DataTree, verbose: bool):
    """Configure Prefect for this data tree, then import the flows."""
    from flows import prefect_env

    prefect_env.configure(tree, verbose=verbose)
    from flows import flows as kflows

    prefect_env.attach_log_file(tree)
    return kflows


def _run_with_progress(tree: DataTree, run_id: str, sources: list[str], call) -> Any:
    """Run `call()` (a flow) while a progress bar follows the crawl subprocesses' stats files."""
    stats_dir = tree.root / "state" / "runs"
    done = threading.Event()
    result: dict[str, Any] = {}

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        crawl_task = progress.add_task("crawling " + ", ".join(sources), total=len(sources))

        def poll() -> None:
            while not done.wait(0.5):
                finished = [s for s in sources if (stats_dir / f"{run_id}-{s}.stats.json").exists()]
                progress.update(crawl_task, completed=len(finished))
                if len(finished) == len(sources):
                    progress.update(crawl_task, description="building clean tables and marts")

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        try:
            result["value"] = call()
        finally:
            done.set()
            poller.join(timeout=2)
    return result["value"]


def _locked_run(c: Ctx, tree: DataTree, what: str, sources: list[str], start) -> dict[str, Any]:
    """Take the data tree's lock, set Prefect up, and run `start(flows_module, run_id)` with progress."""
    ensure_watchlist(tree)
    with RunLock(tree, what=what):
        kflows = _prefect(tree, c.verbose)
        run_id = new_run_id(what.split()[0])
        return _run_with_progress(tree, run_id, sources, lambda: start(kflows, run_id))


def _report_crawl(summary: dict[str, Any]) -> list[str]:
    table = Table(title="crawl", show_edge=False)
    for col in ("source", "result", "raw items", "seconds"):
        table.add_column(col)
    failed = []
    for r in summary["crawl"]:
        state = "ok" if r["exit_code"] == 0 else ("no match" if r["exit_code"] == 3 else "FAILED")
        if r["exit_code"] not in (0, 3):
            failed.append(f"{r['source']}: {r['message']}")
        table.add_row(r["source"], state, str(r.get("raw_written", 0)), f"{r.get('elapsed_s', 0):.1f}")
    out.print(table)
    return failed


def _print_reputation(tree: DataTree, top: int = 10) -> None:
    import pandas as pd

    path = tree.table_path("marts/provider_reputation")
    if not path.exists():
        out.print("no provider_reputation table yet")
        return
    df = pd.read_parquet(path).sort_values("reputation_score", ascending=False)
    table = Table(title=f"provider_reputation: top {min(top, len(df))} of {len(df)}", show_edge=False)
    for title in ("provider", "score", "conf.", "TP★", "rating", "reviews", "compl.", "cases ✓/✗/⧉"):
        table.add_column(title, no_wrap=True)
    flags = []
    for _, row in df.head(top).iterrows():
        cases = f"{_fmt(row.claims_n)}: {_fmt(row.claims_supported)}/{_fmt(row.claims_refuted)}/"
        cases += _fmt(row.claims_duplicated)
        table.add_row(
            str(row.provider_name),
            _num(row.reputation_score, 1),
            _fmt(row.confidence_band),
            _fmt(row.tp_star),
            _num(row.rating_bayes, 2),
            _fmt(row.n_reviews),
            _fmt(row.n_complaints),
            cases,
        )
        risk = list(row.risk_flags) if row.risk_flags is not None else []
        if risk:
            flags.append(f"{row.provider_name}: " + "; ".join(risk))
    out.print(table)
    out.print("cases ✓/✗/⧉ = supported / refuted / copied from another agency", style="dim")
    if flags:
        out.print("risk flags:")
        for line in flags:
            out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)


def _num(value: Any, digits: int) -> str:
    try:
        return f"{float(value):.{digits}f}" if value is not None and value == value else "–"
    except (TypeError, ValueError):
        return "–"


def _fmt(value: Any) -> str:
    try:
        import pandas as pd

        if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
            return "–"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # counts and star levels come back as floats next to nulls
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def _print_paths(tree: DataTree) -> None:
    marts, clean = tree.root / "marts", tree.root / "clean"
    out.print(f"parquet files: {marts}/*.parquet and {clean}/*.parquet", soft_wrap=True, highlight=False)
    out.print(
        f'in pandas:     pd.read_parquet("{tree.table_path("marts/provider_reputation")}")',
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------


@app.command()
@_guard
def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Sandbox world seed.")] = DEFAULT_SEED,
    providers: Annotated[int, typer.Option(min=1, max=100_000, help="Providers in the world.")] = 30,
) -> None:
    """Start a sandbox world, crawl it, build the tables, print the top of provider_reputation."""
    c: Ctx = ctx.obj
    cfg = c.config(profile="sandbox")
    tree = cfg.tree
    out.print(f"kaopu demo: sandbox world seed={seed}, {providers} providers → {tree.root}")
    summary = _locked_run(
        c,
        tree,
        "demo",
        list(SOURCES),
        lambda kflows, run_id: kflows.demo(
            str(tree.root), seed, providers, config=c.config_path, run_id=run_id
        ),
    )
    failed = _report_crawl(summary)
    _print_reputation(tree)
    _print_paths(tree)
    _write_report(tree)
    if failed:
        raise Fail("sources failed: " + "; ".join(failed))


@app.command()
@_guard
def run(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only documents from this date on (YYYY-MM-DD).")] = None,
) -> None:
    """Crawl every source of the active profile, then build the tables."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    sources = _check_sources(source)
    _check_date(since)
    summary = _locked_run(
        c,
        tree,
        "run",
        sources,
        lambda kflows, run_id: kflows.run(
            str(tree.root),
            sources=sources,
            since=since,
            config=c.config_path,
            profile=cfg.profile_name,
            run_id=run_id,
        ),
    )
    failed = _report_crawl(summary)
    _print_reputation(tree)
    _print_paths(tree)
    _write_report(tree)
    if failed:
        raise Fail("sources failed (the others' data was built): " + "; ".join(failed))


@app.command()
@_guard
def crawl(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option(help="The provider to crawl, by any of its names.")],
    since: Annotated[str | None, typer.Option(help="Only documents from this date on (YYYY-MM-DD).")] = None,
) -> None:
    """Crawl every source for one named provider, rebuild, print its row and claim verdicts."""
    c: Ctx = ctx.obj
    if not provider.strip():
        raise Fail("--provider needs a name", 2)
    _check_date(since)
    cfg = c.config()
    tree = cfg.tree
    summary = _locked_run(
        c,
        tree,
        f"crawl of {provider}",
        list(SOURCES),
        lambda kflows, run_id: kflows.run(
            str(tree.root),
            provider=provider,
            since=since,
            config=c.config_path,
            profile=cfg.profile_name,
            run_id=run_id,
        ),
    )
    failed = _report_crawl(summary)
    if all(r["exit_code"] == 3 for r in summary["crawl"]):
        raise Fail(
            f"no source has documents for {provider!r}; check the name or add aliases to providers.toml", 3
        )
    _print_provider(tree, provider)
    _write_report(tree, provider)
    if failed:
        raise Fail("sources failed: " + "; ".join(failed))


@app.command()
@_guard
def report(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Providers to show (any name or alias).")] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="Where to write it (default data/report).")
    ] = None,
    lang: Annotated[str, typer.Option(help="zh (default) or en.")] = "zh",
    open_: Annotated[bool, typer.Option("--open", help="Open it in the browser.")] = False,
    compare: Annotated[bool, typer.Option(help="A side-by-side page of the 2–5 NAMEs.")] = False,
) -> None:
    """Write the static report (index, a page per provider, comparison) from the marts."""
    from flows.report import ReportError
    from flows.report.cli import report as write

    try:
        write(ctx.obj.config().tree, names, out_dir, lang, open_, compare, out)
    except ReportError as exc:
        raise Fail(str(exc), exc.exit_code) from None


def _write_report(tree: DataTree, provider: str | None = None) -> None:
    from flows.report.cli import after_build

    after_build(tree, out, provider)


@app.command()
@_guard
def build(ctx: typer.Context) -> None:
    """Rebuild clean tables (from new raw files only) and the marts (from clean)."""
    c: Ctx = ctx.obj
    tree = c.config().tree
    ensure_watchlist(tree)
    with RunLock(tree, what="build"):
        kflows = _prefect(tree, c.verbose)
        with err.status("building clean tables and marts"):
            result = kflows.build(str(tree.root))
    out.print_json(json.dumps(result, default=str, ensure_ascii=False))
    _print_reputation(tree)


@app.command()
@_guard
def status(ctx: typer.Context) -> None:
    """Last runs, row counts per table, and freshness per source."""
    tree = ctx.obj.config().tree
    runs = history.last_runs(tree)
    t = Table(title="last runs", show_edge=False)
    for col in ("run", "finished", "provider", "raw items", "failed sources"):
        t.add_column(col)
    for r in runs:
        raw = sum(int(x.get("raw_written", 0) or 0) for x in r.get("crawl", []))
        t.add_row(
            r.get("run_id", "?"),
            r.get("finished", "?"),
            r.get("provider") or "all",
            str(raw),
            ", ".join(r.get("failed_sources", [])) or "–",
        )
    out.print(t if runs else "no runs yet")
    counts = Table(title="tables", show_edge=False)
    counts.add_column("table")
    counts.add_column("rows")
    for name, n in history.table_counts(tree).items():
        counts.add_row(name, "not built" if n is None else str(n))
    out.print(counts)
    fresh = Table(title="sources", show_edge=False)
    for col in ("source", "raw files", "newest fetch", "age"):
        fresh.add_column(col)
    for source, info in history.source_freshness(tree).items():
        fresh.add_row(source, str(info["raw_files"]), info["newest_fetch"] or "never", info["age"] or "–")
    out.print(fresh)


@app.command()
@_guard
def serve(
    ctx: typer.Context,
    cron: Annotated[str, typer.Option(help='When to run, as cron, e.g. "0 3 * * *" (03:00 every day).')],
    name: Annotated[str, typer.Option(help="Deployment name.")] = "kaopu-scheduled",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
) -> None:
    """Create a Prefect deployment of the full run on a cron schedule and serve it (Ctrl-C stops)."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    ensure_watchlist(tree)
    sources = _check_sources(source)
    from flows import prefect_env

    prefect_env.configure(tree, verbose=c.verbose)
    _check_cron(cron)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        server = _start_prefect_server(tree)
    try:
        kflows = _prefect(tree, c.verbose)
        out.print(
            f"serving deployment {name!r} with schedule {cron!r}; Prefect UI: {_ui_url()}", highlight=False
        )
        sys.stdout.flush()
        kflows.scheduled_run.serve(
            name=name,
            cron=cron,
            parameters={
                "data": str(tree.root),
                "sources": sources,
                "config": c.config_path,
                "profile": cfg.profile_name,
            },
            print_starting_message=False,
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _ui_url() -> str:
    api = os.environ.get("PREFECT_API_URL", "")
    return api[: -len("/api")] if api.endswith("/api") else api


def _die_with_parent() -> None:
    """In the server's process before it starts (Linux): the kernel sends it SIGTERM when `serve`
    dies, however it dies. `serve` stops the server itself on Ctrl-C, but a `kill -9` would leave it
    running, holding its port and the data tree's Prefect database."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start_prefect_server(tree: DataTree) -> subprocess.Popen:
    """No Prefect server configured: start one on loopback, with its database in the data tree.
    Schedules need a real server (the temporary one a flow call starts does not run them)."""
    import urllib.error
    import urllib.request

    port = _free_port()
    env = os.environ.copy()
    env["PREFECT_UI_ENABLED"] = "true"
    log = open(tree.logs_dir / "prefect-server.log", "ab")  # noqa: SIM115 - lives as long as the server
    prefect_bin = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    proc = subprocess.Popen(
        [prefect_bin, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # safe here: no threads yet (Prefect is imported later)
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Fail(
                f"the Prefect server exited while starting; see {tree.logs_dir / 'prefect-server.log'}"
            )
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    else:
        proc.terminate()
        raise Fail("the Prefect server did not start within 120 s")
    os.environ["PREFECT_API_URL"] = api
    return proc


@app.command(name="eval")
@_guard
def evaluate(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Sandbox world seed.")] = DEFAULT_SEED,
    providers: Annotated[int, typer.Option(min=1, max=100_000)] = 30,
    faults: Annotated[float, typer.Option(min=0.0, max=0.5, help="Sandbox fault rate.")] = 0.0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the metrics here.")] = None,
    keep: Annotated[Path | None, typer.Option(help="Keep the data tree here instead of a temp dir.")] = None,
) -> None:
    """Crawl a sandbox world into a temporary data tree, build, and score the marts against its truth."""
    from flows.evaluation import compare
    from sandbox.server import start
    from sandbox.world import World

    c: Ctx = ctx.obj
    workdir = keep or Path(tempfile.mkdtemp(prefix="kaopu-eval-"))
    tree = DataTree(workdir)
    ensure_watchlist(tree)
    kflows = _prefect(tree, c.verbose)
    with start(
        seed,
        n_providers=providers,
        faults=faults,
        port=0,
        access_log=str(tree.logs_dir / "sandbox-access.log"),
    ) as sb:
        run_id = new_run_id("eval")
        summary = _run_with_progress(
            tree,
            run_id,
            list(SOURCES),
            lambda: kflows.run(
                str(tree.root),
                config=c.config_path,
                profile="sandbox",
                base_url=sb.url,
                polite=False,
                run_id=run_id,
            ),
        )
    failed = _report_crawl(summary)
    metrics = compare(World(seed, providers).truth(), tree)
    metrics.update({"seed": seed, "providers": providers, "faults": faults})
    out.print_json(json.dumps(metrics, ensure_ascii=False, default=str))
    if json_out:
        json_out.write_text(json.dumps(metrics, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        raise Fail("sources failed: " + "; ".join(failed))


@app.command(name="eval-text")
@_guard
def eval_text(
    corpus: Annotated[
        Path | None,
        typer.Option(help="Labelled real passages (or $KAOPU_REALTEXT; default ../shared/realtext)."),
    ] = None,
    split: Annotated[str, typer.Option(help="train (tune on it), test (held out) or all.")] = "test",
    stage: Annotated[list[str] | None, typer.Option("--stage", help="Only this stage (repeatable).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures here.")] = None,
    check: Annotated[bool, typer.Option(help="Exit 1 when a figure is below its pinned floor.")] = False,
    errors: Annotated[bool, typer.Option(help="Print each stage's worst errors.")] = False,
) -> None:
    """Score the text readers (providers, stance, claims, duplicates, personal data) on real passages."""
    from flows import text_eval
    from flows.text_eval.corpus import SPLITS, CorpusError

    stages = stage or list(text_eval.STAGES)
    unknown = [s for s in stages if s not in text_eval.STAGES]
    if unknown:
        raise Fail(f"unknown stage {unknown[0][:40]!r} (one of {', '.join(text_eval.STAGES)})", 2)
    if split not in SPLITS:
        raise Fail(f"--split must be one of {', '.join(SPLITS)}", 2)
    try:
        results = text_eval.evaluate(corpus or text_eval.corpus.default_path(), split=split, stages=stages)
    except CorpusError as exc:
        raise Fail(str(exc), 2) from None
    table = Table(title=f"text readers on the {split} split (95% intervals)")
    for col in ("stage", "figure", "value", "95% interval", "n"):
        table.add_column(col)
    for name, result in results.items():
        for kind, figures in (("", result.figures), ("baseline: ", result.baselines)):
            for fig_name, fig in figures.items():
                table.add_row(
                    name, kind + fig_name, f"{fig.value:.3f}", f"{fig.low:.3f}–{fig.high:.3f}", str(fig.n)
                )
    out.print(table)
    if errors:
        for name, result in results.items():
            for line in result.errors[:10]:
                out.print(f"{name}: {line}", markup=False, highlight=False)
    if json_out:
        data = {"split": split, "stages": text_eval.as_json(results)}
        json_out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    if check:
        below = text_eval.failures(results)
        if below:
            raise Fail("eval gate: " + "; ".join(below))


# ---------------------------------------------------------------------------------------------


def _print_provider(tree: DataTree, name: str) -> None:
    import pandas as pd

    from pipelines.providers import ProviderIndex

    rep_path = tree.table_path("marts/provider_reputation")
    if not rep_path.exists():
        raise Fail("no provider_reputation table was built")
    rep = pd.read_parquet(rep_path)
    index = ProviderIndex(
        [
            {
                "id": r.provider_id,
                "name": r.provider_name,
                "aliases": [] if r.aliases is None else list(r.aliases),
            }
            for r in rep.itertuples()
        ]
    )
    pid = index.resolve(name)
    if pid is None:
        raise Fail(f"{name!r} is not in provider_reputation after the crawl", 3)
    row = rep[rep.provider_id == pid].iloc[0]
    t = Table(title=str(row.provider_name), show_header=False, show_edge=False)
    t.add_column("field")
    t.add_column("value", overflow="fold")
    for col, value in row.items():
        if isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1:
            value = ", ".join(map(str, list(value))) or "–"
        t.add_row(str(col), _fmt(value))
    out.print(t)
    checks_path = tree.table_path("marts/claim_checks")
    if checks_path.exists():
        checks = pd.read_parquet(checks_path)
        checks = checks[checks.provider_id == pid]
        ct = Table(title=f"claimed success cases ({len(checks)})", show_edge=False)
        for col in ("verdict", "client", "metric", "growth_pct", "reason"):
            ct.add_column(col, overflow="fold")
        for r in checks.itertuples():
            ct.add_row(str(r.verdict), _fmt(r.client), _fmt(r.metric), _fmt(r.growth_pct), str(r.reason))
        out.print(ct)


def _check_sources(sources: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(sources or SOURCES))
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown:
        raise Fail(f"unknown source {unknown[0]!r}; expected one of {', '.join(SOURCES)}", 2)
    return chosen


def _check_date(value: str | None) -> None:
    import datetime as dt

    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise Fail(f"--since {value!r}: expected a date like 2026-01-31", 2) from None


def _check_cron(expr: str) -> None:
    """Refuse a bad schedule before starting a server, with Prefect's own schedule validation
    (call after `prefect_env.configure`: it imports Prefect)."""
    from prefect.client.schemas.schedules import CronSchedule

    if len(expr.split()) != 5:
        raise Fail(f"--cron {expr!r}: expected 5 fields (minute hour day month weekday), e.g. '0 3 * * *'", 2)
    try:
        CronSchedule(cron=expr)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        errors = getattr(exc, "errors", lambda: [])()
        reason = errors[0]["msg"] if errors else str(exc)
        raise Fail(f"--cron {expr!r}: {reason}", 2) from None


if __name__ == "__main__":  # pragma: no cover
    app()
