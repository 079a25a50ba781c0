"""extract() and the number parsing it exports: the parts of a claim pulled apart, in base units."""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.claims import Claim, extract, parse_amount, parse_amount_range, parse_period_days
from pipelines.text import normalize


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50万", 500_000.0),
        ("1.2亿", 120_000_000.0),
        ("千万", 10_000_000.0),
        ("三百万", 3_000_000.0),
        ("2,156.2百万元", 2_156_200_000.0),
        ("12.5%", 12.5),
        ("5w", 50_000.0),
        ("3k", 3000.0),
        ("一千二百万", 12_000_000.0),
        ("一万五", 15_000.0),
        ("十五万", 150_000.0),
        ("两千块", 2000.0),
        ("破千万", 10_000_000.0),
        ("百分之三十", 30.0),
        ("一点二亿", 120_000_000.0),
        ("500000元", 500_000.0),
        ("300多万", 3_000_000.0),  # "and some": the stated part is the figure
        ("二十多万", 200_000.0),
        ("三百余万", 3_000_000.0),
        ("千万别找他们", None),
        ("十分感谢", None),
        ("没有数字", None),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("月服务费3000-8000元", (3000.0, 8000.0)),
        ("3-5万", (30_000.0, 50_000.0)),
        ("2万到5万", (20_000.0, 50_000.0)),
        ("提成5%", (5.0, 5.0)),
        ("¥3000-¥8000/月", (3000.0, 8000.0)),
        ("面议", None),
    ],
)
def test_parse_amount_range(text, expected):
    assert parse_amount_range(text) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("三个月", 90),
        ("半年", 182),
        ("一年", 365),
        ("30天", 30),
        ("两周", 14),
        ("一个季度", 90),
        ("3个月", 90),
        ("一年半", 547),
        ("半个月", 15),
        ("两年", 730),
        ("十五天", 15),
        ("2023年1月", None),
        ("三月份", None),
        ("第四个月", None),
        ("没有", None),
    ],
)
def test_parse_period_days(text, days):
    assert parse_period_days(text) == days


def _one(text: str) -> Claim:
    claims = extract(text)
    assert len(claims) == 1, claims
    return claims[0]


def test_success_case_with_client_metric_before_after_period():
    c = _one("我们为某某女装旗舰店提供全店托管，合作三个月，GMV从50万做到300万。")
    assert dataclasses.astuple(c)[:7] == (
        "success_case",
        "某某女装旗舰店",
        "GMV",
        500_000.0,
        3_000_000.0,
        500.0,
        90,
    )
    assert c.span.startswith("我们为某某女装旗舰店")


def test_case_page_before_and_after_in_two_clauses_and_a_rate():
    claims = extract(
        "成功案例：某某母婴旗舰店，接手前月销售额8万，接手后月销售额65万，转化率从1.2%提升到3.5%。"
    )
    assert [(c.metric, c.before, c.after, c.growth_pct) for c in claims] == [
        ("销售额", 80_000.0, 650_000.0, 712.5),
        ("转化率", 1.2, 3.5, None),
    ]
    assert {c.client for c in claims} == {"某某母婴旗舰店"}


def test_stated_growth_completes_the_claim():
    c = _one("帮助XX家居旗舰店在双十一期间销售额突破2,156.2百万元，同比增长45%。")
    assert (c.metric, c.before, c.after, c.growth_pct) == ("销售额", None, 2_156_200_000.0, 45.0)


def test_client_named_earlier_on_a_case_page_carries_over():
    claims = extract("客户案例：暖阳家居旗舰店\n服务周期：半年\n店铺粉丝从5000增长到12万。")
    assert [(c.kind, c.client, c.metric, c.before, c.after, c.period_days) for c in claims] == [
        ("success_case", "暖阳家居旗舰店", "粉丝", 5000.0, 120_000.0, 182)
    ]


def test_promise():
    c = _one("承诺三个月内把销售额做到100万，做不到全额退款。")
    assert (c.kind, c.metric, c.after, c.period_days) == ("promise", "销售额", 1_000_000.0, 90)
    c = _one("保证一个季度内GMV翻倍。")
    assert (c.kind, c.metric, c.growth_pct, c.period_days) == ("promise", "GMV", 100.0, 90)


