"""What later disappeared or changed, per provider: the history columns of provider_reputation and
their risk flags.

Reads the history columns of clean/documents (incremental_build/history.py): `history_changes` (the
document's change kinds in clean/changes), `rating_first` (its first rating) and the rest. A flag is
raised when a provider's share is far above the market's: settling complaints privately so that
they are withdrawn, or getting bad reviews deleted or turned into five stars, is what an agency with
something to hide does more than others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines import contracts
from pipelines.messages import Message

HISTORY_COLUMNS = {
    "complaints_withdrawn": ("int64", 0),
    "reviews_deleted": ("int64", 0),
    "ratings_raised": ("int64", 0),
    "ratings_raised_after_complaint": ("int64", 0),
    "case_figures_changed": ("int64", 0),
}
# A share is unusual when it is at least this many times the market's, above a floor, and rests on
# at least MIN_EVENTS events (one withdrawn complaint of two says little).
UNUSUAL_RATIO = 2.0
UNUSUAL_FLOOR = 0.15
MIN_EVENTS = 2


def _has(d: pd.DataFrame, *changes: str) -> dict[str, pd.Series]:
    """Per change: which rows' `history_changes` hold it. One pass over the rows for all of them (most
    rows have none: at 10^6 documents a pass per change was seconds of Python)."""
    out = {c: np.zeros(len(d), dtype=bool) for c in changes}
    if "history_changes" in d.columns:
        for row, xs in enumerate(d["history_changes"].tolist()):
            if xs is not None and len(xs):
                for c in changes:
                    if c in list(xs):
                        out[c][row] = True
    return {c: pd.Series(v, index=d.index) for c, v in out.items()}


def history_counts(d: pd.DataFrame, idx: pd.Index) -> dict[str, pd.Series]:
    """Per provider: complaints withdrawn, reviews deleted, ratings raised (and of those, how many by
    an account that complained about the same provider), case pages whose figures changed."""
    if d.empty or "history_changes" not in d.columns:
        return {}
    by = d["provider_id"]
    comp = d["kind"].isin(contracts.COMPLAINT_KINDS)
    rev = d["kind"].isin(contracts.REVIEW_KINDS)
    case = d["kind"].isin(contracts.CASE_KINDS)
    rating = pd.to_numeric(d["rating"], errors="coerce")
    first = pd.to_numeric(d["rating_first"], errors="coerce")
    raised = rev & (rating > first)
    complained = set(zip(d.loc[comp, "provider_id"], d.loc[comp, "author"], strict=True))
    after_complaint = raised & pd.Series(
        [(p, a) in complained for p, a in zip(by, d["author"], strict=True)], index=d.index
    )
    has = _has(d, "withdrawn", "deleted", "figures_changed")
    series = {
        "complaints_withdrawn": comp & has["withdrawn"],
        "reviews_deleted": rev & has["deleted"],
        "ratings_raised": raised,
        "ratings_raised_after_complaint": after_complaint,
        "case_figures_changed": case & has["figures_changed"],
    }
    return {k: v.groupby(by).sum() for k, v in series.items()}


def history_flags(out: pd.DataFrame) -> pd.DataFrame:
    """`finish`: add the history flags to providers whose shares are unusual for the market (all
    providers are needed for the market's share, so this runs over every provider)."""
    if "complaints_withdrawn" not in out.columns or out.empty:
        return out
    pairs = (
        ("complaints_withdrawn", out["complaints_withdrawn"], out["n_complaints"] + 0),
        ("reviews_removed", out["reviews_deleted"] + out["ratings_raised"], out["n_reviews"] + 0),
    )
    extra: dict[object, list[Message]] = {}
    for code, n, total in pairs:
        n, total = n.fillna(0).astype(float), total.fillna(0).astype(float)
        market = n.sum() / total.sum() if total.sum() > 0 else np.nan
        share = n / total.where(total > 0)
        unusual = (n >= MIN_EVENTS) & (share >= max(UNUSUAL_RATIO * market, UNUSUAL_FLOOR))
        for pid in out.index[unusual.fillna(False).to_numpy()]:
            args = {"n": int(n[pid]), "share": float(share[pid]), "market": float(market)}
            extra.setdefault(pid, []).append(Message(code, args))
    for pid in out.index[out["case_figures_changed"].fillna(0).to_numpy() > 0]:
        extra.setdefault(pid, []).append(
            Message("case_figures_changed", {"n": int(out.at[pid, "case_figures_changed"])})
        )
    if not extra:
        return out
    out = out.copy()
    codes, words = list(out["risk_flag_codes"]), list(out["risk_flags"])
    for k, pid in enumerate(out.index):
        for m in extra.get(pid, ()):
            codes[k] = [*codes[k], {"code": m.code, "args": m.args_json()}]
            words[k] = [*words[k], m.render()]
    out["risk_flag_codes"], out["risk_flags"] = codes, words
    return out
