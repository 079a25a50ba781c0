"""Figure forms of real report prose, merchants' stories and rankings, in sentences written for these
tests (none is taken from a real page): each form once read right, and its look-alikes not read."""

from __future__ import annotations

import pytest

from pipelines.claims import extract
from pipelines.text import normalize


def _read(text: str) -> list[tuple]:
    return [(c.kind, c.metric, c.before, c.after, c.growth_pct) for c in extract(normalize(text))]


# (text, [(kind, metric, before, after, growth_pct), ...])
COMPANY_PROSE = [
    # The base a figure is compared with, in the same clause or in the next.
    (
        "营业收入较去年同期的5.1亿元增长至6.3亿元。",
        [("company_metric", "营收", 5.1e8, 6.3e8, 23.5294)],
    ),
    (
        "公司净利润为2300万元，较上年同期的4100万元下降43.9%。",
        [("company_metric", "利润", 4.1e7, 2.3e7, -43.9)],
    ),
    (
        "报告期内实现营收9.8亿元，上年同期为8.7亿元。",
        [("company_metric", "营收", 8.7e8, 9.8e8, 12.6437)],
    ),
    (
        "公司营收7.2亿元，去年同期则为7.9亿元。",
        [("company_metric", "营收", 7.9e8, 7.2e8, -8.8608)],
    ),
    # A change of sign: no percentage describes it; in a loss claim a profit is a negative loss.
    (
        "归属于上市公司股东的净利润为-3200万元，上年同期为1500万元。",
        [("company_metric", "利润", 1.5e7, -3.2e7, None)],
    ),
    (
        "净利润由上年的3200万元转为亏损5600万元。",
        [("company_metric", "亏损", -3.2e7, 5.6e7, None)],
    ),
    # Negative growth written as such.
    ("公司去年营收负增长12%。", [("company_metric", "营收", None, None, -12.0)]),
    ("公司实现营收4.8亿元，同比增长-3.2%。", [("company_metric", "营收", None, 4.8e8, -3.2)]),
    # A growth, then the level it reached, in two clauses: one claim.
    ("2023年，该公司营收同比增长23.5%，达到15.6亿元。", [("company_metric", "营收", None, 1.56e9, 23.5)]),
    # A peak and what is left of it.
    ("公司市值一度超过200亿元，如今仅剩30亿元。", [("company_metric", "市值", 2e10, 3e9, -85.0)]),
    ("股价从最高的100元跌至不足10元。", [("company_metric", "股价", 100.0, 10.0, -90.0)]),
    ("净利润从巅峰期的2.9亿元缩水至0.3亿元。", [("company_metric", "利润", 2.9e8, 3e7, -89.6552)]),
    # A company's share of revenue moving (not a shop's result because it falls).
    ("代运营业务收入占比由2020年的80%下降至2023年的50%。", [("company_metric", "占比", 80.0, 50.0, None)]),
    # Hong Kong wording in traditional script: 收益 is revenue, 按年 is year on year, 股东应占 a company's.
    (
        "集團截至2024年12月31日止年度之收益為人民幣1,520.3百萬元，較去年減少8.1%。",
        [("company_metric", "营收", None, 1.5203e9, -8.1)],
    ),
    ("收益按年增長15%至9.8億港元。", [("company_metric", "营收", None, 9.8e8, 15.0)]),
    ("股東應佔虧損約為人民幣45.6百萬元。", [("company_metric", "亏损", None, 4.56e7, None)]),
    ("毛利較去年同期減少約12%至約人民幣3.2億元。", [("company_metric", "毛利", None, 3.2e8, -12.0)]),
    # English releases: a year between the metric and its verb, "up N%", a margin compared.
    (
        "The company's total net revenues for 2023 were RMB6.4 billion, up 7% year-over-year.",
        [("company_metric", "营收", None, 6.4e9, 7.0)],
    ),
    (
        "Operating margin was 8.1%, compared with 9.3% in the same quarter of 2022.",
        [("company_metric", "营业利润率", 9.3, 8.1, None)],
    ),
]

