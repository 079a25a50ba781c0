"""Data contracts: the typed items spiders yield and the pyarrow schema of every table kaopu writes.

One module owns them so a change of shape is one diff, reviewed in one place. Items are plain
dataclasses (Scrapy accepts them through itemadapter) and carry `schema_version`, so a raw file
written by an older crawler can still be read and migrated by the batch flow.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SCHEMA_VERSION = 1

SOURCES = ("market", "complaints", "forum", "articles", "registry", "cases")


@dataclass
class BaseItem:
    """Fields every crawled item has. `native_id` is unique within its `source`."""

    native_id: str
    source_url: str
    fetched_at: str  # ISO 8601, UTC, when the response was received
    schema_version: int = SCHEMA_VERSION

    # Subclasses set these two as class constants; they are written out with the item.
    kind = "base"
    source = "base"

    @property
    def item_id(self) -> str:
        """The id used for dedup and evidence lists: `source:native_id`."""
        return f"{self.source}:{self.native_id}"


@dataclass
class MarketListing(BaseItem):
    kind = "market_listing"
    source = "market"
    service_code: str = ""
    title: str = ""
    provider_name: str = ""  # legal name as the listing shows it
    brand: str | None = None
    tp_star: int | None = None  # 3..6, None when the listing shows no TP badge
    price_text: str | None = None  # as shown, e.g. "¥3000-¥8000/月"
    price_min_cny: float | None = None
    price_max_cny: float | None = None
    user_count: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
    review_count: int | None = None


@dataclass
class MarketReview(BaseItem):
    kind = "market_review"
    source = "market"
    service_code: str = ""
    provider_name: str | None = None
    author: str | None = None  # userNick
    text: str = ""  # suggestion
    rating: float | None = None  # avgScore, 1..5
    created_at: str | None = None  # ISO 8601


@dataclass
class Complaint(BaseItem):
    kind = "complaint"
    source = "complaints"
    sn: str = ""
    title: str = ""
    target: str = ""  # cotitle: the company complained about
    author: str | None = None
    summary: str = ""
    appeal: str | None = None  # what the complainant demands
    amount_cny: float | None = None  # cost
    status: str | None = None  # 处理中 / 已回复 / 已完成
    created_at: str | None = None
    # Replies in order, each {"at": ISO 8601 or None, "actor": who wrote it, "text": what was said}.
    timeline: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""  # the complaint body from the detail page (falls back to summary)


@dataclass
class ForumAnswer(BaseItem):
    kind = "forum_answer"
    source = "forum"
    question_id: str = ""
    question_title: str = ""
    author: str | None = None
    text: str = ""  # answer content as plain text (HTML stripped, entities kept as found)
    voteup_count: int | None = None
    created_at: str | None = None


@dataclass
class Article(BaseItem):
    kind = "article"
    source = "articles"
    title: str = ""
    publisher: str | None = None
    text: str = ""
    published_at: str | None = None
    date_raw: str | None = None  # the date as printed (e.g. "3天前"), so a misread can be re-parsed from raw


@dataclass
class Comment(BaseItem):
    kind = "comment"
    source = "articles"
    article_id: str = ""
    author: str | None = None
    text: str = ""
    ip_location: str | None = None
    created_at: str | None = None


@dataclass
class RegistryRecord(BaseItem):
    kind = "registry_record"
    source = "registry"
    company_id: str = ""
    legal_name: str = ""
    alias: str | None = None
    reg_status: str | None = None
    reg_capital_cny: float | None = None
    reg_capital_text: str | None = None
    established: str | None = None  # ISO date
    staff_insured: int | None = None  # 参保人数
    lawsuit_count: int | None = None
    abnormal_count: int | None = None  # 经营异常
    business_scope: str | None = None
    legal_person: str | None = None
    location: str | None = None


@dataclass
class CasePage(BaseItem):
    kind = "case_page"
    source = "cases"
    site: str = ""
    provider_name: str | None = None
    title: str = ""
    client: str | None = None
    category: str | None = None
    text: str = ""  # the case's visible text, numbers included as written
    published_at: str | None = None
    image_only: bool = False  # the numbers are only in an image: flag it, never invent them


ITEM_TYPES: dict[str, type[BaseItem]] = {
    cls.kind: cls
    for cls in (
        MarketListing,
        MarketReview,
        Complaint,
        ForumAnswer,
        Article,
        Comment,
        RegistryRecord,
        CasePage,
    )
}

# Kinds that carry free text people wrote; they become rows of clean/documents.
TEXT_KINDS = ("market_review", "complaint", "forum_answer", "article", "comment", "case_page")


class InvalidItem(ValueError):
    """An item that cannot be accepted; `reason` is a short machine-readable slug."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def to_record(item: BaseItem) -> dict[str, Any]:
    """Item → the dict written to raw (kind and source included, so a raw line is self-describing)."""
    rec = dataclasses.asdict(item)
    rec["kind"] = item.kind
    rec["source"] = item.source
    return rec


