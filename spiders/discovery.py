"""How a full crawl finds what to read on sites that cannot be listed, only searched.

The real 知乎, 搜狐 and 天眼查 have no public listing of questions, articles or companies: a crawler
can only search them. The service market, 黑猫投诉 and the case-site directory can be listed, and
their listings name agencies. So a full run crawls in two waves (`crawl_waves`): the listing sources
first, then the search sources, which search for

1. every provider on the watch list (the user's own names),
2. every provider name the data tree already knows — market listings' companies and brands,
   complaint targets, case sites' companies, registry records — read from raw, so the names the first
   wave just found are searched in the second, and names from earlier runs stay searched,
3. the profile's generic `search_terms` (e.g. 代运营), for stories that name no agency a listing knows.

The same name written twice (full-width, traditional script, spaces) is searched once. This module is
plain Python (no Scrapy) so the flows can ask it for the waves without starting a crawler.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipelines.config import WatchedProvider
from pipelines.contracts import ITEM_CLASSES, ITEM_TYPES, SOURCES, Role
from pipelines.names import name_key
from pipelines.storage import DataTree, read_jsonl_gz

# Sources whose site can list agencies (wave one) and those that can only be searched (wave two).
LISTING_SOURCES = ("market", "complaints", "cases")
SEARCH_SOURCES = ("forum", "articles", "registry")

# Per raw item kind, the fields that hold an agency's name (a company or its brand), as each item class
# declares them. Reviews are left out: theirs is their listing's name, and they are most of raw.
_NAME_FIELDS = {
    cls.kind: cls.names_provider
    for cls in ITEM_CLASSES
    if cls.names_provider and cls.role is not Role.CLIENT_REVIEW
}
# The sources whose raw holds such names: listing sources first, then the others.
_NAME_SOURCES = tuple(
    dict.fromkeys(
        s
        for s in (*LISTING_SOURCES, *SEARCH_SOURCES, *SOURCES)
        if any(ITEM_TYPES[k].source == s for k in _NAME_FIELDS)
    )
)
# A "name" longer than this is a sentence a page put in the wrong field, not a name to search.
_MAX_NAME = 40


def crawl_waves(sources: Iterable[str], targeted: bool) -> list[list[str]]:
    """The order a run crawls `sources` in: one wave when a provider is targeted (every source can
    search for its names), otherwise listing sources first, then search sources."""
    wanted = list(dict.fromkeys(sources))
    if targeted:
        return [wanted] if wanted else []
    first = [s for s in wanted if s not in SEARCH_SOURCES]
    second = [s for s in wanted if s in SEARCH_SOURCES]
    return [wave for wave in (first, second) if wave]


def _raw_names(tree: DataTree, sources: Iterable[str] = _NAME_SOURCES) -> Iterator[str]:
    for source in sources:
        for path in tree.raw_files(source):
            for rec in read_jsonl_gz(path):
                for name_field in _NAME_FIELDS.get(rec.get("kind", ""), ()):
                    value = rec.get(name_field)
                    if isinstance(value, str) and value.strip():
                        yield value.strip()


def known_names(tree: DataTree) -> list[str]:
    """Every agency name the data tree's raw files hold, once each, in the order first seen."""
    return _unique(n for n in _raw_names(tree) if len(n) <= _MAX_NAME)


def registered_names(tree: DataTree) -> list[str]:
    """The names of companies the registry already holds a record of: searching them again would
    spend a request (天眼查: 40 a day) on a company page the registry spider does not re-read."""
    return _unique(_raw_names(tree, ("registry",)))


def _unique(names: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    seen = {name_key(n) for n in exclude}
    out: list[str] = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


@dataclass(frozen=True)
class SearchPlan:
    """What a search source asks for in a full crawl, by where each query came from."""

    watched: tuple[str, ...]
    known: tuple[str, ...]
    generic: tuple[str, ...]

    @property
    def queries(self) -> list[str]:
        return [*self.watched, *self.known, *self.generic]

    def describe(self, source: str) -> str:
        """One line for the log and the run's summary: how many of each, and the generic terms."""
        terms = "、".join(self.generic) or "none"
        return (
            f"{source}: searching {len(self.queries)} queries — {len(self.watched)} watched names, "
            f"{len(self.known)} names already in the data tree, {len(self.generic)} generic terms ({terms})"
        )


def search_plan(
    watchlist: list[WatchedProvider],
    tree: DataTree,
    generic_terms: Iterable[str],
    already_found: Iterable[str] = (),
) -> SearchPlan:
    """Watched names always; names the tree knows unless `already_found` (the source has what a
    search for them would find); then the generic terms."""
    # Watched: a provider's legal name and name; aliases are left to targeted crawls (they multiply
    # requests, and a short alias matches strangers).
    watched = _unique(n for p in watchlist for n in (p.legal_name, p.name) if n)
    known = _unique(known_names(tree), exclude=[*watched, *already_found])
    generic = _unique((t.strip() for t in generic_terms), exclude=[*watched, *known])
    return SearchPlan(tuple(watched), tuple(known), tuple(generic))
