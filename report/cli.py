"""What `kaopu report` and the report step of demo / run / crawl do; cli/commands only wires options."""

from __future__ import annotations

import webbrowser
from pathlib import Path

from rich.console import Console

from pipelines.messages import DEFAULT_LANG, LANGS, say
from pipelines.storage import DataTree
from report.build import Report, ReportError, write_report


def _say(console: Console, text: str) -> None:
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def report(
    tree: DataTree,
    names: list[str] | None = None,
    out_dir: str | None = None,
    lang: str = DEFAULT_LANG,
    open_browser: bool = False,
    compare: bool = False,
    console: Console | None = None,
) -> Report:
    """`kaopu report`: write the site, print where its pages are, open one in a browser if asked."""
    console = console or Console()
    if not tree.table_path("marts/provider_reputation").exists():
        raise ReportError(say("fail.no_marts", lang if lang in LANGS else DEFAULT_LANG), 1)
    rep = write_report(
        tree, Path(out_dir) if out_dir else None, names=names or [], lang=lang, compare=compare
    )
    _say(console, say("report.index", lang, path=rep.index))
    for pid in rep.chosen:
        _say(console, say("report.page", lang, name=pid, path=rep.pages[pid]))
    if rep.compare is not None:
        _say(console, say("report.compare", lang, path=rep.compare))
    if open_browser:
        target = rep.compare or (rep.pages[rep.chosen[0]] if rep.chosen else rep.index)
        webbrowser.open(target.resolve().as_uri())
    return rep


def after_build(
    tree: DataTree, console: Console, provider: str | None = None, lang: str = DEFAULT_LANG
) -> None:
    """The last step of demo / run / crawl: write the report; print its index, or `provider`'s page.
    A name the report cannot resolve (crawl matches more loosely) still gets the index printed."""
    try:
        report(tree, [provider] if provider else None, lang=lang, console=console)
    except ReportError as exc:
        if exc.exit_code != 3:
            raise
        report(tree, None, lang=lang, console=console)
