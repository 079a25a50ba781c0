"""`kaopu` — the one command line.

Every failure is one clear line on stderr and a non-zero exit (2 for a bad config or argument, 3 when
a named provider matched nothing, 1 otherwise; 128 + the signal when SIGINT or SIGTERM stopped it, see
`cli.stopping`). Prefect and Scrapy logs go to `data/logs/`; `--verbose`
shows Prefect's on the terminal too. Prefect is imported only after its environment is set
(`flows.prefect_env.configure`), which is why the flow module is imported inside the commands.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli import progress, stopping, summaries
from cli.group import KaopuGroup, is_broken_pipe, quiet_broken_pipe
from cli.stopping import Stopper
from flows import history, lock
from flows.lock import RunLock, RunLocked
from pipelines.config import Config, ConfigError, OptionError, bounded, clip, ensure_watchlist, load_config
from pipelines.contracts import SOURCES
from pipelines.messages import DEFAULT_LANG, LANGS, UI, check_lang, field_label, flag_sentences, render, say
from pipelines.storage import DataTree, new_run_id
from sandbox.cli import app as sandbox_app
from sandbox.world import DEFAULT_SEED

app = typer.Typer(
    name="kaopu",
    help="Evidence-backed reputation tables for Taobao/Tmall agencies (代运营服务商).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=KaopuGroup,
)
app.add_typer(sandbox_app, name="sandbox", help="The offline web kaopu is tested and demonstrated on.")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        quiet_broken_pipe()  # rich would exit 1; a reader that has seen enough is no failure


out = _Console()
err = _Console(stderr=True)
DEMO_PROVIDERS = 30  # the demo's world size; `run` and `crawl` start the same world when they must


ALLOW_DAMAGED_HELP = "Exit 0 even when a raw file is damaged (its readable records are built either way)."


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
    lang: str = DEFAULT_LANG  # what a merchant reads: zh or en (maintainer output stays English)

    def config(self, *, profile: str | None = None, base_url: str | None = None) -> Config:
        return load_config(
            self.config_path, data=self.data, profile=profile or self.profile, base_url=base_url
        )


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            out.print(f"kaopu {version('kaopu')}", highlight=False)
        except PackageNotFoundError:  # run from a checkout that was never installed
            out.print("kaopu (not installed)", highlight=False)
        raise typer.Exit(0)


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
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", envvar="KAOPU_LANG", help="Language of what a merchant reads: zh (default) or en."
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_show_version, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = Ctx(config, data, profile, verbose, _chosen_lang(ctx, lang))


def _chosen_lang(ctx: typer.Context, value: str | None) -> str:
    if value is None:
        return DEFAULT_LANG
    try:
        return check_lang(value)
    except ValueError:
        # by name: typer carries its own copy of click, whose ParameterSource is not click's
        from_env = getattr(ctx.get_parameter_source("lang"), "name", None) == "ENVIRONMENT"
        where = "$KAOPU_LANG (--lang)" if from_env else "--lang"
        _say(f"{where} {bounded(value)}: expected one of {', '.join(LANGS)}")
        raise typer.Exit(2) from None


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
        except OptionError as exc:
            _say(str(exc))
            raise typer.Exit(2) from None
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
            if is_broken_pipe(exc):
                quiet_broken_pipe()
            log = _error_log(ctx, exc)
            first = clip(str(exc).splitlines()[0], 300) if str(exc) else ""
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


def _say(line: str) -> None:
    err.print(f"kaopu: {line}", markup=False, highlight=False, soft_wrap=True)


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
    stopping.route_prefect_signals()
    return kflows


@contextlib.contextmanager
def _stoppable(tree: DataTree, what: str, run_id: str | None = None) -> Iterator[Stopper]:
    """SIGINT and SIGTERM stop the command within seconds (cli.stopping), leave no child behind and
    are recorded in the run history; the lock is an flock, so it goes with the process."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def record(signal_name: str) -> None:
        history.record_interrupted(tree, run_id=run_id, what=what, started=started, signal_name=signal_name)

    stopper = Stopper(on_stop=record).install()
    try:
        yield stopper
    except KeyboardInterrupt:
        stopper.finish()
        _say(f"{what} stopped by {stopper.signal_name}; finished tables are intact and a re-run resumes")
        stopper.exit()
    finally:
        stopper.finish()


