"""A verdict for every advertised success case, from evidence the provider does not control.

Evidence, in the order a verdict is decided (the first rule that fires wins, because a contradiction
from the client outweighs anything the provider's own page says):

1. refuted — the client itself complained about the provider during the claimed period (a shop does
   not file a complaint against the agency that is doubling its sales), or the registry makes the case
   impossible: the period starts before the company was established, or a handful of insured staff
   claim cases across more categories than such a team can serve.
2. duplicated — the same case (same client and numbers, or near-duplicate text) was published earlier
   on another provider's page.
3. implausible — growth far beyond what the period allows (see GROWTH_CEILING_PER_MONTH).
4. supported — the client's own reviews, answers or comments about the provider in the period speak
   well of it.
5. not_enough_evidence — otherwise. Most honest cases end here: silence is not proof either way.

`reason` is one English sentence a merchant understands; `evidence` lists `source:native_id`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

# The window around a claim in which the client's own words count: the claimed period itself, plus a
# month either side, since complaints are filed and reviews written some weeks after the events.
WINDOW_SLACK_DAYS = 30
# A case that states no period is read as one year, the longest period case pages usually describe.
DEFAULT_PERIOD_DAYS = 365
# Growth ceiling: a shop can at most triple its sales month after month under an agency (a strong
# 双11/新店 launch gives ×2–×3 a month; sustained ×3 a month is ×27 a quarter, already exceptional).
# A claim above (1 + ceiling)^(months) − 1 is implausible. Short periods get at least one month's
# allowance (a launch week can show any percentage over a near-empty base).
GROWTH_CEILING_PER_MONTH = 2.0
# A team claiming more distinct categories than this many per insured employee, with at least
# MIN_CATEGORIES_FOR_STAFF_CHECK categories claimed, cannot have served them: a category needs at
# least an operator and a designer, and an employee covers two or three categories at most.
CATEGORIES_PER_STAFF = 3.0
MIN_CATEGORIES_FOR_STAFF_CHECK = 8
# Only staff counts this small are checked; larger teams can plausibly serve many categories.
SMALL_TEAM = 5
# Words with which a client's review or answer corroborates growth.
GROWTH_WORDS = re.compile(r"增长|翻倍|翻了|提升|提高|上涨|涨了|增加|突破|做起来|起色|销量.{0,4}(?:好|高|多)")
# Complaint statuses are irrelevant: an open complaint is as much a contradiction as a closed one.

OUT_COLS = [
    "claim_id", "provider_id", "source_url", "client", "metric", "before", "after", "growth_pct",
    "period_days", "claimed_at", "verdict", "reason", "evidence",
]


def _name_key(s: object) -> str:
    if not isinstance(s, str):
        return ""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", s)).lower()


def growth_ceiling_pct(period_days: float | None) -> float:
    """The largest growth (in %) the period allows."""
    days = DEFAULT_PERIOD_DAYS if period_days is None or pd.isna(period_days) else float(period_days)
    months = max(days / 30.0, 1.0)
    return ((1.0 + GROWTH_CEILING_PER_MONTH) ** months - 1.0) * 100.0


def effective_growth(row: pd.Series | dict) -> float | None:
    g = row.get("growth_pct")
    if g is not None and not pd.isna(g):
        return float(g)
    b, a = row.get("before"), row.get("after")
    if b is not None and a is not None and not pd.isna(b) and not pd.isna(a) and b > 0:
        return (float(a) / float(b) - 1.0) * 100.0
    return None


def check_claims(claims: pd.DataFrame, docs: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """clean/claims + clean/documents + clean/registry → one verdict row per claim."""
    if claims.empty:
        return pd.DataFrame(columns=OUT_COLS)
    c = claims.copy().reset_index(drop=True)
    c["claimed_at"] = pd.to_datetime(c["claimed_at"], utc=True, errors="coerce")
    period = pd.to_numeric(c["period_days"], errors="coerce")
    c["_end"] = c["claimed_at"]
    c["_start"] = c["_end"] - pd.to_timedelta(period.fillna(DEFAULT_PERIOD_DAYS), unit="D")
    c["_client"] = c["client"].map(_name_key)
    c["_growth"] = [effective_growth(r) for r in c[["growth_pct", "before", "after"]].to_dict("records")]

    verdict = pd.Series("not_enough_evidence", index=c.index, dtype=object)
    reason = pd.Series("", index=c.index, dtype=object)
    evidence: list[list[str]] = [[] for _ in range(len(c))]
    decided = pd.Series(False, index=c.index)

    def decide(i: int, v: str, why: str, ev: Iterable[str] = ()) -> None:
        if decided.at[i]:
            return
        verdict.at[i] = v
        reason.at[i] = why
        evidence[i] = sorted(set(ev))
        decided.at[i] = True

    client_docs = _client_documents(c, docs)
    # 1a. The client's own complaint against the provider during the period.
    for i, hits in client_docs.items():
        comp = [h for h in hits if h["kind"] == "complaint"]
        if comp:
            decide(i, "refuted",
                   f"The client {c.at[i, 'client']} filed a complaint against this provider during the "
                   "claimed period.", (h["doc_id"] for h in comp))

    # 1b. Registry facts.
    reg = _registry_by_provider(registry)
    cats = _categories_by_provider(c)
    for i in c.index[~decided]:
        r = reg.get(c.at[i, "provider_id"])
        if r is None:
            continue
        est, start = r.get("established"), c.at[i, "_start"]
        if est is not None and not pd.isna(est) and not pd.isna(start) and start < est:
            decide(i, "refuted",
                   f"The case period starts {start.date()} but the company was only registered on "
                   f"{est.date()}.", [r["evidence"]])
            continue
        staff = r.get("staff_insured")
        n_cat = cats.get(c.at[i, "provider_id"], 0)
        if (staff is not None and not pd.isna(staff) and staff <= SMALL_TEAM
                and n_cat >= MIN_CATEGORIES_FOR_STAFF_CHECK
                and n_cat > CATEGORIES_PER_STAFF * max(int(staff), 1)):
            decide(i, "refuted",
                   f"The company has {int(staff)} insured employees but claims cases in {n_cat} "
                   "categories.", [r["evidence"]])

    # 2. The same case published earlier by another provider.
    for i, (other, ev) in _duplicates(c, docs).items():
        decide(i, "duplicated", f"The same case was published earlier by another provider ({other}).", ev)

    # 3. Growth beyond what the period allows.
    for i in c.index[~decided]:
        g = c.at[i, "_growth"]
        if g is None or (isinstance(g, float) and math.isnan(g)):
            continue
        ceiling = growth_ceiling_pct(period.at[i])
        if g > ceiling:
            days = int(period.at[i]) if not pd.isna(period.at[i]) else DEFAULT_PERIOD_DAYS
            decide(i, "implausible",
                   f"A growth of {g:,.0f}% in {days} days is beyond what a shop can reach "
                   f"(at most about {ceiling:,.0f}%).")

    # 4. The client's own words corroborate it.
    for i, hits in client_docs.items():
        good = [h for h in hits if h["kind"] != "complaint"
                and (h["sentiment_label"] == 1 or GROWTH_WORDS.search(h["text"] or ""))
                and h["sentiment_label"] != -1]
        if good:
            decide(i, "supported",
                   f"The client {c.at[i, 'client']} itself wrote well of this provider during the claimed "
                   "period.", (h["doc_id"] for h in good))

    for i in c.index[~decided]:
        reason.at[i] = ("No independent evidence found: the client has not written about this provider "
                        "and nothing contradicts the case.")
    out = c[[col for col in OUT_COLS if col in c.columns]].copy()
    out["verdict"] = verdict
    out["reason"] = reason
    out["evidence"] = evidence
    return out[OUT_COLS]


def _client_documents(c: pd.DataFrame, docs: pd.DataFrame) -> dict[int, list[dict]]:
    """Per claim: documents by or about its client that concern the claim's provider, in its window."""
    if docs.empty:
        return {}
    d = docs[docs["kind"].isin(["complaint", "market_review", "forum_answer", "comment", "article"])]
    d = d[d["provider_id"].notna()]
    if d.empty:
        return {}
    d = d.assign(
        _at=pd.to_datetime(d["created_at"], utc=True, errors="coerce"),
        _author=d["author"].map(_name_key),
        _blob=(d["title"].fillna("") + "\n" + d["text"].fillna("")).map(_name_key),
    )
    by_provider = {p: g for p, g in d.groupby("provider_id", sort=False)}
    slack = pd.Timedelta(days=WINDOW_SLACK_DAYS)
    out: dict[int, list[dict]] = {}
    for i in c.index:
        client = c.at[i, "_client"]
        g = by_provider.get(c.at[i, "provider_id"])
        # Two characters match half the shops in a category; a client name must be distinctive.
        if g is None or len(client) < 3:
            continue
        start, end = c.at[i, "_start"], c.at[i, "_end"]
        about = (g["_author"] == client) | g["_blob"].str.contains(client, regex=False)
        if not pd.isna(start) and not pd.isna(end):
            about &= g["_at"].between(start - slack, end + slack) | g["_at"].isna()
        hits = g[about]
        if not hits.empty:
            out[i] = hits[["doc_id", "kind", "sentiment_label", "text"]].to_dict("records")
    return out


