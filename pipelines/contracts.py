"""Data contracts: the typed items spiders yield and the pyarrow schema of every table kaopu writes.

One module owns them so a change of shape is one diff, reviewed in one place. Items are plain
dataclasses (Scrapy accepts them through itemadapter) and carry `schema_version`, so a raw file
written by an older crawler can still be read and migrated by the batch flow.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pyarrow as pa

SCHEMA_VERSION = 1


class Role(enum.StrEnum):
    """The part an item plays in the evidence: whose voice it carries and what it is.

    The reputation logic reads roles, never kinds: a new source that carries a client's voice is
    weighed like the others of its role without a line of logic changing.
    """

    CLIENT_REVIEW = "client_review"  # a buyer's rated review of a service
    CLIENT_COMPLAINT = "client_complaint"  # a complaint filed against the provider (money, status, replies)
    CLIENT_ACCOUNT = "client_account"  # a merchant's own story of working with a provider
    THIRD_PARTY_ARTICLE = "third_party_article"  # written about the trade by neither side
    THIRD_PARTY_COMMENT = "third_party_comment"  # a reader's comment under such an article
    PROVIDER_CLAIM = "provider_claim"  # the provider speaking of itself: its success cases
    REGISTRY_FACT = "registry_fact"  # the company register: facts, not a voice
    MARKET_LISTING = "market_listing"  # the provider's offer on the marketplace

    @property
    def voice(self) -> str | None:
        """`client`, `provider`, `third_party`, or None for facts that are nobody's voice."""
        for voice in ("client", "provider", "third_party"):
            if self.value.startswith(voice + "_"):
                return voice
        return None


@dataclass(frozen=True)
class AsDocument:
    """How an item becomes a row of clean/documents. Each column names the item fields it is read
    from, in order: the first that is not empty wins (`reputation.documents.document_row` reads this
    and nothing else, so a new source needs no branch there)."""

    # When none of the item's `names_provider` fields is filled, whether the build looks for a
    # provider's name in the title and text (free text names agencies anywhere).
    mention_in_text: bool = False
    text: tuple[str, ...] = ("text",)
    title: tuple[str, ...] = ("title",)
    author: tuple[str, ...] = ("author",)
    # The item's own date: an ISO value, or a date as printed (`3天前`), read relative to fetched_at.
    dated: tuple[str, ...] = ("created_at", "published_at", "date_raw")
    # Columns parsed from the item by a pure function of it (e.g. a complaint's reply time).
    parsed: tuple[tuple[str, Callable[[Any], Any]], ...] = ()


@dataclass
class BaseItem:
    """Fields every crawled item has. `native_id` is unique within its `source`.

    Each subclass declares itself in class constants (written out with the item where noted):
    `kind` and `source` (written out), `role` (a Role), `names_provider` (the fields that hold an
    agency's name, a company or its brand, first filled wins), `document` (an AsDocument, or None
    for items that are facts rather than text: they have tables of their own) and `required`
    (fields a usable item must fill).
    """

    native_id: str
    source_url: str
    fetched_at: str  # ISO 8601, UTC, when the response was received
    schema_version: int = SCHEMA_VERSION

    kind: ClassVar[str] = "base"
    source: ClassVar[str] = "base"
    role: ClassVar[Role]
    names_provider: ClassVar[tuple[str, ...]] = ()
    document: ClassVar[AsDocument | None] = None
    required: ClassVar[tuple[str, ...]] = ()

    @property
    def item_id(self) -> str:
        """The id used for dedup and evidence lists: `source:native_id`."""
        return f"{self.source}:{self.native_id}"


def _complaint_reply_days(item: Complaint) -> float | None:
    # Imported here: the parser needs pandas, which the spiders and the CLI's start need not load.
    from pipelines.replies import reply_days

    return reply_days(item.created_at, item.timeline or [], item.author)


