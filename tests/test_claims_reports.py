"""How agencies' reports, data pages, press and complaints state figures, in sentences written for these
tests (none is taken from a real page): list items on one line, a metric whose figure comes in the
next clause, statistics that are nobody's claim, and a page's own counters."""

from __future__ import annotations

import pytest

from pipelines.claims import extract
from pipelines.text import normalize


def _read(text: str) -> list[tuple]:
    return [(c.kind, c.metric, c.before, c.after, c.growth_pct) for c in extract(normalize(text))]


def _close(got: tuple, want: tuple) -> bool:
    if got[:2] != want[:2]:
        return False
    for g, w in zip(got[2:], want[2:], strict=True):
        if (g is None) != (w is None) or (w is not None and abs(g - w) > 1e-6 * max(1.0, abs(w))):
            return False
    return True


def _assert_read(text: str, want: list[tuple]) -> None:
    got = _read(text)
    assert len(got) == len(want) and all(_close(g, w) for g, w in zip(got, want, strict=True)), got


def test_items_of_a_one_line_list_are_claims_of_their_own():
    # An excerpt of a quarterly report, its items run together with spaced dashes.
    text = (
        "业绩摘要 - 营业收入2.35亿元同比下降12.40% - 归属于上市公司股东的净亏损860.5万元同比下滑95.2% "
        "- 扣除非经常性损益后净亏损990.1万元同比下滑120.6%"
    )
    got = _read(text)
    assert [g[1] for g in got] == ["营收", "亏损", "亏损"]
    assert got[0][3] == pytest.approx(2.35e8) and got[0][4] == pytest.approx(-12.4)
    assert got[2][3] == pytest.approx(9.901e6) and got[2][4] == pytest.approx(-120.6)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # The metric named, how it moved in words, then its figure after a comma.
        (
            "本季度公司经营活动产生的现金流量净额由正转负，为-86.3万元。",
            [("company_metric", "现金流", None, -8.63e5, None)],
        ),
        ("公司经营性现金流净额转正，为8600万元。", [("company_metric", "现金流", None, 8.6e7, None)]),
        # Traditional script reads the same.
        (
            "該公司經營活動產生的現金流量淨額轉負，為-320萬元。",
            [("company_metric", "现金流", None, -3.2e6, None)],
        ),
    ],
)
def test_a_figure_in_the_clause_after_its_metric(text, want):
    _assert_read(text, want)


def test_a_link_clause_needs_a_metric_left_without_figure():
    # The clause before has its own figure: the next 为… is not read a second time as its level.
    got = _read("公司营收3.2亿元，为近五年最低。")
    assert got == [("company_metric", "营收", None, 3.2e8, None)]


@pytest.mark.parametrize(
    "text",
    [
        # A country's or a market's totals, as statistics offices give them.
        "2019年，全国限额以上单位化妆品零售额达到2990亿元，同比增长12.6%。",
        "据统计，我国网络零售额为13.1万亿元，同比增长10.9%。",
        # A page's header: its timestamp and its counters.
        "2024-05-12 09:31:07 阅读量:5120",
        "发布于 2023-08-02 14:20 浏览 3321 次",
        "36人浏览 / 2人评论",
    ],
)
def test_statistics_and_page_counters_are_nobodys_claim(text):
    assert extract(normalize(text)) == []


def test_a_company_figure_next_to_a_countrys_growth_is_still_read():
    text = "公司营业收入从2021年的8.1亿元增长至2023年的11.2亿元，远超同期全国社会消费品零售总额的增速。"
    assert _read(text)[0][:4] == ("company_metric", "营收", 8.1e8, 11.2e8)
    # A company's own figure in its home market is no country's total.
    assert _read("公司国内销售额达到6.5亿元，同比增长9%。")[0][1:4] == ("销售额", None, 6.5e8)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A guarantee written with spaces between the figure and its unit, inside quotes.
        ("签约前对方承诺“月销保底 30 万”，否则退钱。", [("promise", "销售额", None, 3e5, None)]),
        # Two quoted promises side by side: each is its own claim.
        (
            "销售拍胸脯说“日销保证 5000 元”“ROI≥1:4”。",
            [("promise", "销售额", None, 5000.0, None), ("promise", "ROI", None, 4.0, None)],
        ),
        # The promise, then how it went, in one sentence.
        (
            "合同里写着月销保底 15 万，实际月销仅 2 万。",
            [("promise", "销售额", None, 1.5e5, None), ("actual_outcome", "销售额", None, 2e4, None)],
        ),
    ],
)
def test_promises_written_with_spaces_and_quotes(text, want):
    _assert_read(text, want)