def from_record(rec: dict[str, Any]) -> BaseItem:
    """Raw dict → typed item. Unknown keys are ignored (newer writers); missing required ones raise."""
    kind = rec.get("kind")
    cls = ITEM_TYPES.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise InvalidItem("unknown_kind", repr(kind))
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in rec.items() if k in names}
    try:
        item = cls(**kwargs)
    except TypeError as exc:
        raise InvalidItem("missing_field", str(exc)) from exc
    validate(item)
    return item


def validate(item: BaseItem) -> BaseItem:
    """Reject items no later stage can use. Returns the item; raises InvalidItem with a reason."""
    if not isinstance(item.native_id, str) or not item.native_id.strip():
        raise InvalidItem("missing_native_id")
    if not isinstance(item.source_url, str) or not item.source_url:
        raise InvalidItem("missing_source_url")
    text = getattr(item, "text", "")
    image_only_case = item.kind == "case_page" and getattr(item, "image_only", False)
    if text is not None and not isinstance(text, str):
        # An integer or a list is a writer's bug, not an empty page: say which.
        raise InvalidItem("bad_field", f"text: expected a string, got {type(text).__name__}")
    # A case page whose numbers are only in an image still has a title worth keeping.
    if item.kind in TEXT_KINDS and (not isinstance(text, str) or not text.strip()) and not image_only_case:
        raise InvalidItem("empty_text")
    rating = getattr(item, "rating", None)
    if item.kind == "market_review" and rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            raise InvalidItem("bad_rating", repr(rating))
        if not 0 <= rating <= 5:
            raise InvalidItem("rating_out_of_range", str(rating))
    if item.kind == "registry_record" and not item.legal_name:  # type: ignore[attr-defined]
        raise InvalidItem("missing_field", "legal_name")
    return item


# ---------------------------------------------------------------------------------------------
# Table schemas. Timestamps are UTC microseconds; money is CNY as float64; shares are 0..1.
# ---------------------------------------------------------------------------------------------

_TS = pa.timestamp("us", tz="UTC")
_STR_LIST = pa.list_(pa.string())

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),  # source:native_id
        ("source", pa.string()),
        ("kind", pa.string()),
        ("native_id", pa.string()),
        ("source_url", pa.string()),
        ("fetched_at", _TS),
        ("raw_file", pa.string()),  # path of the raw jsonl.gz relative to the data tree
        ("provider_id", pa.string()),  # resolved canonical id, null when unresolved
        ("provider_mention", pa.string()),  # the name as the document gave it
        ("author", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),  # normalised and masked
        ("text_chars", pa.int32()),
        ("was_traditional", pa.bool_()),
        ("created_at", _TS),
        ("rating", pa.float64()),
        ("amount_cny", pa.float64()),
        ("status", pa.string()),
        ("reply_days", pa.float64()),  # complaint: days from filing to the provider's first reply
        ("client", pa.string()),  # case page: the client shop/brand claimed
        ("dup_cluster", pa.int64()),  # near-duplicate cluster label (same label = same story)
        ("sentiment", pa.float64()),  # 0..1, 0.5 neutral
        ("sentiment_label", pa.int8()),  # -1 / 0 / 1
        ("schema_version", pa.int32()),
    ]
)

CLAIMS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("doc_id", pa.string()),
        ("provider_id", pa.string()),
        ("source_url", pa.string()),
        # success_case (case pages) / promise / actual_outcome (complaints, forum answers) /
        # company_metric; the claim checks give success cases and promises a verdict.
        ("kind", pa.string()),
        ("client", pa.string()),
        ("category", pa.string()),
        ("metric", pa.string()),
        ("before", pa.float64()),
        ("after", pa.float64()),
        ("growth_pct", pa.float64()),
        ("period_days", pa.int32()),
        ("claimed_at", _TS),
        ("image_only", pa.bool_()),
        ("span", pa.string()),
        # What the case page states in its prose (pipelines/case_pages.py), read once at clean time;
        # null on claims from other documents.
        ("case_start", _TS),
        ("case_end", _TS),
        ("case_period_days", pa.int32()),
        ("case_period_days_inclusive", pa.int32()),
        ("case_categories", pa.int32()),
        ("fetched_at", _TS),
        ("raw_file", pa.string()),
        ("schema_version", pa.int32()),
    ]
)

REGISTRY = pa.schema(
    [
        ("provider_id", pa.string()),
        ("company_id", pa.string()),
        ("legal_name", pa.string()),
        ("alias", pa.string()),
        ("reg_status", pa.string()),
        ("reg_capital_cny", pa.float64()),
        ("established", pa.date32()),
        ("staff_insured", pa.int32()),
        ("lawsuit_count", pa.int32()),
        ("abnormal_count", pa.int32()),
        ("business_scope", pa.string()),
        ("source_url", pa.string()),
        ("fetched_at", _TS),
        ("raw_file", pa.string()),
        ("schema_version", pa.int32()),
    ]
)