@dataclass
class MarketListing(BaseItem):
    kind = "market_listing"
    source = "market"
    role = Role.MARKET_LISTING
    names_provider = ("provider_name", "brand")
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
    role = Role.CLIENT_REVIEW
    names_provider = ("provider_name",)
    document = AsDocument()
    service_code: str = ""
    provider_name: str | None = None
    author: str | None = None  # userNick
    text: str = ""  # suggestion
    rating: float | None = None  # avgScore, 1..5
    created_at: str | None = None  # ISO 8601
    # The reviewer's buyer-credit level from its icon (displayRatePic): 0 none, 1-5 hearts, 6-10
    # diamonds, 11-15 crowns, 16-20 gold crowns; None when the list shows no credit at all.
    author_level: int | None = None


@dataclass
class Complaint(BaseItem):
    kind = "complaint"
    source = "complaints"
    role = Role.CLIENT_COMPLAINT
    names_provider = ("target",)
    document = AsDocument(text=("text", "summary"), parsed=(("reply_days", _complaint_reply_days),))
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
    role = Role.CLIENT_ACCOUNT
    document = AsDocument(mention_in_text=True, title=("question_title",))
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
    role = Role.THIRD_PARTY_ARTICLE
    document = AsDocument(mention_in_text=True, author=("publisher",))
    title: str = ""
    publisher: str | None = None
    text: str = ""
    published_at: str | None = None
    date_raw: str | None = None  # the date as printed (e.g. "3天前"), so a misread can be re-parsed from raw


@dataclass
class Comment(BaseItem):
    kind = "comment"
    source = "articles"
    role = Role.THIRD_PARTY_COMMENT
    document = AsDocument(mention_in_text=True)
    article_id: str = ""
    author: str | None = None
    text: str = ""
    ip_location: str | None = None
    created_at: str | None = None


@dataclass
class RegistryRecord(BaseItem):
    kind = "registry_record"
    source = "registry"
    role = Role.REGISTRY_FACT
    names_provider = ("legal_name", "alias")
    required = ("legal_name",)
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
    role = Role.PROVIDER_CLAIM
    # A case whose numbers are only in an image still has a title worth keeping as its text.
    names_provider = ("provider_name",)
    document = AsDocument(mention_in_text=True, text=("text", "title"))
    site: str = ""
    provider_name: str | None = None
    title: str = ""
    client: str | None = None
    category: str | None = None
    text: str = ""  # the case's visible text, numbers included as written
    published_at: str | None = None
    image_only: bool = False  # the numbers are only in an image: flag it, never invent them


GONE_HOWS = ("http_404", "withdrawn_page", "deleted_page", "missing_from_list")


@dataclass
class Disappearance(BaseItem):
    """A known item found gone on a revisit: its own raw record (raw is never deleted from).

    `native_id` is `<item_source>:<item_native_id>:<how>`, so the same disappearance is written once;
    `fetched_at` is when it was found gone. Not a document and not a source of its own: the build
    reads it into the gone item's history (`incremental_build/history.py`)."""

    kind = "disappearance"
    source = "history"
    role = Role.REGISTRY_FACT  # nobody's voice: a fact about another item
    required = ("item_source", "item_native_id", "how")
    item_source: str = ""
    item_native_id: str = ""
    item_kind: str | None = None  # the gone item's kind, when the spider knows it
    how: str = ""  # one of GONE_HOWS
    status_text: str | None = None  # what the page said (e.g. 该投诉已撤销), or the HTTP status

    @property
    def gone_item_id(self) -> str:
        return f"{self.item_source}:{self.item_native_id}"


ITEM_CLASSES: tuple[type[BaseItem], ...] = (
    MarketListing,
    MarketReview,
    Complaint,
    ForumAnswer,
    Article,
    Comment,
    RegistryRecord,
    CasePage,
)
ITEM_TYPES: dict[str, type[BaseItem]] = {cls.kind: cls for cls in ITEM_CLASSES}
# Every kind a raw line may hold: the crawled items, and records about them (not counted as items).
RECORD_TYPES: dict[str, type[BaseItem]] = {**ITEM_TYPES, Disappearance.kind: Disappearance}