def test_a_share_of_the_fee_won_back_is_what_happened():
    got = _read("保证半年做到类目前十，结果没做到，投诉后追回了 60% 服务费。")
    assert ("actual_outcome", "退款比例", None, 60.0, None) in got
    got = _read("店家最后只退还了三成费用。")
    assert got == [("actual_outcome", "退款比例", None, 30.0, None)]
    # A share that is no refund stays unread as money.
    assert not any(g[1] == "退款比例" for g in _read("服务费的 20% 按月结算，交了3万服务费。"))


def test_a_level_that_falls_short_after_the_work_is_what_happened():
    got = _read("花8万买了直播推广服务后销售额仅612元")
    assert ("actual_outcome", "销售额", None, 612.0, None) in got
    # 才 before a period is speed, not a shortfall: still the agency's success story.
    got = _read("接手后才三个月，店铺月销售额突破80万元。")
    assert got[0][:4] == ("success_case", "销售额", None, 8e5)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A segment's revenue and its share of the whole.
        (
            "公司代运营业务收入5.6亿元，占总营收的比例为46.2%。",
            [("company_metric", "营收", None, 5.6e8, None), ("company_metric", "占比", None, 46.2, None)],
        ),
        ("报告期内渠道分销业务营收占比为22.9%。", [("company_metric", "占比", None, 22.9, None)]),
        # The rate of growth named after the level, the metric said again.
        ("公司全年GMV约为120亿元，GMV增速为35%。", [("company_metric", "GMV", None, 1.2e10, 35.0)]),
        ("集团营收增长率达12.5%。", [("company_metric", "营收", None, None, 12.5)]),
        # The English verb before its metric.
        (
            "Despite headwinds, we grew revenue 7% year-over-year.",
            [("company_metric", "营收", None, None, 7.0)],
        ),
        # Its size: brands served, shops run, clients, staff — its own figures though they say 客户.
        (
            "截至2024年末，公司服务品牌数达到215个，运营店铺数超过400家。",
            [
                ("company_metric", "客户数", None, 215.0, None),
                ("company_metric", "店铺数", None, 400.0, None),
            ],
        ),
        (
            "这家代运营公司现有员工600多人，服务客户超过300家。",
            [
                ("company_metric", "员工数", None, 600.0, None),
                ("company_metric", "客户数", None, 300.0, None),
            ],
        ),
        ("公司客户数为1,250家。", [("company_metric", "客户数", None, 1250.0, None)]),
        # A merchant's orders and a court's finding of a sale.
        (
            "付了15万元坑位费，直播获得下单数2100单左右，结果退货1500单。",
            [("actual_outcome", "费用", None, 1.5e5, None), ("actual_outcome", "订单", None, 2100.0, None)],
        ),
    ],
)
def test_segments_growth_rates_and_size(text, want):
    _assert_read(text, want)


@pytest.mark.parametrize(
    "text",
    [
        # 比例 that is no share stated, 有 before people who are no staff.
        "双方约定按比例分成，具体以合同为准。",
        "现场有300多人围观了这场直播。",
    ],
)
def test_size_words_out_of_place_are_not_read(text):
    assert extract(normalize(text)) == []


def test_a_breakdown_table_headed_by_metrics_gives_each_segment_its_figures():
    text = (
        "主营构成\n"
        "业务 营业收入(元) 收入比例(%) 毛利率(%)\n"
        "────────────────────\n"
        "代运营服务 3.10亿 55.20 41.30\n"
        "经销业务 9120.50万 16.24 -\n"
        "数据来源：公司半年报"
    )
    got = _read(text)
    assert got == [
        ("company_metric", "营收", None, 3.1e8, None),
        ("company_metric", "占比", None, 55.2, None),
        ("company_metric", "毛利率", None, 41.3, None),
        ("company_metric", "营收", None, 9.1205e7, None),
        ("company_metric", "占比", None, 16.24, None),
    ]