LISTINGS = pa.schema(
    [
        ("provider_id", pa.string()),
        ("service_code", pa.string()),
        ("title", pa.string()),
        ("provider_name", pa.string()),
        ("tp_star", pa.int8()),
        ("price_min_cny", pa.float64()),
        ("price_max_cny", pa.float64()),
        ("user_count", pa.int32()),
        ("source_url", pa.string()),
        ("fetched_at", _TS),
        ("raw_file", pa.string()),
        ("schema_version", pa.int32()),
    ]
)

PROVIDER_REPUTATION = pa.schema(
    [
        ("provider_id", pa.string()),
        ("provider_name", pa.string()),
        ("legal_name", pa.string()),  # the registered company, from the registry page
        ("aliases", _STR_LIST),
        ("tp_star", pa.int8()),
        ("established", pa.date32()),
        ("staff_insured", pa.int32()),
        ("registered_capital_cny", pa.float64()),
        ("lawsuit_count", pa.int32()),
        ("abnormal_count", pa.int32()),
        ("n_documents", pa.int32()),
        ("n_reviews", pa.int32()),
        ("n_complaints", pa.int32()),
        ("n_answers", pa.int32()),
        ("n_articles", pa.int32()),
        ("rating_mean", pa.float64()),
        ("rating_bayes", pa.float64()),
        ("n_ratings", pa.int32()),
        ("positive_share_wilson_low", pa.float64()),
        ("sentiment_mean", pa.float64()),
        ("suspicious_share", pa.float64()),
        ("adjusted_rating", pa.float64()),
        ("n_kept", pa.int32()),
        ("complaints_amount_cny", pa.float64()),
        ("complaints_completed_share", pa.float64()),
        ("median_reply_days", pa.float64()),
        ("claims_n", pa.int32()),
        ("claims_supported", pa.int32()),
        ("claims_refuted", pa.int32()),
        ("claims_duplicated", pa.int32()),
        ("claims_implausible", pa.int32()),
        ("claims_not_enough_evidence", pa.int32()),
        ("authenticity_score", pa.float64()),
        ("reputation_score", pa.float64()),
        ("confidence", pa.float64()),
        ("confidence_band", pa.string()),
        ("risk_flags", _STR_LIST),  # the flags in words (Chinese), rendered from risk_flag_codes
        # The flags as codes (keys of pipelines.messages.RISK_FLAGS) with their arguments (a JSON object).
        ("risk_flag_codes", pa.list_(pa.struct([("code", pa.string()), ("args", pa.string())]))),
        ("fee_monthly_min_cny", pa.float64()),
        ("fee_monthly_max_cny", pa.float64()),
        ("commission_pct_mentioned", pa.float64()),
        ("first_seen", _TS),
        ("last_seen", _TS),
        ("sources", _STR_LIST),
        ("built_at", _TS),
        ("schema_version", pa.int32()),
    ]
)

CLAIM_CHECKS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("kind", pa.string()),  # success_case or promise (a broken promise is refuted)
        ("provider_id", pa.string()),
        ("source_url", pa.string()),
        ("client", pa.string()),
        ("metric", pa.string()),
        ("before", pa.float64()),
        ("after", pa.float64()),
        ("growth_pct", pa.float64()),
        ("period_days", pa.int32()),
        ("claimed_at", _TS),
        ("verdict", pa.string()),
        ("reason", pa.string()),  # the reason in words (Chinese): pipelines/messages.py renders reason_code
        ("reason_code", pa.string()),  # why, as a code: a key of pipelines.messages.REASONS
        ("reason_args", pa.string()),  # the code's arguments, a JSON object
        ("evidence", _STR_LIST),  # source:native_id of every document the verdict rests on
        ("built_at", _TS),
        ("schema_version", pa.int32()),
    ]
)

REVIEW_FLAGS = pa.schema(
    [
        ("source", pa.string()),
        ("native_id", pa.string()),
        ("provider_id", pa.string()),
        ("flags", _STR_LIST),
        ("weight", pa.float64()),  # 0..1, the weight the item keeps in adjusted scores
        ("built_at", _TS),
        ("schema_version", pa.int32()),
    ]
)

PROVIDER_MONTHLY = pa.schema(
    [
        ("provider_id", pa.string()),
        ("month", pa.string()),  # YYYY-MM
        ("n_documents", pa.int32()),
        ("n_reviews", pa.int32()),
        ("n_complaints", pa.int32()),
        ("sentiment_mean", pa.float64()),
        ("rating_mean", pa.float64()),
        ("complaints_amount_cny", pa.float64()),
        ("built_at", _TS),
        ("schema_version", pa.int32()),
    ]
)

VERDICTS = ("supported", "refuted", "duplicated", "implausible", "not_enough_evidence")

# Table name (as in the data layout) → schema. storage.table_path() maps names to files.
TABLES: dict[str, pa.Schema] = {
    "clean/documents": DOCUMENTS,
    "clean/claims": CLAIMS,
    "clean/registry": REGISTRY,
    "clean/listings": LISTINGS,
    "marts/provider_reputation": PROVIDER_REPUTATION,
    "marts/claim_checks": CLAIM_CHECKS,
    "marts/review_flags": REVIEW_FLAGS,
    "marts/provider_monthly": PROVIDER_MONTHLY,
}