# Everything below derives from the declarations above: a new item class is counted, listed and
# weighed by its role without another edit.
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(cls.source for cls in ITEM_CLASSES))


def kinds_of(*roles: Role) -> tuple[str, ...]:
    """The item kinds that play any of `roles`, in declaration order."""
    return tuple(cls.kind for cls in ITEM_CLASSES if cls.role in roles)


def kinds_voiced_by(*voices: str) -> tuple[str, ...]:
    """The document kinds whose voice is one of `voices` (`client`, `provider`, `third_party`)."""
    return tuple(k for k in TEXT_KINDS if ITEM_TYPES[k].role.voice in voices)


# Kinds that carry free text people wrote; they become rows of clean/documents.
TEXT_KINDS: tuple[str, ...] = tuple(cls.kind for cls in ITEM_CLASSES if cls.document is not None)
REVIEW_KINDS = kinds_of(Role.CLIENT_REVIEW)
COMPLAINT_KINDS = kinds_of(Role.CLIENT_COMPLAINT)
ANSWER_KINDS = kinds_of(Role.CLIENT_ACCOUNT)
# Where merchants tell what a provider promised them and what actually happened.
ACCOUNT_KINDS = kinds_of(Role.CLIENT_COMPLAINT, Role.CLIENT_ACCOUNT)
ARTICLE_KINDS = kinds_of(Role.THIRD_PARTY_ARTICLE)
THIRD_PARTY_KINDS = kinds_voiced_by("third_party")
CASE_KINDS = kinds_of(Role.PROVIDER_CLAIM)
REGISTRY_KINDS = kinds_of(Role.REGISTRY_FACT)
LISTING_KINDS = kinds_of(Role.MARKET_LISTING)
# Evidence about a provider from anyone but the provider itself.
INDEPENDENT_KINDS = kinds_voiced_by("client", "third_party")
# Kinds whose provider, when no field names it, is looked for in the title and text.
MENTION_IN_TEXT_KINDS = tuple(k for k in TEXT_KINDS if ITEM_TYPES[k].document.mention_in_text)  # type: ignore[union-attr]


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
    cls = RECORD_TYPES.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise InvalidItem("unknown_kind", repr(kind))
    names = _field_names(cls)
    kwargs = {k: v for k, v in rec.items() if k in names}
    try:
        item = cls(**kwargs)
    except TypeError as exc:
        raise InvalidItem("missing_field", str(exc)) from exc
    validate(item)
    return item


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    # Once per class: dataclasses.fields() per record was a tenth of reading raw.
    return frozenset(f.name for f in dataclasses.fields(cls))