def test_a_table_headed_by_dates_compares_like_with_like():
    text = (
        "业务名称 2024-06-30 2023-12-31 2023-06-30 2022-12-31\n"
        "营业收入(元) 5.20亿 9.60亿 4.00亿 8.00亿\n"
        "营业收入:代运营服务(元) 2.60亿 4.80亿 2.00亿 4.00亿"
    )
    got = _read(text)
    # The half-year against the half-year before it, the full year against the full year before it.
    assert got == [
        ("company_metric", "营收", 4.0e8, 5.2e8, 30.0),
        ("company_metric", "营收", 8.0e8, 9.6e8, 20.0),
        ("company_metric", "营收", 2.0e8, 2.6e8, 30.0),
        ("company_metric", "营收", 4.0e8, 4.8e8, 20.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Spaced words with metric names but no figures under them, and a list of dates with no metric.
        "关注 营业收入 毛利率 这些指标就够了\n我们 会 慢慢 聊",
        "日期 2024-06-30 2023-12-31\n备注 已审 未审",
        # A row that is no row: words among the figures.
        "项目 营业收入(元) 毛利率(%)\n代运营 大约三亿 不详",
    ],
)
def test_tables_that_are_no_tables_are_not_read(text):
    assert extract(normalize(text)) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A part's share named by the whole it is a share of.
        (
            "按业务分部划分，电商代运营收入为4.1亿元，占营业总收入的45%。",
            [("company_metric", "营收", None, 4.1e8, None), ("company_metric", "占比", None, 45.0, None)],
        ),
        # A change in money, then the level it came to: the level before is their difference.
        ("公司营业收入同比减少1.2亿元至6.8亿元。", [("company_metric", "营收", 8.0e8, 6.8e8, -15.0)]),
        ("该集团净利润同比增加2000万元至1.2亿元。", [("company_metric", "利润", 1.0e8, 1.2e8, 20.0)]),
        # Figures before their metrics, two in a list.
        (
            "12.3亿元的营收和8000万元的净利润，是该公司交出的答卷。",
            [("company_metric", "营收", None, 1.23e9, None), ("company_metric", "利润", None, 8e7, None)],
        ),
        # A growth clause that names its metric again completes the level before it.
        ("公司上半年净亏损3000万元，亏损同比扩大50%。", [("company_metric", "亏损", None, 3e7, 50.0)]),
    ],
)
def test_shares_of_a_whole_changes_in_money_and_figures_before_metrics(text, want):
    _assert_read(text, want)


def test_an_agency_named_as_such_speaks_of_its_own_size_and_a_court_orders_damages():
    got = _read("该代运营商目前服务超过120个品牌，年服务GMV超50亿元。")
    assert got == [
        ("company_metric", "客户数", None, 120.0, None),
        ("company_metric", "GMV", None, 5e9, None),
    ]
    got = _read("法院判决被告退还原告服务费3.5万元，并支付违约金5000元。")
    assert got == [
        ("actual_outcome", "服务费", None, 3.5e4, None),
        ("actual_outcome", "违约金", None, 5000.0, None),
    ]


def _clients(text: str) -> list[tuple]:
    return [(c.kind, c.client) for c in extract(normalize(text))]


@pytest.mark.parametrize(
    ("text", "client"),
    [
        # The party that paid.
        ("杭州某茶叶公司花费12万元请主播带货，最终销售额仅有900余元。", "杭州某茶叶公司"),
        # The plaintiff, named after 原告, against an agency.
        ("原告某服装公司与被告某网络科技公司签订协议，被告保证月销售额达到30万元。", "某服装公司"),
        # The firm that hired the agency; the agency's director, a person, is not the client.
        ("某食品公司委托某传媒公司直播带货，导演李某承诺销量不低于1万件，结果只卖出了80件。", "某食品公司"),
    ],
)
def test_the_merchant_in_a_court_or_news_story_is_the_party_that_paid_sued_or_hired(text, client):
    got = _clients(text)
    assert got and all(c == client for _, c in got), got


