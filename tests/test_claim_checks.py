"""Claim verdicts from independent evidence, one rule per test, on hand-made clean frames."""

from __future__ import annotations

import pandas as pd

from reputation.claim_checks import check_claims, growth_ceiling_pct

UTC = "UTC"


def claim(
    cid,
    provider="p1",
    client="悦家旗舰店",
    before=500_000.0,
    after=1_000_000.0,
    growth=None,
    period=90,
    at="2025-06-01",
    category="女装",
    doc=None,
):
    return {
        "claim_id": cid,
        "doc_id": doc or f"cases:{cid}",
        "provider_id": provider,
        "source_url": f"http://x/cases/{provider}/case/{cid}.html",
        "kind": "success_case",
        "client": client,
        "category": category,
        "metric": "GMV",
        "before": before,
        "after": after,
        "growth_pct": growth,
        "period_days": period,
        "claimed_at": pd.Timestamp(at, tz=UTC),
    }


def doc(doc_id, kind, provider="p1", author=None, text="", at="2025-05-01", label=0, cluster=None):
    source, native = doc_id.split(":", 1)
    return {
        "doc_id": doc_id,
        "source": source,
        "native_id": native,
        "kind": kind,
        "provider_id": provider,
        "author": author,
        "title": None,
        "text": text,
        "created_at": pd.Timestamp(at, tz=UTC),
        "sentiment_label": label,
        "sentiment": 0.5,
        "dup_cluster": cluster if cluster is not None else hash(doc_id),
    }


def registry(provider="p1", established="2015-01-01", staff=50):
    return pd.DataFrame(
        [
            {
                "provider_id": provider,
                "company_id": f"c-{provider}",
                "legal_name": "某某公司",
                "established": pd.Timestamp(established).date(),
                "staff_insured": staff,
                "fetched_at": pd.Timestamp("2026-01-01", tz=UTC),
            }
        ]
    )


def verdicts(claims, docs=(), reg=None):
    out = check_claims(pd.DataFrame(claims), pd.DataFrame(list(docs)), reg if reg is not None else registry())
    return dict(
        zip(
            out["claim_id"],
            zip(out["verdict"], out["evidence"], out["reason_code"], strict=True),
            strict=True,
        )
    )


def test_clients_own_complaint_in_the_period_refutes_the_case():
    v = verdicts(
        [claim("a")],
        [
            doc(
                "complaints:sn1",
                "complaint",
                author="悦家旗舰店",
                text="合作后销量下滑",
                label=-1,
                at="2025-04-01",
            )
        ],
    )
    assert v["a"][0] == "refuted"
    assert v["a"][1] == ["complaints:sn1"]
    assert v["a"][2] == "client_complained"


def test_a_complaint_long_before_the_period_does_not_count():
    v = verdicts([claim("a")], [doc("complaints:sn1", "complaint", author="悦家旗舰店", at="2023-01-01")])
    assert v["a"][0] == "not_enough_evidence"


def test_case_before_the_company_existed_is_refuted_by_the_registry():
    # The page prints its start (2015年12月), read at clean time into case_start.
    started = {**claim("a", at="2016-03-01"), "case_start": pd.Timestamp("2015-12-01", tz=UTC)}
    v = verdicts([started], reg=registry(established="2016-01-15"))
    assert v["a"][0] == "refuted"
    assert v["a"][1] == ["registry:c-p1"]
    # A page that prints no start: the start guessed from its publication (minus a five-year period)
    # is a window for the client's words, never proof against the provider.
    guessed = claim("b", at="2016-03-01", before=1e6, after=2e6, period=1825)
    assert verdicts([guessed], reg=registry(established="2016-01-15"))["b"][0] == "not_enough_evidence"