def _registry_by_provider(registry: pd.DataFrame) -> dict[str, dict]:
    if registry.empty:
        return {}
    r = registry[registry["provider_id"].notna()].copy()
    r["established"] = pd.to_datetime(r["established"], utc=True, errors="coerce")
    r["evidence"] = "registry:" + r["company_id"].astype(str)
    r = r.sort_values("fetched_at").drop_duplicates("provider_id", keep="last")
    return {row["provider_id"]: row for row in r.to_dict("records")}


def _categories_by_provider(c: pd.DataFrame) -> dict[str, int]:
    if "category" not in c.columns:
        return {}
    cat = c[c["category"].notna() & c["provider_id"].notna()]
    # Distinct categories across the provider's case pages (a page with several claims counts once).
    return cat.groupby("provider_id")["category"].nunique().to_dict()


def _duplicates(c: pd.DataFrame, docs: pd.DataFrame) -> dict[int, tuple[str, list[str]]]:
    """Claims whose case appears earlier on another provider's page → (that provider, evidence)."""
    out: dict[int, tuple[str, list[str]]] = {}
    order = c.sort_values(["claimed_at", "claim_id"], na_position="last").index
    # Same client and same numbers. Numbers rounded to 3 significant figures so 1.2万 and 12000 agree.
    def sig(x: object) -> str:
        return "" if x is None or pd.isna(x) else f"{float(x):.3g}"

    keys = c["_client"] + "|" + c["metric"].fillna("").astype(str) + "|" + c["before"].map(sig) + "|" + \
        c["after"].map(sig) + "|" + c["growth_pct"].map(sig)
    has_numbers = (c["before"].notna() & c["after"].notna()) | c["growth_pct"].notna()
    usable = has_numbers & (c["_client"].str.len() >= 2)
    first: dict[str, int] = {}
    for i in order:
        if not usable.at[i]:
            continue
        j = first.setdefault(keys.at[i], i)
        if j != i and c.at[j, "provider_id"] != c.at[i, "provider_id"] and _earlier(c, j, i):
            out[i] = (str(c.at[j, "provider_id"]), [_doc_evidence(c.at[j, "doc_id"])])
    # Near-duplicate case text on another provider's page.
    if not docs.empty and "doc_id" in c.columns:
        cases = docs[docs["kind"] == "case_page"][["doc_id", "provider_id", "created_at", "dup_cluster"]]
        cases = cases.assign(_at=pd.to_datetime(cases["created_at"], utc=True, errors="coerce"))
        cl = dict(zip(cases["doc_id"], cases["dup_cluster"], strict=True))
        sizes = cases.groupby("dup_cluster")["provider_id"].nunique()
        multi = set(sizes.index[sizes >= 2])
        if multi:
            grp = cases[cases["dup_cluster"].isin(multi)].sort_values(["_at", "doc_id"], na_position="last")
            head = grp.drop_duplicates("dup_cluster", keep="first").set_index("dup_cluster")
            for i in c.index:
                if i in out:
                    continue
                k = cl.get(c.at[i, "doc_id"])
                if k is None or k not in multi:
                    continue
                h = head.loc[k]
                if h["provider_id"] != c.at[i, "provider_id"] and h["doc_id"] != c.at[i, "doc_id"]:
                    out[i] = (str(h["provider_id"]), [_doc_evidence(h["doc_id"])])
    return out


def _earlier(c: pd.DataFrame, j: int, i: int) -> bool:
    a, b = c.at[j, "claimed_at"], c.at[i, "claimed_at"]
    return bool(pd.isna(b) or (not pd.isna(a) and a <= b))


def _doc_evidence(doc_id: object) -> str:
    # doc_id already is `source:native_id`.
    return str(doc_id)


def verdict_counts(checks: pd.DataFrame) -> pd.DataFrame:
    """provider_id × verdict counts, one column per verdict (claims_<verdict>) plus claims_n."""
    from pipelines.contracts import VERDICTS

    if checks.empty:
        return pd.DataFrame(columns=["claims_n", *(f"claims_{v}" for v in VERDICTS)])
    t = pd.crosstab(checks["provider_id"], checks["verdict"])
    t = t.reindex(columns=list(VERDICTS), fill_value=0)
    t.columns = [f"claims_{v}" for v in VERDICTS]
    t["claims_n"] = t.sum(axis=1)
    return t.astype(np.int64)