def _locked_run(c: Ctx, tree: DataTree, what: str, sources: list[str], start) -> dict[str, Any]:
    """Take the data tree's lock, set Prefect up, and run `start(flows_module, run_id)` with progress."""
    ensure_watchlist(tree)
    run_id = new_run_id(what.split()[0])
    with _stoppable(tree, what, run_id), RunLock(tree, what=what, run_id=run_id):
        kflows = _prefect(tree, c.verbose)
        return progress.follow(err, tree, run_id, sources, lambda: start(kflows, run_id))


def _report_crawl(summary: dict[str, Any], lang: str) -> list[str]:
    """The crawl table, then one line per failed source on stderr; returns the failed sources."""
    table = Table(title=say("crawl.title", lang), show_edge=False)
    for col in ("source", "result", "pages", "raw_items", "errors", "seconds"):
        table.add_column(say(f"col.{col}", lang))
    failed = []
    for r in summary["crawl"]:
        state = say("crawl." + {0: "ok", 3: "no_match", 4: "stopped"}.get(r["exit_code"], "failed"), lang)
        if r["exit_code"] not in (0, 3):
            failed.append(r["source"])
        stats = r.get("stats") or {}
        table.add_row(
            r["source"],
            state,
            str(stats.get("pages", "–")),
            str(r.get("raw_written", 0)),
            str(stats.get("errors", "–")),
            f"{r.get('elapsed_s', 0):.1f}",
        )
    out.print(table)
    for r in summary["crawl"]:
        if r["source"] in failed:
            _say(f"{r['source']}: {clip(_without_prefix(str(r['message']), r['source']), 300)}")
    return failed


def _without_prefix(message: str, source: str) -> str:
    """Spiders, retries and the flow each put the source's name in front: say it once."""
    while message.startswith(f"{source}: "):
        message = message[len(source) + 2 :]
    return message


def _print_reputation(tree: DataTree, lang: str, top: int = 10) -> None:
    import pandas as pd

    path = tree.table_path("marts/provider_reputation")
    if not path.exists():
        out.print(say("reputation.missing", lang))
        return
    df = pd.read_parquet(path).sort_values("reputation_score", ascending=False)
    title = say("reputation.title", lang, shown=min(top, len(df)), total=len(df))
    table = Table(title=title, show_edge=False)
    for col in ("provider", "score", "band", "tp", "rating", "reviews", "complaints", "cases"):
        table.add_column(say(f"col.{col}", lang), no_wrap=True)
    flags = []
    for _, row in df.head(top).iterrows():
        cases = f"{_fmt(row.claims_n)}: {_fmt(row.claims_supported)}/{_fmt(row.claims_refuted)}/"
        cases += _fmt(row.claims_duplicated)
        table.add_row(
            str(row.provider_name),
            _num(row.reputation_score, 1),
            _band(row.confidence_band, lang),
            _fmt(row.tp_star),
            _num(row.rating_bayes, 2),
            _fmt(row.n_reviews),
            _fmt(row.n_complaints),
            cases,
        )
        risk = flag_sentences(getattr(row, "risk_flag_codes", None), row.risk_flags, lang)
        if risk:
            flags.append(f"{row.provider_name}: " + "; ".join(risk))
    out.print(table)
    out.print(say("reputation.legend", lang), style="dim")
    if flags:
        out.print(say("reputation.risk_flags", lang))
        for line in flags:
            out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)


def _band(value: Any, lang: str) -> str:
    """A confidence band (low / medium / high) in the merchant's words; anything else as stored."""
    key = f"band.{value}"
    return say(key, lang) if isinstance(value, str) and key in UI else _fmt(value)


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


def _print_paths(tree: DataTree, lang: str) -> None:
    marts, clean = tree.root / "marts", tree.root / "clean"
    out.print(say("paths.parquet", lang, marts=marts, clean=clean), soft_wrap=True, highlight=False)
    out.print(
        say("paths.pandas", lang, code=f'pd.read_parquet("{tree.table_path("marts/provider_reputation")}")'),
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
    providers: Annotated[
        int, typer.Option(min=1, max=100_000, help="Providers in the world.")
    ] = DEMO_PROVIDERS,
) -> None:
    """Start a sandbox world, crawl it, build the tables, print the top of provider_reputation."""
    c: Ctx = ctx.obj
    cfg = c.config(profile="sandbox")
    tree = cfg.tree
    out.print(say("demo.start", c.lang, seed=seed, providers=providers, root=tree.root))
    summary = _locked_run(
        c,
        tree,
        "demo",
        list(SOURCES),
        lambda kflows, run_id: kflows.demo(
            str(tree.root), seed, providers, config=c.config_path, run_id=run_id
        ),
    )
    failed = _report_crawl(summary, c.lang)
    _print_reputation(tree, c.lang)
    _print_paths(tree, c.lang)
    _write_report(tree, c.lang)
    _fail_if_sources_failed(failed, c.lang)


