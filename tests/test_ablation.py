"""The ablation's switches (#16): each signal switched off changes what it decides and nothing else."""

from __future__ import annotations

import pandas as pd

from evaluation.ablation import ablation_lines
from reputation.provider_marts import SIGNALS, compute_marts
from tests.test_claim_checks import claim, doc, registry
from tests.test_review_flags import honest_history, review


def _documents(rows) -> pd.DataFrame:
    """clean/documents rows from the test helpers' review and complaint dicts, with the columns the
    marts read and the helpers leave out."""
    return pd.DataFrame(rows).assign(
        title=None,
        fetched_at=pd.Timestamp("2026-01-01", tz="UTC"),
        amount_cny=None,
        status=None,
        reply_days=None,
        client=None,
        sentiment=0.5,
        sentiment_label=0,
    )


def _marts(off=frozenset()):
    providers = pd.DataFrame({"provider_id": ["p1"], "provider_name": ["甲"], "aliases": [[]]})
    paid = review(text="好评返现五元，服务还行，店铺的数据也还可以吧", rating=5.0, author="regular1")
    docs = [*honest_history(), paid]
    complaint = doc(
        "complaints:1", "complaint", author="悦家旗舰店", text="合作后销量下滑", label=-1, at="2025-04-01"
    )
    docs = _documents([*docs, complaint])
    return compute_marts(providers, docs, pd.DataFrame([claim("a")]), registry(), pd.DataFrame(), off=off)


def test_every_signal_has_a_switch_and_each_switch_turns_its_own_signal_off():
    assert {s.split(":")[0] for s in SIGNALS} == {"claim", "review", "score"}
    assert "claim:no_independent_evidence" not in SIGNALS  # the last rule always decides
    on = _marts()
    assert on["marts/claim_checks"]["verdict"].tolist() == ["refuted"]
    assert len(on["marts/review_flags"]) == 1
    no_complaint = _marts(frozenset({"claim:client_complained"}))
    assert no_complaint["marts/claim_checks"]["verdict"].tolist() == ["not_enough_evidence"]
    assert len(no_complaint["marts/review_flags"]) == 1  # the reviews are untouched
    assert _marts(frozenset({"review:incentive_wording"}))["marts/review_flags"].empty
    score = on["marts/provider_reputation"]["reputation_score"].iloc[0]
    no_rating = _marts(frozenset({"score:rating"}))["marts/provider_reputation"]["reputation_score"].iloc[0]
    assert no_rating != score


def test_the_ablation_table_shows_each_signals_cost_against_all_on():
    rows = [("(none)", {"macro_f1": 0.9, "spearman": 0.91}), ("claim:x", {"macro_f1": 0.7, "spearman": 0.91})]
    out = ablation_lines(rows)
    assert "macro_f1" in out[0] and "spearman" in out[0]
    assert "(-0.200)" in out[2] and "(+0.000)" in out[2]


def test_the_fresh_account_switch_turns_off_only_the_fresh_account_flag():
    assert "review:fresh_account_praise" in SIGNALS
    providers = pd.DataFrame({"provider_id": ["p1"], "provider_name": ["甲"], "aliases": [[]]})
    fresh = {**review(text="合作愉快，运营很用心，值得推荐", rating=5.0, author="xiaohao"), "author_level": 0}
    paid = {**review(text="好评返现五元，服务还行，店铺的数据也还可以吧", rating=5.0), "author_level": 0}
    docs = _documents([*({**r, "author_level": 8} for r in honest_history()), fresh, paid])

    def flagged(off=frozenset()):
        claims = pd.DataFrame([claim("a")])
        marts = compute_marts(providers, docs, claims, registry(), pd.DataFrame(), off=off)
        return set(marts["marts/review_flags"]["native_id"])

    assert flagged() == {fresh["native_id"], paid["native_id"]}
    # off: the fresh account's plain praise is no longer flagged; the paid one still is, by its wording
    assert flagged(frozenset({"review:fresh_account_praise"})) == {paid["native_id"]}
