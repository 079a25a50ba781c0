"""Raw → clean: typed, normalised, masked, provider-resolved, sentiment-scored tables.

`update_clean` is incremental: only raw records not processed before are read (`raw_manifest`), and
the text functions (normalise, mask, sentiment: the cost) only ever run on them (`text_work`); the
new rows are merged into the stored tables by key, latest fetch winning (`table_merge`). Everything
that depends on other documents is recomputed for the documents it touches, so the tables equal a full
build's whatever order the raw arrived in (tests/test_build_order.py): each document's provider is
derived at every build from inputs kept per document (`attribution_state`: the name it states, the
article a comment sits under, what its text names), a text being searched again only when the index
of provider names changed in a way that can change its result (`provider_attribution`); near-duplicate
clusters are relabelled exactly (`dedup_store`); claims are those of each document's kept fetch.

The clean layer has a method key (`method_keys.clean_key`: the code of the logic it runs and the models
it loads). When it differs from the key the tables were written with, or with `full=True`, the build
starts over: every raw file is read again and the tables are rebuilt from raw alone, so an improved
`normalize()` reaches old raw on the next build (DESIGN's first principle), and equals a fresh build.

Idempotence: rows are keyed (`doc_id`, `claim_id`, `company_id`, `service_code`) and a re-crawl of the
same item replaces the older row, so processing the same raw twice gives the same tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from incremental_build import attribution_state, dedup_store, history
from incremental_build.method_keys import CODE_CACHE, clean_key
from incremental_build.provider_attribution import (
    mentions_for,
    resolve_many,
    review_mentions,
    search,
    searchable,
    stale_texts,
)
from incremental_build.provider_names import cached_provider_entries, name_groups
from incremental_build.raw_manifest import Pending, load_manifest, pending_raw, read_items, record_progress
from incremental_build.table_merge import concat, latest, lookup, merge_docs, to_utc
from incremental_build.text_work import CLAIMS, FIGURES, FIGURES_OF, VERSION_AT, TextRunner, TextWork
from pipelines import contracts
from pipelines.config import WatchedProvider, ensure_watchlist, load_watchlist
from pipelines.providers import ProviderIndex, gc_paused
from pipelines.storage import (
    DataTree,
    QuarantineWriter,
    conform,
    read_json_state,
    read_table,
    table_exists,
    table_rows,
    write_json_atomic,
    write_partitioned,
    write_table,
)
from reputation import documents

# Records are turned into rows this many at a time: big enough that pandas and the batch text
# functions amortise their per-call cost, small enough that 10^6 documents never sit in memory as
# Python dicts all at once (a dict row is ~2 KB; 20k rows ≈ 40 MB).
BATCH = 20_000

# What else the clean tables depend on besides raw: the method key and the watch list (it resolves
# provider ids). A build with no new raw and the same inputs writes nothing.
INPUTS = "clean-inputs.json"
# Build state files from earlier layouts, removed when the clean layer starts over.
_OLD_STATE = ("listing-brands.json",)
_QUARANTINE_PREFIX = "build-"
CLEAN_TABLES = ("clean/documents", "clean/claims", "clean/registry", "clean/listings", "clean/changes")

_DOC_COLS = [f.name for f in contracts.DOCUMENTS]
_CLAIM_COLS = [f.name for f in contracts.CLAIMS]


def update_clean(
    tree: DataTree,
    *,
    watchlist: Iterable[WatchedProvider | dict] | None = None,
    workers: int | None = None,
    full: bool = False,
    texts: TextRunner | None = None,
) -> dict:
    """Process every raw record not processed before into the clean tables. Returns counts.

    `full`: re-clean everything from raw (as does a changed method key; `counts["full"]` says which).
    `workers`: processes for the text work of a large backlog (default: the machine's cores, at most 4).
    `texts`: runs the text work elsewhere instead (batches in, processed frames out, in order), as
    `flows.dask_texts` does on a Dask cluster; the tables are the same either way.
    """
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if watchlist is None:
        watchlist = load_watchlist(ensure_watchlist(tree))
    watchlist = list(watchlist)
    last = read_json_state(tree.build_state(INPUTS))
    method = clean_key(cache=tree.build_state(CODE_CACHE))
    start_over = full or last.get("method") != method
    attribution = None if start_over else attribution_state.load(tree)
    if attribution is None and _table_rows(tree, "clean/documents"):
        # What the documents' providers were derived from is lost (or this tree predates it): only
        # raw has it again.
        start_over = True
    manifest = {} if start_over else load_manifest(tree)
    pending = pending_raw(tree, manifest)
    if (
        not start_over
        and not pending
        and last.get("watchlist") == _watchlist_key(watchlist)
        and _all_written(tree)
    ):
        # Nothing new in raw and the same watch list: the tables are what this build would write.
        fresh = {"raw_files": 0, "records": 0, "quarantined": 0, "new_documents": 0}
        fresh.update({"damaged_raw": [], "raw_being_written": [], "full": False})
        return {**last.get("counts", {}), **fresh, "unchanged": True}
    if start_over:
        _forget_clean_state(tree)
    run = _Run(tree, watchlist, method, manifest, pending, start_over, attribution)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    with QuarantineWriter(tree.quarantine_file(f"{_QUARANTINE_PREFIX}{stamp}")) as quarantine:
        old_rows = 0 if start_over else _table_rows(tree, "clean/documents")
        new = _NewRecords()
        new.texts = TextWork(_doc_batches(run, new, quarantine), workers, tree, old_rows, runner=texts)
    # Every line the build quarantined (bad lines, invalid items, damaged files), not only items.
    run.counts["quarantined"] = quarantine.count
    try:
        return _finish_clean(run, new)
    finally:
        new.texts.close()


@dataclass
class _Run:
    """One clean build: its inputs, the raw it reads, and its counts as they grow."""

    tree: DataTree
    watchlist: list[WatchedProvider | dict]
    method: str
    manifest: dict[str, dict[str, int]]
    pending: Pending
    start_over: bool  # the stored tables are not this method's: rebuild from raw alone
    # The stored attribution inputs and the index entries they were searched with (attribution_state).
    attribution: tuple[pd.DataFrame, list[dict[str, Any]] | None] | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = {
            "raw_files": len(self.pending),
            "records": 0,
            "quarantined": 0,
            "damaged_raw": [],
            "raw_being_written": [],
            "full": self.start_over,
        }

    def old(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """A stored clean table (only `columns`), or an empty one when the build starts over."""
        if self.start_over:
            empty = contracts.TABLES[name].empty_table()
            return empty if columns is None else empty.select(columns)
        return read_table(self.tree, name, columns)


@dataclass
class _NewRecords:
    """What the build read from raw: structured rows, the documents' attribution inputs, the documents'
    text work (which may still be running)."""

    registry: list[dict[str, Any]] = field(default_factory=list)
    listings: list[dict[str, Any]] = field(default_factory=list)
    observations: history.Observations = field(default_factory=history.Observations)
    attribution: list[tuple] = field(default_factory=list)
    texts: TextWork = None  # type: ignore[assignment]  # set as soon as reading starts


def _doc_batches(run: _Run, new: _NewRecords, quarantine: QuarantineWriter) -> Iterator[list[dict[str, Any]]]:
    """The new documents' rows in batches for the text work; structured rows are kept aside."""
    batch: list[dict[str, Any]] = []
    for item, rel in read_items(run.pending, quarantine, run.counts):
        if isinstance(item, contracts.Disappearance):
            new.observations.gone(item, rel)  # a fact about another item: only its history reads it
            continue
        # A document's version; a case page's figures are read with its text, by the text work.
        deferred = item.kind in contracts.CASE_KINDS and item.document is not None
        if item.document is not None:
            at = new.observations.version(item, rel, figures=not deferred)
        if item.kind in contracts.REGISTRY_KINDS:
            new.registry.append(documents.registry_row(item, rel))  # type: ignore[arg-type]
        elif item.kind in contracts.LISTING_KINDS:
            new.listings.append(documents.listing_row(item, rel))  # type: ignore[arg-type]
        else:
            row = documents.document_row(item, rel)
            if deferred:
                row[VERSION_AT], row[FIGURES_OF] = at, getattr(item, "text", None)
            new.attribution.append(attribution_state.row(row))
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _finish_clean(run: _Run, new: _NewRecords) -> dict:
    """The rest of `update_clean`, once the new records are read (their texts may still be in work)."""
    tree = run.tree
    registry, listings = _structured_tables(run, new)

    # Every document's attribution inputs, the stored ones and this build's, one row per doc_id as the
    # documents will be merged: the case pages among them name providers for the index.
    old_side, searched_with = run.attribution or (None, None)
    side = attribution_state.merge(old_side, new.attribution)
    case_names = side.loc[side["kind"].isin(contracts.CASE_KINDS), "stated"].dropna().tolist()

    # The old documents stay an arrow table until merged: pandas would copy the 10^6 texts at every
    # sort and filter. They are read on a thread meanwhile: decoding ~1 GB is arrow's and the kernel's
    # work, outside the GIL, while this thread builds the provider index and scores the new texts
    # (~1-2 s of a 1% build at 10^6).
    reader = ThreadPoolExecutor(max_workers=1)
    old_read = reader.submit(run.old, "clean/documents")
    reader.shutdown(wait=False)  # nothing more to submit; the read goes on
    index, entries = _provider_index(run, registry, listings, case_names)

    docs_new = concat(new.texts.result())
    new_claim_rows: list[dict[str, Any]] = []
    new_ids = pd.Series([], dtype=object)
    if not docs_new.empty:
        # Read by the text work from each document alone, collected before the helper columns go.
        new_claim_rows = documents.flatten_claims(docs_new["kind"], docs_new[CLAIMS])
        if FIGURES in docs_new.columns:
            cases = docs_new[VERSION_AT].notna().to_numpy()
            at = docs_new.loc[cases, VERSION_AT].astype(int).tolist()
            figures = [f if isinstance(f, str) else None for f in docs_new.loc[cases, FIGURES]]
            new.observations.set_figures(at, figures)
        new_ids = docs_new["doc_id"]
        docs_new = docs_new.drop(columns=[c for c in docs_new.columns if c.startswith("_")])
        # Parse the new rows' ISO strings before the concat: the old rows are datetimes already, and a
        # mixed column would send all 10^6 of them back through the parser.
        for col in ("fetched_at", "created_at"):
            docs_new[col] = to_utc(docs_new[col])
    docs = merge_docs(old_read.result(), docs_new)
    del docs_new
    docs, changes = history.update(tree, docs, new.observations, run.start_over)

    # Global, cheap: every document's mention from its inputs (a comment's article, a review's listing
    # may have arrived since), resolved against today's index. Texts are searched only when new or when
    # the index changed in a way that can change what they name.
    if not docs.empty:
        side = attribution_state.aligned(side, docs["doc_id"])
        side = _attribute(run, side, docs, index, entries, searched_with)
        docs["provider_mention"] = mentions_for(side, docs["native_id"], index)
        docs["provider_mention"] = review_mentions(docs, listings)
        docs["provider_id"] = resolve_many(index, docs["provider_mention"].astype("string"))
    won = docs.loc[side["fresh"].astype(bool).to_numpy(), _VERSION] if not docs.empty else None
    claims = _claims(run, new_claim_rows, won, docs)
    if not registry.empty:
        registry["provider_id"] = resolve_many(index, registry["legal_name"].astype("string"))
    if not listings.empty:
        listings["provider_id"] = resolve_many(index, listings["provider_name"].astype("string"))

    # Before the documents: every document written has its row (attribution_state).
    attribution_state.save(tree, side, entries)
    write_table(tree, "clean/claims", _with_version(claims, contracts.CLAIMS), sort_by=["claim_id"])
    write_table(tree, "clean/registry", _with_version(registry, contracts.REGISTRY), sort_by=["company_id"])
    write_table(tree, "clean/listings", _with_version(listings, contracts.LISTINGS), sort_by=["service_code"])
    history.write_changes(tree, changes)
    # Recluster every text last: nothing above needs the labels, and a background worker may still be
    # working them out.
    if not docs.empty:
        docs["dup_cluster"] = new.texts.dup_clusters(tree, docs, new_ids)
    docs = docs[[c for c in _DOC_COLS if c in docs.columns]]
    if not docs.empty:
        docs["schema_version"] = contracts.SCHEMA_VERSION
    # Already in doc_id order (`latest` sorted it); sorting again in arrow would copy 10^6 texts.
    # Only the partitions whose rows changed are written (storage.write_partitioned).
    parts = write_partitioned(tree, "clean/documents", conform(docs, contracts.DOCUMENTS))

    sizes = {
        "documents": docs,
        "claims": claims,
        "registry": registry,
        "listings": listings,
        "changes": changes,
    }
    written = {f"partitions_{k}": v for k, v in parts.items()}
    return _record(
        run, new_ids, {k: len(v) for k, v in sizes.items()} | {"providers": len(entries)} | written
    )


def _structured_tables(run: _Run, new: _NewRecords) -> tuple[pd.DataFrame, pd.DataFrame]:
    """clean/registry and clean/listings: the stored rows and the new ones, latest fetch per key."""
    registry = pd.DataFrame(new.registry)
    if not registry.empty:
        registry["fetched_at"] = to_utc(registry["fetched_at"])
        registry["established"] = to_utc(registry["established"]).dt.date
    registry = latest(concat([run.old("clean/registry").to_pandas(), registry]), "company_id")
    listings = pd.DataFrame(new.listings)
    if not listings.empty:
        listings["fetched_at"] = to_utc(listings["fetched_at"])
    listings = latest(concat([run.old("clean/listings").to_pandas(), listings]), "service_code")
    return registry, listings


def _provider_index(
    run: _Run, registry: pd.DataFrame, listings: pd.DataFrame, case_names: list[str]
) -> tuple[ProviderIndex, list[dict[str, Any]]]:
    """The watch list plus the providers structured sources name (registry, listings with their
    brands, case sites: the names their pages state), as the index every mention is resolved against."""
    with gc_paused():
        groups = name_groups(registry, listings, case_names)
        entries = cached_provider_entries(run.tree, run.watchlist, groups)
        return ProviderIndex(entries), entries


def _attribute(
    run: _Run,
    side: pd.DataFrame,
    docs: pd.DataFrame,
    index: ProviderIndex,
    entries: list[dict[str, Any]],
    searched_with: list[dict[str, Any]] | None,
) -> pd.DataFrame:
    """Search the free texts that need it (`side` and `docs` aligned): the new ones, and the old ones
    whose result the index's changes since their search can change (`counts["texts_searched_again"]`)."""
    redo = searchable(side) & side["fresh"].astype(bool)
    old = ~side["fresh"].astype(bool)
    again = 0
    if old.any() and (
        searched_with is None
        or attribution_state.entries_digest(searched_with) != attribution_state.entries_digest(entries)
    ):
        stale = old & stale_texts(side, docs, searched_with, index)
        again = int(stale.sum())
        redo |= stale
    run.counts["texts_searched_again"] = again
    if redo.any():
        rows = np.flatnonzero(redo.to_numpy())
        found, cands = search(index, docs["title"].take(rows).tolist(), docs["text"].take(rows).tolist())
        # Whole columns set at once (a cell at a time was ~1 s of a 10^5 build).
        for col, values in (("found", found), ("cands", cands)):
            column = side[col].to_numpy(dtype=object, copy=True)
            for at, v in zip(rows.tolist(), values, strict=True):
                column[at] = v  # one by one: numpy would stack a column of equal-length lists
            side[col] = column
    return side


# Which fetch of a document a row is: its claims are the claims of the version the documents kept.
_VERSION = ["doc_id", "fetched_at", "raw_file"]


def _claims(
    run: _Run, new_rows: list[dict[str, Any]], won: pd.DataFrame | None, docs: pd.DataFrame
) -> pd.DataFrame:
    """The claims of the documents' kept versions: a document whose new fetch won the merge takes that
    fetch's claims (and loses its older ones), one whose stored row won keeps its stored claims,
    however the fetches arrived. A case page that changed its figures (clean/changes) is the
    exception: it is checked against what it published first, whichever fetch arrived first. Every
    claim takes today's provider id."""
    old_claims = run.old("clean/claims").to_pandas()
    claims = pd.DataFrame(new_rows, columns=_CLAIM_COLS)
    # As for the documents: parsed before the concat, or the old claims' datetimes, mixed with the new
    # strings in one object column, all go through the parser again (0.2 s for 40k claims).
    for col in ("fetched_at", "claimed_at"):
        claims[col] = to_utc(claims[col])
    changed = _figures_changed(docs)
    if won is not None and not claims.empty:
        kept = claims[_VERSION].merge(won.drop_duplicates(), on=_VERSION, how="left", indicator=True)
        claims = claims[(kept["_merge"] == "both").to_numpy() | claims["doc_id"].isin(changed).to_numpy()]
    if not old_claims.empty and won is not None and len(won):
        replaced = old_claims["doc_id"].isin(won["doc_id"]) & ~old_claims["doc_id"].isin(changed)
        old_claims = old_claims[~replaced]
    claims = concat([old_claims, claims])
    if not claims.empty:
        for col in ("fetched_at", "claimed_at"):
            claims[col] = to_utc(claims[col])
        first = claims["doc_id"].isin(changed)
        if first.any():
            earliest = claims[first].groupby("doc_id")["fetched_at"].transform("min")
            claims = claims[~first | (claims["fetched_at"] == earliest.reindex(claims.index))]
        claims = claims.sort_values(["claim_id", "fetched_at"], kind="stable").drop_duplicates(
            "claim_id", keep="last"
        )
        claims["provider_id"] = lookup(docs["doc_id"], docs["provider_id"], claims["doc_id"])
    return claims


def _figures_changed(docs: pd.DataFrame) -> set[str]:
    if docs.empty or "history_changes" not in docs:
        return set()
    return set(docs.loc[[_has_change(x, "figures_changed") for x in docs["history_changes"]], "doc_id"])


def _has_change(kinds: Any, change: str) -> bool:
    return kinds is not None and not isinstance(kinds, float) and change in list(kinds)


def _record(run: _Run, new_ids: pd.Series, sizes: dict[str, int]) -> dict:
    """After every table is written: move the manifest, remember the inputs, return the counts."""
    tree, counts = run.tree, run.counts
    record_progress(tree, run.manifest, run.pending, counts)
    if counts["damaged_raw"]:
        from spiders.crawl_state import forget_lost_items

        counts["recrawl_reset"] = forget_lost_items(tree, counts["damaged_raw"])
    counts = {k: v for k, v in counts.items() if not k.startswith("_")}
    counts.update({"new_documents": len(new_ids), **sizes})
    inputs = {"method": run.method, "watchlist": _watchlist_key(run.watchlist), "counts": counts}
    write_json_atomic(tree.build_state(INPUTS), inputs)
    return counts


def _forget_clean_state(tree: DataTree) -> None:
    """Before starting over: the inputs file goes first, so a build that dies half-way starts over
    again; the near-duplicate store is rebuilt from the new texts. The earlier builds' quarantine
    goes too: like the tables it is derived from raw, and the re-read quarantines again what is
    still rejected (a crawl's own quarantine files stay)."""
    tree.build_state(INPUTS).unlink(missing_ok=True)
    dedup_store.forget(tree)
    history.forget(tree)
    attribution_state.forget(tree)
    for name in _OLD_STATE:
        tree.build_state(name).unlink(missing_ok=True)
    for path in tree.quarantine_dir.glob(f"{_QUARANTINE_PREFIX}*.jsonl"):
        path.unlink()


def _watchlist_key(watchlist: list[WatchedProvider | dict]) -> str:
    entries = [w if isinstance(w, dict) else dataclasses.asdict(w) for w in watchlist]
    return hashlib.sha256(json.dumps(entries, sort_keys=True, default=str).encode()).hexdigest()


def _all_written(tree: DataTree) -> bool:
    # (A table in an older layout, clean/documents as one file, is not: the build writes it anew.)
    return all(table_exists(tree, name) for name in CLEAN_TABLES)


def _table_rows(tree: DataTree, name: str) -> int:
    """Rows of a written table, from its footers (0 when absent or unreadable)."""
    try:
        return table_rows(tree, name) or 0
    except (OSError, pa.ArrowException):
        return 0


def _with_version(df: pd.DataFrame, schema) -> pd.DataFrame:
    df = df[[c for c in schema.names if c in df.columns]].copy()
    if not df.empty:
        df["schema_version"] = contracts.SCHEMA_VERSION
    return df
