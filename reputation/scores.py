"""Per-provider reputation: robust ratings, complaint handling, claim authenticity, registry risk.

Everything here is a pure function of DataFrames. The score is a weighted mean of five components,
each on 0..1, with the weights below; a component with no evidence drops out and the others are
re-weighted, and `confidence` says how much evidence there was.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from pipelines import contracts
from pipelines.contracts import VERDICTS
from pipelines.fees import FEE_WORDS, fees_from_texts
from pipelines.messages import Message
from reputation.claim_checks import verdict_counts
from reputation.history import HISTORY_COLUMNS, history_counts, history_flags

# Bayesian average prior weight: a provider's mean counts as much as the market's after 10 ratings.
# Ten is about a page of reviews, the amount a merchant reads before trusting a mean.
PRIOR_RATINGS = 10
# A rating of 4 or 5 (of 5) is a positive item; Taobao itself calls 4–5 好评.
POSITIVE_RATING = 4.0
WILSON_Z = 1.96  # 95% two-sided
# Sentiment mean is shrunk toward neutral (0.5) with this many pseudo-documents, for the same reason
# as PRIOR_RATINGS: three or four texts say little.
PRIOR_TEXTS = 10

# Component weights of reputation_score (sum 1). The adjusted rating weighs most: it is the most
# numerous direct verdict of paying clients, and bought reviews are already down-weighted in it. What
# people write (sentiment of reviews, answers, comments, complaints) and how the provider handles
# complaints come next. Claim authenticity and registry risk rest on few items per provider (a handful
# of cases, one registry page), so they weigh less in the score and speak loudest in `risk_flags`.
# A score of ratings alone is exactly what bought reviews defeat; with the review flags catching
# bought reviews (recall 0.93 at precision 1.00 on sandbox seeds 101-104, hard world) the adjusted
# rating carries half. Complaints keep 0.15: in the hard world honest agencies have bad patches and
# smear campaigns, so a complaint count says less than it seems. On seeds 101-104 this mix gave
# Spearman 0.93 (hard) / 0.95 (easy) against 0.89 / 0.92 for the earlier 0.4/0.2/0.2/0.1/0.1.
WEIGHTS = {
    "rating": 0.50,
    "sentiment": 0.20,
    "complaints": 0.15,
    "authenticity": 0.10,
    "registry": 0.05,
}
# Complaint pressure: complaints per review-or-complaint. A provider with one complaint for every
# four reviews (0.25) is at the bottom of the scale; honest providers sit far below.
COMPLAINT_SHARE_FLOOR = 0.25
COMPLETED_COMPLAINT_DISCOUNT = 0.5
# Reply lag: a provider that takes 15+ days to answer a complaint has effectively not answered.
REPLY_DAYS_WORST = 15.0
# Confidence: 1 − exp(−evidence / 40); 40 pieces of independent evidence (ratings, complaints,
# answers, checked cases) give 0.63, 120 give 0.95. The evidence is first discounted by
# `verdict_doubt`, the expected share of the provider's claim verdicts and review flags that are
# wrong (each counts 1 − its confidence): uncertain verdicts make a less certain score.
CONFIDENCE_SCALE = 40.0
CONFIDENCE_BANDS = ((0.4, "low"), (0.75, "medium"), (1.01, "high"))


def bayes_mean(mean: pd.Series, n: pd.Series, prior_mean: float, prior_n: float = PRIOR_RATINGS) -> pd.Series:
    """v/(v+m)·R + m/(v+m)·C."""
    n = n.fillna(0).astype(float)
    return (n * mean.fillna(prior_mean) + prior_n * prior_mean) / (n + prior_n)


def wilson_low(pos: pd.Series, n: pd.Series, z: float = WILSON_Z) -> pd.Series:
    """Lower bound of the Wilson score interval on the positive share; NaN with no items."""
    n = n.astype(float)
    p = pos.astype(float) / n.where(n > 0)
    denom = 1 + z * z / n
    centre = p + z * z / (2 * n)
    spread = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((centre - spread) / denom).clip(lower=0.0)


def market_mean_rating(docs: pd.DataFrame) -> float:
    """The prior of the Bayesian averages: the mean rating of every attributed review (4.0, a
    typical marketplace mean, when there is none)."""
    if docs.empty:
        return 4.0
    attributed_review = docs["kind"].isin(contracts.REVIEW_KINDS) & docs["provider_id"].notna()
    rating = pd.to_numeric(docs["rating"][attributed_review], errors="coerce").dropna()
    return float(rating.mean()) if len(rating) else 4.0


# Columns of `provider_stats` that are not in the mart: what `finish` needs besides the mart's own.
STATS_EXTRA = ("adjusted_mean", "n_kept_rated", "reg_status", "n_comments_articles")
# Mart columns `finish` computes: the ones that depend on every provider (the market mean), or on those.
FINISHED = (
    "rating_bayes",
    "adjusted_rating",
    "reputation_score",
    "confidence",
    "confidence_band",
)

# Each section of `provider_stats` declares its columns as (dtype, value for a provider with no
# evidence); `_section` starts from that typed frame, so an empty input needs no special case.
_INT = ("int64", 0)
_FLOAT = ("float64", np.nan)
_OBJECT = ("object", None)
COUNT_COLUMNS = dict.fromkeys(
    ("n_documents", "n_reviews", "n_complaints", "n_answers", "n_articles", "n_comments_articles"), _INT
)
RATING_COLUMNS = {"n_ratings": _INT, "rating_mean": _FLOAT, "positive_share_wilson_low": _FLOAT}
SUSPICION_COLUMNS = {
    "suspicious_share": _FLOAT,
    "n_kept": _INT,
    "adjusted_mean": _FLOAT,
    "n_kept_rated": ("float64", 0.0),
}
SENTIMENT_COLUMNS = {"sentiment_mean": _FLOAT}
COMPLAINT_COLUMNS = {
    "complaints_amount_cny": ("float64", 0.0),
    "complaints_completed_share": _FLOAT,
    "median_reply_days": _FLOAT,
}
CLAIM_COLUMNS = {
    **{c: _INT for c in ("claims_n", *(f"claims_{v}" for v in VERDICTS))},
    "authenticity_score": _FLOAT,
}
# Per provider, the sums of (1 - confidence) of its verdicts and of its flags, and how many of each:
# joined into `verdict_doubt` by `provider_stats`, then dropped.
DOUBT_PARTS = ("_claims_doubt", "_flags_doubt", "_flags_n")
# clean/registry column → provider_reputation column.
REGISTRY_COLUMNS = {
    "legal_name": "legal_name",
    "established": "established",
    "staff_insured": "staff_insured",
    "reg_capital_cny": "registered_capital_cny",
    "lawsuit_count": "lawsuit_count",
    "abnormal_count": "abnormal_count",
    "reg_status": "reg_status",
}
LISTING_COLUMNS = {
    "tp_star": _FLOAT,
    "fee_monthly_min_cny": _FLOAT,
    "fee_monthly_max_cny": _FLOAT,
    "commission_pct_mentioned": _FLOAT,
}
SEEN_COLUMNS = {"first_seen": ("datetime64[ns, UTC]", pd.NaT), "last_seen": ("datetime64[ns, UTC]", pd.NaT)}


def _section(index: pd.Index, columns: dict[str, tuple[str, object]], values: dict) -> pd.DataFrame:
    """A frame indexed by provider with exactly `columns`: `values` (series by provider, reindexed and
    missing ones set to the column's empty value) where given, the empty value elsewhere."""
    out = pd.DataFrame(index=index)
    for col, (dtype, empty) in columns.items():
        v = values.get(col)
        if v is None:
            out[col] = pd.Series(empty, index=index, dtype=dtype)
            continue
        v = v.reindex(index)
        out[col] = v if dtype == "object" else v.fillna(empty).astype(dtype)
    return out


def provider_stats(
    providers: pd.DataFrame,
    docs: pd.DataFrame,
    flags: pd.DataFrame,
    checks: pd.DataFrame,
    registry: pd.DataFrame,
    listings: pd.DataFrame,
) -> pd.DataFrame:
    """Everything per provider that depends on that provider's own evidence only (one row each, with
    STATS_EXTRA beside the mart's columns), so the stats of providers whose evidence did not change
    can be kept from the last build. `finish` adds the rest. One function per section, each a frame
    indexed by provider, joined here."""
    out = (
        providers[["provider_id", "provider_name", "aliases"]]
        .drop_duplicates("provider_id")
        .set_index("provider_id")
    )
    idx = out.index
    d = docs[docs["provider_id"].notna()] if not docs.empty else docs
    reviews = _reviews(d)
    others = (
        d[~d["kind"].isin(contracts.CASE_KINDS)] if not d.empty else d
    )  # case pages are the provider's own words
    reg = _latest_per_provider(registry)
    lst = listings[listings["provider_id"].notna()] if not listings.empty else listings
    out = pd.concat(
        [
            out,
            document_counts(d, idx),
            ratings(reviews, idx),
            suspicion(reviews, flags, idx),
            sentiment(others, idx),
            complaint_handling(d, idx),
            _section(idx, HISTORY_COLUMNS, history_counts(d, idx)),
            claim_verdicts(checks, idx),
            registry_facts(reg, idx),
            listings_and_fees(lst, others, idx),
            seen(d, idx),
        ],
        axis=1,
    )
    judged = out["claims_n"] + out["_flags_n"]
    out["verdict_doubt"] = ((out["_claims_doubt"] + out["_flags_doubt"]) / judged.where(judged > 0)).round(4)
    out = out.drop(columns=list(DOUBT_PARTS))
    out["sources"] = _sources(idx, d, reg, lst)
    # Every flag reads this provider's own figures only, so they are kept with the stats: building the
    # sentences for all 10^4 providers was ~0.6 s of every incremental build.
    flags_ = risk_flags(out, out["reg_status"])
    out["risk_flag_codes"] = [[{"code": m.code, "args": m.args_json()} for m in f] for f in flags_]
    out["risk_flags"] = [[m.render() for m in f] for f in flags_]
    return out.reset_index()


def document_counts(d: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Attributed documents per provider, in all and by kind."""
    kinds = d.groupby(["provider_id", "kind"]).size().unstack(fill_value=0) if not d.empty else pd.DataFrame()

    def count(*ks: str) -> pd.Series:
        cols = [k for k in ks if k in kinds.columns]
        return kinds[cols].sum(axis=1) if cols else pd.Series(dtype=float)

    values = {
        "n_documents": d.groupby("provider_id").size() if not d.empty else pd.Series(dtype=float),
        "n_reviews": count(*contracts.REVIEW_KINDS),
        "n_complaints": count(*contracts.COMPLAINT_KINDS),
        "n_answers": count(*contracts.ANSWER_KINDS),
        "n_articles": count(*contracts.ARTICLE_KINDS),
        "n_comments_articles": count(*contracts.THIRD_PARTY_KINDS),
    }
    return _section(idx, COUNT_COLUMNS, values)


def _reviews(d: pd.DataFrame) -> pd.DataFrame:
    """Attributed marketplace reviews, `rating` numeric."""
    rev = d[d["kind"].isin(contracts.REVIEW_KINDS)] if not d.empty else d
    return rev.assign(rating=pd.to_numeric(rev["rating"], errors="coerce")) if not rev.empty else rev


def ratings(reviews: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Raw mean rating, number of ratings and the Wilson lower bound of the positive share."""
    rated = reviews[reviews["rating"].notna()] if not reviews.empty else reviews
    values = {}
    if not rated.empty:
        g = rated.groupby("provider_id")["rating"]
        values = {"n_ratings": g.size(), "rating_mean": g.mean()}
    out = _section(idx, RATING_COLUMNS, values)
    pos = (
        rated.assign(p=rated["rating"] >= POSITIVE_RATING).groupby("provider_id")["p"].sum().reindex(idx)
        if not rated.empty
        else pd.Series(0, index=idx)
    )
    out["positive_share_wilson_low"] = wilson_low(pos.fillna(0), out["n_ratings"])
    return out


def suspicion(reviews: pd.DataFrame, flags: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Suspicious reviews are down-weighted, not deleted: their share, the reviews kept, and the mean
    rating with flagged reviews at their `weight` (the Bayesian shrinkage is `finish`'s)."""
    doubt = _flag_doubt(flags, idx)
    if reviews.empty:
        return _section(idx, SUSPICION_COLUMNS, {}).join(doubt)
    weight = pd.Series(1.0, index=reviews.index)
    if not flags.empty:
        fw = flags.assign(key=flags["source"] + ":" + flags["native_id"]).set_index("key")["weight"]
        weight = reviews["doc_id"].map(fw).fillna(1.0).astype(float)
    susp = weight < 1.0
    by = reviews["provider_id"]
    rated = reviews["rating"].notna()
    sums = (
        reviews.assign(w=weight, wr=weight * reviews["rating"])[rated]
        .groupby("provider_id")[["w", "wr"]]
        .sum()
    )
    values = {
        "suspicious_share": susp.groupby(by).mean(),
        "n_kept": (~susp).groupby(by).sum(),
        "adjusted_mean": sums["wr"] / sums["w"],
        "n_kept_rated": (~susp[rated]).groupby(by[rated]).sum(),
    }
    return _section(idx, SUSPICION_COLUMNS, values).join(doubt)


def _flag_doubt(flags: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Per provider: how many reviews are flagged and the sum of 1 - their confidence."""
    out = pd.DataFrame({"_flags_doubt": 0.0, "_flags_n": 0}, index=idx)
    if flags.empty or "confidence" not in flags.columns:
        return out
    f = flags[flags["provider_id"].isin(idx)]
    g = (1.0 - pd.to_numeric(f["confidence"], errors="coerce").fillna(0.0)).groupby(f["provider_id"])
    out["_flags_doubt"] = g.sum().reindex(idx).fillna(0.0)
    out["_flags_n"] = g.size().reindex(idx).fillna(0).astype(int)
    return out


def sentiment(others: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Mean sentiment of what others write, shrunk toward neutral with PRIOR_TEXTS pseudo-texts."""
    if others.empty:
        return _section(idx, SENTIMENT_COLUMNS, {})
    sg = others.groupby("provider_id")["sentiment"]
    s_sum, s_n = sg.sum().reindex(idx).fillna(0), sg.count().reindex(idx).fillna(0)
    return _section(
        idx,
        SENTIMENT_COLUMNS,
        {"sentiment_mean": ((s_sum + 0.5 * PRIOR_TEXTS) / (s_n + PRIOR_TEXTS)).where(s_n > 0)},
    )


def complaint_handling(d: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Amount claimed in complaints, the share completed (已完成) and the median reply lag."""
    comp = d[d["kind"].isin(contracts.COMPLAINT_KINDS)] if not d.empty else d
    if comp.empty:
        return _section(idx, COMPLAINT_COLUMNS, {})
    cg = comp.groupby("provider_id")
    done = comp["status"].fillna("").str.contains("已完成|完成")
    values = {
        "complaints_amount_cny": cg["amount_cny"].sum(min_count=1),
        "complaints_completed_share": done.groupby(comp["provider_id"]).mean(),
        "median_reply_days": cg["reply_days"].median(),
    }
    return _section(idx, COMPLAINT_COLUMNS, values)


def claim_verdicts(checks: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """Verdict counts of the provider's claims, the authenticity score and the claims' doubt."""
    vc = verdict_counts(checks)
    out = _section(idx, CLAIM_COLUMNS, {c: vc[c] for c in CLAIM_COLUMNS if c in vc.columns})
    conf = _verdict_confidence(checks)
    by = checks["provider_id"] if not checks.empty else pd.Series(dtype=object)
    verdict = checks["verdict"] if not checks.empty else pd.Series(dtype=object)

    def weighted(mask: pd.Series) -> pd.Series:
        return conf.where(mask, 0.0).groupby(by).sum().reindex(idx).fillna(0.0)

    # Share of advertised cases not shown to be false, each verdict counting by its confidence (a
    # refutation that is right two times in three costs two thirds of one); supported ones count a
    # little extra because they are the only ones with outside confirmation. NaN with no cases.
    bad = weighted(verdict.isin(("refuted", "duplicated", "implausible")))
    good = weighted(verdict == "supported")
    out["authenticity_score"] = (
        (out["claims_n"] - bad + 0.25 * good) / (1.25 * out["claims_n"]).where(out["claims_n"] > 0)
    ).clip(0, 1)
    out["_claims_doubt"] = (1.0 - conf).groupby(by).sum().reindex(idx).fillna(0.0)
    return out


def _verdict_confidence(checks: pd.DataFrame) -> pd.Series:
    """Each verdict's confidence (1 for marts that predate the column: a verdict then was all there was)."""
    if checks.empty or "confidence" not in checks.columns:
        return pd.Series(1.0, index=checks.index, dtype=float)
    return pd.to_numeric(checks["confidence"], errors="coerce").fillna(1.0).astype(float)


def registry_facts(reg: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """The latest registry snapshot's facts (`reg`: `_latest_per_provider`)."""
    values = {dst: reg[src] for src, dst in REGISTRY_COLUMNS.items() if src in reg.columns}
    out = _section(idx, dict.fromkeys(REGISTRY_COLUMNS.values(), _OBJECT), values)
    out["reg_status"] = out["reg_status"].astype(object)
    return out


def listings_and_fees(lst: pd.DataFrame, others: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """TP badge and price range from the listings; fees others quote fill in where no listing states
    a price (answers, comments, complaints)."""
    values = {}
    if not lst.empty:
        lg = lst.groupby("provider_id")
        values = {
            "tp_star": lg["tp_star"].max(),
            "fee_monthly_min_cny": lg["price_min_cny"].min(),
            "fee_monthly_max_cny": lg["price_max_cny"].max(),
        }
    out = _section(idx, LISTING_COLUMNS, values)
    text_fees = {}
    if not others.empty:
        # Only the texts, grouped as a column: chopping the whole frame per provider took seconds at 10^6.
        fee_docs = others.loc[others["text"].fillna("").str.contains(FEE_WORDS), ["provider_id", "text"]]
        for pid, texts in fee_docs["text"].groupby(fee_docs["provider_id"]):
            text_fees[pid] = fees_from_texts(texts.tolist())
    # float, not object: a provider whose texts quote no fee gives (None, None, None).
    tf = (
        pd.DataFrame.from_dict(text_fees, orient="index", columns=["lo", "hi", "pct"])
        .astype(float)
        .reindex(idx)
    )
    out["fee_monthly_min_cny"] = out["fee_monthly_min_cny"].fillna(tf["lo"])
    out["fee_monthly_max_cny"] = out["fee_monthly_max_cny"].fillna(tf["hi"])
    out["commission_pct_mentioned"] = tf["pct"]
    return out


def seen(d: pd.DataFrame, idx: pd.Index) -> pd.DataFrame:
    """When the provider's evidence was first and last written (or fetched, when undated)."""
    if d.empty:
        return _section(idx, SEEN_COLUMNS, {})
    at = pd.to_datetime(d["created_at"], utc=True, errors="coerce").fillna(
        pd.to_datetime(d["fetched_at"], utc=True, errors="coerce")
    )
    by = at.groupby(d["provider_id"])
    return _section(idx, SEEN_COLUMNS, {"first_seen": by.min(), "last_seen": by.max()})


def finish(stats: pd.DataFrame, market_mean: float, off: frozenset[str] = frozenset()) -> pd.DataFrame:
    """`provider_stats` rows → mart rows: Bayesian averages toward `market_mean`, the score and the
    confidence. Cheap (vectorised over providers), so it runs over every provider on every build, and
    a shift of the market mean reaches all of them. `off`: components of WEIGHTS left out of the score
    (the ablation, evaluation/ablation.py)."""
    out = stats.set_index("provider_id")
    reg_status = out["reg_status"]
    out["rating_bayes"] = bayes_mean(out["rating_mean"], out["n_ratings"], market_mean).where(
        out["n_ratings"] > 0
    )
    out["adjusted_rating"] = bayes_mean(out["adjusted_mean"], out["n_kept_rated"], market_mean).where(
        out["n_ratings"] > 0
    )
    comps = components(out, reg_status)
    w = pd.Series({k: 0.0 if k in off else v for k, v in WEIGHTS.items()})
    avail = comps.notna()
    wsum = avail.mul(w, axis=1).sum(axis=1)
    out["reputation_score"] = (100 * comps.fillna(0).mul(w, axis=1).sum(axis=1) / wsum.where(wsum > 0)).round(
        1
    )
    evidence = (
        out["n_ratings"]
        + out["n_complaints"]
        + out["n_answers"]
        + out["claims_n"]
        + out["n_comments_articles"]
    )
    # Evidence the checks may have misread counts for less: discounted by the expected share of the
    # provider's verdicts and flags that are wrong.
    evidence = evidence * (1.0 - out["verdict_doubt"].fillna(0.0).clip(0, 1))
    out["confidence"] = (1 - np.exp(-evidence.astype(float) / CONFIDENCE_SCALE)).round(3)
    out["confidence_band"] = out["confidence"].map(_band)
    out = history_flags(out)
    return out.drop(columns=list(STATS_EXTRA)).reset_index()


def components(row: pd.DataFrame, reg_status: pd.Series) -> pd.DataFrame:
    """The five score components on 0..1 (NaN when there is no evidence for one)."""
    c = pd.DataFrame(index=row.index)
    c["rating"] = ((row["adjusted_rating"] - 1.0) / 4.0).clip(0, 1)
    # Sentiment is already shrunk; stretch 0.3..0.8 (where provider means actually fall) to 0..1.
    c["sentiment"] = ((row["sentiment_mean"] - 0.3) / 0.5).clip(0, 1)
    # A complaint the agency answered and saw through to 已完成 counts half: an honest agency's bad
    # month, handled, is not the same pressure as complaints left open.
    pressure = row["n_complaints"] * (
        1.0 - COMPLETED_COMPLAINT_DISCOUNT * row["complaints_completed_share"].fillna(0.0)
    )
    n_rev_comp = (row["n_reviews"] + pressure).astype(float)
    share = pressure / n_rev_comp.where(n_rev_comp > 0)
    volume = 1 - (share / COMPLAINT_SHARE_FLOOR).clip(0, 1)
    handling = row["complaints_completed_share"].fillna(0.5)
    lag = 1 - (row["median_reply_days"] / REPLY_DAYS_WORST).clip(0, 1)
    # Volume dominates: a provider with many complaints is a risk however politely it answers them.
    comp = 0.7 * volume + 0.15 * handling + 0.15 * lag.fillna(0.5)
    c["complaints"] = comp.where(row["n_complaints"] > 0, volume)
    c["authenticity"] = row["authenticity_score"]
    abnormal = row["abnormal_count"].fillna(0).astype(float) > 0
    lawsuits = row["lawsuit_count"].fillna(0).astype(float)
    bad_status = reg_status.astype("string").fillna("").str.contains("注销|吊销|撤销|异常", regex=True)
    has_reg = row["established"].notna() | row["staff_insured"].notna()
    # Each lawsuit costs a tenth, an abnormal-operations record or a dead registration costs half.
    reg_score = (1 - 0.1 * lawsuits.clip(0, 5) - 0.5 * abnormal - 0.5 * bad_status).clip(0, 1)
    c["registry"] = reg_score.where(has_reg)
    return c


def _band(x: float) -> str:
    for limit, name in CONFIDENCE_BANDS:
        if x < limit:
            return name
    return "high"


def risk_flags(row: pd.DataFrame, reg_status: pd.Series) -> list[list[Message]]:
    """Warnings per provider as codes with arguments (pipelines/messages.py words them), worst first."""
    out = []
    status = reg_status.to_dict()
    # Records, not row.loc[pid]: a pandas row lookup costs more than building all of a row's flags.
    for pid, r in zip(row.index, row.to_dict("records"), strict=True):
        f: list[Message] = []
        n = int(r["claims_n"])
        for col in ("claims_refuted", "claims_duplicated", "claims_implausible"):
            if r[col] > 0:
                f.append(Message("cases_" + col.removeprefix("claims_"), {"n": int(r[col]), "total": n}))
        if _num(r["abnormal_count"]) > 0:
            f.append(Message("abnormal_operations", {}))
        st = status.get(pid)
        if isinstance(st, str) and re.search("注销|吊销|撤销", st):
            f.append(Message("registration_status", {"status": st}))
        if _num(r["lawsuit_count"]) > 0:
            f.append(Message("lawsuits", {"n": int(_num(r["lawsuit_count"]))}))
        if r["n_complaints"] > 0:
            share = r["complaints_completed_share"]
            if pd.isna(share):
                f.append(Message("complaints", {"n": int(r["n_complaints"])}))
            else:
                f.append(
                    Message("complaints_completed", {"n": int(r["n_complaints"]), "share": float(share)})
                )
        if not pd.isna(r["median_reply_days"]) and r["median_reply_days"] > 7:
            f.append(Message("slow_replies", {"days": float(r["median_reply_days"])}))
        if not pd.isna(r["suspicious_share"]) and r["suspicious_share"] >= 0.1:
            f.append(Message("bought_reviews", {"share": float(r["suspicious_share"])}))
        staff = _num(r["staff_insured"])
        if not pd.isna(r["staff_insured"]) and staff <= 5:
            f.append(Message("small_team", {"staff": int(staff)}))
        if pd.isna(r["tp_star"]):
            f.append(Message("no_tp", {}))
        if r["n_documents"] == 0:
            f.append(Message("no_evidence", {}))
        out.append(f)
    return out


def _num(x: object) -> float:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(v) else v


def _latest_per_provider(registry: pd.DataFrame) -> pd.DataFrame:
    if registry.empty:
        return pd.DataFrame(columns=list(registry.columns))
    r = registry[registry["provider_id"].notna()]
    return r.sort_values("fetched_at").drop_duplicates("provider_id", keep="last").set_index("provider_id")


def _sources(pid_index: pd.Index, d: pd.DataFrame, reg: pd.DataFrame, lst: pd.DataFrame) -> list[list[str]]:
    seen: dict[str, set[str]] = {p: set() for p in pid_index}
    if not d.empty:
        for (p, s), _n in d.groupby(["provider_id", "source"]).size().items():
            if p in seen:
                seen[p].add(s)
    for p in reg.index if not reg.empty else []:
        if p in seen:
            seen[p].add("registry")
    for p in lst["provider_id"].unique() if not lst.empty else []:
        if p in seen:
            seen[p].add("market")
    return [sorted(seen[p]) for p in pid_index]


def monthly(docs: pd.DataFrame) -> pd.DataFrame:
    """provider × month (YYYY-MM of created_at): volume, sentiment, complaints, rating."""
    cols = [
        "provider_id",
        "month",
        "n_documents",
        "n_reviews",
        "n_complaints",
        "sentiment_mean",
        "rating_mean",
        "complaints_amount_cny",
    ]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    d = docs[docs["provider_id"].notna()].copy()
    at = pd.to_datetime(d["created_at"], utc=True, errors="coerce")
    d = d[at.notna()]
    d["month"] = at[at.notna()].dt.strftime("%Y-%m")
    d["is_review"] = d["kind"].isin(contracts.REVIEW_KINDS)
    d["is_complaint"] = d["kind"].isin(contracts.COMPLAINT_KINDS)
    d["rating"] = pd.to_numeric(d["rating"], errors="coerce")
    d["complaint_amount"] = d["amount_cny"].where(d["is_complaint"])
    d["sent"] = d["sentiment"].where(~d["kind"].isin(contracts.CASE_KINDS))
    g = d.groupby(["provider_id", "month"])
    out = pd.DataFrame(
        {
            "n_documents": g.size(),
            "n_reviews": g["is_review"].sum(),
            "n_complaints": g["is_complaint"].sum(),
            "sentiment_mean": g["sent"].mean(),
            "rating_mean": g["rating"].mean(),
            "complaints_amount_cny": g["complaint_amount"].sum(min_count=1).fillna(0.0),
        }
    ).reset_index()
    return out[cols]