def test_an_agency_that_pays_is_not_taken_for_the_merchant():
    got = _clients("某网络科技公司支付了违约金2万元，韩女士说店铺月销只有3000元。")
    assert got and all(c == "韩女士" for _, c in got), got


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A cash flow out is below zero; 流出 elsewhere is no sign.
        ("公司经营性现金流净流出2300万元。", [("company_metric", "现金流", None, -2.3e7, None)]),
        # The size of a metric (规模) between it and its figure.
        ("公司GMV规模约120亿元。", [("company_metric", "GMV", None, 1.2e10, None)]),
        # A rate's change in points, then the level it came to.
        ("公司毛利率同比下降3.5个百分点至28.6%。", [("company_metric", "毛利率", None, 28.6, -3.5)]),
    ],
)
def test_cash_outflow_size_and_points_to_a_level(text, want):
    _assert_read(text, want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # Qualifiers before the level a story starts from.
        ("合作期间，店铺销售额从约3万提升至超10万。", [("success_case", "销售额", 3e4, 1e5, 233.3333)]),
        ("客户店铺的日均访客从不到500人增长到3000多人。", [("success_case", "访客", 500.0, 3000.0, 500.0)]),
        # A fall told as a share is what happened.
        ("托管了半年，店铺销售额下滑了四成。", [("actual_outcome", "销售额", None, None, -40.0)]),
        # Dollar amounts and an English verb before its metric.
        (
            "After six months with them, our monthly sales dropped from $40,000 to $12,000.",
            [("actual_outcome", "销售额", 4e4, 1.2e4, -70.0)],
        ),
        (
            "We helped a skincare brand grow its Tmall GMV by 180% in one year.",
            [("success_case", "GMV", None, None, 180.0)],
        ),
    ],
)
def test_story_forms_with_qualifiers_falls_and_english(text, want):
    _assert_read(text, want)


def test_an_english_story_carries_its_period():
    (claim,) = extract("After six months with them, our monthly sales dropped from $40,000 to $12,000.")
    assert claim.period_days == 180


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A range with its unit written once, after the second figure: the lower bound, not two columns.
        ("公司预计全年营收8-10亿元。", [("company_metric", "营收", None, 8e8, None)]),
        ("该公司营收约3~5亿元。", [("company_metric", "营收", None, 3e8, None)]),
        # 毛利润 and 毛利额 are gross profit.
        ("公司毛利润为5.6亿元。", [("company_metric", "毛利", None, 5.6e8, None)]),
    ],
)
def test_ranges_and_gross_profit(text, want):
    _assert_read(text, want)


def test_a_table_row_still_reads_two_columns():
    got = _read("公司2024年营收8.8亿元。\n营业收入 2024年 8.8亿元 2023年 8.4亿元")
    assert ("company_metric", "营收", 8.4e8, 8.8e8, pytest.approx(4.7619, abs=1e-3)) in got


def test_a_metric_referred_back_to_takes_the_figure_after_it():
    got = _read("该公司的销售净利率目前仍处于负值区间，上半年这一指标为-1.8%。")
    assert got == [("company_metric", "净利率", None, -1.8, None)]
    got = _read("公司净利润持续承压，上半年为-3200万元。")
    assert got == [("company_metric", "利润", None, -3.2e7, None)]


def test_mid_year_dates_in_a_story_of_levels_and_earnings_per_share():
    got = _read("公司合作品牌数量从高峰期的超40个锐减至2024年中的15个。")
    assert got[0][:4] == ("company_metric", "客户数", 40.0, 15.0)
    got = _read("业绩摘要 - 营业收入2.1亿元同比下降8.2% - 基本每股收益-0.12元同比下降120.5%")
    assert got[1] == ("company_metric", "每股收益", None, -0.12, -120.5)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # Expenses and the balance sheet: a report's other lines. The 年 of a date before 销售费用 is no
        # year's sales.
        ("公司2024年销售费用为3.2亿元，同比增长12%。", [("company_metric", "费用", None, 3.2e8, 12.0)]),
        ("报告期末公司资产总额12.65亿元。", [("company_metric", "资产", None, 1.265e9, None)]),
        # A year's sales stay a year's sales.
        ("店铺年销突破5000万。", [("success_case", "销售额", None, 5e7, None)]),
    ],
)
def test_expenses_assets_and_a_years_sales(text, want):
    _assert_read(text, want)


def test_a_count_promised_and_the_count_that_came():
    got = _read("他们说保底销量3000单，结果一个月才出了150单。")
    want = [("promise", "销量", None, 3000.0), ("actual_outcome", "销量", None, 150.0)]
    assert [g[:4] for g in got] == want
    # A money metric's level is still no count of orders.
    got = _read("承诺月销10万，结果一个月才出了3单。")
    assert ("actual_outcome", "销售额", None, 3.0, None) not in got


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # 第一年 is an ordinal, not a figure before the metric: the growth clause and its level read.
        ("合作第一年销售额翻倍，达到800万元。", [("success_case", "销售额", None, 8e6, 100.0)]),
        # 几百 and 上万: the least they say.
        ("直播间场观从几百涨到上万。", [("success_case", "观看", 100.0, 1e4, 9900.0)]),
    ],
)
def test_ordinals_and_vague_levels(text, want):
    _assert_read(text, want)


