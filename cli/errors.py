"""How a `kaopu` command fails: one clear line on stderr and an exit code, never a traceback.

Exit codes: 2 for a bad config or argument, 3 when a named provider matched nothing, 1 otherwise, and
128 + the signal when SIGINT or SIGTERM stopped the command (`cli.stopping`). The traceback of an
unexpected error goes to `data/logs/kaopu-errors.log` (`--verbose` prints it too).
"""

from __future__ import annotations

import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import typer

from cli.consoles import err
from cli.group import is_broken_pipe, quiet_broken_pipe
from cli.options import Ctx
from flows.lock import RunLocked
from pipelines.config import ConfigError, OptionError, clip
from pipelines.messages import say
from pipelines.storage import DataTree


class Fail(Exception):
    """A failure the user should read as one line, with the exit code to leave with."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def say_error(line: str) -> None:
    """One `kaopu: …` line on stderr."""
    err.print(f"kaopu: {line}", markup=False, highlight=False, soft_wrap=True)


def guard(fn):
    """Turn every exception into one line and an exit code; the traceback goes to the log file."""

    # No annotations on the wrapper: typing.get_type_hints follows __wrapped__ and would evaluate
    # them in the command's module.
    def wrapper(*args, **kwargs):
        ctx: Ctx | None = next(
            (a.obj for a in [*args, *kwargs.values()] if isinstance(getattr(a, "obj", None), Ctx)), None
        )
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except OptionError as exc:
            say_error(str(exc))
            raise typer.Exit(2) from None
        except ConfigError as exc:
            say_error(f"config error: {exc}")
            raise typer.Exit(2) from None
        except RunLocked as exc:
            say_error(str(exc))
            raise typer.Exit(1) from None
        except Fail as exc:
            say_error(str(exc))
            raise typer.Exit(exc.code) from None
        except KeyboardInterrupt:
            err.print("kaopu: interrupted; finished tables are intact and a re-run resumes")
            raise typer.Exit(130) from None
        except Exception as exc:
            if is_broken_pipe(exc):
                quiet_broken_pipe()
            log = error_log(ctx, exc)
            first = clip(str(exc).splitlines()[0], 300) if str(exc) else ""
            say_error(f"{type(exc).__name__}: {first} (details: {log})")
            if ctx and ctx.verbose:
                traceback.print_exc()
            raise typer.Exit(1) from None

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn  # typer reads the signature through this
    return wrapper


def error_log(ctx: Ctx | None, exc: BaseException) -> str:
    """Append the traceback to the data tree's error log (a temp file when there is no tree)."""
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


def fail_if_sources_failed(failed: list[str], lang: str, key: str = "fail.sources") -> None:
    if failed:
        raise Fail(say(key, lang, n=len(failed), sources=", ".join(failed)))


def fail_if_damaged(summary: dict[str, Any], allow_damaged: bool) -> None:
    """The loud end of a build that met damaged raw files: one line each, and a failure unless allowed."""
    from cli.verify import damage_lines, damaged_in

    lines = damage_lines(damaged_in(summary))
    for line in lines:
        say_error(line)
    if lines and not allow_damaged:
        raise Fail(f"{len(lines)} damaged raw file(s), see above; --allow-damaged accepts them")
