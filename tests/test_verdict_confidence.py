"""How sure each verdict is, and how that reaches a provider's score (#16): a confidence per claim
verdict from its rule's measured precision, the page's own words read when its rows hold no levels,
and a provider's `confidence` discounted by the doubt of its verdicts and flags."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation import seeds as multi
from reputation import scores
from reputation.claim_checks import RULE_PRECISION, check_claims, confidence
from tests.test_claim_checks import claim, doc, registry


def checks(claims, docs=()):
    return check_claims(pd.DataFrame(claims), pd.DataFrame(list(docs)), registry()).set_index("claim_id")


def page(cid, text, **kw):
    """A case page whose rows hold no sales levels (the extractor read only a side figure), with its
    text in clean/documents."""
    row = claim(cid, before=None, after=None, growth=None, **kw)
    row["metric"] = "ROI"
    row["after"] = 5.0
    d = doc(f"cases:{cid}", "case_page", text=text, at="2025-06-01")
    return row, d


def test_every_verdict_has_a_confidence_from_its_rules_record():
    complaint = doc(
        "complaints:1", "complaint", author="悦家旗舰店", text="合作后销量下滑", label=-1, at="2025-04-01"
    )
    out = checks([claim("a"), claim("b", client="别家旗舰店")], [complaint])
    assert out.loc["a", "verdict"] == "refuted" and out.loc["b", "verdict"] == "not_enough_evidence"
    assert out.loc["a", "confidence"] == confidence("client_complained", "one")
    # Smoothed: a rule right 42 times of 43 is not trusted to 1.0, and silence is less sure than that.
    right, n = RULE_PRECISION[("client_complained", "one")]
    assert out.loc["a", "confidence"] == pytest.approx((right + 1) / (n + 2), abs=1e-3)
    assert out.loc["a", "confidence"] < 1.0
    assert 0.5 < out.loc["b", "confidence"] < out.loc["a", "confidence"]
    assert '"evidence_strength": "one"' in out.loc["a", "reason_args"]
    # A rule never measured (a new strength) sits at the uninformed middle.
    assert confidence("client_complained", "never_seen") == 0.5


def test_the_clients_own_account_is_set_against_the_pages_words_when_no_row_holds_its_levels():
    text = "接手前店铺月销售额只有50万。\n三个月后月销售额做到了200万。\n我们团队累计操盘GMV超过10亿。"
    row, d = page("a", text)
    lower = doc(
        "forum:1", "forum_answer", author="悦家旗舰店", text="月销售额从50万做到120万，还行", at="2025-05-20"
    )
    same = doc(
        "forum:2", "forum_answer", author="悦家旗舰店", text="月销售额从50万做到200万，靠谱", at="2025-05-20"
    )
    assert checks([row], [d, lower]).loc["a", ["verdict", "reason_code"]].tolist() == [
        "refuted",
        "client_reported_lower",
    ]
    assert checks([row], [d, same]).loc["a", "verdict"] == "supported"
    # Someone else quoting figures is not the client's own account.
    other = {**lower, "author": "路人甲"}
    assert checks([row], [d, other]).loc["a", "verdict"] == "not_enough_evidence"


def test_growth_the_pages_words_state_is_checked_when_no_row_holds_it():
    row, d = page("a", "月销售额原本在18W左右。\n两个月后是原来的45倍。", period=60)
    out = checks([row], [d])
    assert out.loc["a", "verdict"] == "implausible"
    modest, d2 = page("b", "月销售额原本在18W左右。\n两个月后是原来的2倍。", period=60)
    assert checks([modest], [d2]).loc["b", "verdict"] == "not_enough_evidence"
    # The agency's own scale (累计, 操盘) is not the client's growth.
    scale, d3 = page("c", "月销售额原本在18W左右，稳步增长。\n我们累计操盘GMV超过10亿。", period=60)
    assert checks([scale], [d3]).loc["c", "verdict"] == "not_enough_evidence"


def test_uncertain_verdicts_lower_a_providers_confidence_not_its_volume():
    idx = pd.Index(["sure", "unsure"], name="provider_id")
    checks_ = pd.DataFrame(
        {
            "provider_id": ["sure"] * 4 + ["unsure"] * 4,
            "verdict": ["refuted"] * 8,
            "confidence": [0.99] * 4 + [0.6] * 4,
        }
    )
    flags = pd.DataFrame({"provider_id": ["sure", "unsure"], "confidence": [0.99, 0.5], "weight": 0.2})
    claim_part = scores.claim_verdicts(checks_, idx)
    doubt = scores._flag_doubt(flags, idx)
    assert claim_part.loc["unsure", "_claims_doubt"] == pytest.approx(1.6)
    # A refutation right 60% of the time costs 60% of one: the unsure provider's cases keep more credit.
    assert claim_part.loc["unsure", "authenticity_score"] > claim_part.loc["sure", "authenticity_score"]
    assert doubt.loc["unsure", "_flags_doubt"] == pytest.approx(0.5)


def test_provider_confidence_falls_with_the_doubt_of_its_verdicts(monkeypatch):
    from tests.test_marts import _doc

    providers = pd.DataFrame(
        {"provider_id": ["sure", "unsure"], "provider_name": ["甲", "乙"], "aliases": [[], []]}
    )
    docs = pd.DataFrame(
        [
            _doc(i, p, "market_review", rating=4.0, sentiment=0.6)
            for p in ("sure", "unsure")
            for i in range(20)
        ]
    )
    cases = []
    for p in ("sure", "unsure"):
        cases += [
            {**claim(f"{p}{i}", provider=p, client=f"{p}店{i}号旗舰店"), "doc_id": f"cases:{p}{i}"}
            for i in range(5)
        ]
    from reputation.provider_marts import compute_marts

    base = compute_marts(providers, docs, pd.DataFrame(cases), registry(), pd.DataFrame())
    rep = base["marts/provider_reputation"].set_index("provider_id")
    # Same evidence, same verdicts: the same confidence.
    assert rep.loc["sure", "confidence"] == rep.loc["unsure", "confidence"]
    # Now the unsure provider's verdicts come from a rule with a poor record.
    real = scores.claim_verdicts

    def doubtful(checks_, idx):
        c = checks_.copy()
        c.loc[c["provider_id"] == "unsure", "confidence"] = 0.4
        return real(c, idx)

    monkeypatch.setattr(scores, "claim_verdicts", doubtful)
    rep = compute_marts(providers, docs, pd.DataFrame(cases), registry(), pd.DataFrame())[
        "marts/provider_reputation"
    ].set_index("provider_id")
    assert rep.loc["unsure", "verdict_doubt"] == pytest.approx(0.6)
    assert rep.loc["sure", "verdict_doubt"] < 0.2
    assert rep.loc["unsure", "confidence"] < rep.loc["sure", "confidence"]


def test_calibration_bins_confidence_against_how_often_verdicts_were_right():
    pairs = [(0.95, True)] * 19 + [(0.95, False)] + [(0.6, True)] * 6 + [(0.6, False)] * 4
    bins = multi.calibration(pairs)
    assert [(b["low"], b["high"]) for b in bins] == [(0.5, 0.7), (0.95, 1.0)]
    low, high = bins
    assert low["accuracy"]["n"] == 10 and low["accuracy"]["value"] == pytest.approx(0.6)
    assert high["confidence"] == pytest.approx(0.95) and high["accuracy"]["value"] == pytest.approx(0.95)
    assert high["accuracy"]["low"] < 0.95 < high["accuracy"]["high"]
    assert multi.calibration([]) == []
