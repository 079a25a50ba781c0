"""`kaopu sandbox serve|truth`: the sandbox from the command line (mounted by cli.app).

Errors print one line on stderr and exit 2; a traceback is for bugs, not for a taken port.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from sandbox.world import DEFAULT_SEED, MAX_PROVIDERS, World

HARD_HELP = "The adversarial world: disguised copies, inflated claims (sandbox/README.md)."
AS_OF_HELP = (
    "Serve the world as it stood on this day (YYYY-MM-DD): later documents do not exist yet; after "
    "the world's today, complaints withdrawn, reviews deleted or edited, case figures changed "
    "(sandbox/README.md)."
)


def as_of_moment(text: str | None):
    """`--as-of` → the moment (end of that day), or a one-line error (exit 2)."""
    from sandbox.history import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise _fail(str(exc)) from None


app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="The offline web kaopu crawls in tests and demos."
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 picks a free one).")] = 8800,
    seed: Annotated[int, typer.Option(help="World seed.")] = DEFAULT_SEED,
    providers: Annotated[int, typer.Option(help=f"Providers in the world (1–{MAX_PROVIDERS}).")] = 30,
    faults: Annotated[float, typer.Option(help="Share of requests that fail (0–1).")] = 0.0,
    hard: Annotated[bool, typer.Option("--hard", help=HARD_HELP)] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    access_log: Annotated[Path, typer.Option("--access-log", help="One line per request.")] = Path(
        "sandbox-access.log"
    ),
) -> None:
    """Serve a world in the foreground until Ctrl-C."""
    from sandbox.server import start

    if not 1 <= providers <= MAX_PROVIDERS:
        raise _fail(f"--providers must be between 1 and {MAX_PROVIDERS}")
    if not 0.0 <= faults <= 1.0:
        raise _fail("--faults must be between 0 and 1")
    moment = as_of_moment(as_of)
    try:
        handle = start(
            seed,
            n_providers=providers,
            faults=faults,
            port=port,
            host=host,
            access_log=access_log,
            hard=hard,
            as_of=moment,
        )
    except (OSError, ValueError, OverflowError, UnicodeError) as exc:  # a taken port, a host that is no host
        where = f"{host[:80]}:{port}"
        raise _fail(f"cannot serve on {where}: {getattr(exc, 'strerror', None) or exc}") from None
    when = (" hard" if hard else "") + (f" as-of={as_of}" if as_of else "")
    typer.echo(
        f"sandbox seed={seed} providers={providers} faults={faults}{when} on {handle.url}"
        f"  (log: {access_log})"
    )
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        typer.echo("stopping")
    finally:
        handle.stop()


@app.command()
def truth(
    seed: Annotated[int, typer.Option(help="World seed.")] = DEFAULT_SEED,
    providers: Annotated[int, typer.Option(help=f"Providers in the world (1–{MAX_PROVIDERS}).")] = 30,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here (default: stdout).")] = None,
    hard: Annotated[bool, typer.Option("--hard", help=HARD_HELP)] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
) -> None:
    """Write the world's hidden ground truth as JSON (schema in sandbox/README.md)."""
    if not 1 <= providers <= MAX_PROVIDERS:
        raise _fail(f"--providers must be between 1 and {MAX_PROVIDERS}")
    world = World(seed, providers, hard=hard, as_of=as_of_moment(as_of))
    text = json.dumps(world.truth(), ensure_ascii=False, indent=1)
    if out is None:
        typer.echo(text)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {out}")