def test_the_agencys_own_totals_are_not_checked_as_its_clients_case():
    # 年操盘GMV超过10亿 on a case page: a lone level over years, or far above the case's own end level.
    pair = claim("a", doc="cases:p", before=500_000.0, after=1_200_000.0)
    totals = [
        claim("b", doc="cases:p", before=None, after=1e9, period=2920),
        claim("c", doc="cases:p", before=None, after=1e8, period=90),
    ]
    lone = claim("d", doc="cases:q", before=None, after=3.5e7, period=30)  # no pair to dwarf: kept
    said = "我们店从50万做到120万"
    client = doc("forum:1", "forum_answer", author="悦家旗舰店", text=said, at="2025-05-20")
    v = verdicts([pair, *totals, lone], [client])
    assert set(v) == {"a", "d"}
    assert v["a"][0] == "supported"  # the client's own figures are the pair's, not the totals'


def test_tiny_team_with_many_categories_is_refuted():
    cats = ["女装", "男装", "美妆", "母婴", "家电", "食品", "宠物", "家居", "数码", "运动"]
    claims = [claim(f"c{i}", category=c) for i, c in enumerate(cats)]
    v = verdicts(claims, reg=registry(staff=2))
    assert {x[0] for x in v.values()} == {"refuted"}
    # The same cases from a fifty-person company are fine.
    v = verdicts(claims, reg=registry(staff=50))
    assert {x[0] for x in v.values()} == {"not_enough_evidence"}


def test_same_case_on_another_providers_earlier_page_is_duplicated():
    v = verdicts(
        [claim("orig", provider="p2", at="2024-01-01"), claim("copy", provider="p1", at="2025-01-01")],
        reg=pd.concat([registry("p1"), registry("p2")]),
    )
    assert v["copy"][0] == "duplicated"
    assert v["copy"][1] == ["cases:orig"]
    assert v["orig"][0] == "not_enough_evidence"


def test_growth_beyond_the_ceiling_is_implausible():
    assert growth_ceiling_pct(30) < growth_ceiling_pct(90) < growth_ceiling_pct(365)
    v = verdicts([claim("a", before=10_000.0, after=5_000_000.0, period=30)])
    assert v["a"][0] == "implausible"
    assert v["a"][2] == "growth_beyond_period"


def test_clients_positive_review_in_the_period_supports_the_case():
    v = verdicts(
        [claim("a")],
        [doc("market:r1", "market_review", author="悦家旗舰店", text="合作三个月销量翻倍，很满意", label=1)],
    )
    assert v["a"] == ("supported", ["market:r1"], v["a"][2])


def test_someone_elses_review_does_not_support_the_case():
    v = verdicts(
        [claim("a")], [doc("market:r1", "market_review", author="另一家店", text="销量翻倍", label=1)]
    )
    assert v["a"][0] == "not_enough_evidence"


def test_no_claims_gives_an_empty_table():
    assert check_claims(pd.DataFrame(), pd.DataFrame(), pd.DataFrame()).empty


def outcome(cid, doc_id, after, provider="p1", client="悦家旗舰店", metric="销售额", kind="actual_outcome"):
    """A claim read from a merchant's complaint or answer (what happened, or what was promised)."""
    row = claim(cid, provider=provider, client=client, before=None, after=after, doc=doc_id)
    return {**row, "kind": kind, "metric": metric}


def test_clients_own_lower_outcome_refutes_the_case():
    # The case page says GMV reached 100万; the same shop's answer about this provider says 销售额 20万.
    got = verdicts([claim("c1"), outcome("o1", "forum:a1", 200_000.0)])
    assert set(got) == {"c1"}  # what happened is evidence, not a verdict row of its own
    verdict, ev, why = got["c1"]
    assert (verdict, ev, why) == ("refuted", ["forum:a1"], "client_reported_lower")
    out = check_claims(
        pd.DataFrame([claim("c1"), outcome("o1", "forum:a1", 200_000.0)]), pd.DataFrame(), registry()
    )
    assert "200,000" in out["reason"].iloc[0]  # the merchant reads the client's own figure


