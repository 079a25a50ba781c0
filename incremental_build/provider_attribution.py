"""Which provider each clean row is about: mentions found or inherited, then resolved to provider ids.

Complaints and case pages state their provider in a field; reviews inherit their listing's; answers,
articles and case pages without the field are searched for a name; a comment that names none is about
the article it sits under. Mentions are derived for every row at every build from what
`attribution_state` keeps per document (`mentions_for`, then `review_mentions`), so an article or a
listing crawled after its comments or reviews reaches them; a text is searched again only when the
index changed in a way that can change its result (`stale_texts`). Resolution runs over every row at
every build (cheap: each distinct mention once), so ids always follow today's watch list and the names
structured sources state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incremental_build.text_work import per_distinct
from pipelines import contracts
from pipelines.providers import ProviderIndex, core, key, organisation_mentions
from pipelines.text import normalize


def resolve_many(index: ProviderIndex, mentions: pd.Series) -> pd.Series:
    """Resolve each distinct mention once (10^6 documents name a few hundred providers).

    Distinct values and the lookup stay in arrow: pandas' unique and map over 10^6 mentions took
    0.3-0.6 s, the arrow kernels ~0.1 s."""
    arr = pa.array(mentions, pa.string())
    uniq = pc.unique(arr)
    ids = [index.resolve(m) if isinstance(m, str) and m.strip() else None for m in uniq.to_pylist()]
    found = pa.array(ids, pa.string()).take(pc.index_in(arr, value_set=uniq))
    return found.to_pandas().set_axis(mentions.index).astype("string")


def search(index: ProviderIndex, titles: list[Any], texts: list[Any]) -> tuple[list[Any], list[Any]]:
    """For each free text (title and text): the provider id it names first, or None, and the
    organisation names it contains, whatever the index knows (`attribution_state` keeps both).

    A document naming several providers is attributed to the first one it names. The clean table has
    one provider per document, and a merchant's answer or an article names the agency it is about
    first and the ones it compares with afterwards; copying one text onto every name in a ten-agency
    list would give each of them the author's sentiment about one.
    """

    def read(joined: str) -> tuple[Any, list[str] | None]:
        norm = normalize(joined)
        orgs = organisation_mentions(norm)  # read once, for both uses
        hits = index.find(norm, normalized=True, org_mentions=orgs)
        return (hits[0] if hits else None), ([name for _, name in orgs] or None)

    # Texts repeat (a comment posted under several articles, a reposted answer): each distinct one is
    # read once.
    once = per_distinct(read)
    found: list[Any] = []
    cands: list[Any] = []
    for title, text in zip(titles, texts, strict=True):
        hit, names = once("\n".join(t for t in (title, text) if isinstance(t, str) and t))
        found.append(hit)
        cands.append(list(names) if names is not None else None)
    return found, cands


def organisation_names(norm: str) -> list[str]:
    """The names `ProviderIndex.find` resolves besides its verbatim scan, read the way it reads them."""
    return [name for _, name in organisation_mentions(norm)]


def searchable(side: pd.DataFrame) -> pd.Series:
    """Rows whose provider is looked for in their text: free-text kinds that state no name."""
    return side["stated"].isna() & side["kind"].isin(contracts.MENTION_IN_TEXT_KINDS)


def stale_texts(
    side: pd.DataFrame, docs: pd.DataFrame, before: list[dict[str, Any]] | None, index: ProviderIndex
) -> pd.Series:
    """Searchable rows whose stored search result may differ under `index` from the one under the
    entries `before` (None: unknown, every text is searched again).

    `find` scans a text for the index's verbatim names (longest first) and resolves the organisation
    names the text contains. Its result for a text can change only if a name the scan looks for was
    added, dropped or now means other providers and the text contains it, or one of the text's
    organisation names resolves differently; the provider it found may also be gone."""
    free = searchable(side)
    if before is None:
        return free
    old = ProviderIndex(before)
    changed = list(_changed_keys(old.tables.scan, index.tables.scan))
    stale = free & side["found"].notna() & ~side["found"].isin(index.ids())
    if changed and free.any():
        named = _contains_any(docs.loc[free, ["title", "text"]], changed)
        stale |= named.reindex(free.index, fill_value=False)
    has_cands = free & side["cands"].notna()
    if has_cands.any():
        names = side.loc[has_cands, "cands"].explode()
        may_move = _resolution_may_differ(old, index)
        moved = {n for n in names.dropna().unique() if may_move(n) and old.resolve(n) != index.resolve(n)}
        if moved:
            stale |= names.isin(moved).groupby(level=0).any().reindex(side.index, fill_value=False)
    return stale


def _changed_keys(a: Mapping[str, set[str]], b: Mapping[str, set[str]]) -> set[str]:
    """Keys whose provider ids differ between two of the index's maps (absent: none)."""
    return {k for k in a.keys() | b.keys() if a.get(k, set()) != b.get(k, set())}


