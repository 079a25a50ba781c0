"""Who a targeted crawl is about: the names to search for, and the strict test of "is this about them".

A user types one name (`--provider 火蝠电商`). The watch list entry that knows that name (as its name,
legal name or an alias) contributes all its names; traditional forms are added because Taiwanese and
Hong Kong pages (and some mainland reposts) write 電商 for 电商. Searches on real sites return near
misses, so every document a search returns is kept only if it names one of these names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import opencc

from pipelines.config import WatchedProvider
from pipelines.names import name_key


@dataclass(frozen=True)
class Target:
    query: str  # what the user typed
    names: tuple[str, ...]  # every name to search with, simplified and traditional forms

    @property
    def canonical(self) -> frozenset[str]:
        return frozenset(name_key(n) for n in self.names if name_key(n))

    def is_named(self, *fields: str | None) -> bool:
        """True when one of the fields (a listing's provider name, a company's name, a brand) *is* one
        of the target's names — equality after canonicalisation, never a substring, so 火蝠 does not
        claim 火蝠星."""
        wanted = self.canonical
        return any(f and name_key(f) in wanted for f in fields)

    def is_mentioned(self, *texts: str | None) -> bool:
        """True when a free text names the target (a forum answer, an article, a comment)."""
        hay = [name_key(t) for t in texts if t]
        return any(name in h for h in hay for name in self.canonical)


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")  # ~50 ms to build: once per process


def resolve_target(query: str, watchlist: list[WatchedProvider]) -> Target:
    wanted = name_key(query)
    names: list[str] = [query.strip()]
    for provider in watchlist:
        if any(name_key(n) == wanted for n in provider.all_names()):
            names.extend(provider.all_names())
    with_traditional = [form for n in names for form in (n, _s2t().convert(n))]
    return Target(query=query.strip(), names=tuple(dict.fromkeys(n for n in with_traditional if n.strip())))