def test_fee_talk_points_and_a_price_paid_for_a_fall():
    got = _read("我交了每月5000的服务费加3个点的提成，三个月店铺销售额才2万。")
    assert ("actual_outcome", "提成", None, 3.0, None) in got
    got = _read("找他们做了半年，花了将近6万，销量反而从每天30单降到了10单。")
    assert got[0] == ("actual_outcome", "费用", None, 6e4, None)
    # A price quoted with nothing gone wrong stays no claim.
    assert _read("他家代运营的报价是每月5000元加3个点提成。") == []


def test_operating_loss_and_its_rate_with_the_year_before():
    # A results release: the operating loss against the same quarter a year before, then its rate.
    text = (
        "2023年第一季度财务摘要:总净营收为人民币1,500.0百万元,按年减少3.1%。"
        "经营损失为人民币30.5百万元(4.2百万美元),去年同期为人民币35.1百万元。"
        "经营损失率为1.9%,2022年同期为2.3%。营业利润率为负1.5%,而2021年同期为负8.2%。"
    )
    got = _read(text)
    assert got[1][:2] == ("company_metric", "亏损")
    assert got[1][2] == pytest.approx(35.1e6) and got[1][3] == pytest.approx(30.5e6)
    assert got[2] == ("company_metric", "亏损率", 2.3, 1.9, None)
    assert got[3] == ("company_metric", "营业利润率", -8.2, -1.5, None)


def test_balance_sheet_debts_are_report_figures():
    _assert_read(
        "根据半年报,公司总资产为17.00亿元,总负债为8.10亿元,资产负债率约47.6%。",
        [
            ("company_metric", "资产", None, 1.7e9, None),
            ("company_metric", "负债", None, 8.1e8, None),
            ("company_metric", "资产负债率", None, 47.6, None),
        ],
    )


def test_a_broker_notes_slashed_item_is_figure_change_and_share():
    text = (
        "分产品看:1)品牌管理业务收入2.10 亿/+31.20%/占比20.10%,业务维持快速增长。"
        "2)代运营业务收入3.10 亿/-1.50%/占比30.20%。"
    )
    _assert_read(
        text,
        [
            ("company_metric", "营收", None, 2.1e8, 31.2),
            ("company_metric", "占比", None, 20.1, None),
            ("company_metric", "营收", None, 3.1e8, -1.5),
            ("company_metric", "占比", None, 30.2, None),
        ],
    )
    assert _read("两者之比为3/4。") == []


def test_markdown_table_rows_with_percent_cells():
    text = (
        "公司营业收入按业务分:\n分行业 | 营业收入 | 占比 | 毛利率 |\n---|---|---|---|\n"
        "线上分销 | 2.10亿元 | 40.0% | 17.50% |\n品牌营销 | 1.50亿元 | 30.0% | 31.20% |"
    )
    got = _read(text)
    assert [g[1] for g in got] == ["营收", "占比", "毛利率"] * 2
    assert got[0][3] == pytest.approx(2.1e8) and got[5][3] == pytest.approx(31.2)


def test_a_header_wrapped_over_two_lines_gives_its_unit_to_the_bare_figures():
    # A stock-data page's fixed-width table: the header's cells go on in the next line, units included.
    text = (
        "主营构成分析\n┌──────┬─────┬─────┬───┐\n|项目名称 |营业收入( |营业利润( |毛利率|\n"
        "| |万元) |万元) |(%) |\n├──────┼─────┼─────┼───┤\n"
        "|代运营服务 | 20010.50| 9050.10| 45.10|\n└──────┴─────┴─────┴───┘"
    )
    _assert_read(
        text,
        [
            ("company_metric", "营收", None, 200105000.0, None),
            ("company_metric", "利润", None, 90501000.0, None),
            ("company_metric", "毛利率", None, 45.1, None),
        ],
    )


