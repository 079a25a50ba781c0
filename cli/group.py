"""The `kaopu` command group: habits a shell user brings, kept apart from the commands themselves.

- Global options (`--data`, `--config`, `--profile`, `--lang`, `--verbose`) work before *or* after the
  subcommand: `kaopu demo --data X` is `kaopu --data X demo`. Click only knows a group's options
  before the subcommand, so they are moved there before parsing. A later value wins, as usual.
- A closed pipe (`kaopu status | head -1`) ends the command quietly with exit 0: the reader has what it
  wanted. Click would exit 1.
- Whatever a subcommand raises that nothing else caught is still one line, never a traceback
  (the `kaopu` commands log theirs through `cli.errors.guard`; this also covers `kaopu sandbox`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup

# Options of the group that take a value, and flags. A new global option is added here too.
GLOBAL_WITH_VALUE = ("--data", "--config", "--profile", "--lang")
GLOBAL_FLAGS = ("--verbose", "-v")


def hoist_global_options(args: list[str], subcommands: set[str]) -> list[str]:
    """Move global options found after the subcommand to before it (nothing after `--` moves)."""
    head: list[str] = []
    i = 0
    while i < len(args):  # the group's own options, up to the subcommand's name
        arg = args[i]
        if arg in subcommands or not arg.startswith("-") or arg == "--":
            break
        head.append(arg)
        if arg in GLOBAL_WITH_VALUE and i + 1 < len(args):
            head.append(args[i + 1])
            i += 1
        i += 1
    if i >= len(args) or args[i] not in subcommands:
        return args  # no subcommand: leave everything to click's own messages
    command, rest = args[i], args[i + 1 :]
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            kept += rest[j:]
            break
        name = arg.split("=", 1)[0]
        if arg in GLOBAL_FLAGS or (name in GLOBAL_WITH_VALUE and "=" in arg):
            moved.append(arg)
        elif arg in GLOBAL_WITH_VALUE and j + 1 < len(rest):
            moved += rest[j : j + 2]
            j += 1
        else:
            kept.append(arg)
        j += 1
    return [*head, *moved, command, *kept]


def quiet_broken_pipe() -> None:
    """The reader of our stdout went away: send what is still buffered nowhere and leave with 0."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    # stdout may not be a real file (a test runner's buffer): then there is nothing to redirect
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(0)


def is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


class KaopuGroup(TyperGroup):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args), set(self.commands)))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer"):
                raise  # usage errors and exits: click and typer print and exit with them

            if is_broken_pipe(exc):
                quiet_broken_pipe()
            message = str(exc).splitlines()[0][:300] if str(exc) else ""
            click.echo(f"kaopu: {type(exc).__name__}: {message}", err=True)
            raise typer.Exit(1) from None