STORIES = [
    # A merchant's story told in time: the level before the work, then the level after it.
    ("我的店原来月销8万，现在25万。", [("actual_outcome", "销售额", 8e4, 2.5e5, 212.5)]),
    (
        "去年自己做月销只有3万，找了代运营后半年做到20万。",
        [("actual_outcome", "销售额", 3e4, 2e5, 566.6667)],
    ),
    (
        "我的淘宝店月销8万，后来交给一家代运营，半年后月销做到了25万。",
        [("actual_outcome", "销售额", 8e4, 2.5e5, 212.5)],
    ),
    ("自从换了运营团队，我们店一个月从卖8万到卖25万。", [("actual_outcome", "销售额", 8e4, 2.5e5, 212.5)]),
    ("店铺月销8万→25万。", [("success_case", "销售额", 8e4, 2.5e5, 212.5)]),
    ("我们帮一家女装店从月销8万做到月销25万。", [("success_case", "销售额", 8e4, 2.5e5, 212.5)]),
    # A promise, then how it went, the second clause naming no metric.
    (
        "他们说一个月能做到日销5000，结果一天才100多。",
        [("promise", "销售额", None, 5000.0, None), ("actual_outcome", "销售额", None, 100.0, None)],
    ),
    # The provider's voice: our operation, not a merchant's "我".
    ("借助我们的运营，该美妆品牌首年GMV即突破5亿元。", [("success_case", "GMV", None, 5e8, None)]),
    # Ranges: the lower bound, the least the text says.
    ("接手半年，销量增长3到5倍。", [("success_case", "销量", None, None, 300.0)]),
    ("店铺销售额增长了2-3倍。", [("success_case", "销售额", None, None, 200.0)]),
    # A share whose both ends are told.
    ("店铺自然流量占比从20%提升至45%。", [("success_case", "占比", 20.0, 45.0, None)]),
    ("品牌在天猫的渗透率由8%升至15%。", [("success_case", "渗透率", 8.0, 15.0, None)]),
]

RANKS = [
    ("他们保证三个月冲到类目前三。", [("promise", "排名", None, 3.0, None)]),
    ("它家承诺三个月内做到类目前五，否则退一半服务费。", [("promise", "排名", None, 5.0, None)]),
    ("合作一年后店铺跻身类目TOP10。", [("success_case", "排名", None, 10.0, None)]),
    ("在他们的运营下，店铺冲到类目前三。", [("success_case", "排名", None, 3.0, None)]),
    ("店铺排名从第50提升到第3。", [("success_case", "排名", 50.0, 3.0, None)]),
    ("店铺排名从第5掉到第50。", [("actual_outcome", "排名", 5.0, 50.0, None)]),
    ("最终店铺跌出类目前100名。", [("actual_outcome", "排名", None, 100.0, None)]),
    # 双十一 is a date, not the figure 11.
    ("该品牌双十一销售额位列类目第三。", [("success_case", "排名", None, 3.0, None)]),
    ("按2023年的成交额计，该公司是国内第四大电商服务商。", [("company_metric", "排名", None, 4.0, None)]),
    # With the sales figure of the same sentence.
    (
        "仅用90天，新店就冲进了类目前十，月销售额突破80万元。",
        [("success_case", "排名", None, 10.0, None), ("success_case", "销售额", None, 8e5, None)],
    ),
    (
        "品牌入驻天猫首年即实现销售额5000万元，位列类目第三。",
        [("success_case", "销售额", None, 5e7, None), ("success_case", "排名", None, 3.0, None)],
    ),
    (
        "在我们团队的运营下，该店铺一年时间成长为类目TOP3，年销售额过亿。",
        [("success_case", "排名", None, 3.0, None), ("success_case", "销售额", None, 1e8, None)],
    ),
]


@pytest.mark.parametrize(("text", "want"), COMPANY_PROSE + STORIES + RANKS, ids=lambda v: str(v)[:16])
def test_form_is_read(text, want):
    got = _read(text)
    assert [g[:4] for g in got] == [w[:4] for w in want]
    for g, w in zip(got, want, strict=True):
        assert (g[4] is None) == (w[4] is None) and (w[4] is None or abs(g[4] - w[4]) < 1e-3), (g, w)


@pytest.mark.parametrize(
    "text",
    [
        # Ordinals that are no place in a ranking.
        "托管的结局大致有三类：第一类是店铺起量，第三类是原地踏步。",
        "上市那年，媒体把这家服务商叫作电商第一股，此后股价一路走低。",
        "公司将于第三季度发布新的服务方案。",
        "前三个月主要是搭建团队和整理货品。",
        "这是他们第50次参加行业展会。",
        # Advice about a rank nobody reached.
        "如何让新店冲进类目前十？关键在于选品。",
        # A share that stands, a fee quoted, a festival alone.
        "一般来说直通车花费占比在20%左右。",
        "双十一期间很多代运营公司都很忙。",
        # How things usually go, and a fee's arithmetic under a condition.
        "有业内人士表示，行业平均转化率只有2%左右。",
        "骗子公司通常会先收取几千元的服务费。",
        "如果店铺月销能做到10万，那么提成就是5000元。",
    ],
)
def test_look_alikes_are_not_read(text):
    assert extract(normalize(text)) == []