def test_merchant_outcome_and_money_in_one_sentence():
    claims = extract("交给他们半年，我的店销售额从每月20万掉到5万，还交了3万服务费。")
    assert [(c.kind, c.metric, c.before, c.after, c.growth_pct, c.period_days) for c in claims] == [
        ("actual_outcome", "销售额", 200_000.0, 50_000.0, -75.0, 182),
        ("actual_outcome", "服务费", None, 30_000.0, None, 182),
    ]


def test_fees_paid_and_commission_are_what_happened():
    claims = extract("当初交了月服务费3000-8000元，提成5%。")
    assert [(c.kind, c.metric, c.before, c.after) for c in claims] == [
        ("actual_outcome", "服务费", 3000.0, 8000.0),
        ("actual_outcome", "提成", None, 5.0),
    ]


def test_a_quoted_price_is_no_claim():
    # Was a `financial` claim; a price list promises nothing and reports nothing (the corpus labels it
    # so), and the marts read fee levels through reputation.scores.fees_from_texts, not through extract.
    assert extract("月服务费3000-8000元，提成5%。") == []


def test_money_takes_the_word_right_after_it():
    c = _one("要求他们退还6.8万保证金，对方拒绝。")
    assert (c.kind, c.metric, c.after) == ("actual_outcome", "保证金", 68_000.0)


@pytest.mark.parametrize(
    "text",
    [
        "一般来说转化率在3%左右比较正常。",  # an article's statistic, nobody's claim
        "千万别找这家公司，太坑了。",
        "十分感谢大家的建议。",
        "2022年全年，天猫平台GMV同比增长约8%。",
        "交了3次材料才通过审核。",  # a count, not money
        "",
    ],
)
def test_no_claim(text):
    assert extract(text) == []


def test_claim_is_frozen():
    c = _one("承诺三个月内把销售额做到100万。")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.after = 1.0  # type: ignore[misc]


def test_absurd_numbers_do_not_raise():
    assert isinstance(extract("我们帮客户销量翻了1000000番"), list)
    assert extract("1" * 100_000 + "天") == []
    assert parse_period_days("1" * 50 + "天") is None


def test_clean_keeps_promises_and_outcomes_from_a_merchants_complaint():
    import pandas as pd

    from reputation.documents import claim_rows

    complaint = {
        "doc_id": "complaints:77",
        "kind": "complaint",
        "source_url": "http://x/complaint/77",
        "created_at": "2025-03-01T00:00:00Z",
        "fetched_at": "2025-03-02T00:00:00Z",
        "raw_file": "raw/complaints/x.jsonl.gz",
        "author": "青禾茶叶店",
        "text": "签合同那天他们承诺一个季度把月销售额做到40万，结果三个月下来每月不到4万。",
    }
    review = {**complaint, "doc_id": "market:1", "kind": "market_review", "text": "承诺月销售额做到40万。"}
    rows = claim_rows(pd.DataFrame([complaint, review]))
    got = [(r["claim_id"], r["kind"], r["client"], r["metric"], r["after"]) for r in rows]
    assert got == [
        ("complaints:77#0", "promise", "青禾茶叶店", "销售额", 400_000.0),
        ("complaints:77#1", "actual_outcome", "青禾茶叶店", "销售额", 40_000.0),
    ]