def test_outcome_at_the_claimed_level_or_from_another_client_does_not_refute():
    assert verdicts([claim("c1"), outcome("o1", "forum:a1", 980_000.0)])["c1"][0] == "not_enough_evidence"
    other = outcome("o1", "forum:a1", 200_000.0, client="别家专营店")
    assert verdicts([claim("c1"), other])["c1"][0] == "not_enough_evidence"
    elsewhere = outcome("o1", "forum:a1", 200_000.0, provider="p2")
    assert verdicts([claim("c1"), elsewhere])["c1"][0] == "not_enough_evidence"


def test_broken_promise_is_refuted():
    # One complaint: 承诺三个月做到50万, 结果每月不到5万.
    promise = outcome("p1#0", "complaints:9", 500_000.0, kind="promise")
    happened = outcome("p1#1", "complaints:9", 50_000.0)
    got = verdicts([promise, happened])
    assert set(got) == {"p1#0"}
    verdict, ev, why = got["p1#0"]
    assert (verdict, ev, why) == ("refuted", ["complaints:9"], "promise_broken")


def test_kept_or_unreported_promise_is_not_refuted():
    promise = outcome("p1#0", "complaints:9", 500_000.0, kind="promise")
    kept = outcome("p1#1", "complaints:9", 520_000.0)
    assert verdicts([promise, kept])["p1#0"][0] == "not_enough_evidence"
    other_metric = outcome("p1#1", "complaints:9", 50.0, metric="访客")
    assert verdicts([promise, other_metric])["p1#0"][0] == "not_enough_evidence"
    assert verdicts([promise])["p1#0"][0] == "not_enough_evidence"


def test_verdict_rows_say_whether_they_check_a_case_or_a_promise():
    promise = outcome("p1#0", "complaints:9", 500_000.0, kind="promise")
    out = check_claims(pd.DataFrame([claim("c1"), promise]), pd.DataFrame(), registry())
    assert dict(zip(out["claim_id"], out["kind"], strict=True)) == {"c1": "success_case", "p1#0": "promise"}


def test_the_rules_run_in_the_order_the_docstring_numbers_them():
    import re

    from reputation import claim_checks

    numbered = re.findall(r"^\d\. \w+ \(`(\w+)`\)", claim_checks.__doc__, flags=re.M)
    assert numbered == [r.__name__ for r in claim_checks.RULES]


def test_first_rule_that_fires_wins():
    # The client complained in the period (rule 1) and the growth is implausible (rule 7): refuted.
    v = verdicts(
        [claim("a", before=10_000.0, after=5_000_000.0, period=30)],
        [doc("complaints:sn1", "complaint", author="悦家旗舰店", text="合作后销量下滑", at="2025-05-15")],
    )
    assert v["a"][2] == "client_complained"


def test_case_page_facts_come_from_the_clean_claims_columns():
    # The page printed "2015年6月" as its start (read at clean time into case_start): no document needed.
    c = {**claim("a", period=None), "case_start": pd.Timestamp("2015-06-01", tz=UTC)}
    assert verdicts([c], reg=registry(established="2016-01-15"))["a"][2] == "before_registration"
    assert verdicts([claim("a", period=None)], reg=registry(established="2016-01-15"))["a"][0] == (
        "not_enough_evidence"
    )
    # The category count the page states counts toward the small-team check.
    c = {**claim("a"), "case_categories": 12}
    assert verdicts([c], reg=registry(staff=2))["a"][2] == "team_too_small"
    assert verdicts([claim("a")], reg=registry(staff=2))["a"][0] == "not_enough_evidence"