def test_a_unit_in_parentheses_is_no_figure_of_ten_thousand():
    # 营业收入(万元)300100.11: the label's unit, then the figure in it; (万元) alone is not 10000.
    _assert_read("营业收入(亿元):12.5", [("company_metric", "营收", None, 1.25e9, None)])
    got = _read("盈利预测\n净利润(万元)-13000.50\n营业收入(万元)300100.11")
    assert [g[3] for g in got] == [pytest.approx(-1.3000500e8), pytest.approx(3.0010011e9)]
    assert all(g[2] is None for g in got)


@pytest.mark.parametrize(
    "text",
    [
        # a platform's data about agencies in general
        "某电商平台数据显示,代运营合作导致的数据泄露事件年增长率达21%。",
        # a survey of many merchants
        "一项行业调研显示,45%的商家遇到过数据造假。",
        # merchants in general, not one client
        "代运营方为冲短期业绩,常要求投放更多推广,导致中小商家营销成本占比突破营收的35%。",
        # a client brand's own accounts, quoted by the agency
        "据披露,截至2022年末,LUMA中国税后净亏损分别为3.2亿元以及1.9亿元。",
    ],
)
def test_figures_about_many_or_about_a_client_brand_are_no_agency_claim(text):
    assert _read(text) == []


def test_the_agency_itself_still_speaks_beside_such_words():
    # the company's own revenue, even where the sentence cites data
    got = _read("公司财报数据显示,公司营业收入为5.2亿元,同比增长12%。")
    assert got and got[0][:2] == ("company_metric", "营收")


def test_a_broker_reports_template_fields_split_its_cover_boxes():
    text = (
        "[Table_Title] 某科技(000000.SZ)点评:业绩稳健 [Table_ReportDate] 2025 年 8 月 1 日 "
        "[Table_Summary] 事件:公司发布半年报,实现营收 8.20 亿元,同比增长 21.5%。"
    )
    _assert_read(text, [("company_metric", "营收", None, 8.2e8, 21.5)])


def test_promises_in_a_warning_article_with_their_own_nouns():
    # an article warning of agencies' promises: the promised figure, then what really came
    _assert_read(
        "某餐厅被推广公司承诺“两个月拓客3000人”,结果实际到店人数不到100人。",
        [("promise", "拓客", None, 3000.0, None), ("actual_outcome", "到店", None, 100.0, None)],
    )
    _assert_read("诈骗团伙承诺月涨粉5万,实际仅用脚本发布视频。", [("promise", "粉丝", None, 5e4, None)])
    _assert_read(
        "某代运营公司向商家宣称“半年内销售额突破百万”,实际仅靠买流量制造繁荣。",
        [("promise", "销售额", None, 1e6, None)],
    )
    # the figure before the noun it counts
    _assert_read(
        "代运营公司承诺日均500精准流量,实际九成是机器刷量。", [("promise", "流量", None, 500.0, None)]
    )


def test_figures_of_two_periods_split_by_a_slash_share_the_unit_after_the_last():
    got = _read("25Q1/25Q2公司实现归母净利润0.81/0.70亿元,归母净利率分别为6.9%/6.8%。")
    assert got[0][:2] == ("company_metric", "利润") and got[0][3] == pytest.approx(8.1e7)
    assert got[1][:4] == ("company_metric", "净利率", 6.9, 6.8)
    assert _read("两者之比为1/3。") == []


def test_a_run_of_years_figures_is_the_companys_history_item_by_item():
    # a prospectus summary: one item per line run together, each opening with its years
    text = (
        "业绩数据 - 2022 - 2024年GMV分别为8100.1百万元、9000.0百万元、12000.0百万元[3] "
        "- 2022 - 2024年收入分别为1800.6百万元、1700.9百万元、1600.6百万元[3]"
    )
    _assert_read(
        text,
        [
            ("company_metric", "GMV", 8.1001e9, 1.2e10, 48.1463),
            ("company_metric", "营收", 1.8006e9, 1.6006e9, -11.1074),
        ],
    )


def test_a_headline_promise_of_traffic():
    _assert_read("号称一夜“引流百万”的推广团伙被警方打掉", [("promise", "流量", None, 1e6, None)])


def test_a_result_granted_then_its_shortfall_is_what_happened():
    # an advice article's example; the industry level in brackets is a yardstick, not its subject
    got = _read("例如,某代运营公司虽实现月销 80 万,但 UV 价值仅 0.6 元(行业均值 1.1 元)。")
    assert got and got[0] == ("actual_outcome", "销售额", None, 8e5, None)
    assert _read("行业平均转化率只有2%。") == []
