"""What the commands print for a person: the crawl table, the top of provider_reputation, one
provider's row and claim verdicts, where the tables are, the run status, doctor's and eval-text's
tables. Words a merchant reads come from the catalogue (`pipelines.messages.UI`) in `lang`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from cli.consoles import out
from cli.errors import Fail, say_error
from flows import history, lock
from pipelines.config import bounded, clip
from pipelines.messages import UI, field_label, flag_sentences, render, say
from pipelines.storage import DataTree, write_bytes_atomic


def report_crawl(summary: dict[str, Any], lang: str) -> list[str]:
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
            say_error(f"{r['source']}: {clip(_without_prefix(str(r['message']), r['source']), 300)}")
    return failed


def _without_prefix(message: str, source: str) -> str:
    """Spiders, retries and the flow each put the source's name in front: say it once."""
    while message.startswith(f"{source}: "):
        message = message[len(source) + 2 :]
    return message


def print_reputation(tree: DataTree, lang: str, top: int = 10) -> None:
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


def print_paths(tree: DataTree, lang: str) -> None:
    marts, clean = tree.root / "marts", tree.root / "clean"
    out.print(say("paths.parquet", lang, marts=marts, clean=clean), soft_wrap=True, highlight=False)
    out.print(
        say("paths.pandas", lang, code=f'pd.read_parquet("{tree.table_path("marts/provider_reputation")}")'),
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


def print_stale(tree: DataTree, failed: list[str], lang: str) -> None:
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


def write_report(tree: DataTree, lang: str, provider: str | None = None) -> None:
    """After a build: the static report, and one line saying where it is."""
    from report.cli import after_build

    after_build(tree, out, provider, lang)


def write_json(target: str | None, doc: Any) -> bool:
    """`--json FILE` writes the machine-readable result there, whole or not at all (a reader never sees
    half a file); `--json -` prints it instead of the human summary (returns True: nothing else goes to
    stdout)."""
    if target is None:
        return False
    text = json.dumps(doc, ensure_ascii=False, indent=2, default=str)
    if target == "-":
        sys.stdout.write(text + "\n")
        return True
    try:
        write_bytes_atomic(Path(target), lambda fh: fh.write((text + "\n").encode("utf-8")))
    except OSError as exc:
        raise Fail(f"--json {bounded(target)}: cannot write: {exc.strerror or exc}", 2) from None
    return False


def print_lines(lines: list[str]) -> None:
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True)


def print_provider(tree: DataTree, name: str, lang: str) -> None:
    """One provider's row of provider_reputation (found by any of its names), then its claim checks."""
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
        _print_claim_checks(checks[checks.provider_id == pid], lang)


def _print_claim_checks(checks: Any, lang: str) -> None:
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


def print_status(tree: DataTree, lang: str) -> None:
    """The run in progress, last runs, row counts per table, quarantined items, freshness per source."""
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
    _print_last_runs(tree, lang)
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
            path=tree.quarantine_dir,
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


def _print_last_runs(tree: DataTree, lang: str) -> None:
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


def print_doctor(checks: list[Any]) -> None:
    table = Table(title="doctor", show_edge=False)
    for col in ("source", "status", "detail", "what to do"):
        table.add_column(col, overflow="fold")
    for c in checks:
        table.add_row(c.source, c.status, c.detail, c.todo or "–")
    out.print(table)


def print_grouped_text_figures(grouped: dict[str, dict[str, Any]], split: str, field: str) -> None:
    """eval-text --by: each group's figures (not the baselines), one row per group, stage and figure."""
    table = Table(title=f"text readers on the {split} split, by {field} (95% intervals)")
    for col in (field, "stage", "figure", "value", "95% interval", "n"):
        table.add_column(col)
    for group, results in grouped.items():
        for name, result in results.items():
            for fig_name, fig in result.figures.items():
                if fig.n:
                    row = (f"{fig.value:.3f}", f"{fig.low:.3f}–{fig.high:.3f}", str(fig.n))
                    table.add_row(group, name, fig_name, *row)
    out.print(table)


def print_text_figures(results: dict[str, Any], split: str, errors: bool) -> None:
    """eval-text's figures with their 95% intervals (and each stage's worst errors when asked)."""
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