# Every figure form the real pages use, in sentences written for this test: (text, kind, client,
# metric, before, after, growth_pct, period_days).
FORMS = [
    (
        "我们操盘的青禾茶叶旗舰店，三个月从月销10万做到100万。",
        ("success_case", "青禾茶叶旗舰店", "销售额", 100_000.0, 1_000_000.0, 900.0, 90),
    ),
    (
        "服务的暖风小家电专营店半年GMV翻了3倍。",
        ("success_case", "暖风小家电专营店", "GMV", None, None, 300.0, 182),
    ),
    (
        "为山野户外旗舰店投放直通车，ROI做到1:8。",
        ("success_case", "山野户外旗舰店", "ROI", None, 8.0, None, None),
    ),
    (
        "接手橙子童装旗舰店后，双11单月破千万。",
        ("success_case", "橙子童装旗舰店", "销售额", None, 10_000_000.0, None, None),
    ),
    (
        "合作一年，帮助云朵家纺旗舰店GMV破亿。",
        ("success_case", "云朵家纺旗舰店", "GMV", None, 100_000_000.0, None, 365),
    ),
    ("该公司2024年营收12.3亿元，同比增长18.6%。", ("company_metric", None, "营收", None, 1.23e9, 18.6, None)),
    (
        "净营收为人民币1,234.5百万元，同比增加6.2%。",
        ("company_metric", None, "营收", None, 1_234_500_000.0, 6.2, None),
    ),
    (
        "公司全年净利润为-3,120.5万元，上年同期为盈利980万元。",
        ("company_metric", None, "利润", 9_800_000.0, -31_205_000.0, None, None),
    ),
    ("营收同比下降12.5%至3.2亿元。", ("company_metric", None, "营收", None, 3.2e8, -12.5, None)),
    ("营收在2.1亿至2.6亿元之间。", ("company_metric", None, "营收", None, 2.1e8, None, None)),
    (
        "营业收入分别为5.2亿元、6.1亿元和7.4亿元。",
        ("company_metric", None, "营收", 5.2e8, 7.4e8, 42.3077, None),
    ),
    (
        "签约时业务员保证保底销售额50万元，达不到全额退还服务费。",
        ("promise", None, "销售额", None, 500_000.0, None, None),
    ),
    (
        "合同约定三个月内店铺月销售额不低于80万元，如未达成按比例退款。",
        ("promise", None, "销售额", None, 800_000.0, None, 90),
    ),
    (
        "交给他们半年，我们店月销售额从30万掉到8万。",
        ("actual_outcome", None, "销售额", 300_000.0, 80_000.0, -73.3333, 182),
    ),
    (
        "法院查明，该店铺在合作期间的实际成交金额仅为3.6万元。",
        ("actual_outcome", None, "GMV", None, 36_000.0, None, None),
    ),
    # Results in traditional script and Hong Kong wording (收益 revenue, 溢利 profit), read after normalize.
    (
        "本集團年內收益為人民幣15.6億元，較去年同期增加12.3%。",
        ("company_metric", None, "营收", None, 1.56e9, 12.3, None),
    ),
    (
        "年內溢利約為人民幣2,350萬元，去年同期則為虧損人民幣1,120萬元。",
        ("company_metric", None, "利润", -11_200_000.0, 23_500_000.0, None, None),
    ),
    (
        "毛利由人民幣3.2億元減少至人民幣2.9億元。",
        ("company_metric", None, "毛利", 3.2e8, 2.9e8, -9.375, None),
    ),
    ("公司总收入为48.6亿元，同比增长7.1%。", ("company_metric", None, "营收", None, 4.86e9, 7.1, None)),
    ("经营活动产生的现金流量净额为-1.2亿元。", ("company_metric", None, "现金流", None, -1.2e8, None, None)),
    ("毛利率由上年的32.1%下降至28.4%。", ("company_metric", None, "毛利率", 32.1, 28.4, None, None)),
    # A results table's row, columns headed by years (either order), and a figure for a second year.
    ("营业收入 2023年 8.8亿元 2022年 8.4亿元", ("company_metric", None, "营收", 8.4e8, 8.8e8, 4.7619, None)),
    (
        "营业收入：2022年 6.5亿元 | 2023年 7.2亿元",
        ("company_metric", None, "营收", 6.5e8, 7.2e8, 10.7692, None),
    ),
    (
        "2024年公司营收为7.64亿元，2023年为9.42亿元。",
        ("company_metric", None, "营收", 9.42e8, 7.64e8, -18.896, None),
    ),
    # The prior year in brackets (Hong Kong results) and English releases: the before of the claim.
    (
        "本集团收益约为人民币12.35亿元（2023年：人民币11.02亿元）。",
        ("company_metric", None, "营收", 1.102e9, 1.235e9, 12.069, None),
    ),
    (
        "应占溢利约为人民币5,630万元（2023年：亏损约人民币1,250万元）。",
        ("company_metric", None, "利润", -12_500_000.0, 56_300_000.0, None, None),
    ),
    (
        "Net loss for the year was RMB120.3 million, compared with RMB280.4 million in 2022.",
        ("company_metric", None, "亏损", 280_400_000.0, 120_300_000.0, None, None),
    ),
    (
        "Income from operations was RMB61.2 million, compared with a loss of RMB10.4 million.",
        ("company_metric", None, "利润", -10_400_000.0, 61_200_000.0, None, None),
    ),
    (
        "Gross margin improved to 35.6% from 33.1%.",
        ("company_metric", None, "毛利率", 33.1, 35.6, None, None),
    ),
    # Outcomes bound to a stretch of the work, told by nobody in particular: a fall is what happened.
    (
        "半年时间店铺营业额从每月8万跌到2万左右。",
        ("actual_outcome", None, "营收", 80_000.0, 20_000.0, -75.0, 182),
    ),
    ("半年后店铺月销售额稳定在200万以上。", ("success_case", None, "销售额", None, 2_000_000.0, None, 182)),
    ("去年双十一我们店当天成交额300多万。", ("actual_outcome", None, "GMV", None, 3_000_000.0, None, None)),
]


