"""`kaopu` — the one command line: the typer app, its global options, and its commands in the order
`--help` lists them.

Where things are: the commands by what they do in `cli/commands/` (crawling: demo, run, crawl; tables:
build, report, verify, status; scheduling: serve, deploy, worker; checks: doctor, eval, eval-text);
what they print in `cli/render.py`, `cli/summaries.py` and `cli/progress.py`; how they run a flow
(lock, signals, progress, a sandbox of their own) in `cli/flow_runs.py`; Prefect's environment and a
Prefect server in `cli/prefect_control.py`, its work pools in `cli/work_pool.py`; failures and exit
codes in `cli/errors.py`; the habits of the command group (global options after the subcommand, a
closed pipe) in `cli/group.py`.

Every failure is one clear line on stderr and a non-zero exit (see `cli.errors`). Prefect and Scrapy
logs go to `data/logs/`; `--verbose` shows Prefect's on the terminal too.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.commands import checks, crawling, scheduling, tables
from cli.consoles import out
from cli.errors import say_error
from cli.group import KaopuGroup
from cli.options import Ctx
from pipelines.config import bounded
from pipelines.messages import DEFAULT_LANG, LANGS, check_lang
from sandbox.cli import app as sandbox_app

app = typer.Typer(
    name="kaopu",
    help="Evidence-backed reputation tables for Taobao/Tmall agencies (代运营服务商).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=KaopuGroup,
)
app.add_typer(sandbox_app, name="sandbox", help="The offline web kaopu is tested and demonstrated on.")


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
        say_error(f"{where} {bounded(value)}: expected one of {', '.join(LANGS)}")
        raise typer.Exit(2) from None


for command, name in (
    (crawling.demo, "demo"),
    (crawling.run, "run"),
    (crawling.crawl, "crawl"),
    (crawling.crawl_worker, "crawl-worker"),
    (tables.report, "report"),
    (tables.build, "build"),
    (tables.verify, "verify"),
    (tables.status, "status"),
    (checks.doctor, "doctor"),
    (scheduling.serve, "serve"),
    (scheduling.deploy, "deploy"),
    (scheduling.worker, "worker"),
    (checks.evaluate, "eval"),
    (checks.eval_text, "eval-text"),
):
    app.command(name=name)(command)


if __name__ == "__main__":  # pragma: no cover
    app()
