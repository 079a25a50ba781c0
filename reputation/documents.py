"""Documents from items: one clean row per crawled item, and the claim rows read from the documents.

Pure functions of an item (or of a frame of documents); the build engine (`incremental_build.clean`)
calls them for new raw records and does the batching, text processing and merging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pipelines import claims as claims_mod
from pipelines import contracts
from pipelines.case_pages import FACT_COLUMNS, case_fact_columns
from pipelines.dates import parse_date_as_fetched
from pipelines.replies import timestamp

# Columns an item fills from a field of the same name when it has one (a review's rating, a
# complaint's amount and status, a case's client); the others stay null.
_AS_FOUND = ("rating", "author_level", "amount_cny", "status", "client")


def document_row(item: contracts.BaseItem, rel: str) -> dict[str, Any]:
    """One clean/documents row (text not yet normalised), read as the item's class declares
    (`contracts.AsDocument`): the same code for every source."""
    how = item.document
    if how is None:
        raise ValueError(f"{item.kind} items are not documents")
    g = item.__dict__
    row = {
        "doc_id": item.item_id,
        "source": item.source,
        "kind": item.kind,
        "native_id": item.native_id,
        "source_url": item.source_url,
        "fetched_at": item.fetched_at,
        "raw_file": rel,
        "author": _first(g, how.author),
        "title": _first(g, how.title),
        "raw_text": _first(g, how.text, blank_is_empty=True) or "",
        **{col: g.get(col) for col in _AS_FOUND},
        "provider_mention": _first(g, item.names_provider),
        "created_at": created_at(g, item.fetched_at, how.dated),
        "reply_days": None,
        "_service_code": g.get("service_code"),
        "_article_id": g.get("article_id"),
        "_category": g.get("category"),
        "_image_only": bool(g.get("image_only", False)),
    }
    for column, parse in how.parsed:
        row[column] = parse(item)
    return row


def _first(g: dict[str, Any], fields: tuple[str, ...], blank_is_empty: bool = False) -> Any:
    """The first of `fields` the item fills (None when none does)."""
    for name in fields:
        value = g.get(name)
        if value is None or value == "" or (blank_is_empty and isinstance(value, str) and not value.strip()):
            continue
        return value
    return None


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)")


def created_at(
    g: dict[str, Any], fetched_at: Any, fields: tuple[str, ...] = ("created_at", "published_at", "date_raw")
) -> str | None:
    """The item's own date as ISO 8601. The crawl writes ISO already; a date still as printed
    (`3天前`, `昨天 12:30`, `2024年3月1日`, an older writer's or a page object's miss) is read here,
    relative to the item's `fetched_at` — never the build's clock, so rebuilding the same raw gives
    the same tables."""
    for value in (g.get(name) for name in fields):
        if value is None or value == "":
            continue
        if isinstance(value, str) and _ISO_START.match(value):
            return value  # the column is parsed as a whole later; a per-row parse here costs 50 µs
        fetched = timestamp(fetched_at)
        when = parse_date_as_fetched(value, fetched.to_pydatetime() if fetched is not None else None)
        if when is not None:
            return when.isoformat()
    return None


# Where merchants tell what a provider promised them and what actually happened (contracts.ACCOUNT_KINDS).
# Reviews are left out: they are most of the documents and hardly ever state a promised figure.
_ACCOUNT_CLAIMS = ("promise", "actual_outcome")


def claim_rows(docs: pd.DataFrame) -> list[dict[str, Any]]:
    """Claims on case pages, then promises and outcomes in merchants' complaints and answers (the claim
    checks weigh a case against them). On a case page the page's own client and category fields win
    over what the extractor read from the prose (the page states them as fields; the prose may name
    other shops too)."""
    return flatten_claims(docs["kind"], document_claims(docs))


def document_claims(docs: pd.DataFrame) -> list[list[dict[str, Any]] | None]:
    """`claim_rows` per document, aligned with `docs` (None: a kind that states no claims). The build
    computes them where the texts are processed (`incremental_build.text_work`), batch by batch, and
    `flatten_claims` gives back `claim_rows`' rows in its order."""
    out: list[list[dict[str, Any]] | None] = [None] * len(docs)
    kinds = docs["kind"]
    cases = np.flatnonzero(kinds.isin(contracts.CASE_KINDS).to_numpy())
    for at, row in zip(cases.tolist(), docs.iloc[cases].to_dict("records"), strict=True):
        out[at] = _case_claims(row)
    cols = ["doc_id", "source_url", "created_at", "fetched_at", "raw_file", "author", "text"]
    accounts = np.flatnonzero(kinds.isin(contracts.ACCOUNT_KINDS).to_numpy())
    for at, row in zip(accounts.tolist(), docs.iloc[accounts][cols].to_dict("records"), strict=True):
        found = [c for c in claims_mod.extract(row["text"]) if c.kind in _ACCOUNT_CLAIMS]
        base = _claim_base(row, category=None, image_only=False)
        # A merchant's account is about the merchant's own shop unless it names one.
        out[at] = [_claim_row(base, i, c, c.client or row["author"]) for i, c in enumerate(found)]
    return out