@pytest.mark.parametrize(("text", "want"), FORMS, ids=[w[0] + ":" + t[:12] for t, w in FORMS])
def test_figure_forms_and_kinds(text, want):
    # Through normalize, as the build reads every page: traditional script arrives simplified.
    assert dataclasses.astuple(_one(normalize(text)))[:7] == want


def test_promise_and_what_happened_in_one_sentence():
    claims = extract("业务员当面承诺两个月后月销售额做到40万，结果到期每月不到4万。")
    assert [(c.kind, c.metric, c.after) for c in claims] == [
        ("promise", "销售额", 400_000.0),
        ("actual_outcome", "销售额", 40_000.0),
    ]


def test_a_report_names_the_company_not_a_client_carried_from_before():
    # A client named earlier in an article about the agency's finances is not the subject of its revenue.
    claims = extract("公司服务的品牌包括木棉女装旗舰店。\n年报显示，公司营收3.6亿元，净利润下降20%。")
    assert {(c.kind, c.client) for c in claims} == {("company_metric", None)}


@pytest.mark.parametrize(
    "text",
    [
        "2023年双十一，平台整体成交同比增长约5%。",  # the platform's figure, nobody's claim
        "店铺有10个运营和3个设计，办公室在5楼。",
        "请于3月15日前提交材料，咨询电话请见官网。",
        "这家代运营公司成立于2016年，员工大约200人。",
        "销售额达到一定规模以后再谈提成。",  # 一定 is not the number one
        "月服务费3000-8000元，另收提成5%。",  # a price quoted
    ],
)
def test_numbers_that_are_not_claims(text):
    assert extract(text) == []


def _passage(pid, text, claims=()):
    from evaluation.text.corpus import Passage

    return Passage(
        pid, f"http://x/{pid}", "article", text, (), (), 0, tuple(claims), (), None, "simplified", (), "", ""
    )


def test_eval_matches_a_gold_claim_by_family_and_figure():
    from evaluation.text import claims as stage

    gold = {
        "kind": "company_metric",
        "client": None,
        "metric": "营业收入",
        "before": None,
        "after": "3.6亿元",
        "change": "同比下降12%",
        "period": "2024年",
        "claimed_by": "author",
    }
    missed = {**gold, "metric": "员工", "after": "约300人", "change": None}
    passages = [
        _passage("a", "年报显示，公司2024年营业收入3.6亿元，同比下降12%。", [gold, missed]),
        _passage("b", "这篇文章只讲了2019年的一次行业会议。"),
        _passage("c", "我们帮助青禾茶叶旗舰店把月销售额从10万做到100万。"),
    ]
    result = stage.evaluate(passages)
    assert result.figures["record_recall"].value == 0.5  # the staff count has no claim that states it
    assert result.figures["false_claim_passages"].value == 0.5  # "c" has a claim nobody labelled
    assert result.figures["kind_accuracy"].value == 1.0
    for field in ("metric", "after", "change", "period", "client", "before"):
        assert result.figures[f"{field}_accuracy"].value == 1.0, field
    assert any(line.startswith("a missed company_metric 员工") for line in result.errors)


