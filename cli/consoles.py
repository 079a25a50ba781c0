"""The two consoles every command writes to: results on stdout (`out`), progress and failures on
stderr (`err`)."""

from __future__ import annotations

from rich.console import Console

from cli.group import quiet_broken_pipe


class KaopuConsole(Console):
    def on_broken_pipe(self) -> None:
        quiet_broken_pipe()  # rich would exit 1; a reader that has seen enough is no failure


out = KaopuConsole()
err = KaopuConsole(stderr=True)