def test_clients_own_figures_support_even_a_steep_case_and_other_figures_do_not_confirm():
    steep = claim("a", before=10_000.0, after=5_000_000.0, period=30)
    # Rule 6 before rule 7: the client states the page's figures, so the steep growth is supported.
    same = doc("market:r1", "market_review", author="悦家旗舰店", text="从1万做到了500万，销量翻倍", label=1)
    v = verdicts([steep], [same])
    assert v["a"][0] == "supported" and v["a"][2] == "client_same_figures"
    # The client's warm words with figures of its own (rule 8 does not fire): the growth check decides.
    other = doc("market:r2", "market_review", author="悦家旗舰店", text="从3万做到了8万，销量翻倍", label=1)
    assert verdicts([steep], [other])["a"][2] == "growth_beyond_period"


def _started(row, month):
    return {**row, "case_start": pd.Timestamp(month, tz=UTC)}


def test_disguised_copy_with_nudged_figures_alias_and_shifted_month_is_duplicated():
    orig = _started(claim("orig", provider="p2", at="2024-09-01"), "2024-03-01")
    # The copier names the brand with a tail (悦家家), moves the start two months, nudges both figures.
    copy = _started(
        claim("copy", provider="p1", client="悦家家", before=560_000.0, after=880_000.0, at="2025-01-01"),
        "2024-05-01",
    )
    v = verdicts([orig, copy], reg=pd.concat([registry("p1"), registry("p2")]))
    assert v["copy"][:3] == ("duplicated", ["cases:orig"], "copied_from_other")
    assert v["orig"][0] == "not_enough_evidence"


def test_same_brand_with_other_levels_or_a_later_season_is_not_a_copy():
    orig = _started(claim("orig", provider="p2", at="2024-09-01"), "2024-03-01")
    other_levels = _started(
        claim("lv", provider="p1", client="悦家官方", before=200_000.0, after=900_000.0, at="2025-01-01"),
        "2024-04-01",
    )
    later = _started(
        claim("later", provider="p3", client="悦家品牌", before=520_000.0, after=980_000.0, at="2025-06-01"),
        "2024-08-01",
    )
    reg = pd.concat([registry("p1"), registry("p2"), registry("p3")])
    v = verdicts([orig, other_levels, later], reg=reg)
    assert v["lv"][0] == "not_enough_evidence"
    assert v["later"][0] == "not_enough_evidence"


def test_clients_own_review_with_a_lower_end_figure_refutes_an_inflated_case():
    review = "我们是悦家旗舰店。2025年3月开始交给他们托管，三个月GMV从50万做到了110万，还行。"
    v = verdicts(
        [claim("a", before=500_000.0, after=1_600_000.0)],
        [doc("market:r1", "market_review", author="悦家旗舰店", text=review, at="2025-07-01", label=1)],
    )
    assert v["a"] == ("refuted", ["market:r1"], "client_reported_lower")


def test_clients_growth_percentage_below_the_page_refutes_and_same_figures_support():
    pct = "悦家旗舰店，2025年3月签的约，GMV之前50万上下，三个月后涨了120%。"
    same = "悦家旗舰店，2025年3月签的约，三个月GMV从50万做到了160万。"
    claims = [claim("a", before=500_000.0, after=1_600_000.0)]
    low = verdicts(claims, [doc("market:r1", "market_review", author="悦家旗舰店", text=pct, label=1)])
    assert low["a"][0] == "refuted"
    ok = verdicts(claims, [doc("market:r2", "market_review", author="悦家旗舰店", text=same, label=1)])
    assert ok["a"][0] == "supported"
    # Someone else's figures are not the client's account.
    other = verdicts(claims, [doc("market:r3", "market_review", author="路人甲", text=pct, label=1)])
    assert other["a"][0] == "not_enough_evidence"


