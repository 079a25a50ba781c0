"""What the report reads: the marts and the clean tables, grouped per provider once.

Everything is read through `pipelines.storage.read_table`, so a table never written reads as empty and
the report still renders (with "no data" where a table was missing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from pipelines.contracts import COMPLAINT_KINDS
from pipelines.storage import DataTree, read_table
from reputation.scores import components

# The columns of clean/documents the report quotes: never the whole table (the text is the largest).
_DOC_COLS = [
    "doc_id",
    "source",
    "kind",
    "source_url",
    "fetched_at",
    "provider_id",
    "author",
    "title",
    "text",
    "created_at",
    "rating",
    "amount_cny",
    "status",
]


@dataclass
class ReportData:
    """Plain dicts and lists per provider: a page reads a few hundred values, and pandas' per-row
    access (~10 µs a cell) made 20,000 pages take minutes."""

    reputation: pd.DataFrame  # one row per provider, indexed by provider_id (for the whole-table views)
    rows: dict[str, dict] = field(default_factory=dict)  # the same rows as dicts
    components: dict[str, dict] = field(default_factory=dict)  # five score components (0..1, NaN = none)
    checks: dict[str, list[dict]] = field(default_factory=dict)
    monthly: dict[str, list[dict]] = field(default_factory=dict)
    flagged: dict[str, list[dict]] = field(default_factory=dict)
    complaints: dict[str, list[dict]] = field(default_factory=dict)
    registry: dict[str, dict] = field(default_factory=dict)
    last_crawled: dict[str, dict[str, pd.Timestamp]] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # evidence documents by doc_id

    def evidence(self, doc_ids) -> list[dict]:
        """The documents a verdict cites, in the order cited; an id not in clean/documents is kept
        with no text (the report says so) rather than dropped."""
        return [{"doc_id": d, **self.documents.get(d, {})} for d in doc_ids]


def load(tree: DataTree) -> ReportData:
    rep = read_table(tree, "marts/provider_reputation").to_pandas()
    rep = rep.drop_duplicates("provider_id").set_index("provider_id", drop=False)
    reg = read_table(tree, "clean/registry").to_pandas()
    latest_reg = (
        reg[reg["provider_id"].notna()].sort_values("fetched_at").drop_duplicates("provider_id", keep="last")
    ).set_index("provider_id")
    reg_status = latest_reg["reg_status"].reindex(rep.index) if len(rep) else pd.Series(dtype=object)
    comps = components(rep, reg_status) if len(rep) else pd.DataFrame()

    checks = read_table(tree, "marts/claim_checks").to_pandas()
    monthly = read_table(tree, "marts/provider_monthly").to_pandas()
    flags = read_table(tree, "marts/review_flags").to_pandas()
    docs = read_table(tree, "clean/documents", _DOC_COLS).to_pandas()
    listings = read_table(tree, "clean/listings", ["provider_id", "fetched_at"]).to_pandas()

    flags["doc_id"] = flags["source"] + ":" + flags["native_id"]
    cited = {d for ev in checks["evidence"] for d in (ev if ev is not None else [])}
    wanted = cited | set(flags["doc_id"])
    quoted = docs[docs["doc_id"].isin(wanted)].drop_duplicates("doc_id").set_index("doc_id")
    flagged = flags.merge(
        docs[["doc_id", "text", "created_at", "rating", "source_url", "author"]], on="doc_id", how="left"
    )
    complaints = docs[docs["kind"].isin(COMPLAINT_KINDS)][
        ["provider_id", "created_at", "amount_cny", "status", "title", "source_url"]
    ]

    return ReportData(
        reputation=rep,
        rows=rep.to_dict("index"),
        components=comps.to_dict("index"),
        checks=_by_provider(checks.sort_values(["verdict", "claim_id"])),
        monthly=_by_provider(monthly.sort_values("month")),
        flagged=_by_provider(flagged.sort_values("created_at")),
        complaints=_by_provider(complaints.sort_values("created_at")),
        registry={pid: _plain(r) for pid, r in latest_reg.to_dict("index").items()},
        last_crawled=_last_crawled(docs, reg, listings),
        documents=quoted.to_dict("index"),
    )


def _by_provider(df: pd.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in df[df["provider_id"].notna()].to_dict("records"):
        out.setdefault(r["provider_id"], []).append(r)
    return out


def _last_crawled(docs: pd.DataFrame, reg: pd.DataFrame, listings: pd.DataFrame) -> dict[str, dict]:
    """provider → source → newest fetched_at: how fresh each kind of evidence on it is."""
    parts = [docs[["provider_id", "source", "fetched_at"]]]
    if not reg.empty:
        parts.append(reg[["provider_id", "fetched_at"]].assign(source="registry"))
    if not listings.empty:
        parts.append(listings.assign(source="market"))
    both = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    if both.empty:
        return {}
    newest = both[both["provider_id"].notna()].groupby(["provider_id", "source"])["fetched_at"].max()
    out: dict[str, dict] = {}
    for (pid, source), at in newest.items():
        out.setdefault(pid, {})[source] = at
    return out


def _plain(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