def validate(item: BaseItem) -> BaseItem:
    """Reject items no later stage can use. Returns the item; raises InvalidItem with a reason."""
    if not isinstance(item.native_id, str) or not item.native_id.strip():
        raise InvalidItem("missing_native_id")
    if not isinstance(item.source_url, str) or not item.source_url:
        raise InvalidItem("missing_source_url")
    text = getattr(item, "text", "")
    image_only = bool(getattr(item, "image_only", False))
    if text is not None and not isinstance(text, str):
        # An integer or a list is a writer's bug, not an empty page: say which.
        raise InvalidItem("bad_field", f"text: expected a string, got {type(text).__name__}")
    # A page whose numbers are only in an image (a case) still has a title worth keeping.
    if item.document is not None and (not isinstance(text, str) or not text.strip()) and not image_only:
        raise InvalidItem("empty_text")
    rating = getattr(item, "rating", None)
    if rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            raise InvalidItem("bad_rating", repr(rating))
        if not 0 <= rating <= 5:
            raise InvalidItem("rating_out_of_range", str(rating))
    for name in item.required:
        if not getattr(item, name, None):
            raise InvalidItem("missing_field", name)
    if isinstance(item, Disappearance) and item.how not in GONE_HOWS:
        raise InvalidItem("bad_field", f"how: expected one of {GONE_HOWS}, got {item.how!r}")
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
        ("author_level", pa.int8()),  # market review: the reviewer's buyer-credit level, 0..20
        ("amount_cny", pa.float64()),
        ("status", pa.string()),
        ("reply_days", pa.float64()),  # complaint: days from filing to the provider's first reply
        ("client", pa.string()),  # case page: the client shop/brand claimed
        ("dup_cluster", pa.int64()),  # near-duplicate cluster label (same label = same story)
        ("sentiment", pa.float64()),  # 0..1, 0.5 neutral
        ("sentiment_label", pa.int8()),  # -1 / 0 / 1
        ("schema_version", pa.int32()),
        # History (incremental_build/history.py): the row is the latest version; a gone item stays.
        ("versions", pa.int32()),  # versions fetched (a revisit writes a new one)
        ("first_seen_at", _TS),
        ("last_seen_at", _TS),  # the latest version's fetch
        ("gone_at", _TS),  # found gone after its last version (null: still there when last looked)
        ("gone_how", pa.string()),  # http_404 | withdrawn_page | deleted_page | missing_from_list
        ("rating_first", pa.float64()),  # the rating of the first version that had one
        ("n_changes", pa.int32()),  # rows of clean/changes about it
        ("history_changes", _STR_LIST),  # their distinct `change` kinds
    ]
)

# One row per change between two versions of a document, or per disappearance.
CHANGES = pa.schema(
    [
        ("doc_id", pa.string()),  # source:native_id, joins clean/documents
        ("source", pa.string()),
        ("native_id", pa.string()),
        ("kind", pa.string()),  # the document's kind
        # withdrawn | deleted | edited | figures_changed (scored); status_changed | delisted (recorded)
        ("change", pa.string()),
        ("seen_at", _TS),  # fetch time of the version (or disappearance) that showed the change
        ("author", pa.string()),
        ("text_hash_before", pa.string()),
        ("text_hash_after", pa.string()),
        ("rating_before", pa.float64()),
        ("rating_after", pa.float64()),
        ("status_before", pa.string()),
        ("status_after", pa.string()),
        ("figures_before", pa.string()),  # case pages: JSON [[metric, before, after, growth_pct, days]]
        ("figures_after", pa.string()),
        ("how", pa.string()),  # a disappearance: how it went
        ("status_text", pa.string()),  # a disappearance: what the page said
        ("raw_file", pa.string()),
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
        ("brand", pa.string()),  # the name the listing sells under, when it states one
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
        # History (clean/changes): what later disappeared or changed.
        ("complaints_withdrawn", pa.int32()),
        ("reviews_deleted", pa.int32()),
        ("ratings_raised", pa.int32()),  # reviews whose rating rose after they were first seen
        ("ratings_raised_after_complaint", pa.int32()),  # of those: the same account complained about it
        ("case_figures_changed", pa.int32()),
        ("claims_n", pa.int32()),
        ("claims_supported", pa.int32()),
        ("claims_refuted", pa.int32()),
        ("claims_duplicated", pa.int32()),
        ("claims_implausible", pa.int32()),
        ("claims_not_enough_evidence", pa.int32()),
        ("authenticity_score", pa.float64()),
        # Expected share of the provider's claim verdicts and review flags that are wrong (each counts
        # 1 - its confidence): what `confidence` discounts the evidence by (reputation/scores.py).
        ("verdict_doubt", pa.float64()),
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
        ("confidence", pa.float64()),  # 0..1: the deciding rule's measured precision (claim_checks.py)
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
        ("confidence", pa.float64()),  # 0..1: 1 - the chance of the innocent reading (review_flags.py)
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
    "clean/changes": CHANGES,
    "marts/provider_reputation": PROVIDER_REPUTATION,
    "marts/claim_checks": CLAIM_CHECKS,
    "marts/review_flags": REVIEW_FLAGS,
    "marts/provider_monthly": PROVIDER_MONTHLY,
}