def test_copy_split_over_rows_is_found_by_page_and_marks_the_whole_page():
    orig = _started(claim("orig", provider="p2", at="2024-09-01"), "2024-03-01")
    # The copier's page: the extractor read the start level and the end level on separate rows, and a
    # unit price (客单价) on a third; all three rows are the copied page.
    page = {"provider": "p1", "client": "悦家官方", "at": "2025-01-01", "doc": "cases:copy"}
    rows = [
        _started(claim("c1", before=540_000.0, after=None, **page), "2024-02-01"),
        _started(claim("c2", before=None, after=1_080_000.0, **page), "2024-02-01"),
        _started(claim("c3", before=129.0, after=149.0, **page), "2024-02-01"),
    ]
    v = verdicts([orig, *rows], reg=pd.concat([registry("p1"), registry("p2")]))
    assert {v[c][0] for c in ("c1", "c2", "c3")} == {"duplicated"}
    assert v["c3"][1] == ["cases:orig"]


def test_inflated_page_split_over_rows_is_refuted_by_its_pair_not_by_a_company_total():
    page = {"client": "悦家旗舰店", "doc": "cases:p"}
    rows = [
        claim("pair", before=500_000.0, after=1_600_000.0, **page),
        claim("total", before=None, after=1_000_000_000.0, **page),  # 累计服务GMV 10亿
        claim("ratio", before=1.2, after=3.5, **page),
    ]
    review = "悦家旗舰店，2025年3月签的约，三个月GMV从50万做到了110万。"
    v = verdicts(rows, [doc("market:r1", "market_review", author="悦家旗舰店", text=review, label=1)])
    assert {v[c][2] for c in ("pair", "ratio")} == {"client_reported_lower"}
    assert "total" not in v  # the agency's own total is not a claim about this client
    # Without a row stating both levels, a lone total is not compared with the client's figures.
    lone = verdicts(rows[1:], [doc("market:r1", "market_review", author="悦家旗舰店", text=review, label=1)])
    assert "refuted" not in {x[0] for x in lone.values()}


def test_lower_outcome_in_an_account_of_a_renewal_or_a_later_contract_does_not_refute():
    # The case: 2025-03 to 2025-06. The client's forum answers speak of a renewed contract, or of one
    # signed a year later: what went wrong then says nothing about the claimed period.
    case = claim("c1")
    renewal = "悦家旗舰店于2025年6月续约后与他们签订代运营合同，结果销售额只有20万。"
    later = "悦家旗舰店于2026年6月与他们签订代运营合同，结果销售额只有20万。"
    during = "悦家旗舰店于2025年3月与他们签订代运营合同，结果销售额只有20万。"
    got = {}
    for name, text in (("renewal", renewal), ("later", later), ("during", during)):
        d = doc("forum:a9", "forum_answer", author="悦家旗舰店", text=text, at="2025-09-01")
        got[name] = verdicts([case, outcome("o1", "forum:a9", 200_000.0)], [d])["c1"]
    assert got["renewal"][0] == "not_enough_evidence"
    assert got["later"][0] == "not_enough_evidence"
    assert got["during"] == ("refuted", ["forum:a9"], "client_reported_lower")


def test_case_page_start_is_read_in_the_numeric_forms_pages_print():
    from pipelines.case_pages import case_facts

    assert case_facts("2022.1，该品牌正式把店铺交给我们。")["start"] == pd.Timestamp("2022-01-01", tz=UTC)
    assert case_facts("2021/11 签约，从3万做到9万。")["start"] == pd.Timestamp("2021-11-01", tz=UTC)
    # An amount is not a month, and the first month printed is the start.
    assert case_facts("月销从2022.5万做到4000万")["start"] is None
    assert case_facts("2019年3月签约，2020.2复盘")["start"] == pd.Timestamp("2019-03-01", tz=UTC)


def test_case_period_is_the_one_the_result_line_states_not_the_onboarding_week():
    from pipelines.case_pages import case_facts

    page = (
        "2018年2月份签约，团队一周内进场。\n提前四十天备货备内容。\n从年销售额16万元做到38w，只用了24个月。"
    )
    assert case_facts(page)["period_days"] == 720  # 24 months of 30 days
    # Without a result line, the first line with a period cue still gives it.
    assert case_facts("合作周期三个月，效果明显。")["period_days"] == 90


