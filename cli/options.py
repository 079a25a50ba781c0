"""The global options every command receives (`ctx.obj`), and the options several commands share.

Kept apart from `cli.app` because `python -m cli.app` runs that module as `__main__`: a class defined
there would not be the one the commands check for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from pipelines.config import Config, load_config
from pipelines.messages import DEFAULT_LANG


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


ALLOW_DAMAGED_HELP = "Exit 0 even when a raw file is damaged (its readable records are built either way)."

Sources = Annotated[list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")]
Since = Annotated[str | None, typer.Option(help="Only documents from this date on (YYYY-MM-DD).")]
AllowDamaged = Annotated[bool, typer.Option(help=ALLOW_DAMAGED_HELP)]
# A small rolling share by default: successive runs re-read every known thread in turn.
DEFAULT_REVISIT = "0.1"
REVISIT_HELP = (
    "Re-read this share (0-1) of the known threads, a rolling window per run, or 'all': changed items "
    "are written again as new versions, gone ones recorded as gone."
)
Revisit = Annotated[str, typer.Option("--revisit", metavar="SHARE|all", help=REVISIT_HELP)]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="The sandbox world as it stood on this day."),
]
Frontier = Annotated[
    str | None,
    typer.Option(
        "--frontier",
        metavar="redis://HOST:PORT/DB",
        help="Share the crawl with other crawler processes and hosts through this Redis (scrapy-redis).",
    ),
]
Workers = Annotated[
    int, typer.Option(min=1, max=64, help="Crawler processes per source on this host (with --frontier).")
]
Dask = Annotated[
    str | None,
    typer.Option(
        "--dask",
        metavar="tcp://HOST:PORT|local:N",
        help="Run the build's text work on this Dask scheduler, or on a LocalCluster of N worker processes.",
    ),
]