@app.command()
@_guard
def run(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only documents from this date on (YYYY-MM-DD).")] = None,
    allow_damaged: Annotated[bool, typer.Option(help=ALLOW_DAMAGED_HELP)] = False,
) -> None:
    """Crawl every source of the active profile, then build the tables."""
    c: Ctx = ctx.obj
    cfg = c.config()
    tree = cfg.tree
    sources = _check_sources(source)
    _check_date(since)
    summary = _crawl_then_build(c, cfg, "run", sources, sources=sources, since=since)
    failed = _report_crawl(summary, c.lang)
    _print_reputation(tree, c.lang)
    _print_stale(tree, failed, c.lang)
    _print_paths(tree, c.lang)
    _write_report(tree, c.lang)
    _damaged(summary, allow_damaged)
    _fail_if_sources_failed(failed, c.lang, key="fail.sources_rest_built")


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
    summary = _crawl_then_build(
        c, cfg, f"crawl of {clip(provider)}", list(SOURCES), provider=provider, since=since
    )
    failed = _report_crawl(summary, c.lang)
    if all(r["exit_code"] == 3 for r in summary["crawl"]):
        raise Fail(say("fail.no_documents", c.lang, name=bounded(provider)), 3)
    _print_provider(tree, provider, c.lang)
    _damaged(summary, allow_damaged=True)  # said, but a targeted crawl is not failed for another file
    _print_stale(tree, failed, c.lang)
    _write_report(tree, c.lang, provider)
    _fail_if_sources_failed(failed, c.lang)


def _fail_if_sources_failed(failed: list[str], lang: str, key: str = "fail.sources") -> None:
    if failed:
        raise Fail(say(key, lang, n=len(failed), sources=", ".join(failed)))


def _crawl_then_build(c: Ctx, cfg: Config, what: str, crawled: list[str], **run_args: Any) -> dict[str, Any]:
    """The full flow (crawl the sources, then build) under the data-tree lock, against the sandbox this
    command starts when the sandbox profile points at nothing (`_sandbox_if_needed`)."""
    tree = cfg.tree
    with _sandbox_if_needed(cfg, crawled) as base_url:
        return _locked_run(
            c,
            tree,
            what,
            crawled,
            lambda kflows, run_id: kflows.run(
                str(tree.root),
                config=c.config_path,
                profile=cfg.profile_name,
                base_url=base_url,
                run_id=run_id,
                **run_args,
            ),
        )