def test_growth_beyond_the_period_is_seen_when_the_levels_are_split_over_rows():
    # "月GMV从45万做到3400万，只用了60天" read as two rows, plus the company's 累计10亿 on a third.
    page = {"doc": "cases:p", "period": 60}
    rows = [
        claim("start", before=450_000.0, after=None, **page),
        claim("end", before=None, after=34_000_000.0, **page),
        claim("total", before=None, after=1_000_000_000.0, **{**page, "period": 1460}),
    ]
    v = verdicts(rows)
    assert v["end"][:1] == ("implausible",) and v["end"][2] == "growth_beyond_period"
    # The same page with a plausible end level: nothing is implausible (the total is not its end).
    rows[1] = claim("end", before=None, after=800_000.0, **page)
    assert "implausible" not in {x[0] for x in verdicts(rows).values()}


def test_a_start_level_is_never_grown_into_the_agencys_own_total():
    # The extractor read the page's start (9万) but missed its end; the page's other level is the
    # agency's own scale (年操盘GMV超过20亿, "深耕15年"): 9万 → 20亿 is no growth anyone claimed.
    page = {"doc": "cases:p", "period": 60}
    rows = [
        claim("start", before=90_000.0, after=None, **page),
        claim("total", before=None, after=2e9, doc="cases:p", period=5475),
    ]
    v = verdicts(rows)
    assert set(v) == {"start"}
    assert v["start"][0] == "not_enough_evidence"
    # A real end level on the page still counts: 9万 → 900万 in 60 days is beyond the period.
    grown = verdicts([*rows, claim("end", before=None, after=9_000_000.0, **page)])
    assert grown["start"][0] == "implausible"


def test_broken_promises_find_the_same_outcomes_as_checking_every_pair():
    # broken_promises looks outcomes up by (metric, document) and (metric, provider, client) instead of
    # scanning them all for each promise (quadratic at 10^6 documents): the verdicts and the evidence, in
    # order, must be what checking every promise against every outcome gives, missing ids included.
    import math
    import random

    from pipelines.names import name_key
    from reputation.claim_checks import _metric_key, _outcome_rows, _short_of, broken_promises

    rng = random.Random(7)
    docs, providers = [f"complaints:{i}" for i in range(12)], ["p1", "p2", None, math.nan]
    clients, metrics = ["悦家旗舰店", "悅家旗艦店", "别家专营店", None, ""], ["销售额", "GMV", "访客", None]
    rows = [
        outcome(
            f"c{i}",
            rng.choice(docs),
            rng.choice([None, 20_000.0, 50_000.0, 400_000.0, 500_000.0, 900_000.0]),
            provider=rng.choice(providers),
            client=rng.choice(clients),
            metric=rng.choice(metrics),
            kind=rng.choice(["promise", "actual_outcome"]),
        )
        for i in range(400)
    ]
    frame = pd.DataFrame(rows)
    promises, outcomes = frame[frame["kind"] == "promise"], frame[frame["kind"] == "actual_outcome"]
    got = broken_promises(promises, outcomes)

    happened = _outcome_rows(outcomes)
    want = []
    for p in promises.to_dict("records"):
        key, level = _metric_key(p["metric"]), None if pd.isna(p["after"]) else float(p["after"])
        client = name_key(p["client"])
        short = [
            o
            for o in happened
            if key is not None
            and level is not None
            and o["_metric"] == key
            and (
                o["doc_id"] == p["doc_id"]
                or (o["provider_id"] == p["provider_id"] and client and o["_client"] == client)
            )
            and _short_of(o, level)
        ]
        want.append(("refuted" if short else "not_enough_evidence", sorted({o["doc_id"] for o in short})))
    assert list(zip(got["verdict"], got["evidence"].map(list), strict=True)) == want
    assert sum(v == "refuted" for v, _ in want) >= 20  # the mix does exercise both ways of matching
    assert any(pd.isna(p["provider_id"]) and p["client"] for p in promises.to_dict("records"))