def test_a_share_alone_is_no_shop_result_but_a_move_is():
    assert extract("合作一年，搜索流量占比提升至45%。") == []
    assert [(c.metric, c.before, c.after) for c in extract("合作一年，搜索流量占比从30%提升至45%。")] == [
        ("占比", 30.0, 45.0)
    ]


def test_a_story_in_time_does_not_join_two_periods_of_a_report():
    # Two years' figures in a report are ordered by their years, not joined as before/after in text order.
    claims = extract("2024年公司营收为7.64亿元，2023年为9.42亿元。")
    assert [(c.before, c.after) for c in claims] == [(9.42e8, 7.64e8)]
    # A later clause naming another metric is its own claim.
    claims = extract("公司营收为5亿元，净利润为3000万元。")
    assert [(c.metric, c.before, c.after) for c in claims] == [("营收", None, 5e8), ("利润", None, 3e7)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("几十万元", 1e5),
        ("数千万", 1e7),
        ("数亿元", 1e8),
        ("几百万", 1e6),
        ("亏损十分严重", None),
        ("几个人", None),
    ],
)
def test_some_tens_of_wan_read_as_their_unit_and_very_is_no_ten(text, value):
    from pipelines.claims import parse_amount

    assert parse_amount(text) == value


def test_more_report_and_merchant_forms():
    # 运营收入 holds 营收 across a word boundary: the figure after 收入 is still read.
    assert _read("其中线上店铺运营收入4.1亿元，同比增长12%。") == [
        ("company_metric", "营收", None, 4.1e8, 12.0)
    ]
    # What the owners of a company lost is the company's own figure, not a client's loss.
    assert _read("本季度公司归属于股东的净损失为5200万元。")[0][:2] == ("company_metric", "亏损")
    # Money a merchant is short of after signing.
    assert _read("签了协议交了钱，少了十来万。") == [("actual_outcome", "损失", None, 1e5, None)]
    # Two metrics, one growth: the growth is the metric's before it.
    assert _read("合作三个月，店铺流量暴涨200%，但GMV纹丝不动。") == [
        ("success_case", "流量", None, None, 200.0)
    ]


def test_a_client_named_earlier_whose_figures_fell_short():
    claims = extract("我们是山溪茶叶专卖店的老板。\n合作一年，店铺销售额仅为几千元，最近一个月只有一单。")
    assert [(c.kind, c.metric, c.after) for c in claims] == [
        ("actual_outcome", "销售额", 1000.0),
        ("actual_outcome", "订单", 1.0),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4万8", 48_000.0),
        ("3千5", 3500.0),
        ("过千", 1000.0),
        ("1万5千", 15_000.0),
        # the capital numerals of contracts and judgements, traditional too after normalize
        ("贰万伍仟元", 25_000.0),
        ("人民币壹拾万元整", 100_000.0),
        ("貳萬捌仟元", 28_000.0),
    ],
)
def test_a_digit_after_wan_and_a_lone_qian_and_capital_numerals(text, value):
    from pipelines.claims import parse_amount

    assert parse_amount(normalize(text)) == value


def test_court_and_complaint_forms():
    # The level found, then the level agreed: what happened and what was promised.
    assert _read("经查，合作期间店铺总销售额仅为3.2万元，远低于约定的60万元。") == [
        ("actual_outcome", "销售额", None, 3.2e4, None),
        ("promise", "销售额", None, 6e5, None),
    ]
    assert _read("客服说签约三个月内保证日均访客过千。") == [("promise", "访客", None, 1000.0, None)]
    # A fall to a level, in the Hong Kong press's words.
    assert _read("該公司淨利潤則下跌至4500萬元。") == [("company_metric", "利润", None, 4.5e7, None)]
    # A threshold that names a kind of shop is nobody's level.
    assert extract("我接手过不少投产比跌至1.2以下的店铺。") == []


