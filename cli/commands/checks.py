"""Measuring and checking: `doctor` (is the live profile usable), `eval` (the marts against a sandbox
world's truth), `eval-text` (the text readers on real labelled passages)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from cli import flow_runs, prefect_control, progress, render, summaries, validate
from cli.consoles import err
from cli.errors import Fail, fail_if_sources_failed, guard
from cli.options import AsOf, Ctx
from pipelines.config import bounded, ensure_watchlist
from pipelines.contracts import SOURCES
from pipelines.storage import DataTree, new_run_id, read_json_state, write_json_atomic
from sandbox.cli import HARD_HELP
from sandbox.world import DEFAULT_SEED


@guard
def doctor(ctx: typer.Context) -> None:
    """Per source of the profile (--profile live): reachable? robots.txt? cookie set and logged in?"""
    from cli.doctor import check_profile

    checks = check_profile(ctx.obj.config().profile())
    render.print_doctor(checks)
    if any(c.status not in ("ok", "disabled", "unsupported") for c in checks):
        raise typer.Exit(1)


def _seed_list(text: str) -> list[int]:
    try:
        seeds = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise Fail(f"--seeds takes whole numbers separated by commas, not {bounded(text)}", 2) from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise Fail("--seeds needs one or more distinct seeds", 2)
    return seeds


@guard
def evaluate(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Sandbox world seed.")] = DEFAULT_SEED,
    seeds: Annotated[
        str | None,
        typer.Option(help="Several seeds, comma-separated: pooled figures with 95% intervals."),
    ] = None,
    hard: Annotated[bool, typer.Option("--hard", help=HARD_HELP)] = False,
    as_of: AsOf = None,
    providers: Annotated[int, typer.Option(min=1, max=100_000)] = 30,
    faults: Annotated[float, typer.Option(min=0.0, max=0.5, help="Sandbox fault rate.")] = 0.0,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Also write the metrics as JSON here ('-': stdout only).")
    ] = None,
    keep: Annotated[Path | None, typer.Option(help="Keep the data tree here instead of a temp dir.")] = None,
) -> None:
    """Crawl a sandbox world into a temporary data tree, build, and score the marts against its truth."""
    c: Ctx = ctx.obj
    validate.as_of(as_of)
    if seeds is None:
        metrics, failed = _evaluate_world(c, seed, providers, faults, hard, keep, as_of=as_of)
        if not render.write_json(json_out, metrics):
            render.print_lines(summaries.eval_lines(metrics, c.lang))
        fail_if_sources_failed(failed, c.lang)
        return
    from evaluation import seeds as multi

    per_seed, failed = [], []
    for s in _seed_list(seeds):
        metrics, seed_failed = _evaluate_world(
            c, s, providers, faults, hard, keep and keep / f"seed-{s}", counts=True, as_of=as_of
        )
        per_seed.append(metrics)
        failed += seed_failed
    result = {
        "hard": hard,
        "providers": providers,
        "faults": faults,
        "pooled": multi.pooled([m.pop("counts") for m in per_seed]),
        "per_seed": per_seed,
    }
    if not render.write_json(json_out, result):
        render.print_lines(multi.lines(result["pooled"], c.lang))
    fail_if_sources_failed(failed, c.lang)


def _evaluate_world(
    c: Ctx,
    seed: int,
    providers: int,
    faults: float,
    hard: bool,
    keep: Path | None,
    counts: bool = False,
    as_of: str | None = None,
) -> tuple[dict, list]:
    """Crawl one world (as of a day, with `as_of`), build, score: (metrics with the raw counts under
    `counts`, failed sources). A kept data tree an earlier eval filled is continued, revisiting all."""
    from evaluation.sandbox_eval import compare
    from evaluation.seeds import seed_counts
    from pipelines.storage import read_table
    from sandbox.history import parse_as_of
    from sandbox.server import start
    from sandbox.world import World

    workdir = keep or Path(tempfile.mkdtemp(prefix="kaopu-eval-"))
    tree = DataTree(workdir)
    ensure_watchlist(tree)
    # A kept tree crawled as of an earlier day: the history is scored on what changed since then.
    as_of_file = tree.state_dir("sandbox") / "as-of.json"
    earlier = read_json_state(as_of_file).get("as_of")
    run_id = new_run_id("eval")
    with (
        flow_runs.stoppable(tree, "eval", run_id),
        start(
            seed,
            n_providers=providers,
            faults=faults,
            port=0,
            access_log=str(tree.logs_dir / "sandbox-access.log"),
            hard=hard,
            as_of=parse_as_of(as_of),
        ) as sb,
    ):
        kflows = prefect_control.load_flows(tree, c.verbose)
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
                revisit="all" if as_of else None,
            ),
        )
    failed = render.report_crawl(summary, c.lang)
    truth = World(seed, providers, hard=hard, as_of=parse_as_of(as_of)).truth()
    metrics = compare(truth, tree, earlier)
    if as_of:
        write_json_atomic(as_of_file, {"as_of": truth["as_of"]})
    metrics.update({"seed": seed, "providers": providers, "faults": faults})
    if hard:
        metrics["hard"] = True
    if counts:
        marts = ("claim_checks", "review_flags", "provider_reputation")
        metrics["counts"] = seed_counts(truth, *(read_table(tree, f"marts/{t}").to_pandas() for t in marts))
    if keep is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return metrics, failed


@guard
def eval_text(
    corpus: Annotated[
        Path | None,
        typer.Option(help="Labelled real passages (or $KAOPU_REALTEXT; default ../shared/realtext)."),
    ] = None,
    split: Annotated[str, typer.Option(help="train (tune on it), test (held out) or all.")] = "test",
    stage: Annotated[list[str] | None, typer.Option("--stage", help="Only this stage (repeatable).")] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Also write the figures as JSON here ('-': stdout only).")
    ] = None,
    check: Annotated[bool, typer.Option(help="Exit 1 when a figure is below its pinned floor.")] = False,
    errors: Annotated[bool, typer.Option(help="Print each stage's worst errors.")] = False,
    by: Annotated[
        str | None, typer.Option(help="Also give the figures per source_type or per script.")
    ] = None,
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
    if by is not None and by not in text_eval.GROUPINGS:
        raise Fail(f"--by must be one of {', '.join(text_eval.GROUPINGS)}", 2)
    folder = corpus or text_eval.corpus.default_path()
    try:
        results = text_eval.evaluate(folder, split=split, stages=stages)
        grouped = text_eval.evaluate_by(folder, by, split=split, stages=stages) if by else {}
    except CorpusError as exc:
        raise Fail(str(exc), 2) from None
    doc: dict = {"split": split, "stages": text_eval.as_json(results)}
    if by:
        doc["by"] = {"field": by, "groups": {g: text_eval.as_json(r) for g, r in grouped.items()}}
    if not render.write_json(json_out, doc):
        render.print_text_figures(results, split, errors)
        if by:
            render.print_grouped_text_figures(grouped, split, by)
    if check:
        below = text_eval.failures(results)
        if below:
            raise Fail("eval gate: " + "; ".join(below))
