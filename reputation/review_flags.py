"""Suspicious reviews: behavioural signals that converge, ReviewMeta / Yelp-filter style.

Each signal alone has innocent explanations (a shop runs a promotion and gets twenty honest reviews in
a day; an honest buyer writes one review in their life; a 5 among 2s is someone who was happy), so an
item is flagged only when the evidence converges: incentive wording in a praising review (it is the
paid review's own confession), or a near-duplicate text posted for the same provider within hours,
in a burst against the provider's own pace, an account whose whole history is five stars where other
buyers mostly are not (a review farm), or five stars as the only review of a fresh account with no
buyer credit (a 小号). A flag's `flags` name the signal that decided it first.
Precision matters more than recall here: a flag down-weights a real merchant's voice.

Flagged items are down-weighted, never deleted: `weight` is what the item keeps in adjusted scores.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import poisson

from pipelines.contracts import REVIEW_KINDS
from pipelines.dedup import MIN_CHARS, SHINGLE, THRESHOLD

_NON_WORD = re.compile(r"[\W_]+")

# The wording of paid or rewarded reviews: cash back for a good review, gifts for five stars or photos.
INCENTIVE = re.compile(
    r"好评返现|返现|五星好评送|五星好评返|好评送|晒图返|晒图送|好评有礼|好评.{0,4}红包|红包.{0,4}好评|返红包|"
    r"好评截图|刷好评|追评返|好评返|截图.{0,8}返|返\d+元"
)

# Incentive wording counts only in a review that praises: "说好的好评返现也没兑现" in a one-star review is
# a merchant complaining about a broken promise, not a paid review.
# Nor does it in one that disowns the practice: "不用返现求好评，效果自己会说话", "没搞什么好评返现那一套".
NEGATED_INCENTIVE = re.compile(
    r"没兑现|没有兑现|未兑现|没收到|没有收到|没返|不返|没给|骗|"
    r"(?:不用|不需要|无需|不搞|没搞|没有搞|不靠|拒绝|从不|从来不)[^，。！？,.!?；;]{0,6}返现"
)
PRAISING_RATING = 4.0

# Bursts are measured against the provider's own pace: a review is in a burst when the number of other
# reviews of the same provider within ±BURST_WINDOW of it would happen by chance less than
# BURST_P of the time if reviews arrived at the provider's average rate (Poisson over its active span).
# For a provider with a review every month, a second review within the same 12 hours is already
# surprising (p≈0.03); for one with ten a day it takes a couple of dozen. 12 hours covers a bought batch
# posted over one working day. BURST_P = 0.05 is loose on purpose: a burst alone never flags a review.
BURST_WINDOW = pd.Timedelta(hours=12)
BURST_P = 0.05
# Praise of a service the reviewer says they have only just started ("第一次合作", "刚开始用", "体验了一下"):
# an agency's results take months to show, so a top rating on day one attests to nothing but the
# sales pitch. From an account that never reviewed anything else, that is the typical paid review
# (measured on sandbox seeds 1 and 13: precision 0.96–0.98 combined with the other flags). Honest
# newcomers who give 4 stars, or who write more than once, are not touched.
# (Extended on sandbox seeds 101-104 with "签约没几天" / "才对接一周" / "刚签约": 56 of 56 flagged right.)
UNTESTED = re.compile(
    r"^\W*(?:第一次合作|初次合作|刚开始用|刚开始合作|刚合作|体验了一下|试用了一下|先试了?一个月|"
    r"签约没几天|才对接一周|刚签约|才签约)"
)
# Praise the writer says was asked for ("老板让评价一下", "让我们写个好评"): from an account with no
# other review and at five stars, a review written to order (sandbox seeds 101-104: 27 of 27 bought).
SOLICITED = re.compile(r"老板让(?:我)?(?:评价|写|给个?好评)|让(?:我们|我)?写个?好评|帮忙给个?好评")
TOP_RATING = 5.0

# Review farms: a paid review can be worded like any happy buyer's and posted at an ordinary moment;
# what the farm cannot hide is the account's history. Its accounts write several reviews, always
# five stars, for agencies whose other buyers mostly do not give five. Under the innocent reading (a
# buyer whose ratings are like every other buyer's of the same agency) the chance of an all-five
# history is the product of each agency's five-star share; `farm_score` is -log10 of it in tenths
# (an integer, so a build's fingerprint of it is exact), 0 for an account with fewer than
# FARM_MIN_REVIEWS rated reviews or any rating below five. FARM_BAR is a chance of one in a hundred:
# on sandbox seeds 101-104 (hard world) no account outside the farm scored above 15, 43 of the 48
# farm accounts scored 22 or more. A loyal buyer of good agencies, where five stars are the norm,
# never gets near: five five-star reviews where 80% of buyers give five score 4.
FARM_MIN_REVIEWS = 3
FARM_PASSES = 2  # the second pass measures the norm without the accounts the first found (see _farm_score)
FARM_BAR = 20
FARM_SCORE_CAP = 1000

# Rating deviation: two stars from the provider's median on a 1–5 scale is the gap between "good"
# and "poor", beyond ordinary disagreement between buyers.
RATING_GAP = 2.0
# Weight a flagged item keeps: it still counts a little (the flag may be wrong), a fifth of an honest one.
FLAGGED_WEIGHT = 0.2
# A flag's `confidence` is 1 minus the chance of the innocent reading under the rule that decided it,
# the strongest when several did. Bursts and farm accounts have a model of that chance (above). The
# two text rules have none, so they carry a prior held below what they measured on sandbox seeds
# 101-104 (incentive wording 828 of 828 flags right, untested praise 54 of 54): real buyers word
# things no sandbox does ("返现" in a story about a competitor).
TEXT_RULE_CHANCE = {"incentive_wording": 0.05, "untested_praise": 0.1, "solicited_praise": 0.1}
# Near-copies posted within BURST_WINDOW for one agency by accounts with no other review, at five
# stars: copying is the signal even when the agency's pace makes the day itself unremarkable (seeds
# 101-104: 706 of 706 bought). No model of the innocent chance: a prior like the text rules'.
NEW_ACCOUNT_COPY_CHANCE = 0.05
# Fresh accounts: the review list shows each reviewer's buyer-credit level (买家信誉, `author_level`,
# 0 = no icon: fewer than 4 rated purchases in the account's life). A merchant reviewing an agency runs
# a shop and has bought for years; a paid one-off review comes from a 小号 registered for the job.
# Five stars from an account with no credit that never reviewed anything else is that 小号 (sandbox
# hard seeds 101-104: 306 of 314 bought; 35 of 43 where no other rule fired). No model of the innocent
# chance (a new shop owner does review): a prior at what it measured where it decides alone.
FRESH_ACCOUNT_LEVEL = 0
FRESH_ACCOUNT_CHANCE = 0.2

FLAG_ORDER = (
    "incentive_wording",
    "untested_praise",
    "solicited_praise",
    "near_duplicate_in_burst",
    "near_duplicate",
    "burst",
    "farm_account",
    "fresh_account",
    "one_hit_author",
    "rating_deviation",
)


def review_context(docs: pd.DataFrame) -> pd.DataFrame:
    """Per review, the signal inputs that depend on other providers' reviews too: how many reviews
    its author wrote in all (`author_reviews`, capped at 2: only "one" matters), how many long
    reviews of the same provider share its near-duplicate cluster (`copies`, capped at 2) and its
    author's `farm_score` (see FARM_BAR).

    Kept apart so a build that recomputes only some providers (incremental_build/mart_state.py) can take
    them from every review while computing the signals of a few.
    """
    # The five columns before the row filter: filtering the whole frame would copy 10^6 texts.
    cols = ["author", "text_chars", "dup_cluster", "provider_id", "rating"]
    cols += ["author_level"] if "author_level" in docs.columns else []
    rev = docs[cols][docs["kind"].isin(REVIEW_KINDS)]
    # Codes and a bincount: mapping value_counts back onto 10^6 reviews took six times as long.
    codes, _ = pd.factorize(rev["author"])
    per_code = np.bincount(codes[codes >= 0], minlength=1)
    counts = pd.Series(
        np.where(codes >= 0, per_code[np.maximum(codes, 0)], 0).clip(max=2).astype(np.int8), index=rev.index
    )
    # Near-duplicate: same cluster as another review of the same provider, and long enough that
    # resemblance means copying (short texts like 很好 cluster by exact match and are written by
    # thousands of honest buyers independently).
    long_enough = rev["text_chars"].fillna(0).astype(int) >= MIN_CHARS
    clustered = long_enough & rev["dup_cluster"].notna()
    # Group = (provider, cluster) as one int64 code; a missing provider is a group of its own (-1).
    pcode = pd.factorize(rev.loc[clustered, "provider_id"])[0].astype(np.int64)
    cluster = rev.loc[clustered, "dup_cluster"].to_numpy(dtype=np.int64)
    group = pd.factorize((pcode + 1) * (1 << 40) + cluster)[0]
    copies = pd.Series(np.zeros(len(rev), dtype=np.int8), index=rev.index)
    copies[clustered.to_numpy()] = np.bincount(group)[group].clip(max=2).astype(np.int8)
    fresh = fresh_accounts(rev).to_numpy()
    farm = pd.Series(_farm_score(codes, rev["provider_id"], rev["rating"], fresh), index=rev.index)
    return pd.DataFrame({"author_reviews": counts, "copies": copies, "farm_score": farm}, index=rev.index)


def fresh_accounts(rev: pd.DataFrame) -> pd.Series:
    """Reviews whose account shows no buyer credit (`author_level` 0); a level the list did not show
    (missing, or no such column) is never fresh."""
    if "author_level" not in rev.columns:
        return pd.Series(False, index=rev.index)
    return pd.to_numeric(rev["author_level"], errors="coerce") <= FRESH_ACCOUNT_LEVEL


def _farm_score(author: np.ndarray, provider: pd.Series, rating: pd.Series, fresh: np.ndarray) -> np.ndarray:
    """Per review, its author's farm score (int16): -log10 of the chance that an account rating like
    the other buyers of the same agencies gives five stars every time, over its rated reviews.
    "Other buyers" are the credible ones: an agency's five-star share leaves out fresh accounts
    (`fresh`) and, in a second pass, the accounts the first pass already put over FARM_BAR — bought
    praise must not raise the norm it is measured against (hard seeds 101-104: the farm's reviews'
    10th-percentile score 24 -> 35, the highest non-farm account's 15 -> 17)."""
    stars = pd.to_numeric(rating, errors="coerce").to_numpy(dtype=float)
    rated = ~np.isnan(stars) & (author >= 0)
    top = stars >= TOP_RATING
    pcode = pd.factorize(provider)[0] + 1
    n_auth = author.max(initial=-1) + 1
    a = author[rated]
    n_reviews = np.bincount(a, minlength=n_auth)
    all_top = np.bincount(a, weights=(~top[rated]).astype(float), minlength=n_auth) == 0
    eligible = all_top & (n_reviews >= FARM_MIN_REVIEWS)
    norm = rated & ~fresh
    for _ in range(FARM_PASSES):
        # Each agency's five-star share among its credible buyers, Laplace-smoothed (never 0 or 1).
        n_rated = np.bincount(pcode[norm], minlength=pcode.max(initial=0) + 1)
        n_top = np.bincount(pcode[norm & top], minlength=len(n_rated))
        share = (n_top + 1.0) / (n_rated + 2.0)
        evidence = np.bincount(a, weights=-np.log10(share[pcode[rated]]), minlength=n_auth)
        per_author = np.minimum(np.where(eligible, np.floor(evidence * 10), 0), FARM_SCORE_CAP)
        per_review = np.where(author >= 0, per_author[np.maximum(author, 0)] if n_auth else 0, 0)
        norm = norm & (per_review < FARM_BAR)
    return per_review.astype(np.int16)


def signals(docs: pd.DataFrame, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per review: one boolean column per signal in FLAG_ORDER (index aligned with the reviews).
    `context`: `review_context` of a larger set of documents this one is part of (default: of `docs`)."""
    return _evidence(docs, context)[0]


def _evidence(docs: pd.DataFrame, context: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`signals`, and per review the chance of the innocent reading where a signal has a model of it:
    `burst` (the Poisson tail of its neighbours at the provider's pace) and `farm_account`."""
    rev = docs[docs["kind"].isin(REVIEW_KINDS)].copy()
    ctx = (review_context(docs) if context is None else context).reindex(rev.index)
    out = pd.DataFrame(index=rev.index)
    text = rev["text"].fillna("").astype(str)
    rating = pd.to_numeric(rev["rating"], errors="coerce")
    praising = (rating >= PRAISING_RATING) | (rating.isna() & (rev.get("sentiment_label", 0) != -1))
    out["incentive_wording"] = (
        text.str.contains(INCENTIVE, regex=True)
        & ~text.str.contains(NEGATED_INCENTIVE, regex=True)
        & praising
    )

    at = pd.to_datetime(rev["created_at"], utc=True, errors="coerce")
    provider = rev["provider_id"].astype(str)
    long_enough = rev["text_chars"].fillna(0).astype(int) >= MIN_CHARS
    out["near_duplicate"] = ctx["copies"].fillna(0) >= 2
    # The strong form: a near-duplicate of it was posted for the same provider within the burst window.
    # Checked pair by pair, not by cluster label: clusters are connected components, and templated
    # honest reviews ("会主动提优化建议…") chain into one big component across providers and years.
    out["near_duplicate_in_burst"] = long_enough & _copy_within(provider, at, text, long_enough, BURST_WINDOW)
    chance = pd.DataFrame({"burst": _burst(provider, at)}, index=rev.index)
    out["burst"] = chance["burst"] < BURST_P

    out["one_hit_author"] = rev["author"].notna() & (ctx["author_reviews"] == 1)
    out["fresh_account"] = fresh_accounts(rev)
    out["farm_account"] = ctx["farm_score"].fillna(0) >= FARM_BAR
    chance["farm_account"] = 10.0 ** (-ctx["farm_score"].fillna(0).astype(float) / 10)

    out["untested_praise"] = text.str.contains(UNTESTED, regex=True) & (rating >= TOP_RATING)
    out["solicited_praise"] = text.str.contains(SOLICITED, regex=True) & (rating >= TOP_RATING)

    median = rating.groupby(provider).transform("median")
    out["rating_deviation"] = (rating - median).abs() >= RATING_GAP
    return out[list(FLAG_ORDER)].fillna(False).astype(bool), chance


def _shingles(text: str) -> frozenset[str]:
    canon = _NON_WORD.sub("", text).lower()
    return frozenset(canon[i : i + SHINGLE] for i in range(max(len(canon) - SHINGLE + 1, 1)))


def _copy_within(
    provider: pd.Series, at: pd.Series, text: pd.Series, eligible: pd.Series, window: pd.Timedelta
) -> pd.Series:
    """True where another review of the same provider, posted within `window`, has a resemblance
    (Jaccard of character 3-gram sets) of at least THRESHOLD with it — the dedup module's own bar."""
    out = pd.Series(False, index=provider.index)
    ok = at.notna() & eligible
    if ok.sum() < 2:
        return out
    idx = provider.index[ok]
    code = pd.factorize(provider[ok])[0].astype(np.int64)
    when = pd.to_datetime(at[ok], utc=True)
    secs = ((when - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
    key = code * (1 << 40) + (secs - secs.min())
    order = np.argsort(key, kind="stable")
    k = key[order]
    hi = np.searchsorted(k, k + int(window.total_seconds()), side="right")
    texts = text[ok].to_numpy(dtype=object)[order]
    hit = np.zeros(len(k), dtype=bool)
    cache: dict[int, frozenset[str]] = {}

    def sh(j: int) -> frozenset[str]:
        if j not in cache:
            cache[j] = _shingles(texts[j])
        return cache[j]

    # Only reviews with a neighbour inside the window are compared: a handful per burst.
    for j in np.flatnonzero(hi - np.arange(len(k)) > 1):
        a = sh(j)
        for m in range(j + 1, hi[j]):
            b = sh(m)
            if len(a & b) >= THRESHOLD * len(a | b):
                hit[j] = hit[m] = True
    flags = np.zeros(len(k), dtype=bool)
    flags[order] = hit
    out.loc[idx] = flags
    return out


def _burst(provider: pd.Series, at: pd.Series) -> pd.Series:
    """Per review, the chance (Poisson, at the provider's own pace) of at least as many other reviews
    of the provider within ±BURST_WINDOW of it; 1 where it has none or no date.
    Vectorised over all providers at once: reviews sorted by (provider, time) on one int64 key,
    so one searchsorted per window edge counts every review's neighbours within its own provider."""
    out = pd.Series(1.0, index=provider.index)
    ok = at.notna()
    if ok.sum() < 2:
        return out
    code = pd.factorize(provider[ok])[0].astype(np.int64)
    # Seconds since the epoch whatever the column's resolution (pandas 3 keeps s, ms, us or ns).
    when = pd.to_datetime(at[ok], utc=True)
    secs = ((when - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
    secs = secs - secs.min()
    key = code * (1 << 40) + secs  # 2^40 s is 34,000 years: providers never overlap
    order = np.argsort(key, kind="stable")
    k = key[order]
    w = int(BURST_WINDOW.total_seconds())
    others = np.searchsorted(k, k + w, side="right") - np.searchsorted(k, k - w, side="left") - 1
    # The provider's own pace: reviews per day over its active span (first to last review).
    c_sorted = code[order]
    first = pd.Series(k).groupby(c_sorted).transform("min").to_numpy()
    last = pd.Series(k).groupby(c_sorted).transform("max").to_numpy()
    count = pd.Series(k).groupby(c_sorted).transform("size").to_numpy()
    span_days = np.maximum((last - first) / 86_400.0, 1.0)
    lam = (count - 1) / span_days * (2 * w / 86_400.0)
    tail = np.where(others >= 1, poisson.sf(others - 1, lam), 1.0)
    chance = np.ones(len(k))
    chance[order] = tail
    out.loc[ok[ok].index] = chance
    return out


# The rules that can flag a review on their own (the ablation switches them off by these names).
FLAG_RULES = (
    "incentive_wording",
    "near_duplicate_in_burst",
    "copied_by_new_accounts",
    "untested_praise",
    "solicited_praise",
    "farm_account",
    "fresh_account_praise",
)
# The signal each rule rests on: a flag's `flags` list names it first (the evidence that decided it).
RULE_SIGNAL = {
    "incentive_wording": "incentive_wording",
    "near_duplicate_in_burst": "near_duplicate_in_burst",
    "copied_by_new_accounts": "near_duplicate_in_burst",
    "untested_praise": "untested_praise",
    "solicited_praise": "solicited_praise",
    "farm_account": "farm_account",
    "fresh_account_praise": "fresh_account",
}


def _innocent(sig: pd.DataFrame, chance: pd.DataFrame, top: np.ndarray) -> pd.DataFrame:
    """Per review and FLAG_RULES rule, the chance of the innocent reading (1 where the rule did not fire)."""
    alone = sig["one_hit_author"]
    return pd.DataFrame(
        {
            "incentive_wording": np.where(
                sig["incentive_wording"], TEXT_RULE_CHANCE["incentive_wording"], 1.0
            ),
            "near_duplicate_in_burst": np.where(
                sig["near_duplicate_in_burst"] & sig["burst"], chance["burst"], 1.0
            ),
            "copied_by_new_accounts": np.where(
                sig["near_duplicate_in_burst"] & alone & top, NEW_ACCOUNT_COPY_CHANCE, 1.0
            ),
            "untested_praise": np.where(
                sig["untested_praise"] & alone, TEXT_RULE_CHANCE["untested_praise"], 1.0
            ),
            "solicited_praise": np.where(
                sig["solicited_praise"] & alone, TEXT_RULE_CHANCE["solicited_praise"], 1.0
            ),
            "farm_account": np.where(sig["farm_account"], chance["farm_account"], 1.0),
            "fresh_account_praise": np.where(sig["fresh_account"] & alone & top, FRESH_ACCOUNT_CHANCE, 1.0),
        },
        index=sig.index,
    )


def flag_reviews(
    docs: pd.DataFrame, context: pd.DataFrame | None = None, off: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Documents → one row per suspicious review: source, native_id, provider_id, flags, weight,
    confidence. `context`: as for `signals`; `off`: FLAG_RULES switched off (evaluation/ablation.py)."""
    cols = ["source", "native_id", "provider_id", "flags", "weight", "confidence"]
    if docs.empty:
        return pd.DataFrame(columns=cols)
    sig, chance = _evidence(docs, context)
    if sig.empty:
        return pd.DataFrame(columns=cols)
    # Converging evidence only: the review's own confession, a copy of it posted for the same
    # provider within hours while the provider's review stream is far above its own pace, top marks
    # for a service just begun from an account with no other review, a review farm's account
    # (several reviews, all five stars where other buyers mostly are not), or top marks from a fresh
    # account (no buyer credit) with no other review. Author and rating signals alone are reported
    # beside a flag but never make one: most one-review buyers are honest, and an unhappy buyer among
    # happy ones is exactly the voice a merchant needs to hear.
    top = (pd.to_numeric(docs.loc[sig.index, "rating"], errors="coerce") >= TOP_RATING).to_numpy()
    innocent = _innocent(sig, chance, top)[[r for r in FLAG_RULES if r not in off]]
    decided_by = innocent.idxmin(axis=1) if len(innocent.columns) else pd.Series("", index=sig.index)
    innocent = innocent.min(axis=1).fillna(1.0)
    flagged = innocent < 1.0
    rows = docs.loc[sig.index[flagged], ["source", "native_id", "provider_id"]].copy()
    sub = sig.loc[flagged]
    # The signal of the deciding rule first, then every other signal that fired, in FLAG_ORDER.
    rows["flags"] = [
        _deciding_first([f for f in FLAG_ORDER if r[f]], RULE_SIGNAL.get(d, ""))
        for r, d in zip(sub.to_dict("records"), decided_by[flagged], strict=True)
    ]
    rows["weight"] = FLAGGED_WEIGHT
    rows["confidence"] = (1.0 - innocent[flagged]).round(3).to_numpy()
    return rows.reset_index(drop=True)[cols]


def _deciding_first(fired: list[str], deciding: str) -> list[str]:
    return [deciding, *(f for f in fired if f != deciding)] if deciding in fired else fired