def test_a_case_page_that_starts_from_little_is_still_a_success_case():
    text = "成功案例：青柚童装旗舰店\n接手时店铺月销售额不足5万，经过我们团队4个月的运营，月销售额突破80万。"
    assert [(c.kind, c.before, c.after) for c in extract(text)] == [("success_case", 5e4, 8e5)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "With our operation, the client's GMV grew from RMB 12 million to RMB 30 million.",
            [("success_case", "GMV", 1.2e7, 3e7, 150.0)],
        ),
        (
            "The agency promised monthly sales of at least RMB 400,000 within three months.",
            [("promise", "销售额", None, 4e5, None)],
        ),
        (
            "After six months, our monthly sales had dropped to less than RMB 20,000.",
            [("actual_outcome", "销售额", None, 2e4, None)],
        ),
        # A report's sales and marketing expenses are no shop's sales.
        ("Sales and marketing expenses were RMB 300 million.", []),
        # 拍胸脯说 is a promise; the rank now, counted in 名, is how it went.
        (
            "签约时对方拍胸脯说半年内做到类目前十，现在排名还在300名开外。",
            [("promise", "排名", None, 10.0, None), ("actual_outcome", "排名", None, 300.0, None)],
        ),
        ("该店铺在我们接手后第一个月销售额就翻了一番。", [("success_case", "销售额", None, None, 100.0)]),
    ],
)
def test_english_stories_and_promises_told_in_passing(text, want):
    assert _read(text) == want


def test_the_base_in_a_clause_of_its_own_in_both_languages():
    assert _read("公司营收5亿元，较去年同期的4亿元有所增长。") == [("company_metric", "营收", 4e8, 5e8, 25.0)]
    english = (
        "Total net revenues were RMB2,100.0 million, an increase of 5.0% from RMB2,000.0 million a year ago."
    )
    assert _read(english) == [("company_metric", "营收", 2e9, 2.1e9, 5.0)]
    loss = (
        "Net loss was RMB40.0 million, compared with net income of RMB10.0 million in the prior year period."
    )
    assert _read(loss) == [("company_metric", "亏损", -1e7, 4e7, None)]


def test_a_loss_written_after_profit_is_a_negative_profit():
    assert _read("该公司归母净利润亏损1.6亿元。") == [("company_metric", "利润", None, -1.6e8, None)]
    assert _read("公司上半年亏损了3000万元，同比扩大。") == [("company_metric", "亏损", None, 3e7, None)]


def test_periods_short_years_and_how_far_a_period_carries():
    from pipelines.claims import parse_period_days

    assert parse_period_days("23年营收") is None  # a year written short
    assert parse_period_days("成立23年的公司") == 23 * 365
    # A period two sentences up is not the period of this figure; the one right before is.
    far = extract("公司近五年发展迅速。\n团队不断扩大。\n公司营收为5亿元。")
    near = extract("合作了三个月。\n店铺月销售额从2万做到20万。")
    assert [c.period_days for c in far] == [None] and [c.period_days for c in near] == [90]


@pytest.mark.parametrize(
    "text",
    [
        # A plaintiff's demands and the numbered items after them: asked for, not what happened.
        "原告向本院提出诉讼请求：1.解除双方签订的托管协议；2.被告退还原告服务费5200元；3.诉讼费由被告负担。",
        "原告诉请：一、判令被告支付推广费32,000元；二、判令被告赔偿利息损失（以32,000元为基数计算）。",
        # A count of periods in a row is not a level of revenue.
        "营收四连降，下半年仍未见起色。",
        # A platform's own totals, whoever quotes them.
        "据平台公布，快手电商整体GMV同比增长了80%。",
        # The price of a service with nothing said of how it went.
        "定下方案后，他付了2300元费用。",
    ],
)
def test_demands_counts_platform_totals_and_prices_are_no_claim(text):
    assert extract(normalize(text)) == []


def test_a_court_decision_after_the_demands_is_an_outcome_again():
    text = "原告提出诉讼请求：1.被告退还服务费5200元。法院判决被告退还原告服务费4800元。"
    assert [(c.kind, c.metric, c.after) for c in extract(normalize(text))] == [
        ("actual_outcome", "服务费", 4800.0)
    ]
    # A price paid and then lost is what happened.
    lost = extract(normalize("他支付了2300元费用，结果什么服务也没拿到。"))
    assert [(c.kind, c.after) for c in lost] == [("actual_outcome", 2300.0)]