def _resolution_may_differ(old: ProviderIndex, new: ProviderIndex):
    """A test that is False only for names `old.resolve` and `new.resolve` answer alike, following the
    order `resolve` decides in: the exact key, else the core, else a typo (one edit from a typo key).

    Resolving every organisation name a corpus contains under both indexes was most of this step (a
    few thousand names, each missing both dictionaries and going through the typo search twice); a
    grown index changes the answers only near the names it gained. It reads the index's maps
    (`ProviderIndex.tables`); a name the test lets through is still resolved by both."""
    was, now = old.tables, new.tables
    exact = _changed_keys(was.exact, now.exact)
    cores = _changed_keys(was.cores, now.cores)
    typo_old, typo_new = _by_typo_key(old), _by_typo_key(new)
    deletes: set[str] = set()
    for t in _changed_keys(typo_old, typo_new):
        deletes.add(t)
        deletes.update(t[:i] + t[i + 1 :] for i in range(len(t)))

    def may_differ(name: str) -> bool:
        k = key(name)
        if not k or k in exact:
            return bool(k)
        if was.exact.get(k):  # the same ids in both: decided alike
            return False
        c = core(name)
        if c in cores:
            return True
        if was.cores.get(c):
            return False
        if len(k) < ProviderIndex.TYPO_MIN_CHARS:
            return False
        # One edit apart only if a deletion of one meets a deletion of the other (or themselves).
        return k in deletes or any(k[:i] + k[i + 1 :] in deletes for i in range(len(k)))

    return may_differ


def _by_typo_key(index: ProviderIndex) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for pid, keys in index.tables.typo_keys.items():
        for t in keys:
            out.setdefault(t, set()).add(pid)
    return out


# What the scan compares: a text with every non-word character as a space, lower-cased
# (`ProviderIndex.find`). Its strings are name keys, word characters only, so a string occurs there
# exactly where it occurs in the lower-cased text.
_WORDY = re.compile(r"[^\W_]+")


def _contains_any(texts: pd.DataFrame, strings: list[str]) -> pd.Series:
    """Whether each row's title or text contains one of `strings` (RE2 over arrow: a few hundred
    thousand texts take a fraction of a second)."""
    if not all(_WORDY.fullmatch(s) for s in strings):
        return pd.Series(True, index=texts.index)  # a form the shortcut does not cover: search them all
    pattern = "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))
    hit = None
    for col in ("title", "text"):
        lowered = pc.utf8_lower(pa.array(texts[col], pa.string()))
        found = pc.fill_null(pc.match_substring_regex(lowered, pattern), False)
        hit = found if hit is None else pc.or_(hit, found)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=texts.index)


def mentions_for(side: pd.DataFrame, native_ids: pd.Series, index: ProviderIndex) -> pd.Series:
    """Every document's provider mention from its `attribution_state` row: the name it states, else
    (free text) the canonical name of the provider its text names first, else (a comment) its article's.
    Reviews take their listing's afterwards (`review_mentions`)."""
    mention = side["stated"].astype("string")
    free = searchable(side) & side["found"].notna()
    if free.any():
        found = side.loc[free, "found"]
        canonical = {pid: (index.names(pid) or [pid])[0] for pid in found.unique()}
        mention.loc[free] = found.map(canonical).astype("string")
    orphan = (side["kind"] == "comment") & mention.isna() & side["article_id"].notna()
    if orphan.any():
        art = (side["kind"] == "article") & mention.notna()
        by_article = dict(zip(native_ids[art], mention[art], strict=True))
        mention.loc[orphan] = (
            side.loc[orphan, "article_id"]
            .map(lambda aid: by_article.get(aid) or by_article.get(f"mp_{aid}"))
            .astype("string")
        )
    return mention


_SERVICE_CODE = re.compile(r"service_code=([^&#]+)")


def review_mentions(docs: pd.DataFrame, listings: pd.DataFrame) -> pd.Series:
    """A review that does not name its provider belongs to its listing's provider; the listing is
    found by the service code in the review's URL, so a listing crawled in a later run still counts."""
    mention = docs["provider_mention"].copy()
    if listings.empty:
        return mention
    need = (docs["kind"] == "market_review") & mention.isna()
    if need.any():
        by_code = dict(zip(listings["service_code"], listings["provider_name"], strict=True))
        codes = docs.loc[need, "source_url"].str.extract(_SERVICE_CODE, expand=False)
        mention.loc[need] = codes.map(by_code)
    return mention