def test_eval_reads_a_bare_gold_figure_in_the_unit_its_metric_names():
    from evaluation.text import claims as stage

    gold = {"kind": "company_metric", "metric": "代运营服务营业收入(万元)", "after": "20010.50"}
    table = "|项目名称 |营业收入(万元) |毛利率(%) |\n|代运营服务 | 20010.50| 45.10|"
    result = stage.evaluate([_passage("t", "主营构成:\n" + table, [gold])])
    assert result.figures["record_recall"].value == 1.0
    assert result.figures["after_accuracy"].value == 1.0
    # a figure that states its own unit is not scaled again
    assert stage._field_figures({**gold, "after": "2.0亿元"}, "after") == [2.0e8]


def test_case_page_facts_are_read_once_into_the_claim_rows():
    import pandas as pd

    from reputation.documents import claim_rows

    page = {
        "doc_id": "cases:1",
        "kind": "case_page",
        "source_url": "http://x/case/1.html",
        "created_at": "2025-06-01T00:00:00+00:00",
        "fetched_at": "2025-06-02T00:00:00+00:00",
        "raw_file": "raw/cases/x.jsonl.gz",
        "author": None,
        "title": "悦家旗舰店案例",
        "text": "2024年3月至2024年8月合作，GMV从50万做到300万。服务类目覆盖12个。",
        "client": "悦家旗舰店",
        "_category": "女装",
        "_image_only": False,
    }
    rows = claim_rows(pd.DataFrame([page]))
    assert rows and all(r["case_start"] == pd.Timestamp("2024-03-01", tz="UTC") for r in rows)
    assert rows[0]["case_end"] == pd.Timestamp("2024-08-01", tz="UTC")
    assert rows[0]["case_period_days"] == 153 and rows[0]["case_period_days_inclusive"] == 184
    assert rows[0]["case_categories"] == 12


def test_a_figure_wrapped_onto_the_next_line_is_still_read():
    text = (
        "Fourth Quarter Highlights\n- Total net revenues were\n"
        "RMB1,234.5 million, an increase of 12.5% year-over-year."
    )
    (claim,) = extract(text)
    assert (claim.kind, claim.metric, claim.after, claim.growth_pct) == (
        "company_metric",
        "营收",
        1234500000.0,
        12.5,
    )


def test_a_heading_line_still_ends_its_sentence():
    # A heading without a full stop must not run into the figures of the next paragraph.
    claims = extract("业绩回顾\n年报显示，公司营业收入3.6亿元，同比增长12%。")
    assert [(c.metric, c.after, c.growth_pct) for c in claims] == [("营收", 360000000.0, 12.0)]


def test_a_company_figure_no_metric_word_names_is_labelled_by_the_words_before_it():
    text = "公告显示，本次收购的交易总对价为6.4亿元。公司年报称营业收入同比下降5%，净利润亏损2000万元。"
    claims = extract(text)
    assert ("交易总对价", 640000000.0) in [(c.metric, c.after) for c in claims]
    assert all(c.kind == "company_metric" for c in claims)


def test_an_unnamed_fee_outside_a_company_report_is_no_claim():
    assert extract("如果店主想装修店铺，业务员会要求其另外支付168元。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A shop figure that moved is a success story even when no word says whose.
        ("通过精细化投放，直通车ROI由1:2.5提升到1:6。", ("success_case", "ROI", 2.5, 6.0)),
        ("双十一当天单店成交破千万。", ("success_case", "GMV", None, 10_000_000.0)),
        # A promised level per month.
        ("签约时对方承诺保底销售额每月30万，达不到全额退款。", ("promise", "销售额", None, 300_000.0)),
    ],
)
def test_a_moved_figure_without_a_voice_cue(text, expected):
    (claim,) = extract(text)
    assert (claim.kind, claim.metric, claim.before, claim.after) == expected