NEW_FORMS = [
    # A short video's reach promised, and what it got.
    (
        "签约时对方保证每条视频播放量不低于10万次。",
        [("promise", "播放", None, 100_000.0, None)],
    ),
    # A target and a share set in a contract are promised too.
    (
        "合同约定：年度销售目标800万元，毛利率占比不低于25%。",
        [("promise", "销售额", None, 8e6, None), ("promise", "占比", None, 25.0, None)],
    ),
    # A shop's figure that fell after an agency took it over is what happened, and so is its ad spend.
    (
        "代运营公司接手后，店铺推广消耗增长了80%，转化率由2.5%降到1.1%。",
        [("actual_outcome", "推广费", None, None, 80.0), ("actual_outcome", "转化率", 2.5, 1.1, None)],
    ),
    # What actually came of it, and a deposit the platform kept.
    ("大促结算下来，实际ROI只有0.6。", [("actual_outcome", "ROI", None, 0.6, None)]),
    # How many brands an agency serves: its own figure.
    (
        "公司年报显示营收增长。截至目前已服务超过300家品牌。",
        [("company_metric", "客户数", None, 300.0, None)],
    ),
]


@pytest.mark.parametrize(("text", "want"), NEW_FORMS)
def test_reach_targets_spend_and_brands_served(text, want):
    assert _read(text) == want


ENGLISH_AND_TOPIC = [
    # A metric named in one sentence with no figure, its figures in the next.
    (
        "公司年报里，净利润的走势更值得一看。从2021年的2100万元增长至2023年的6300万元。",
        [("company_metric", "利润", 2.1e7, 6.3e7, 200.0)],
    ),
    # Two segments in one English sentence.
    (
        "Quarterly revenue was RMB500 million. Services revenue rose 4% while Products revenue fell 9%.",
        [
            ("company_metric", "营收", None, 5e8, None),
            ("company_metric", "营收", None, None, 4.0),
            ("company_metric", "营收", None, None, -9.0),
        ],
    ),
    # A return written return-first, on a case study page.
    (
        "Case Study\nOur team ran the launch for a skincare flagship store, with an ROI of 40:1.",
        [("success_case", "ROI", None, 40.0, None)],
    ),
    # The share of an agency's own work, and a campaign's orders.
    (
        "The CEO said about 60 percent of the agency's work this year is tied to live commerce.",
        [("company_metric", "占比", None, 60.0, None)],
    ),
    ("He said the campaign got 8,500 orders in two days.", [("success_case", "订单", None, 8500.0, None)]),
    # A space lost in a copy, and how it went in the same sentence as the promise.
    (
        "The agency promised yearly sales of 500,000 yuan, but the sales were only80,000 yuan.",
        [("promise", "销售额", None, 500_000.0, None), ("actual_outcome", "销售额", None, 80_000.0, None)],
    ),
    # A shop's credit level as a promise.
    ("对方承诺两个月内把店铺做到四星级。", [("promise", "信用等级", None, 4.0, None)]),
]


@pytest.mark.parametrize(("text", "want"), ENGLISH_AND_TOPIC)
def test_english_forms_and_a_metric_named_the_sentence_before(text, want):
    assert _read(text) == want


def test_a_share_of_someone_elses_revenue_is_no_claim():
    assert _read("Merchants often spend 30% of their revenue on ads.") == []


def test_the_merchant_named_as_a_person_is_the_client_of_a_story():
    text = (
        "去年3月，吴某与一家代运营公司的负责人彭某签约。对方承诺半年销售额不低于50万元，结果半年只卖了3万元。"
    )
    got = [(c.kind, c.client, c.after) for c in extract(normalize(text))]
    assert got == [("promise", "吴某", 500_000.0), ("actual_outcome", "吴某", 30_000.0)]
    # A company's own figures stay nobody's, and 某公司 is no person.
    report = extract(normalize("某公司负责人赵先生介绍，公司营收同比增长12%。"))
    assert [(c.kind, c.client) for c in report] == [("company_metric", None)]


def test_an_english_growth_named_after_its_figure():
    text = "Our CFO said: the year ended with a 7% yoy growth in revenue to RMB3.1 billion."
    assert _read(text) == [("company_metric", "营收", None, 3.1e9, 7.0)]
    assert _read("The group reported a 4% decline in revenue to RMB900 million.") == [
        ("company_metric", "营收", None, 9e8, -4.0)
    ]
