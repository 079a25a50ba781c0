"""Reputation and monthly marts as pure functions on small hand-made frames."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from pipelines.contracts import ITEM_TYPES, PROVIDER_REPUTATION
from pipelines.fees import fees_from_texts
from pipelines.messages import render
from reputation.provider_marts import compute_marts
from reputation.scores import bayes_mean, wilson_low

UTC = "UTC"


def test_bayes_mean_shrinks_few_ratings_toward_the_market():
    out = bayes_mean(pd.Series([5.0, 5.0]), pd.Series([1, 1000]), prior_mean=3.0, prior_n=10)
    assert out[0] == pytest.approx((5 + 30) / 11)
    assert out[1] == pytest.approx((5000 + 30) / 1010)


def test_wilson_lower_bound_rewards_volume():
    low = wilson_low(pd.Series([9, 90]), pd.Series([10, 100]))
    assert 0 < low[0] < low[1] < 0.9
    assert math.isnan(wilson_low(pd.Series([0]), pd.Series([0]))[0])


def test_fees_and_commission_from_text():
    lo, hi, pct = fees_from_texts(["他们的月服务费3000-8000元，另外收销售额5%的提成", "基础费一年6万"])
    assert (lo, hi, pct) == (3000.0, 8000.0, 5.0)
    assert fees_from_texts(["去年GMV做到了500万"]) == (None, None, None)


def _doc(
    i,
    provider,
    kind,
    rating=None,
    sentiment=0.5,
    status=None,
    amount=None,
    reply=None,
    text="评价内容",
    at="2025-03-05",
):
    source = ITEM_TYPES[kind].source
    return {
        "doc_id": f"{source}:{provider}{i}",
        "source": source,
        "kind": kind,
        "native_id": f"{provider}{i}",
        "provider_id": provider,
        "author": f"a{i}",
        "title": None,
        "text": text,
        "text_chars": len(text),
        "created_at": pd.Timestamp(at, tz=UTC),
        "fetched_at": pd.Timestamp("2026-01-01", tz=UTC),
        "rating": rating,
        "amount_cny": amount,
        "status": status,
        "reply_days": reply,
        "client": None,
        "dup_cluster": hash((provider, i)) % 10**9,
        "sentiment": sentiment,
        "sentiment_label": 1 if sentiment > 0.6 else (-1 if sentiment < 0.4 else 0),
    }


@pytest.fixture
def world():
    providers = pd.DataFrame(
        {
            "provider_id": ["good", "bad", "silent"],
            "provider_name": ["好店", "坏店", "无声"],
            "aliases": [["好店网络"], [], []],
        }
    )
    docs = [_doc(i, "good", "market_review", rating=5.0, sentiment=0.9) for i in range(30)]
    docs += [_doc(100 + i, "bad", "market_review", rating=2.0, sentiment=0.2) for i in range(20)]
    docs += [
        _doc(
            200 + i,
            "bad",
            "complaint",
            sentiment=0.1,
            status="处理中",
            amount=5000.0,
            reply=12.0,
            at="2025-04-02",
        )
        for i in range(8)
    ]
    docs += [_doc(300, "good", "complaint", sentiment=0.3, status="已完成", amount=800.0, reply=1.0)]
    docs += [_doc(400, "good", "forum_answer", sentiment=0.8, text="他们月服务费5000元左右，挺靠谱")]
    registry = pd.DataFrame(
        [
            {
                "provider_id": "good",
                "company_id": "c1",
                "legal_name": "好店网络",
                "reg_status": "存续",
                "reg_capital_cny": 1e7,
                "established": pd.Timestamp("2012-01-01").date(),
                "staff_insured": 80,
                "lawsuit_count": 0,
                "abnormal_count": 0,
                "fetched_at": pd.Timestamp("2026-01-01", tz=UTC),
            },
            {
                "provider_id": "bad",
                "company_id": "c2",
                "legal_name": "坏店网络",
                "reg_status": "存续",
                "reg_capital_cny": 1e6,
                "established": pd.Timestamp("2021-01-01").date(),
                "staff_insured": 3,
                "lawsuit_count": 4,
                "abnormal_count": 1,
                "fetched_at": pd.Timestamp("2026-01-01", tz=UTC),
            },
        ]
    )
    listings = pd.DataFrame(
        [
            {
                "provider_id": "good",
                "service_code": "s1",
                "tp_star": 5,
                "price_min_cny": 3000.0,
                "price_max_cny": 9000.0,
            }
        ]
    )
    claims = pd.DataFrame(
        [
            {
                "claim_id": "k1",
                "doc_id": "cases:k1",
                "provider_id": "bad",
                "source_url": "http://x/cases/bad/case/k1.html",
                "client": "某店",
                "category": "女装",
                "metric": "GMV",
                "before": 10_000.0,
                "after": 9_000_000.0,
                "growth_pct": None,
                "period_days": 30,
                "claimed_at": pd.Timestamp("2025-01-01", tz=UTC),
            },
        ]
    )
    return compute_marts(providers, pd.DataFrame(docs), claims, registry, listings)


def test_reputation_has_every_schema_column_and_one_row_per_provider(world):
    rep = world["marts/provider_reputation"]
    missing = set(PROVIDER_REPUTATION.names) - set(rep.columns) - {"built_at", "schema_version"}
    assert not missing
    assert sorted(rep["provider_id"]) == ["bad", "good", "silent"]


def test_good_provider_outscores_bad_one_and_flags_say_why(world):
    rep = world["marts/provider_reputation"].set_index("provider_id")
    assert rep.at["good", "reputation_score"] > rep.at["bad", "reputation_score"] + 30
    assert 0 <= rep.at["bad", "reputation_score"] <= 100
    codes = {f["code"]: json.loads(f["args"]) for f in rep.at["bad", "risk_flag_codes"]}
    assert codes["cases_implausible"] == {"n": 1, "total": 1}
    assert codes["small_team"] == {"staff": 3}
    assert {"abnormal_operations", "no_tp"} <= set(codes)
    # The text column is the same flags in Chinese, in the same order.
    flags = list(rep.at["bad", "risk_flags"])
    assert flags == [render(f["code"], f["args"], "zh") for f in rep.at["bad", "risk_flag_codes"]]
    assert "1个成功案例中1个增长不合常理" in flags and "参保人数仅3人" in flags
    assert rep.at["good", "tp_star"] == 5
    assert (rep.at["good", "fee_monthly_min_cny"], rep.at["good", "fee_monthly_max_cny"]) == (3000.0, 9000.0)
    assert rep.at["bad", "n_complaints"] == 8 and rep.at["bad", "complaints_amount_cny"] == 40_000.0
    assert rep.at["bad", "complaints_completed_share"] == 0.0
    assert rep.at["good", "median_reply_days"] == 1.0
    assert rep.at["good", "n_ratings"] == 30 and rep.at["good", "n_kept"] == 30


def test_silent_provider_has_low_confidence_and_says_so(world):
    rep = world["marts/provider_reputation"].set_index("provider_id")
    assert rep.at["silent", "confidence_band"] == "low"
    assert rep.at["silent", "n_documents"] == 0
    assert "未找到独立证据" in rep.at["silent", "risk_flags"]
    assert rep.at["good", "confidence"] > rep.at["silent", "confidence"]


def test_monthly_counts_by_provider_and_month(world):
    m = world["marts/provider_monthly"].set_index(["provider_id", "month"])
    assert m.at[("bad", "2025-04"), "n_complaints"] == 8
    assert m.at[("bad", "2025-03"), "n_reviews"] == 20
    assert m.at[("bad", "2025-03"), "rating_mean"] == 2.0


def test_texts_that_quote_no_fee_leave_fees_empty_without_listings():
    providers = pd.DataFrame({"provider_id": ["p"], "provider_name": ["某店"], "aliases": [[]]})
    docs = pd.DataFrame([_doc(1, "p", "forum_answer", text="服务费谈不上贵，但效果一般")])
    out = compute_marts(providers, docs, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    rep = out["marts/provider_reputation"].set_index("provider_id")
    assert pd.isna(rep.at["p", "fee_monthly_min_cny"]) and pd.isna(rep.at["p", "commission_pct_mentioned"])


def test_marts_of_an_empty_tree_list_the_watched_providers(tmp_path):
    import datetime as dt

    from incremental_build.marts import build_marts
    from pipelines.storage import DataTree, read_table

    tree = DataTree(tmp_path / "data")
    counts = build_marts(tree, watchlist=[{"id": "huofu", "name": "火蝠电商"}], now=dt.datetime(2026, 1, 1))
    assert counts["provider_reputation"] == 1 and counts["claim_checks"] == 0
    rep = read_table(tree, "marts/provider_reputation").to_pandas()
    assert rep.loc[0, "provider_id"] == "huofu" and rep.loc[0, "confidence_band"] == "low"