def flatten_claims(kinds: pd.Series, per_document: Iterable[Any]) -> list[dict[str, Any]]:
    """The claim rows of `document_claims` (aligned with `kinds`), in `claim_rows`' order: the case
    pages' claims first, then the merchants' accounts'."""
    lists = list(per_document)
    out: list[dict[str, Any]] = []
    for group in (contracts.CASE_KINDS, contracts.ACCOUNT_KINDS):
        for at in np.flatnonzero(kinds.isin(group).to_numpy()).tolist():
            if isinstance(lists[at], list):
                out += lists[at]
    return out


_NO_CASE_FACTS = dict.fromkeys(FACT_COLUMNS.values())


def _claim_base(
    row: dict[str, Any], category: Any, image_only: bool, facts: dict[str, Any] = _NO_CASE_FACTS
) -> dict[str, Any]:
    return {
        "doc_id": row["doc_id"],
        "provider_id": None,
        "source_url": row["source_url"],
        "category": category,
        "claimed_at": row["created_at"],
        "fetched_at": row["fetched_at"],
        "raw_file": row["raw_file"],
        "image_only": image_only,
        **facts,
    }


def _claim_row(base: dict[str, Any], i: int, c: claims_mod.Claim | None, client: Any) -> dict[str, Any]:
    """One clean/claims row: the document's provenance, then claim `i` as read (or no figures)."""
    return {
        **base,
        "claim_id": f"{base['doc_id']}#{i}",
        "kind": c.kind if c else "success_case",
        "client": client,
        "metric": c.metric if c else None,
        "before": c.before if c else None,
        "after": c.after if c else None,
        "growth_pct": c.growth_pct if c else None,
        "period_days": c.period_days if c else None,
        "span": c.span if c else None,
    }


def _case_claims(row: dict[str, Any]) -> list[dict[str, Any]]:
    # The page's dates, period and category count, read here once rather than at every build.
    facts = case_fact_columns(row["text"])
    base = _claim_base(row, category=row["_category"], image_only=bool(row["_image_only"]), facts=facts)
    text = "\n".join(t for t in (row["title"], row["text"]) if isinstance(t, str) and t)
    found = [] if row["_image_only"] else claims_mod.extract(text)
    found = [c for c in found if c.kind == "success_case"] or found[:1]
    if not found:
        # Numbers only in an image (or none at all): one row that says a case is claimed, no numbers.
        return [_claim_row(base, 0, None, row["client"])]
    return [_claim_row(base, i, c, row["client"] or c.client) for i, c in enumerate(found)]


def registry_row(item: contracts.RegistryRecord, rel: str) -> dict[str, Any]:
    return {
        "company_id": item.company_id or item.native_id,
        "legal_name": item.legal_name,
        "alias": item.alias,
        "reg_status": item.reg_status,
        "reg_capital_cny": item.reg_capital_cny,
        "established": item.established,
        "staff_insured": item.staff_insured,
        "lawsuit_count": item.lawsuit_count,
        "abnormal_count": item.abnormal_count,
        "business_scope": item.business_scope,
        "source_url": item.source_url,
        "fetched_at": item.fetched_at,
        "raw_file": rel,
    }


def listing_row(item: contracts.MarketListing, rel: str) -> dict[str, Any]:
    return {
        "service_code": item.service_code or item.native_id,
        "title": item.title,
        "provider_name": item.provider_name,
        "brand": item.brand,
        "tp_star": item.tp_star,
        "price_min_cny": item.price_min_cny,
        "price_max_cny": item.price_max_cny,
        "user_count": item.user_count,
        "source_url": item.source_url,
        "fetched_at": item.fetched_at,
        "raw_file": rel,
    }