@contextlib.contextmanager
def _sandbox_if_needed(cfg: Config, sources: list[str]) -> Iterator[str | None]:
    """With the sandbox profile and nothing answering where it points, start the sandbox world the
    demo uses for the length of the command (yields its URL), instead of letting every spider retry
    against a closed port. Sources that point elsewhere fail now, one line each, saying what to do."""
    from cli import preflight

    if cfg.profile_name != "sandbox":
        yield None
        return
    profile = cfg.profile()
    down = preflight.unreachable(profile, sources)
    if not down:
        yield None
        return
    if not preflight.is_own_loopback_base(profile, down):
        for name, url in down.items():
            _say(f"{name}: nothing answers at {clip(url)}")
        _host, port = preflight.host_port(next(iter(down.values())))
        raise Fail(
            f"{len(down)} source(s) unreachable; start the sandbox there with "
            f"`kaopu sandbox serve --port {port}` or fix their base_url in {cfg.path}"
        )
    from sandbox.server import start

    log = cfg.tree.logs_dir / "sandbox-access.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with start(DEFAULT_SEED, n_providers=DEMO_PROVIDERS, port=0, access_log=str(log)) as sb:
        err.print(
            f"kaopu: no sandbox answered at {clip(profile.base_url)}; started the demo's world "
            f"(seed {DEFAULT_SEED}, {DEMO_PROVIDERS} providers) at {sb.url} for this command. "
            f"To keep one running: kaopu sandbox serve",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        yield sb.url


def _print_stale(tree: DataTree, failed: list[str], lang: str) -> None:
    """A failed source's rows in the tables are from an earlier crawl: say how old, never pass them
    off as this run's."""
    if not failed:
        return
    fresh = history.source_freshness(tree)
    for source in failed:
        info = fresh.get(source, {})
        if info.get("newest_fetch"):
            when = say("stale.fetched", lang, age=info["age"], when=info["newest_fetch"])
        else:
            when = say("stale.nothing", lang)
        out.print(
            say("stale.note", lang, source=source, when=when),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command()
@_guard
def report(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Providers to show (any name or alias).")] = None,
    out_dir: Annotated[
        str | None, typer.Option("--out", help="Where to write it (default data/report).")
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open it in the browser.")] = False,
    compare: Annotated[bool, typer.Option(help="A side-by-side page of the 2–5 NAMEs.")] = False,
) -> None:
    """Write the static report (index, a page per provider, comparison) from the marts."""
    from report import ReportError
    from report.cli import report as write

    try:
        # `--lang` after `report` is the global option (cli/group.py moves it): one language per run
        write(ctx.obj.config().tree, names, out_dir, ctx.obj.lang, open_, compare, out)
    except ReportError as exc:
        raise Fail(str(exc), exc.exit_code) from None


def _write_report(tree: DataTree, lang: str, provider: str | None = None) -> None:
    from report.cli import after_build

    after_build(tree, out, provider, lang)


@app.command()
@_guard
def build(
    ctx: typer.Context,
    allow_damaged: Annotated[bool, typer.Option(help=ALLOW_DAMAGED_HELP)] = False,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the full result as JSON to this file ('-': stdout).")
    ] = None,
) -> None:
    """Rebuild clean tables (from new raw files only) and the marts (from clean)."""
    c: Ctx = ctx.obj
    tree = c.config().tree
    ensure_watchlist(tree)
    run_id = new_run_id("build")
    with _stoppable(tree, "build", run_id), RunLock(tree, what="build", run_id=run_id):
        kflows = _prefect(tree, c.verbose)
        result = progress.follow(err, tree, run_id, [], lambda: kflows.build(str(tree.root)))
    if not _write_json(json_out, result):
        for line in summaries.build_lines(result, c.lang):
            out.print(line, markup=False, highlight=False, soft_wrap=True)
        _print_reputation(tree, c.lang)
    _damaged(result, allow_damaged)  # with --json too: damage is never only in the JSON


def _damaged(summary: dict[str, Any], allow_damaged: bool) -> None:
    """The loud end of a build that met damaged raw files: one line each, and a failure unless allowed."""
    from cli.verify import damage_lines, damaged_in

    lines = damage_lines(damaged_in(summary))
    for line in lines:
        err.print(f"kaopu: {line}", markup=False, highlight=False, soft_wrap=True)
    if lines and not allow_damaged:
        raise Fail(f"{len(lines)} damaged raw file(s), see above; --allow-damaged accepts them")


@app.command()
@_guard
def verify(ctx: typer.Context) -> None:
    """Check the whole data tree (raw files, build manifest, tables' schemas and row counts)."""
    from cli.verify import verify_tree

    tree = ctx.obj.config().tree
    problems = verify_tree(tree)
    for line in problems:
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    if problems:
        raise Fail(f"{len(problems)} problem(s) in {tree.root}")
    out.print(f"{tree.root}: raw, manifest and tables verified, nothing lost", markup=False, highlight=False)


def _write_json(target: str | None, doc: Any) -> bool:
    """`--json FILE` writes the machine-readable result there; `--json -` prints it instead of the
    human summary (returns True: nothing else goes to stdout)."""
    if target is None:
        return False
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str)
    if target == "-":
        sys.stdout.write(text + "\n")
        return True
    try:
        Path(target).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise Fail(f"--json {bounded(target)}: cannot write: {exc.strerror or exc}", 2) from None
    return False


@app.command()
@_guard
def status(ctx: typer.Context) -> None:
    """The run in progress, last runs, row counts per table, quarantined items, freshness per source."""
    lang = ctx.obj.lang
    tree = ctx.obj.config().tree
    running = lock.holder(tree)
    if running:
        out.print(
            say(
                "status.running",
                lang,
                what=running.get("what", "run"),
                run_id=running.get("run_id") or "",
                pid=running.get("pid", "?"),
                started=running.get("started", "?"),
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    else:
        out.print(say("status.idle", lang))
    runs = history.last_runs(tree)
    t = Table(title=say("status.runs", lang), show_edge=False)
    for col in ("run", "finished", "provider_or_all", "raw_items", "result"):
        t.add_column(say(f"col.{col}", lang))
    for r in runs:
        raw = sum(int(x.get("raw_written", 0) or 0) for x in r.get("crawl", []))
        if r.get("interrupted"):
            result = say("status.interrupted", lang, signal=r["interrupted"])
        elif r.get("failed_sources"):
            result = say("status.failed", lang, sources=", ".join(r["failed_sources"]))
        else:
            result = say("crawl.ok", lang)
        t.add_row(
            str(r.get("run_id", "?")),
            str(r.get("finished", "?")),
            clip(str(r.get("provider") or say("status.all", lang)), 40),
            str(raw),
            result,
        )
    out.print(t if runs else say("status.no_runs", lang))
    counts = Table(title=say("status.tables", lang), show_edge=False)
    counts.add_column(say("col.table", lang))
    counts.add_column(say("col.rows", lang))
    for name, n in history.table_counts(tree).items():
        counts.add_row(name, say("status.not_built", lang) if n is None else str(n))
    out.print(counts)
    quarantined = history.quarantine_counts(tree)
    if quarantined:
        detail = ", ".join(f"{reason} {n}" for reason, n in quarantined.most_common())
        line = say(
            "status.quarantined",
            lang,
            n=sum(quarantined.values()),
            detail=detail,
            path=tree.root / "quarantine",
        )
        out.print(line, markup=False, highlight=False, soft_wrap=True)  # a path stays on one line
    else:
        out.print(say("status.none_quarantined", lang))
    fresh = Table(title=say("status.sources", lang), show_edge=False)
    for col in ("source", "raw_files", "newest_fetch", "age"):
        fresh.add_column(say(f"col.{col}", lang))
    for source, info in history.source_freshness(tree).items():
        newest = info["newest_fetch"] or say("status.never", lang)
        fresh.add_row(source, str(info["raw_files"]), newest, info["age"] or "–")
    out.print(fresh)


@app.command()
@_guard
def doctor(ctx: typer.Context) -> None:
    """Per source of the profile (--profile live): reachable? robots.txt? cookie set and logged in?"""
    from cli.doctor import check_profile

    checks = check_profile(ctx.obj.config().profile())
    table = Table(title="doctor", show_edge=False)
    for col in ("source", "status", "detail", "what to do"):
        table.add_column(col, overflow="fold")
    for c in checks:
        table.add_row(c.source, c.status, c.detail, c.todo or "–")
    out.print(table)
    if any(c.status not in ("ok", "disabled", "unsupported") for c in checks):
        raise typer.Exit(1)


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
    at_signal: dict[str, Any] = {}
    stopper = Stopper(
        on_signal=lambda: at_signal.update(holder=lock.holder(tree)),
        on_stop=lambda signal_name: _record_scheduled_interrupted(tree, stopper, at_signal, signal_name),
    ).install()
    stopper.final_code = 0  # serve's job is to run until told to stop: a signal is no failure
    server = None
    try:
        if not os.environ.get("PREFECT_API_URL"):
            server = _start_prefect_server(tree)
        kflows = _prefect(tree, c.verbose)
        out.print(
            f"serving deployment {bounded(name)} with schedule {bounded(cron)}; Prefect UI: {_ui_url()}",
            highlight=False,
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
    except KeyboardInterrupt:
        pass  # the signal was handled (children told to stop); leave through `finally`
    finally:
        if server is not None:
            server.terminate()
        stopper.finish()  # waits for the children, the server among them, and kills what lingers
        if server is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=1)
            if server.poll() is None:
                server.kill()
    if stopper.signum is not None:
        _say(f"serve stopped by {stopper.signal_name}")
        stopper.exit()


def _record_scheduled_interrupted(
    tree: DataTree, stopper: Stopper, at_signal: dict[str, Any], signal_name: str
) -> None:
    """A scheduled run (a flow-run process below serve) held the data tree when serve was stopped:
    it is recorded as interrupted, as a `kaopu run` would record itself."""
    holder = at_signal.get("holder")
    if holder and holder.get("pid") != os.getpid() and stopper.was_descendant(int(holder.get("pid", 0))):
        history.record_interrupted(
            tree,
            run_id=holder.get("run_id"),
            what=str(holder.get("what", "scheduled run")),
            started=holder.get("started"),
            signal_name=signal_name,
        )


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
    json_out: Annotated[
        str | None, typer.Option("--json", help="Also write the metrics as JSON here ('-': stdout only).")
    ] = None,
    keep: Annotated[Path | None, typer.Option(help="Keep the data tree here instead of a temp dir.")] = None,
) -> None:
    """Crawl a sandbox world into a temporary data tree, build, and score the marts against its truth."""
    from evaluation.sandbox_eval import compare
    from sandbox.server import start
    from sandbox.world import World

    c: Ctx = ctx.obj
    workdir = keep or Path(tempfile.mkdtemp(prefix="kaopu-eval-"))
    tree = DataTree(workdir)
    ensure_watchlist(tree)
    run_id = new_run_id("eval")
    with (
        _stoppable(tree, "eval", run_id),
        start(
            seed,
            n_providers=providers,
            faults=faults,
            port=0,
            access_log=str(tree.logs_dir / "sandbox-access.log"),
        ) as sb,
    ):
        kflows = _prefect(tree, c.verbose)
        summary = progress.follow(
            err,
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
    failed = _report_crawl(summary, c.lang)
    metrics = compare(World(seed, providers).truth(), tree)
    metrics.update({"seed": seed, "providers": providers, "faults": faults})
    if not _write_json(json_out, metrics):
        for line in summaries.eval_lines(metrics, c.lang):
            out.print(line, markup=False, highlight=False, soft_wrap=True)
    if keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    _fail_if_sources_failed(failed, c.lang)


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
    from evaluation import text as text_eval
    from evaluation.text.corpus import SPLITS, CorpusError

    stages = stage or list(text_eval.STAGES)
    unknown = [s for s in stages if s not in text_eval.STAGES]
    if unknown:
        raise Fail(f"unknown stage {bounded(unknown[0])} (one of {', '.join(text_eval.STAGES)})", 2)
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


def _print_provider(tree: DataTree, name: str, lang: str) -> None:
    import pandas as pd

    from pipelines.providers import ProviderIndex

    rep_path = tree.table_path("marts/provider_reputation")
    if not rep_path.exists():
        raise Fail(say("fail.no_marts", lang))
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
        raise Fail(say("fail.not_rated", lang, name=bounded(name)), 3)
    row = rep[rep.provider_id == pid].iloc[0]
    t = Table(title=str(row.provider_name), show_header=False, show_edge=False)
    t.add_column("field")
    t.add_column("value", overflow="fold")
    for col, value in row.items():
        if col == "risk_flag_codes":
            continue  # the same flags as `risk_flags`, in words just above
        if col == "risk_flags":
            value = flag_sentences(row.get("risk_flag_codes"), value, lang)
        elif col == "confidence_band":
            value = _band(value, lang)
        if isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1:
            value = ", ".join(map(str, list(value))) or "–"
        t.add_row(field_label(str(col), lang), _fmt(value))
    out.print(t)
    checks_path = tree.table_path("marts/claim_checks")
    if checks_path.exists():
        checks = pd.read_parquet(checks_path)
        checks = checks[checks.provider_id == pid]
        ct = Table(title=say("cases.title", lang, n=len(checks)), show_edge=False)
        for col in ("verdict", "client", "metric", "growth", "reason"):
            ct.add_column(say(f"col.{col}", lang), overflow="fold")
        for r in checks.itertuples():
            verdict = f"verdict.{r.verdict}"
            ct.add_row(
                say(verdict, lang) if verdict in UI else str(r.verdict),
                _fmt(r.client),
                _fmt(r.metric),
                _fmt(r.growth_pct),
                _reason(r, lang),
            )
        out.print(ct)


def _reason(check: Any, lang: str) -> str:
    """A claim check's reason in `lang`, from its code; a row built before codes keeps its sentence."""
    code = getattr(check, "reason_code", None)
    return render(code, check.reason_args, lang) if isinstance(code, str) and code else str(check.reason)


def _check_sources(sources: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(sources or SOURCES))
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown:
        raise Fail(f"unknown source {bounded(unknown[0])}; expected one of {', '.join(SOURCES)}", 2)
    return chosen


def _check_date(value: str | None) -> None:
    import datetime as dt

    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise Fail(f"--since {bounded(value)}: expected a date like 2026-01-31", 2) from None


def _check_cron(expr: str) -> None:
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


if __name__ == "__main__":  # pragma: no cover
    app()