@pytest.mark.parametrize(
    "text", ["想要店铺月销破万，首先要做好选品和主图。", "如何让店铺流量从0到1？关键在于找准关键词。"]
)
def test_advice_about_figures_nobody_reached_is_no_claim(text):
    assert extract(text) == []


def test_a_stated_growth_replaces_the_one_computed_from_before_and_after():
    claims = extract("服务半年，店铺月销售额由8万增长至56万，同比增长600%。")
    assert [(c.before, c.after, c.growth_pct) for c in claims] == [(80_000.0, 560_000.0, 600.0)]


def test_growth_in_percentage_points_and_in_english():
    (points,) = extract("据客户反馈，合作3个月后复购率提升了12个百分点。")
    assert (points.metric, points.growth_pct, points.period_days) == ("复购率", 12.0, 90)
    (english,) = extract("The agency said client GMV rose 150% year over year to RMB 30 million.")
    assert (english.metric, english.after, english.growth_pct) == ("GMV", 30_000_000.0, 150.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sales counted in orders, promised or reached.
        ("业务员当时拍着胸脯说，交钱后一个月内店铺日销能到3000单。", ("promise", "订单", 3000.0)),
        ("结果第一个月只卖了37单，退货还有十几单。", ("actual_outcome", "订单", 37.0)),
        # The company's own totals.
        ("公司目前员工超过800人，服务品牌累计超过300个，年GMV超过50亿元。", ("company_metric", "GMV", 5e9)),
    ],
)
def test_orders_achievements_and_the_company_s_own_totals(text, expected):
    claims = extract(text)
    # The company's size (staff, brands served) may come with its totals: all of them its own figures.
    assert (claims[-1].kind, claims[-1].metric, claims[-1].after) == expected
    assert all(c.kind == expected[0] for c in claims)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十多万", 100_000.0),  # "ten-odd 万": the stated part, as 300多万 is 3e6
        ("十来万", 100_000.0),
        ("二十多万", 200_000.0),
        ("三成", 30.0),  # N成 is N×10%
        ("3成", 30.0),
        ("七成以上", 70.0),
    ],
)
def test_approximate_numerals_and_tenths(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["三成交易", "一成不变", "十分满意"])
def test_words_that_hold_a_numeral_are_not_tenths(text):
    from pipelines.numbers import numbers

    assert not any(n.percent for n in numbers(text))


def test_a_share_in_tenths_and_a_shop_loss():
    share = extract("公司自有品牌收入占比超五成。")
    assert [(c.metric, c.after) for c in share] == [("占比", 50.0)]
    loss = extract("整个合作期间店铺亏损了十多万元。")
    assert [(c.kind, c.metric, c.after) for c in loss] == [("actual_outcome", "损失", 100_000.0)]
    # a company's own loss is not what happened to a client
    assert all(c.kind != "actual_outcome" for c in extract("公司上半年亏损了3000万元，同比扩大。"))


def test_an_approximate_level_after_from_to():
    claims = extract("合作后店铺月销从8万提升到近30万。")
    assert [(c.kind, c.before, c.after) for c in claims] == [("success_case", 80_000.0, 300_000.0)]


def test_a_change_in_tenths_and_a_count_of_brands_that_is_no_client():
    fell = extract("王先生说，店铺交给他们半年，销售额反而下降了四成。")
    assert [(c.kind, c.growth_pct) for c in fell] == [("actual_outcome", -40.0)]
    grew = extract(normalize("該公司去年營收達到12億元，同比增長兩成。"))
    assert [(c.kind, c.after, c.growth_pct) for c in grew] == [("company_metric", 1_200_000_000.0, 20.0)]
    # how many brands the agency serves is its own figure, not a client named 超过500个品牌
    own = extract("截至目前，公司累计服务超过500个品牌，年GMV超百亿。")
    assert [(c.kind, c.client, c.metric, c.after) for c in own] == [
        ("company_metric", None, "客户数", 500.0),  # the count is a figure of its own
        ("company_metric", None, "GMV", 10_000_000_000.0),
    ]
