"""Which providers kaopu knows: the watch list plus names structured sources state outright.

A registry record says "this legal name is also called this alias", a market listing says "this legal
name sells under this brand", a case site says "these cases are this provider's". Those statements are
facts about identity, unlike a name found in free text, so they add providers (or names for a watched
one). Both the clean build (to resolve documents) and the marts (one row per provider) read them here,
so the two always agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from pipelines import contracts
from pipelines.config import WatchedProvider, ensure_watchlist, load_watchlist
from pipelines.providers import ProviderIndex, key
from pipelines.storage import DataTree, read_json_state, read_table, slugify, write_json_atomic

ENTRIES_STATE = "provider-entries.json"

NameGroup = tuple[str | None, Sequence[str | None]]


def name_groups(registry: pd.DataFrame, listings: pd.DataFrame, case_names: Iterable[str]) -> list[NameGroup]:
    """(legal name, other names) pairs the structured sources state: registry (legal name, alias),
    listings (provider name, brand); case sites give a provider name alone (legal name None)."""
    groups: list[NameGroup] = []
    if not registry.empty:
        for legal, alias in zip(registry["legal_name"], registry["alias"], strict=True):
            groups.append((legal, (None if pd.isna(alias) else alias,)))
    if not listings.empty:
        brands = listings["brand"] if "brand" in listings.columns else [None] * len(listings)
        for name, brand in zip(listings["provider_name"], brands, strict=True):
            groups.append((name, (None if pd.isna(brand) else brand,)))
    for name in sorted({n for n in case_names if isinstance(n, str) and n.strip()}):
        groups.append((None, (name,)))
    return groups


def provider_entries(
    watchlist: Iterable[WatchedProvider | dict[str, Any]], groups: Iterable[NameGroup]
) -> list[dict[str, Any]]:
    """Watch-list entries plus learned providers, in the dict shape `ProviderIndex` takes.

    A group joins an existing provider when it shares a name with it (compared in
    `pipelines.providers.key` form). A group without a legal name (a case site's provider name) may
    also join by the index's fuzzier `resolve` (core name, typo); a group *with* a legal name never
    does, because two different legal names are two different companies even when their cores agree
    (杭州火蝠… and 上海火蝠… are not one agency). A learned provider's id is the slug of its legal
    name: it is what a registry keys a company by, and it survives a brand being renamed.
    """
    entries: list[dict[str, Any]] = []
    by_key: dict[str, int] = {}

    def index_names(idx: int, names: Iterable[str | None]) -> None:
        for n in names:
            if n and key(n):
                by_key.setdefault(key(n), idx)

    for w in watchlist:
        e = w.as_entry() if isinstance(w, WatchedProvider) else dict(w)
        e = {
            "id": e.get("id") or slugify(e["name"]),
            "name": e["name"],
            "legal_name": e.get("legal_name"),
            "aliases": list(e.get("aliases") or []),
        }
        entries.append(e)
        index_names(len(entries) - 1, (e["name"], e["legal_name"], *e["aliases"]))

    # Sorted, so ids and alias order do not depend on the order raw files arrived in; groups with a
    # legal name first, so a case site's bare brand can find the company it belongs to.
    uniq = {
        (legal or "", tuple(sorted({o.strip() for o in others if o and o.strip()})))
        for legal, others in groups
    }
    ordered = sorted(uniq, key=lambda g: (g[0] == "", g))
    fuzzy: ProviderIndex | None = None
    for legal, others in ordered:
        names = [n for n in (legal, *others) if n and n.strip()]
        if not names:
            continue
        hits = sorted({by_key[key(n)] for n in names if key(n) in by_key})
        if not hits and not legal:
            if fuzzy is None:  # built once, when the first legal-name-less group arrives
                fuzzy = ProviderIndex(entries)
            pid = next((p for n in names if (p := fuzzy.resolve(n))), None)
            hits = [i for i, e in enumerate(entries) if e["id"] == pid]
        if hits:
            idx = hits[0]
            e = entries[idx]
            if legal and not e["legal_name"]:
                e["legal_name"] = legal
        else:
            canonical = legal or min(names, key=lambda s: (len(s), s))
            e = {"id": slugify(canonical), "name": canonical, "legal_name": legal or None, "aliases": []}
            entries.append(e)
            idx = len(entries) - 1
        known = {key(e["name"]), *(key(a) for a in e["aliases"])}
        if e["legal_name"]:
            known.add(key(e["legal_name"]))
        for n in names:
            if key(n) not in known:
                e["aliases"].append(n.strip())
                known.add(key(n))
        index_names(idx, names)
    # A learned provider is shown by its brand when it has one: that is the name merchants search.
    for e in entries:
        if e["legal_name"] and e["name"] == e["legal_name"] and e["aliases"]:
            e["name"] = min(e["aliases"], key=lambda s: (len(s), s))
            e["aliases"] = [a for a in e["aliases"] if a != e["name"]]
    return entries


def _entry_inputs(watchlist: Iterable[WatchedProvider | dict], groups: Iterable[NameGroup]) -> str:
    """A digest of everything `provider_entries` reads (groups as the set it deduplicates them to)."""
    wl = [w.as_entry() if isinstance(w, WatchedProvider) else dict(w) for w in watchlist]
    gs = sorted({(legal or "", tuple(sorted(o or "" for o in others))) for legal, others in groups})
    blob = json.dumps([wl, gs], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def cached_provider_entries(
    tree: DataTree, watchlist: Iterable[WatchedProvider | dict], groups: Iterable[NameGroup]
) -> list[dict[str, Any]]:
    """`provider_entries`, kept in the build state with a digest of its inputs: the clean build and
    the marts ask for the same entries one after the other, and building them takes a second at
    14,000 providers. A stale or torn state only costs computing them again."""
    watchlist, groups = list(watchlist), list(groups)
    digest = _entry_inputs(watchlist, groups)
    path = tree.build_state(ENTRIES_STATE)
    stored = read_json_state(path)
    if stored.get("inputs") == digest and isinstance(stored.get("entries"), list):
        return stored["entries"]
    entries = provider_entries(watchlist, groups)
    write_json_atomic(path, {"inputs": digest, "entries": entries})
    return entries


def known_providers(
    tree: DataTree,
    watchlist: Iterable[WatchedProvider | dict] | None = None,
    *,
    docs: pd.DataFrame | None = None,
    registry: pd.DataFrame | None = None,
    listings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every provider the clean tables know (the same entries `update_clean` resolved documents with):
    provider_id, provider_name, legal_name, aliases (legal name included, so the row is findable by it).
    `docs` (kind and provider_mention at least), `registry`, `listings`: the clean tables when the
    caller has read them already."""
    if watchlist is None:
        watchlist = load_watchlist(ensure_watchlist(tree))
    if docs is None:
        docs = read_table(tree, "clean/documents", ["kind", "provider_mention"]).to_pandas()
    case_names = docs.loc[docs["kind"].isin(contracts.CASE_KINDS), "provider_mention"].dropna().tolist()
    groups = name_groups(
        read_table(tree, "clean/registry").to_pandas() if registry is None else registry,
        read_table(tree, "clean/listings").to_pandas() if listings is None else listings,
        case_names,
    )
    return providers_frame(cached_provider_entries(tree, watchlist, groups))


def providers_frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider_id": [e["id"] for e in entries],
            "provider_name": [e["name"] for e in entries],
            "legal_name": [e["legal_name"] for e in entries],
            "aliases": [
                list(dict.fromkeys([*e["aliases"], *([e["legal_name"]] if e["legal_name"] else [])]))
                for e in entries
            ],
        },
        columns=["provider_id", "provider_name", "legal_name", "aliases"],
    )
