"""One schema.org ClaimReview (JSON-LD) per claim verdict: the audit trail of a case check in the form
fact-checkers publish, so anyone can read what was claimed, where, what we concluded and on what.

`reviewRating` puts our verdict on a 1–5 scale (worstRating 1, bestRating 5), its `alternateName` the
verdict itself:

| verdict | ratingValue | why |
|---|---|---|
| refuted | 1 | the client's own complaint or the registry contradicts it |
| duplicated | 1 | the case is another provider's: false as a claim of this one |
| implausible | 2 | the growth is beyond what the period allows; not shown false by a document |
| not_enough_evidence | 3 | unproven either way |
| supported | 5 | the client's own words agree |
"""

from __future__ import annotations

import json
import math

import pandas as pd

from pipelines.messages import render

RATING = {"refuted": 1, "duplicated": 1, "implausible": 2, "not_enough_evidence": 3, "supported": 5}


def safe_url(url: object) -> str | None:
    """Only absolute http(s) links leave the report: a `javascript:` or relative link from a scraped
    page is dropped (the page says so)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    if u.startswith("//"):
        u = "https:" + u
    return u if u.lower().startswith(("http://", "https://")) and " " not in u else None


def _date(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(v)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.date().isoformat()


def claim_text(check: dict) -> str:
    """The claim in one line, from the extracted fields (the case page's own words are in clean/claims)."""
    parts = [str(check.get("client") or "?")]
    if check.get("metric"):
        parts.append(str(check["metric"]))
    before, after, growth = check.get("before"), check.get("after"), check.get("growth_pct")
    if _num(before) and _num(after):
        parts.append(f"{before:,.0f} → {after:,.0f}")
    if _num(growth):
        parts.append(f"+{growth:,.0f}%")
    if _num(check.get("period_days")):
        parts.append(f"{int(check['period_days'])}d")
    return " ".join(parts)


def _num(v: object) -> bool:
    return isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v))


def claim_review(check: dict, provider_name: str, page: str, evidence: list[dict], lang: str) -> dict:
    """The ClaimReview of one `marts/claim_checks` row. `page`: the provider's report page (relative
    to the report root); `evidence`: the cited documents (from clean/documents)."""
    citations = []
    for doc in evidence:
        c = {"@type": "CreativeWork", "identifier": doc["doc_id"]}
        if safe_url(doc.get("source_url")):
            c["url"] = safe_url(doc.get("source_url"))
        if _date(doc.get("created_at")):
            c["datePublished"] = _date(doc.get("created_at"))
        if doc.get("source"):
            c["publisher"] = {"@type": "Organization", "name": str(doc["source"])}
        citations.append(c)
    appearance = {"@type": "CreativeWork"}
    if safe_url(check.get("source_url")):
        appearance["url"] = safe_url(check.get("source_url"))
    item = {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": provider_name, "url": page},
        "appearance": appearance,
    }
    if _date(check.get("claimed_at")):
        item["datePublished"] = _date(check.get("claimed_at"))
    verdict = str(check["verdict"])
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": str(check["claim_id"]),
        "url": f"{page}#claim-{check['claim_id']}",
        "author": {"@type": "Organization", "name": "kaopu"},
        "claimReviewed": claim_text(check),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING.get(verdict, 3),
            "worstRating": 1,
            "bestRating": 5,
            "alternateName": verdict,
        },
        "reviewBody": render(check["reason_code"], check["reason_args"], lang)
        if check.get("reason_code")
        else str(check.get("reason") or ""),
        "inLanguage": "zh-CN" if lang == "zh" else "en",
        "citation": citations,
    }
    if _date(check.get("built_at")):
        review["datePublished"] = _date(check.get("built_at"))
    return review


def script_tag(reviews: list[dict]) -> str:
    """The reviews as a JSON-LD <script> block: `<`, `>` and `&` escaped so no scraped string can
    close the script element."""
    body = json.dumps(reviews, ensure_ascii=False, default=str)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{body}</script>'
