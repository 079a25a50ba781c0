"""Suspicious reviews: behavioural signals that converge, ReviewMeta / Yelp-filter style.

Each signal alone has innocent explanations (a shop runs a promotion and gets twenty honest reviews in
a day; an honest buyer writes one review in their life; a 5 among 2s is someone who was happy), so an
item is flagged only when the evidence converges: incentive wording alone (it is the paid review's
own confession), or a near-duplicate text that also arrived in a burst, or any three signals together.
Precision matters more than recall here: a flag down-weights a real merchant's voice.

Flagged items are down-weighted, never deleted: `weight` is what the item keeps in adjusted scores.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.dedup import MIN_CHARS

REVIEW_KINDS = ("market_review",)

# The wording of paid or rewarded reviews: cash back for a good review, gifts for five stars or photos.
INCENTIVE = re.compile(
    r"好评返现|返现|五星好评送|五星好评返|好评送|晒图返|晒图送|好评有礼|好评.{0,4}红包|红包.{0,4}好评|返红包|"
    r"好评截图|刷好评|追评返"
)

# A burst day: at least this many reviews, and far above the provider's own daily baseline. Five is
# above what an honest provider's review stream produces on most days (a few a week) while a bought
# batch is usually a dozen or more; "far above" is median + 5 scaled MADs of the provider's daily
# counts over its active span (zero days included), which an honest Poisson-like stream crosses on
# fewer than one day in a thousand.
BURST_MIN = 5
BURST_MADS = 5.0
# Rating deviation: two stars from the provider's median on a 1–5 scale is the gap between "good"
# and "poor", beyond ordinary disagreement between buyers.
RATING_GAP = 2.0
# Weight a flagged item keeps: it still counts a little (the flag may be wrong), a fifth of an honest one.
FLAGGED_WEIGHT = 0.2

FLAG_ORDER = ("incentive_wording", "near_duplicate", "burst", "one_hit_author", "rating_deviation")


def signals(docs: pd.DataFrame) -> pd.DataFrame:
    """Per review: one boolean column per signal in FLAG_ORDER (index aligned with the reviews)."""
    rev = docs[docs["kind"].isin(REVIEW_KINDS)].copy()
    out = pd.DataFrame(index=rev.index)
    text = rev["text"].fillna("").astype(str)
    out["incentive_wording"] = text.str.contains(INCENTIVE, regex=True)

    # Near-duplicate: same cluster as another review of the same provider, and long enough that
    # resemblance means copying (short texts like 很好 cluster by exact match and are written by
    # thousands of honest buyers independently).
    long_enough = rev["text_chars"].fillna(0).astype(int) >= MIN_CHARS
    cl = rev["provider_id"].astype(str) + "|" + rev["dup_cluster"].astype("Int64").astype(str)
    size = cl.map(cl[long_enough].value_counts()).fillna(0)
    out["near_duplicate"] = long_enough & (size >= 2) & rev["dup_cluster"].notna()

    out["burst"] = _burst(rev)

    author = rev["author"].astype("string")
    counts = author.map(author.value_counts())
    out["one_hit_author"] = author.notna() & (counts == 1)

    rating = pd.to_numeric(rev["rating"], errors="coerce")
    median = rating.groupby(rev["provider_id"].astype(str)).transform("median")
    out["rating_deviation"] = (rating - median).abs() >= RATING_GAP
    return out.fillna(False).astype(bool)


def _burst(rev: pd.DataFrame) -> pd.Series:
    day = pd.to_datetime(rev["created_at"], utc=True, errors="coerce").dt.floor("D")
    frame = pd.DataFrame({"p": rev["provider_id"].astype(str), "day": day}).dropna()
    if frame.empty:
        return pd.Series(False, index=rev.index)
    daily = frame.groupby(["p", "day"]).size().rename("n").reset_index()
    flagged_days = []
    for p, g in daily.groupby("p", sort=False):
        span = (g["day"].max() - g["day"].min()).days + 1
        counts = np.zeros(span, dtype=np.int64)
        counts[(g["day"] - g["day"].min()).dt.days.to_numpy()] = g["n"].to_numpy()
        med = float(np.median(counts))
        mad = 1.4826 * float(np.median(np.abs(counts - med)))
        # A floor of one review a day on the spread: a provider with zero MAD (mostly empty days)
        # would otherwise make any busy day a burst.
        limit = max(BURST_MIN, med + BURST_MADS * max(mad, 1.0))
        hot = g.loc[g["n"] >= limit, "day"]
        flagged_days.extend((p, d) for d in hot)
    if not flagged_days:
        return pd.Series(False, index=rev.index)
    hot_keys = pd.MultiIndex.from_tuples(flagged_days)
    keys = pd.MultiIndex.from_arrays([rev["provider_id"].astype(str), day])
    return pd.Series(keys.isin(hot_keys), index=rev.index)


def flag_reviews(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents → one row per suspicious review: source, native_id, provider_id, flags, weight."""
    cols = ["source", "native_id", "provider_id", "flags", "weight"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    sig = signals(docs)
    if sig.empty:
        return pd.DataFrame(columns=cols)
    n = sig.sum(axis=1)
    flagged = (
        sig["incentive_wording"]
        | (sig["near_duplicate"] & sig["burst"])
        | (n >= 3)
    )
    rows = docs.loc[sig.index[flagged], ["source", "native_id", "provider_id"]].copy()
    sub = sig.loc[flagged]
    rows["flags"] = [[f for f in FLAG_ORDER if r[f]] for r in sub.to_dict("records")]
    rows["weight"] = FLAGGED_WEIGHT
    return rows.reset_index(drop=True)[cols]
