"""Find the checkable numbers in a text: what a provider says it did for a client, what it promises,
what actually happened to a client, and the agency's own business figures.

A success case (`合作三个月，某某旗舰店GMV从50万做到300万`) is only worth checking when its parts are
pulled apart: client, metric, before, after, growth, period. Rules here are deliberately plain
regular expressions over one sentence at a time (split on 。！？；and line breaks), with a little
context carried across sentences of the same text: the client named earlier on a case page, and a
period stated in the sentence before the numbers. Everything is in base units (50万 → 500000; rates
as percent numbers, 12.5% → 12.5); see `pipelines.numbers`.

Kinds (the four a careful reader labels), decided per sentence in this order:
- `promise`: a guarantee or target before the work (保证/承诺/包…/保底/不达标退款), also when an
  article reports it to warn against it: it is still what was promised.
- `actual_outcome`: what really happened to a client — a merchant's own shop (我的店/交给他们/结果…),
  a court's finding, money paid, lost or refunded (交了3万服务费, 退还6.8万保证金).
- `success_case`: a provider's account of what it did for a client (案例/客户/帮助/操盘/a named shop).
- `company_metric`: the agency's own figures — revenue, profit or loss, GMV served, market value,
  year-on-year growth — as financial reports and the press about them write them.
Results as filings and the press write them are read in general forms rather than phrases: Hong Kong
wording (收益 revenue, 溢利/纯利 profit, 毛利), a company subject or a year-on-year comparison with a money
figure, a table row (the metric, then figures under years: the earlier year is the before), a second
clause that names only a year and a figure (…，2024年为7.64亿元), and a base-period clause (上年同期为盈利
980万元) as the before of the claim it follows. A shop's figure bound to a stretch of the work (半年后,
合作期间, 截至…) is a claim; one that fell is what happened, not a success case.
A place in a ranking (冲到类目前三, 跻身TOP10, 排名从第50到第3, 第N大服务商) is a claim with metric 排名
and the place as its figure; a share is one only when both its ends are told (占比从20%提升至45%). The
base of a comparison (较上年同期的A, 上年同期为A, compared with A) is the before; a loss written after
profit (净利润亏损X) is a negative profit, and in a loss claim a profit is a negative loss. A story told
in time (原来月销8万，现在25万; 只有3万，半年后做到20万) joins its two levels. Ranges give their lower
bound (增长3到5倍 → +300%), the least they say, as 几十万 reads as 十万 and 300多万 as 300万.
How things usually go (通常, 平均, 行业) and fee arithmetic under 如果 are nobody's claim.
A sentence with numbers but none of these voices (an article's `转化率一般在3%左右`, a quoted fee range
`服务费3000-8000元`) is not a claim: the marts read fee levels through `reputation.scores`, not here.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pipelines.numbers import (
    NUMBER,
    Number,
    cn_to_float,
    numbers,
    parse_amount,
    parse_amount_range,
    parse_period_days,
    period_matches,
)

__all__ = ["Claim", "extract", "parse_amount", "parse_amount_range", "parse_period_days"]

KINDS = ("success_case", "promise", "actual_outcome", "company_metric")


@dataclass(frozen=True)
class Claim:
    kind: str
    client: str | None
    metric: str | None
    before: float | None
    after: float | None
    growth_pct: float | None
    period_days: int | None
    span: str


# Metric words → canonical metric. Longest first so 转化率 wins over 转化 and 月服务费 over 服务费.
_METRICS: dict[str, str] = {
    "GMV": "GMV",
    "gmv": "GMV",
    "成交总额": "GMV",
    "商品交易总额": "GMV",
    "交易总额": "GMV",
    "成交金额": "GMV",
    "成交额": "GMV",
    "成交": "GMV",
    "交易额": "GMV",
    "月销售额": "销售额",
    "年销售额": "销售额",
    "日销售额": "销售额",
    "销售额": "销售额",
    "销售业绩": "销售额",
    "销售规模": "销售额",
    "月销售": "销售额",
    "业绩": "销售额",
    "月销": "销售额",
    "日销": "销售额",
    "流水": "销售额",
    "销售": "销售额",
    "卖出": "销售额",
    "卖了": "销售额",
    "营业额": "营收",
    "营收": "营收",
    "收入": "营收",
    "营业总收入": "营收",
    "营业收入": "营收",
    # 运营收入 and 经营收入 hold 营收 across a word boundary: named whole, or 营收 is read and 收入 lost.
    "运营收入": "营收",
    "经营收入": "营收",
    "主营收入": "营收",
    "净营收": "营收",
    "净收入": "营收",
    "revenues": "营收",
    "revenue": "营收",
    "Revenues": "营收",
    "Revenue": "营收",
    "净利润": "利润",
    # Hong Kong filings and the press quoting them: 收益 is revenue, 溢利/纯利 profit (收益 alone is also
    # a return, 收益法 a valuation method: only in these phrases).
    "收益总额": "营收",
    "总收益": "营收",
    "年内收益": "营收",
    "期内收益": "营收",
    "季度收益": "营收",
    "集团收益": "营收",
    "公司收益": "营收",
    "收入总额": "营收",
    "总收入": "营收",
    "溢利": "利润",
    "纯利": "利润",
    "盈利": "利润",
    "毛利": "毛利",
    "毛利润": "毛利",
    "毛利额": "毛利",
    "gross profit": "毛利",
    "Gross profit": "毛利",
    "operating income": "利润",
    "Operating income": "利润",
    "net loss": "亏损",
    "Net loss": "亏损",
    "operating loss": "亏损",
    "Loss from operations": "亏损",
    "净利": "利润",
    "利润": "利润",
    "net income": "利润",
    "Net income": "利润",
    "Income from operations": "利润",
    "income from operations": "利润",
    "gross profit margin": "毛利率",
    "Gross profit margin": "毛利率",
    "gross margin": "毛利率",
    "Gross margin": "毛利率",
    "净亏损": "亏损",
    "经营亏损": "亏损",
    "亏损": "亏损",
    "净损失": "亏损",
    "经营损失": "亏损",
    # A report's loss written as a share of revenue (经营损失率为2.2%), and its balance sheet's debts.
    "经营损失率": "亏损率",
    "亏损率": "亏损率",
    "资产负债率": "资产负债率",
    "总负债": "负债",
    "负债总额": "负债",
    "短期负债": "负债",
    "长期负债": "负债",
    "流动负债": "负债",
    "短期借款": "借款",
    "长期借款": "借款",
    "毛利率": "毛利率",
    "净利率": "净利率",
    "营业利润率": "营业利润率",
    "经营利润率": "营业利润率",
    "operating margin": "营业利润率",
    "Operating margin": "营业利润率",
    "net margin": "净利率",
    "Net margin": "净利率",
    "市值": "市值",
    "每股收益": "每股收益",
    # The other lines of a report: its expenses and its balance sheet.
    "销售费用": "费用",
    "研发费用": "费用",
    "研发投入": "费用",
    "管理费用": "费用",
    "营销费用": "费用",
    "市场推广费": "费用",
    "资产总额": "资产",
    "总资产": "资产",
    "净资产": "资产",
    "净资产收益率": "ROE",
    "operating cash flow": "现金流",
    "Operating cash flow": "现金流",
    "free cash flow": "现金流",
    "Free cash flow": "现金流",
    "股价": "股价",
    "收盘价": "股价",
    "收盘报": "股价",
    "报收": "股价",
    "募资": "募资",
    "募集资金": "募资",
    "现金流": "现金流",
    "现金流净额": "现金流",
    "现金流量净额": "现金流",
    "现金流量": "现金流",
    "销量": "销量",
    "订单量": "订单",
    "下单数": "订单",
    "下单量": "订单",
    "销售金额": "销售额",
    "订单数": "订单",
    "日单量": "订单",
    "单量": "订单",
    "单月": "销售额",  # 单月破千万: a month's sales, the figure a case page leaves unnamed
    "订单": "订单",
    "orders": "订单",
    # A shop's credit level on Taobao (做到四星级, 冲到两个皇冠).
    "星级": "信用等级",
    "皇冠": "信用等级",
    "信用等级": "信用等级",
    "brand partners": "客户数",
    "Brand partners": "客户数",
    "brand partner count": "客户数",
    "Brand partner count": "客户数",
    "日单": "订单",
    "自然流量": "流量",
    "搜索流量": "流量",
    "流量": "流量",
    "访客数": "访客",
    "访客": "访客",
    "日均UV": "访客",
    "UV": "访客",
    "uv": "访客",
    "进店人数": "访客",
    "转化率": "转化率",
    "转化": "转化率",
    "投入产出比": "ROI",
    "投产比": "ROI",
    "ROI": "ROI",
    "roi": "ROI",
    "投产": "ROI",
    "观看人数": "观看",
    "观看人次": "观看",
    "场观": "观看",
    # A video's or a post's reach, what short-video agencies promise and merchants count.
    "曝光量": "曝光",
    "曝光": "曝光",
    "播放量": "播放",
    "点击量": "点击",
    "浏览量": "浏览",
    "阅读量": "阅读",
    # Spend on ads, whose rise a merchant weighs against what it bought (推广消耗涨了九成).
    "直通车消耗": "推广费",
    "推广消耗": "推广费",
    "广告消耗": "推广费",
    "投放消耗": "推广费",
    # A target set in a contract (年度销售目标600万元) is a promise of sales.
    "销售目标": "销售额",
    "营销目标": "销售额",
    "业绩目标": "销售额",
    # Fans gained and customers won, as a promise or a story writes them (月涨粉10万, 三个月拓客5000人).
    "涨粉": "粉丝",
    "增粉": "粉丝",
    "拓客": "拓客",
    "到店人数": "到店",
    "到店客流": "到店",
    "引流": "流量",
    "粉丝数": "粉丝",
    "粉丝": "粉丝",
    "客单价": "客单价",
    "复购率": "复购率",
    "复购": "复购率",
    "点击率": "点击率",
    "CTR": "点击率",
    "排名": "排名",
    "排行": "排名",
    "占比": "占比",
    "市场份额": "占比",
    "市场占有率": "占比",
    "市占率": "占比",
    "份额": "占比",
    "渗透率": "渗透率",
    "利润率": "利润率",
    "ROE": "ROE",
    "合作品牌数量": "客户数",
    "合作品牌数": "客户数",
    "服务品牌数": "客户数",
    "品牌数量": "客户数",
    "客户数量": "客户数",
    "客户数": "客户数",
    "服务客户数": "客户数",
    # The shops an agency runs (运营店铺数量超过400家), a figure of its own size.
    "店铺数量": "店铺数",
    # A segment's share of revenue or profit in a report's breakdown (收入比例, 营收占比, 比重).
    "收入比例": "占比",
    "收入占比": "占比",
    "营收占比": "占比",
    "利润比例": "占比",
    "利润占比": "占比",
    "比重": "占比",
    # What an agency's report gives for its size: its staff.
    "员工人数": "员工数",
    "员工总数": "员工数",
    "员工数": "员工数",
}
_FINANCIAL: dict[str, str] = {
    "基础服务费": "服务费",
    "月服务费": "服务费",
    "代运营费": "服务费",
    "运营费": "服务费",
    "服务费": "服务费",
    "年费": "服务费",
    "月费": "服务费",
    "提成": "提成",
    "佣金": "提成",
    "扣点": "提成",
    "抽成": "提成",
    "返点": "提成",
    "保证金": "保证金",
    "押金": "保证金",
    "定金": "保证金",
    "订金": "保证金",
    "退款": "退款",
    "退费": "退款",
    "退还": "退款",
    "退回": "退款",
    "追回": "退款",
    "要回": "退款",
    "赔偿": "退款",
    # What a court orders paid beyond the refund (并支付违约金5000元).
    "违约金": "违约金",
    "赔了": "退款",
    "损失": "损失",
    "少了": "损失",  # 签了协议，少了十来万
    "赔进去": "损失",
    "亏损": "损失",
    "亏了": "损失",
    "被骗": "损失",
    "骗了": "损失",
    "白花": "损失",
    "打水漂": "损失",
    "推广费": "推广费",
    "广告费": "推广费",
    "直通车": "推广费",
    "投放费": "推广费",
    "费用": "费用",
    "收费": "费用",
    "交了": "费用",
    "付了": "费用",
    "花了": "费用",
    "收了": "费用",
}
# Metrics measured in money: a number with a counting word after it (1个, 3家) is not one of them.
_MONEY_METRICS = frozenset(
    {
        "销售额",
        "GMV",
        "营收",
        "利润",
        "毛利",
        "亏损",
        "市值",
        "募资",
        "现金流",
        "费用",
        "资产",
        "负债",
        "借款",
    }
)
RATE_METRICS = frozenset(
    {"转化率", "复购率", "点击率", "提成", "毛利率", "净利率", "利润率", "营业利润率", "占比", "渗透率"}
    | {"ROE", "退款比例", "亏损率", "资产负债率"}
)
# Words that name a metric only right before a figure: 收益 is revenue in Hong Kong results (收益为8.6亿港元)
# but also a return or a valuation method elsewhere; 卖 is sales in a merchant's story (从卖8万到卖25万)
# but also 卖家, 卖点. Each is a metric only when a figure follows within a few characters.
_FIGURE_AHEAD = (
    r"(?=\s*(?:[为是约达了出:：]|大约|约为|录得){0,2}\s*(?:人民币|港币|港元|RMB|HK\$|US\$|¥|￥)?"
    r"\s*[\d一二两三四五六七八九十几])"
)
_METRICS_BEFORE_FIGURE = {"收益": "营收", "卖": "销售额"}
# A count right ahead (超过300家, 600多人): the words of size a company gives of itself.
_COUNT_AHEAD = r"\s*(?:数量?|总数)?(?:\s*(?:超过|逾|近|约|累计|达到?|为|共|有)){0,2}\s*\d[\d,]*\s*[多余+]?\s*"
# 占总营收的比例为46.2%: 比例 (a proportion) names a share only right before a percent.
_SHARE_AHEAD = r"(?=\s*(?:为|是|约为?|达到?|[:：])?\s*(?:约|近|超过?)?\s*\d[\d.]*\s*[%％])"
# 占营业总收入的45%, 占总营收的比例为38.6%: a part's share of the whole, named by the whole.
_SHARE_OF_WHOLE = {
    f"占{t}{w}{d}{r}"
    for t in ("", "总", "公司", "公司总")
    for w in ("营业总收入", "营业收入", "营收", "收入", "总收入", "总营收", "净利润", "利润", "毛利")
    for d in ("", "的")
    for r in ("", "比例", "比重")
}
_METRIC_ALT = "|".join(sorted(map(re.escape, _METRICS), key=len, reverse=True))
_METRICS.update(dict.fromkeys(_SHARE_OF_WHOLE, "占比"))  # found by _METRIC_IN_CONTEXT: 200 literals are slow
_METRIC_IN_CONTEXT = re.compile(
    "|".join(f"{re.escape(w)}{_FIGURE_AHEAD}" for w in _METRICS_BEFORE_FIGURE)
    + rf"|比例{_SHARE_AHEAD}"
    + r"|占(?:公司)?总?(?:营业总收入|营业收入|总营收|总收入|营收|收入|净利润|利润|毛利)的?(?:比例|比重)?"
    # 收益按年增长15%, 收益同比下降: Hong Kong revenue before its change
    + r"|收益(?=\s*(?:按年|同比|较上年|较去年)?\s*(?:增长|增加|上升|下降|减少|下跌|录得))"
    # a shop's sales in English, not a report's "sales and marketing expenses"
    # (the word boundary after the letters, not before: a leading assertion turns off the fast scan)
    + r"|[Ss]ales(?<![A-Za-z][Ss]ales)\b(?! and marketing| & marketing| expense)"
    # 累计服务逾80家品牌: how many brands or clients the agency serves, a figure of its own.
    + r"|服务[了过]?(?=\s*(?:超过|逾|近|约|累计)?\s*\d[\d,]*\s*[多余]?\s*[家个位]\s*(?:国内外|国际|知名)?"
    r"(?:品牌|客户|商家))"
    # 服务客户超过300家, 服务过的品牌达120个: the same count, the noun before the figure.
    + rf"|服务[了过]?的?(?:客户|品牌|商家)(?={_COUNT_AHEAD}[家个位])"
    # 员工600多人, 公司现有400余人: the company's staff.
    + rf"|员工(?:人数|总数)?(?={_COUNT_AHEAD}(?:人|名))"
    # 年销 (a year's sales), not the 年 of a date before 销售费用 (2024年销售费用)
    # (the lookbehind after the letters: a leading assertion turns off the fast scan)
    + r"|年销(?<![\d〇零一二三四五六七八九]年销)"
    # 品牌数, 店铺数 — not 品牌数字营销, 店铺数据
    + r"|(?:品牌|店铺)数(?![字码据])"
    + rf"|(?:公司|集团|团队)现?有(?={_COUNT_AHEAD}(?:人|名员工|位员工))"
)


class _MetricWords:
    """The metric words of a text: a pattern of plain words, then the words that count only in context.

    One regex holding both runs eight times slower: a plain alternation of literals is scanned fast,
    and any alternative with a lookahead turns that off. Matches are merged as one alternation would
    give them: leftmost first, a plain word winning a tie, none overlapping."""

    def __init__(self, plain: re.Pattern[str], in_context: re.Pattern[str]) -> None:
        self.plain, self.in_context = plain, in_context

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        found = [(m.start(), 0, m) for m in self.plain.finditer(text, pos, end)]
        found += [(m.start(), 1, m) for m in self.in_context.finditer(text, pos, end)]
        out: list[re.Match[str]] = []
        for _, _, m in sorted(found, key=lambda f: (f[0], f[1])):
            if not out or m.start() >= out[-1].end():
                out.append(m)
        return out

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        a, b = self.plain.search(text, pos, end), self.in_context.search(text, pos, end)
        if a is None or (b is not None and b.start() < a.start()):
            return b
        return a


_METRIC_RE = _MetricWords(re.compile(_METRIC_ALT), _METRIC_IN_CONTEXT)
_METRICS.update({"sales": "销售额", "Sales": "销售额"})
_METRICS.update(_METRICS_BEFORE_FIGURE)
_METRICS.update({"服务": "客户数", "服务了": "客户数", "服务过": "客户数", "比例": "占比"})
_SERVED = {f"服务{v}{d}{n}" for v in ("", "了", "过") for d in ("", "的") for n in ("客户", "品牌", "商家")}
_METRICS.update(dict.fromkeys(_SERVED, "客户数"))
_METRICS.update(dict.fromkeys(("员工", "员工人数", "员工总数"), "员工数"))
_METRICS.update({f"{w}{n}有": "员工数" for w in ("公司", "集团", "团队") for n in ("", "现")})
_METRICS.update({"品牌数": "客户数", "店铺数": "店铺数", "年销": "销售额"})
_FINANCIAL_RE = re.compile("|".join(sorted(map(re.escape, _FINANCIAL), key=len, reverse=True)))

_NUM = re.sub(r"\(\?P<\w+>", "(?:", NUMBER.pattern)
# Shopping festivals are dates too: 双十一, 双11, 618大促 name a day, not a figure.
_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?=\s*(?:年|同期|财年|财季|Q|H[12]))|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|双\s*(?:十一|十二|11|12)|618(?<![\d.]618)(?=\s*(?:大促|期间|活动|当天|购物节|年中|前后|狂欢))"
)
# 从2021年的3.2亿元增长至2023年的4.5亿元: a date before an amount is part of the slot.
_DATE_SLOT = (
    r"(?:(?:(?:19|20)\d{2}\s*年(?:度|末|初|底|中)?|上年同期|去年同期|上年度?|去年|上一年度?|今年|本年度?)"
    r"(?:[上下]半年|第?[一二三四1-4]季度|前三季度)?的?\s*)?"
)
# A figure and its unit; N成 is N×10% (占比超五成), as `pipelines.numbers` reads it.
_NUMX = rf"(?:{_NUM})(?:\s*(?:%|％|元|块)|成(?![交本功立为长员果绩不熟型品都了就]))?"
_CURRENCY_SLOT = r"(?:人民币|RMB|US\$|HK\$|港币|港元|美元|¥|￥|\$)?\s*"
_UP = r"提升|增长|增加|做到|涨到|飙升|提高|上升|突破|跃升|冲到|达到|变成|增至|涨至|激增|暴涨|大涨|大增|猛增"
_DOWN = r"跌到|下降|降到|掉到|下滑|暴跌|减少|降低|跌至|降至|骤降|锐减|大跌|跌"
# What may stand between 从/由 and the figure, and between 到 and the next: when the level was, how
# often, the metric named again (从月销8万做到月销25万, 从卖8万到卖25万) and a rank's 第/前/TOP.
_LEVEL_SLOT = (
    r"(?:(?:原来|之前|最初|以前|原本|起初|每天|每月|每年|月均|日均|单月|一天|一个月|每个月|一年|最高|最低|峰值"
    r"|巅峰期?|高峰期?|顶峰|高点|低点)的?\s*)*"
    rf"(?:(?:{_METRIC_ALT}|卖了?|卖出|做)\s*)?(?:第|前|TOP|Top|top)?"
)
_FROM_TO = re.compile(
    rf"(?:从|由)\s*{_DATE_SLOT}{_LEVEL_SLOT}"
    rf"\s*(?:约|近|超过?|大约|不足|不到|仅|只有)?\s*{_CURRENCY_SLOT}(?P<b>{_NUMX})[^，,。；;从由\d]{{0,8}}?(?:{_UP}|{_DOWN}|到|至|(?P<flip>转为|变为|转))"
    rf"[到至了为]*\s*{_DATE_SLOT}{_LEVEL_SLOT}"
    # 从几百涨到上万: 上万 is ten thousand and more, the least it says
    rf"\s*(?:约|近|超过?|大约|不足|不到|仅|只有|仅剩|只剩|上)?\s*{_CURRENCY_SLOT}(?P<aneg>[-−负])?(?P<a>{_NUMX})"
)
# 分别为1.2亿元、1.5亿元和2.3亿元 (a series over years): the first is before, the last after.
_SERIES = re.compile(
    rf"分别(?:为|是|达到?)?\s*(?P<b>{_NUMX})(?:\s*[、和及]\s*{_NUMX})*\s*[、和及]\s*(?P<a>{_NUMX})"
)
# grew from RMB 20 million to RMB 65 million
_EN_FROM_TO = re.compile(
    rf"\bfrom\s+{_CURRENCY_SLOT}(?P<b>{_NUMX})\s+to\s+(?:(?:about|nearly|over|more than)\s+)?{_CURRENCY_SLOT}"
    rf"(?P<a>{_NUMX})"
)
_ARROW_SIGN = r"→|->|=>|➡|—>|-->|➜"
_ARROW = re.compile(rf"(?<![\d.,])(?P<b>{_NUMX})\s*(?:{_ARROW_SIGN})\s*(?P<a>{_NUMX})")
_AFTER_ONLY = re.compile(
    rf"(?:达到|做到|突破|破|(?<![超经通越])过(?=[亿万千百])|超过|提升至|提升到|增长至|增长到|增长为|涨到|冲到|冲上|干到|高达|增至|稳定在"
    rf"|实现了?|录得|来到|不到|不足|只有|仅有|仅为|只剩|扩大至|扩大到|收窄至|收窄到|转亏至|转负至|骤降至"
    rf"|(?:下跌|下降|下滑|回落|减少|缩水|萎缩|跌|降|减)[至到]"
    rf"|报收|收于)"
    rf"\s*了?\s*(?:月销|年销|日销|日均|每天|每月|月均)?\s*(?:超过?|近|约)?\s*(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
_CURRENCY = r"(?:人民币|RMB|US\$|HK\$|¥|￥|\$)"
_METRIC_VALUE = re.compile(
    # GMV规模约120亿元: the size of the metric; 现金流净流出2300万元: a cash flow out is below zero.
    rf"\s*(?:规模|体量|总额)?\s*(?:(?P<out>净流出|流出)|(?:预计|预期|约|则)?为|(?:预计|预期)(?:达到?)?|(?:保底|保证|承诺|确保)(?:做到|达到)?|[:：是达在]|做到|做了|不足|不到|只有|仅有|仅为|仅|约|大约|近|超过|超|才|实现|录得|不低于|不少于|至少"
    rf"|were|was|of|了)?"
    rf"\s*(?:每月|每天|每年|月均|日均|单月)?\s*{_CURRENCY}?\s*(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
# 同比大幅下降18.4%, 降幅6.2%, an increase of 12.3%: a direction word, a few words, a percent. The sign
# comes from any fall word in the match.
_GROWTH = re.compile(
    # 增速为35%, 增长率达12%: the rate of growth named, then its figure.
    rf"(?P<dir>(?:增速|增长率|增长速度)(?:为|是|达到?|约为?)?|{_UP}|{_DOWN}|涨幅|增幅|降幅|跌幅|涨了|同比|环比|上涨|增|减|升|降|收窄|缩水|increase|decrease|growth|yoy"
    # up/down begin with their letter, not \b: a leading assertion turns off the regex's fast scan
    rf"|rose|grew|grow|boosted|boost|lifted|jumped|surged|fell|dropped|declined|up(?<![A-Za-z]up)\b|down(?<![A-Za-z]down)\b)"
    # we grew revenue 5%, grew our net revenues by 12%: the English verb before its metric.
    rf"(?:[^\d，,。；;%到至为]{{0,5}}?|\s+(?:[A-Za-z]+\s+){{0,3}}?(?:revenues?|sales|GMV|income|orders|traffic)"
    rf"\s+(?:by\s+)?)"
    rf"(?P<p>{_NUM})\s*(?:%|％|个百分点|成(?![交本功立为长员果绩不熟型品都了就]))"
)
_FALL = re.compile(rf"{_DOWN}|降幅|跌幅|减|降|收窄|缩水|负增长|decrease|fell|dropped|declined|\bdown\b")
# 同比增长-3.2%: a growth written with its sign (负增长12% is read from the 负 before the match).
_NEGATIVE_GROWTH = re.compile(r"[-−]\s*[\d.]+\s*(?:%|％|个百分点)$")
# 营收同比增长8%至4.3亿元: the level after the growth.
_PCT_TO = re.compile(
    rf"(?:%|％|个百分点)(?:\s*year[- ]over[- ]year)?\s*(?:至|到|达到|为|to\b)\s*(?:约|约为)?\s*{_CURRENCY}?"
    rf"\s*(?P<a>{_NUMX})"
)
# 承诺300万营业额, 5.8亿元销售收入: the amount right before the metric word.
_VALUE_BEFORE = re.compile(rf"(?<!第)(?P<a>{_NUMX})\s*的?\s*$")  # not 第一 (合作第一年销售额…)
_MONEY_UNIT_CHAR = re.compile(r"[万亿千百元]")
_DELTA_TO = re.compile(
    rf"(?P<dir>增加|增长|提升|提高|上升|减少|下降|下滑|降低)了?\s*(?:约)?\s*{_CURRENCY_SLOT}(?P<d>{_NUMX})"
    rf"\s*(?:至|到)\s*{_CURRENCY_SLOT}(?P<a>{_NUMX})(?!\s*[倍番])"  # 增长3到5倍 is a range of multiples
)
# ROI 1:8, 投产比1比5: the return per unit spent.
_RATIO = re.compile(rf"1\s*[:：比]\s*(?P<a>{_NUM})|(?<![\d.])(?P<r>\d+(?:\.\d+)?)\s*[:：]\s*1(?!\d|\.\d)")
# 翻了3倍, 增长3到5倍 (a range: its lower bound, the least it says), 翻两番.
_TIMES = re.compile(
    rf"(?:翻了?|增长了?|提升了?|提高了?|增加了?|涨了?)\s*(?:近|约|超过|超)?\s*(?P<m>{_NUM})"
    rf"(?:\s*(?:-|~|～|—|–|到|至)\s*{_NUM})?\s*(?P<u>倍|番)"
)
_DOUBLED = re.compile(r"翻倍|翻番|翻一番|翻了一番")
_BEFORE_CUE = re.compile(r"合作前|接手前|接手时|合作时|之前|原来|以前|原本|起初|刚开始|最初")
_AFTER_CUE = re.compile(r"合作后|接手后|之后|现在|目前|如今|后来|最后|最终|半年后|个月后|年后")

_PROMISE = re.compile(
    r"保证(?!金)|承诺|包你|包您|包月销|包回本|包上|包做到|包过|保底|确保|不达标.{0,20}退|达不到.{0,20}退|无效退款"
    r"|可以让你|能让你|帮你做到|让您的店铺|让你的店铺|一定能|签对赌|需完成|须完成|如未达成|如未完成|未达标"
    r"|合同约定|协议约定|约定的|需在|须在|能到|能做到|可以做到|能达到|可以达到|保证能"
    r"|拍胸脯|打包票|夸下海口|信誓旦旦|[Pp]romised|[Gg]uarantee"
    # what a seller of the service claims it will do (向商家宣称“三个月销售额破百万”, 号称一夜引流百万)
    r"|向商家宣称|宣称能|号称一夜|号称能|声称能"
)
_MERCHANT = re.compile(
    r"给五星|五星好评|好评|差评|追评|续费|推荐|找了|找的|去年找|找\S{1,8}?做|签的约|签约后|(?<!接)下来|比以前|"
    r"我的店|我家店|我家的店|我们店|我们家|我们的店|我店|本店|自己的店|我的网店|我们的网店|我的淘宝店|我的天猫店"
    r"|交给他们|找了他们|找他们|他们接手|交了|签了|被坑|结果|反而|一单没出|倒退|不如之前|我们公司的店|对方"
    r"|\b(?:[Oo]ur (?:store|shop)|[Mm]y (?:store|shop)|I paid|[Ww]e paid)\b"
)
# A figure that moved: from … to, a growth, a multiple, a threshold broken.
_CHANGE = re.compile(
    rf"(?:从|由)[^，,。；;]{{0,20}}?(?:{_UP}|到|至)|(?:{_UP})[^，,。；;]{{0,4}}?\d"
    # 下滑了四成, 下降了30%: a fall told as a share
    rf"|(?:{_UP}|{_DOWN})了?\s*(?:约|近|超过?)?\s*(?:\d|[一二两三四五六七八九]成)|翻了?\s*(?:[\d一二两三四五六七八九十]|倍|番)"
    rf"|翻倍|翻番|(?<![打识突])破\s*[\d一二两三四五六七八九十百千万亿]|[\d万亿千%]\s*(?:{_ARROW_SIGN})\s*\d"
    rf"|\b(?:rose|grew|increased|jumped|surged|doubled|tripled|fell|dropped|declined)\b"
)
# What a shop reached (实现销售额5000万元, 成长为类目TOP3, 位列类目第三).
_ACHIEVED = re.compile(r"实现|达成|成长为|跻身|位列|冲进|冲上|登上|稳定在|保持在|维持在|累计")
# The company speaking of itself as a whole: its staff, its brands served, its yearly totals.
# (One alternative per subject word: a pattern whose branches share their first words scans faster.)
_COMPANY_SELF = re.compile(
    r"(?:公司|集团|我司|本公司|服务商|代运营商)"
    r"(?:目前|现有|旗下|已|累计|员工|全年|年度"
    r"|现?有\s*(?:超过|近|约)?\s*\d[\d,]*\s*[多余]?\s*(?:人|名员工)"
    r"|的?(?:服务|合作|运营)?的?(?:品牌|客户|店铺)(?:数|总数|数量))"
    r"|员工(?:超过|近|约|达)|累计服务|服务品牌(?:累计|超过|达)"
)
# Advice and questions (想要月销破万…, 如何让流量从0到1？) talk of figures nobody reached.
# A platform's or a market's figures (天猫平台GMV同比增长8%) are nobody's case either.
_ADVICE = r"想要|要想|如何|怎么|怎样|如果|假如|才能|[?？]"
_NOBODYS = re.compile(rf"{_ADVICE}|平台|行业|市场|大盘|全网|全国")
# The metrics of a shop, where a change is a result; a company's revenue or a fee is not one.
_SHOP_METRIC = re.compile(
    r"GMV|gmv|成交|销售额|营业额|月销|日销|年销|销量|访客|UV|流量|转化率|ROI|roi|投产|粉丝|客单价|复购|点击率|排名|订单|单量"
    r"|占比|份额|渗透率|场观|观看|\b[Ss]ales\b"
)
# A place in a ranking (冲到类目前三, 跻身TOP10, 排名第一, 中国第五大…提供商). 第N is also an ordinal
# (第一种, 第三季度, 第50次, 第一股): only after a word that puts something in a place, and not before a
# counter word.
_RANK_PLACE = (
    r"(?:第\s*(?P<nth>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:名|位|大|强)?"
    r"(?![种股案方季届次章条天年个家期批轮代款阶步笔时梯线部节周月号级层手财轮\d])"
    r"|前\s*(?P<top>\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:名|强|位)?(?![季个天年月周大种家\d])"
    r"|(?:TOP|Top|top)\s*(?P<topn>\d{1,3})(?![\d.])|No\.\s*(?P<no>\d{1,3})(?![\d.]))"
)
_RANK = re.compile(
    r"(?:排名|排行|排位|排在|排到|排|位列|位居|名列|跻身|冲到|冲进|冲入|冲上|进入|进了|挤进|登上|登顶|稳居|稳坐"
    r"|做到|成为|拿下|掉到|跌到|跌出|掉出|跌至|升至|升到|提升到|提升至|回到|保持|是|为)"
    rf"[^，,。；;\d第前]{{0,12}}?{_RANK_PLACE}"
    # 排名还在200名开外: a place counted in 名 after a word of ranking.
    r"|(?:排名|排在|排到|排行)[^，,。；;\d]{0,6}?(?P<named>\d{1,4})\s*名"
)
_RANK_FELL = re.compile(r"掉|跌|下滑|下降|滑落|退出|跌出")
# Whose place it is: a shop, a brand or a product (a client's), else the company's own (公司, 第N大).
_RANKED_SHOP = re.compile(r"店|品牌|产品|单品|商品|类目|客户|商家")
_RANKED_COMPANY = re.compile(r"公司|集团|企业|服务商|提供商|代运营商|第\s*\S{1,3}\s*大")
# A shop's figure after a stretch of the work (半年后, 三个月内, 运营一年下来, 合作期间): an outcome of
# the work, whoever tells it.
_PERIOD_BOUND = re.compile(
    r"(?:\d+|[一二两三四五六七八九十半]+)\s*个?\s*(?:天|周|星期|月|季度|年)(?:后|内|以后|以来|下来|过去|时间|期间|里)"
    r"|(?:合作|托管|接手|运营|代运营|服务)(?:期间|期内|以来|之后|后)|截至|截止"
)
# A case page says what it is once (成功案例, 服务品牌); its sentences need not repeat it.
_CASE_PAGE = re.compile(
    r"成功案例|案例分享|案例详情|客户案例|服务品牌|服务周期|合作品牌|服务客户|我司|我们团队"
    r"|\b[Cc]ase [Ss]tud(?:y|ies)\b"
)
_PROVIDER = re.compile(
    r"案例|客户|帮助|助力|操盘|我司|我们团队|我们帮|孵化|赋能|借助我们|在我们的|我们的?(?:运营|操盘|服务|策划|打造|接手)"
    r"|\b(?:[Oo]ur (?:team|operation|service|full-service)|[Hh]elped|[Ff]or (?:the|a|our) client)"
    # an agency's campaign and what it brought (the campaign drove 4,200 orders)
    r"|\b(?:[Tt]he|[Oo]ur|[Tt]his) campaign (?:resulted in|generated|drove|delivered|brought|got)"
)
# A provider speaking of what it did for a client, as opposed to its own figures (公司的客户有哪些).
_PROVIDER_FOR_CLIENT = re.compile(r"案例|帮助|助力|操盘|为客户|帮客户|客户的|我们帮|孵化|赋能")
# The words of a financial report or of the press about one: the agency's own figures.
_REPORT = re.compile(
    r"营业收入|营业总收入|主营收入|营收|净利润|归母|扣非|毛利率|净利率|市值|股价|财报|季报|年报|财季|财年"
    r"|净亏损|经营亏损|募资|募集资金|[Rr]evenue|[Nn]et income|[Ff]iscal|[Qq]uarter"
    r"|收益总额|总收益|年内收益|期内收益|溢利|纯利|毛利|本集团|现金流量净额|经营活动"
    r"|[Nn]et loss|[Gg]ross profit|[Gg]ross margin|[Ii]ncome from operations"
    r"|[Oo]perating (?:income|loss|margin)"
    r"|Non-GAAP|净损失|归属于|股东应占|应占"
    r"|经营损失|营业利润|经营利润|资产负债率|总负债"
)
# A company speaking of its own year (公司营收同比增长, 该公司上半年亏损扩大至1.5亿元): a company subject
# or a year-on-year comparison, with a money figure of the company's and no shop in the sentence.
_COMPANY_FIGURE = re.compile(
    r"(?:公司|集团|企业|上市|股份|股东|财报|业绩|业务(?!员))|同比|环比|按年|上年同期|去年同期|上年度"
    r"|year[- ]over[- ]year"
    # a run of years' figures (2022-2024年收入分别为…): a company's history as a prospectus lists it
    r"|(?:19|20)\d{2}\s*(?:年\s*)?[-—–至到]\s*(?:19|20)\d{2}\s*年[^。；;]{0,30}?分别为"
)
_COMPANY_MONEY = re.compile(
    r"资产总额|总资产|净资产|销售费用|研发费用|管理费用|营收|营业|收入|收益|利润|净利|溢利|纯利|盈利|毛利|亏损|市值|现金流|GMV|gmv|[Rr]evenue|[Ii]ncome|[Ll]oss"
)
_SHOP = re.compile(r"店|客户|品牌方|商家")
# Money paid or lost in a clause: what happened, even inside a sentence that reports a promise.
_PAID = re.compile(r"交了|付了|支付|收取|收了|骗了|被骗|损失|赔偿|花了|亏了|白花|打水漂|追回|要回|拿回")
# Inside a promise's sentence, the clause that says how it went (结果…不到5万, 实际日销不足500元).
_WENT = re.compile(
    r"结果|现在|如今|目前|实际|实则|最后|最终|只有|仅有|仅为|不足|不到|累计仅|远低于|远未"
    r"|\b(?:only(?![A-Za-z])|actually\b|in fact\b|in the end\b)"
)
# A price list (报价, 一般在…之间): a fee quoted is no claim unless someone paid it.
_QUOTE = re.compile(r"报价|收费标准|一般在|一般是|不等|起步价|起价")
# Money that changed hands or a court's finding: what happened, whoever tells it.
_HAPPENED = re.compile(
    r"判决|法院|原告|被告|审理|只卖|仅卖|退还|退款|退费|退回|赔偿|赔了|被骗|白花|打水漂|交了|付了|花了|亏了|损失"
    r"|只有|仅有|仅为|不足|惨淡|骗了|收了|收取|只出了?|才出了?|仅出了?|只卖了?|才卖了?"
    # A shop frozen, a deposit deducted, what actually came of it (实际投产比才0.5).
    r"|扣除|被扣|冻结|实际[^，,。；;]{0,8}?(?:仅|只|才|不足|不到)"
    # a result granted, then its shortfall (虽实现月销80万，但UV价值仅0.6元): how it really went
    r"|虽(?:然)?[^，,。；;]{0,12}?(?:实现|做到|达到)[^。；;]{0,30}?但[^。；;]{0,16}?(?:仅|只有|才|不足|不到)"
)
# A shop's or a merchant's loss (店铺亏损了12万, 签了协议，少了十来万): what happened to a client; a
# company's loss (公司上半年亏损了3000万元) is its own figure.
_SHOP_LOSS = re.compile(r"亏损了|少了|赔进去|倒贴|血本无归")
# Words both voices use: they make a provider's sentence only when no merchant speaks in it.
_PROVIDER_WEAK = re.compile(r"接手|服务的|打造|成功|合作")
_CLIENT_SHOP = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9·&]{1,16}?(?:官方旗舰店|旗舰店|专营店|专卖店|企业店|官方店)"
)
_CLIENT_BRAND = re.compile(
    r"(?:为|帮助|帮|服务|助力|合作|操盘|接手)了?(?:客户)?[「“\"]?(?P<b>[\u4e00-\u9fffA-Za-z0-9]{1,10}?品牌)"
)
_CLIENT_TRIM = re.compile(
    r".*(?:为|帮助|帮|给|客户|服务|合作|与|和|是|把|让|对|在|了|的|将|替|助力|操盘|接手|其中|如)"
)
# An English full stop ends a sentence too (…grew 9%. Net income was…), a decimal point not.
_SENTENCE = re.compile(r"(?:[^。！？!?；;\n.]+|\.(?!\s+[A-Z]))+[。！？!?；;.]*")
# Clauses end at a comma, but not at the thousands separator of 2,156.2 (12.4%,2024年 is a comma).
# Nor at the 、 of a list of figures (分别为1.2亿元、1.5亿元和2.3亿元): the list is one claim.
# Quoted items side by side (承诺“月销保底20万”“ROI≥1:3”) are a list too: a clause ends after each quote.
_CLAUSE = re.compile(r"(?:[^，,、”]|”(?!\s*“)|,(?=\d{3}(?!\d))|、(?=\d))+(?:[，,、”]|$)")
# An item of a list written on one line (摘要 - 营业收入3.11亿元 - 净亏损1453万元; • …): the items are
# sentences of their own. A spaced dash before a figure is a minus (a - 5), not a bullet.
# An item may open with its years (- 2022 - 2024年收入分别为…): a year is no figure to subtract.
_BULLET = re.compile(
    r"[ \t]+[-•●▪][ \t]+(?=[^\d\s.,-])|(?:^|(?<=[ \t]))•[ \t]*"
    r"|(?<=[^\d\s])[ \t]+-[ \t]+(?=(?:19|20)\d{2}\s*(?:年|[-—–至]\s*(?:19|20)\d{2}\s*年))"
)
# A line break inside a sentence, as pages copied from a PDF or a narrow column have them
# (`Total net revenues were\nRMB2,201.9 million`): the next line goes on with a figure or a lower-case
# word, or the line stops on a word that cannot end a sentence. A line break anywhere else ends one.
_WRAPPED_LINE = re.compile(
    r"(?<=[A-Za-z0-9,])[ \t]*\n[ \t]*(?=[a-z(]|(?:RMB|US\$|HK\$|¥|￥)\s?\d|\d[\d,.]*\s*(?:million|billion|%))"
    r"|(?:(?<=\bwas)|(?<=\bwere)|(?<=\bof)|(?<=\bto)|(?<=\bfrom)|(?<=\band)|(?<=\bby)|(?<=\bis)|(?<=\bare))"
    r"[ \t]*\n[ \t]*"
)
_FELL = re.compile(rf"{_DOWN}|少了|不升反降|反而|\b(?:dropped|fallen|fell|declined|decreased)\b")
_PROFIT_OR_LOSS = frozenset({"利润", "亏损"})
_PROFIT_THEN_LOSS = re.compile(r"(?:净利润?|利润|溢利|纯利)\s*(?:为|录得|出现)?\s*(?:净)?亏损$")
_SHARE = re.compile(r"占比|份额|排名")
_GROWTH_SIGN = re.compile(r"[%％倍番]|百分之")
_HAS_NUMBER = re.compile(r"[0-9一二两三四五六七八九十百千万亿倍番]")
# A figure the metric words do not name (交易总对价为12.8亿元, 资产减值损失激增104%): the words right
# before it name it. Only money in yuan or dollars and percent changes, where a reader sees a figure.
_MONEY_UNIT = re.compile(r"[元]|美元|港元|million|billion", re.I)
_LABELLED = re.compile(
    rf"(?P<label>[\u4e00-\u9fff]{{2,10}}?)(?:\[\d{{1,2}}\])?\s*(?:为|达到?|是|约为?|共计|合计|高达|超过?|近|约)?\s*"
    rf"{_CURRENCY}?\s*"
    rf"(?P<a>{_NUM})\s*(?:元|美元|港元)"
    rf"|(?P<glabel>[\u4e00-\u9fff]{{2,10}}?)(?:同比|环比)?(?P<dir>{_UP}|{_DOWN}|缩小|扩大)了?"
    rf"\s*(?P<p>{_NUM})\s*(?:%|％)"
)
# 上年同期为980万元: the figure a change was measured from, not a figure of its own.
_BASE = re.compile(r"同期|上年|去年|上一年|上年度")
# The words a label starts after: a verb or a particle of the sentence, not the metric's own.
_LABEL_CUT = re.compile(r".*(?:的|了|在|和|与|及|其|将|为|是|公司|集团|年|月|季度|期内|报告期)")
# …亏损为人民币: the link and the currency go before the label is cut at the sentence's own words.
_LABEL_TAIL = re.compile(r"(?:为|是|达|约)?(?:人民币|美元|港元)$")


def canonical_metric(text: str) -> str | None:
    """The canonical metric of the first metric word in the text (`月销售额` → 销售额), else None."""
    m = _METRIC_RE.search(text or "")
    return _METRICS[m.group(0)] if m else None


def extract(text: str) -> list[Claim]:
    """Every claim in the text, in order. Never raises on a str; returns [] when there is none."""
    if not isinstance(text, str) or not text:
        return []
    claims: list[Claim] = []
    doc_client: str | None = None
    case_page = _CASE_PAGE.search(text) is not None
    # A report names its figures once per sentence at most: two report words make the whole text one,
    # so its GMV and client-count sentences are the company's own figures too.
    report = len(set(_REPORT.findall(text))) >= 2
    pending_period: int | None = None
    topic: str | None = None
    in_request = False
    # Most texts have no line break: the lookbehinds make the rejoin costly to run for nothing.
    joined = _WRAPPED_LINE.sub(" ", text) if "\n" in text else text
    if " - " in joined or "•" in joined:
        joined = _BULLET.sub("\n", joined)  # 要点 - 营业收入…同比下降18.3% - 净亏损…: one item each
    if "|" in joined and "\n" in joined:
        joined = _join_wrapped_headers(joined)  # |营业收入( |…  then  | |万元) |…: one header row
    if "元)" in joined or "元）" in joined:
        # 营业收入(万元)324153.11: the unit of a data page's line, not a figure of 10000; the figure after
        # it is in that unit (营业收入：324153.11万元).
        joined = _UNIT_LABEL.sub(_unit_figures, joined)
    if "Table_" in joined:
        # A broker report's template fields ([Table_Summary], Table_Balance …) start a box of its cover:
        # each box is a line of its own, not one sentence run into the price and ratio boxes beside it.
        joined = _TEMPLATE_FIELD.sub("\n", joined)
    if "/" in joined:
        # 代运营业务收入3.8亿/-2.8%/占比28.8%: a broker's note writes a figure, its change and its share
        # as one item split by slashes; read as the clauses they stand for.
        joined = _SLASH_ITEM.sub(_slash_clause, joined)
        # 收入5.74/7.45亿元, 净利率分别为7.9%/7.8%: figures of two periods sharing the unit after the last
        joined = _SLASHED_FIGURES.sub(_slashed_figures, joined)
    header: list[str | None] | None = None
    factors: list[float] = []
    dates: list[str] | None = None
    for para in joined.split("\n"):
        if header is not None or dates is not None:
            row = _table_row(para, header, factors) if header is not None else _dated_row(para, dates or [])
            if row is not None or _RULE_LINE.match(para):
                claims.extend(row or [])
                continue
            header = dates = None
        if _CELL_GAP.search(para.strip()):
            # Rows under a header of dates must be labelled by a metric; a header of metrics must be a
            # report's (its own words, or the text's).
            header = _table_header(para) if report or _REPORT.search(para) else None
            factors = _header_factors(para)
            dates = _date_header(para)
            if header is not None or dates is not None:
                continue
        for sm in _SENTENCE.finditer(para):
            sentence = sm.group(0).strip()
            if not sentence:
                continue
            # A plaintiff's requests (诉讼请求：1.…；2.被告退还托管费4300元；) are what someone asks
            # for, not what happened: the request and the numbered items after it give no claim.
            in_request = _requested(sentence, in_request)
            if in_request:
                pending_period = None
                continue
            client = _client(sentence)
            if client:
                doc_client = client
            found = _sentence_claims(
                sentence, client or doc_client, pending_period, case_page, report, client is not None, topic
            )
            claims.extend(found)
            # 该公司毛利的走势值得一看。由2020年的1.1亿元升至…: a sentence that names a metric
            # and gives no figure is the topic of the next one, if that one names none of its own.
            # (Kept as the sentence: its metric is looked up only when the next one has figures to read.)
            topic = sentence if not found and not _DIGIT.search(sentence) else None
            if not found:
                periods = period_matches(sentence)
                # The sentence right before the numbers, not any earlier one: a 近五年 three sentences
                # up is not the period of this quarter's revenue.
                pending_period = periods[0][2] if periods else None
            else:
                pending_period = None
    if not any(c.client is None and c.kind in _STORY_KINDS for c in claims):
        return claims
    # A court's or a reporter's story names the merchant as the party that paid, sued or hired the agency
    # (原告某商务公司, 某食品公司委托…, 泉州某服饰公司付了20万元); a merchant's own story names a person
    # (吴某, 韩女士, 小彭) before the agency's people: whose promise it was and to whom it happened.
    person = _merchant_party(text) or _merchant_person(text)
    if person is None:
        return claims
    return [
        dataclasses.replace(c, client=person) if c.client is None and c.kind in _STORY_KINDS else c
        for c in claims
    ]


_UNIT_LABEL = re.compile(
    r"[(（]\s*(?P<u>千|万|百万|亿)元\s*[)）]\s*[:：]?\s*"
    r"(?P<n>[-−]?\d[\d,]*(?:\.\d+)?(?:[ \t]+[-−]?\d[\d,]*(?:\.\d+)?)*)(?![\d.]*\s*[千万亿元%％])"
)
_BARE = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


def _unit_figures(m: re.Match[str]) -> str:
    unit = m.group("u") + "元"
    return "：" + _BARE.sub(lambda n: n.group(0) + unit, m.group("n"))


_TEMPLATE_FIELD = re.compile(r"\[?Table_[A-Za-z]+\]?")
# A slash after a figure, before a signed percent (its change) or 占比 (its share).
_SLASH_ITEM = re.compile(r"(?<=[\d万亿元%])\s*/\s*(?=[+\-−]\s*\d[\d.]*\s*%|占比)")


_SLASHED_FIGURES = re.compile(
    r"(?<![\d./])(?P<a>\d+(?:\.\d+)?)\s*(?P<ua>%|亿元|万元|亿|万)?\s*/\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<u>%|亿元|万元|亿|万)(?![\d/])"
)


def _slashed_figures(m: re.Match[str]) -> str:
    return f"{m.group('a')}{m.group('ua') or m.group('u')}、{m.group('b')}{m.group('u')}"


def _slash_clause(m: re.Match[str]) -> str:
    return "，" if m.string.startswith("占比", m.end()) else "，同比"


_STORY_KINDS = frozenset({"promise", "actual_outcome"})
# Common surnames, simplified and traditional, for masked or polite names of people (吴某, 韩女士, 小彭).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤游"
    "張劉陳楊黃趙吳孫馬鄭許謝韓馮鄧蕭董葉蘇呂盧鍾譚陸賈鄒龔顧錢嚴湯"
)
_PERSON = re.compile(
    rf"(?:小)?[{_SURNAMES}](?:某某?|先生|女士|小姐)(?!公司|企业|企業|品牌|店|电商|電商|网络|網絡|科技|传媒|團隊|团队)"
    rf"|小[{_SURNAMES}](?=[说說称稱表告])"
)


# The merchant as a party: a firm or a seller that sued, hired or paid. The agency's own kinds of firm
# (传媒, 网络, 科技, 直播, 经纪 …) are the other side, and so are 被告 and the courts.
_PARTY_NAME = r"[\u4e00-\u9fffA-Za-z*＊]{1,14}?(?:公司|商家|卖家|商行|厂)"
_MERCHANT_PARTY = re.compile(
    rf"原告(?:方)?\s*(?P<a>{_PARTY_NAME})"
    rf"|(?P<b>{_PARTY_NAME})(?:\s*[(（][^)）]{{0,16}}[)）])?\s*(?:按约|先后|共计?|先)?"
    r"(?:委托|花费了?|花了|付了|支付了?|交了|交纳了?|缴纳了?|花\s*\d|将[^，,。]{1,16}诉至|起诉|状告|把[^，,。]{1,16}告上)"
)
_PARTY_CUE = re.compile(r"原告|委托|花费|花了|付了|支付|交了|交纳|缴纳|花|诉至|起诉|状告|告上")
_AGENCY_KIND = re.compile(
    r"传媒|傳媒|网络|網絡|科技|信息|資訊|文化|直播|经纪|經紀|娱乐|娛樂|广告|廣告|营销|營銷|运营|運營|电商|電商"
    r"|法院|被告"
)
_PARTY_CUT = re.compile(
    r".*(?:约定|由于|因为|认为|随后|最终|事后|于是|的|了|在|和|与|是|为|将|被|让|向|由|时|称|说|后|遂|该|这家|此)"
)


def _merchant_party(text: str) -> str | None:
    if _PARTY_CUE.search(text) is None:
        return None  # the words first: the name pattern is slow to scan
    for m in _MERCHANT_PARTY.finditer(text):
        name = _PARTY_CUT.sub("", m.group("a") or m.group("b"))
        if len(name) >= 3 and not _AGENCY_KIND.search(name):
            return name
    return None


def _merchant_person(text: str) -> str | None:
    m = _PERSON.search(text)
    return m.group(0) if m else None


# A plaintiff's demands as a lawsuit states them (诉讼请求, 请求判令, 诉请). A merchant's own 要求他们
# 退还6.8万保证金 stays an outcome: it says what was paid and kept.
_REQUEST = re.compile(r"诉讼请求|诉请|请求(?:法院|本院)?(?:判令|判决|依法判令)")
# What a court or the parties decided after a request (法院判决…, 最终…, 调解…): an outcome again.
_DECIDED = re.compile(r"判决(?!书)|裁定|调解|最终|法院(?:认为|支持|判)|本院认为|当庭")
# The numbered items of a list (2.被告…, （3）…, 三、…).
_LIST_ITEM = re.compile(
    r"^\s*(?:[（(]\s*[0-9一二三四五六七八九十]{1,2}\s*[)）]|[0-9一二三四五六七八九十]{1,2}\s*[.、．])"
)


def _requested(sentence: str, in_request: bool) -> bool:
    """Is this sentence a demand, or a numbered item of the demands before it?"""
    m = _REQUEST.search(sentence)
    if m is not None:
        return _DECIDED.search(sentence, m.end()) is None
    return in_request and _LIST_ITEM.match(sentence) is not None and _DECIDED.search(sentence) is None


def _client(sentence: str) -> str | None:
    if "店" not in sentence and "品牌" not in sentence:
        return None
    m = _CLIENT_SHOP.search(sentence)
    if m:
        name = _CLIENT_TRIM.sub("", m.group(0))
        if len(name) >= 3:
            return name
    m = _CLIENT_BRAND.search(sentence)
    if m and len(m.group("b")) >= 3 and not _BRAND_COUNT.search(m.group("b")):
        name = _CLIENT_TRIM.sub("", m.group("b"))
        return name if len(name) >= 3 else None  # 服务的品牌: no name, only the word
    return None


# 服务超过500个品牌, 累计服务数百家品牌: how many brands the agency serves (its own figure), no client.
_BRAND_COUNT = re.compile(
    r"[\d一二两三四五六七八九十百千万几数多余]+\s*(?:个|家|款|大)?(?:知名|国际|头部)?品牌$"
)


# How things usually go (通常, 一般, 平均, 往往) and what would happen if: no event anyone reports.
# An industry's level given in brackets beside a figure (UV价值仅0.8元(行业均值1.2元)) is a yardstick,
# not what the sentence speaks of.
_BENCHMARK = re.compile(r"[(（](?:行业|同行|类目)[^()（）]{0,16}[)）]")
_GENERIC = re.compile(r"通常|一般|往往|普遍|平均|大多|多数|常常|经常|动辄|行业")
# A platform's or a market's totals (快手电商整体GMV, 全网零售总额), whoever quotes them: nobody's claim.
# (数据显示 alone is no sign: 财报数据显示 introduces a company's own figures.)
_STATISTIC = re.compile(
    r"(?:抖音|快手|淘宝|天猫|京东|拼多多|小红书|阿里巴巴|淘系|全网|全国|社会消费品)(?:电商)?(?:平台)?"
    r"(?:整体|总体|全年|大盘|总)(?:GMV|gmv|成交|交易|销售|零售)"
)
# A brand written in Latin letters (the clients of Tmall agencies are mostly foreign brands), with its
# region, directly before its own results.
_BRAND_FIGURE = re.compile(
    r"(?<![A-Za-z])[A-Z][A-Za-z&]{1,15}\s?(?:中国|上海|大中华区|中國|大中華區)?(?:的)?(?:税后|稅後)?"
    r"(?:净亏损|淨虧損|亏损|虧損|净利润|淨利潤|营收|營收|营业收入|營業收入|销售额|銷售額)(?![A-Za-z])"
)
# Figures a platform's, an industry's or a survey's data give of many (某电商平台数据显示, 行业调研显示):
# statistics, not one agency's claim (a report's own 财报数据显示 is not among them).
_SURVEY = re.compile(
    r"(?:平台|行业|第三方|机构|市场)(?:的|公开|监测|统计)?数据(?:显示|表明)|(?:调研|调查|统计|研究|白皮书)(?:报告|数据|结果)?(?:显示|表明)"
    # merchants in general (导致中小商家营销成本占比突破40%): how it goes for many, not for one client
    r"|(?:导致|使得?|让)(?:中小|多数|很多|不少|大部分|大量)商家"
)
# A country's or the whole market's totals as statistics offices and industry reports give them.
_NATION = re.compile(
    r"(?:中国|我国|全国|国内|全球|全行业)[^，,。；;]{0,14}?(?:销售额|零售额|零售总额|市场规模|交易规模|消费额)"
    r"(?=\s*(?:达到?|为|约|超过?|突破|近)?\s*\d)"  # the total itself, stated (not 远超…零售总额的增速)
)
# …unless the sentence is about a company of its own (公司在国内市场的销售额).
_OWN_SUBJECT = re.compile(r"公司|集团|我司|本集团|旗下|店")
# A page's header line: a timestamp, then its views, reads or comments (the words first: a fast scan).
_PAGE_WORD = re.compile(r"阅读|浏览|点击|评论|点赞")
_PAGE_LINE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?[^，,。]{0,12}?(?:阅读|浏览|点击|评论|点赞)(?:量|数|次)?\s*[:：]?\s*\d"
    r"|\d+\s*人(?:浏览|阅读|评论)\s*[/|｜]"
)
_HYPOTHETICAL = re.compile(r"如果|假如|假设|若是|要是")
_PROMISE_WORD = re.compile(r"承诺|保证(?!金)|保底|包你|包您|对赌")
_FELL_SHORT = re.compile(r"仅为|仅有|只有|不足|不到|[只仅才](?:卖|出)")


def _kind(
    sentence: str, client: str | None, case_page: bool = False, report: bool = False, named: bool = False
) -> str | None:
    """`named`: the client is named in this very sentence, not carried over from an earlier one."""
    if _STATISTIC.search(sentence) and not _MERCHANT.search(sentence) and "我" not in sentence:
        return None  # 快手电商整体GMV增长了6倍: a platform's or a market's statistics
    if _BRAND_FIGURE.search(sentence) and not _OWN_SUBJECT.search(sentence):
        return None  # GAP上海税后净亏损为4.56亿元: a client brand's own accounts, not the agency's claim
    if _SURVEY.search(sentence) and not _OWN_SUBJECT.search(sentence) and "我" not in sentence:
        return None  # 某平台数据显示…年增长率达17%, 调研显示38%的商家…: a survey of many, nobody's case
    if _NATION.search(sentence) and not _OWN_SUBJECT.search(sentence) and "我" not in sentence:
        return None  # 2018年全国限额以上企业化妆品零售额达到…: a country's statistics, nobody's case
    if _PAGE_WORD.search(sentence) and _PAGE_LINE.search(sentence):
        return None  # 2024-03-01 10:04 阅读量:1234: the page's own counters, not a shop's
    if _PROMISE.search(sentence):
        # 如果月销能做到10万，提成就是5000元: a condition in a fee's arithmetic, nobody's promise.
        hypothetical = _HYPOTHETICAL.search(sentence) and not _PROMISE_WORD.search(sentence)
        return None if hypothetical else "promise"
    if _MERCHANT.search(sentence):
        return "actual_outcome"
    # In a financial report a sentence with report words speaks of the company, even when it names a
    # shop it runs (公司营收6.1亿元，为多个品牌运营官方旗舰店).
    if report and _REPORT.search(sentence) and not _PROVIDER_FOR_CLIENT.search(sentence):
        return "company_metric"
    # A client named earlier whose figures fell short (销售额仅为几千元) is what happened to it.
    provider_says = case_page or _PROVIDER.search(sentence) or _PROVIDER_FOR_CLIENT.search(sentence)
    if client and not named and _FELL_SHORT.search(sentence) and not provider_says:
        return "actual_outcome"
    # A client named in this sentence, or earlier on a page that is not a financial report.
    if (client and (named or not report)) or _PROVIDER_FOR_CLIENT.search(sentence):
        return "success_case"
    if _REPORT.search(sentence) or (report and (_METRIC_RE.search(sentence) or _MONEY_UNIT.search(sentence))):
        return "company_metric"
    if _GENERIC.search(_BENCHMARK.sub("", sentence)) and "我" not in sentence:
        return None  # 骗子公司通常会先收取几千元, 行业平均转化率只有2%: how things usually go, not what did
    if _HAPPENED.search(sentence) or (
        _SHOP_LOSS.search(sentence) and (_SHOP.search(sentence) or _MERCHANT.search(sentence))
    ):
        return "actual_outcome"
    if _COMPANY_SELF.search(sentence) and not client:
        # 公司员工超过800人，服务品牌累计超过300个; 公司现有员工600多人，服务客户超过300家: its size,
        # though it says 客户 (but 我司, 我们团队 speak of a client's case above)
        return "company_metric"
    if _PROVIDER.search(sentence):
        return "success_case"
    if "我" in sentence:  # a first person who is not a provider's team (我司, 我们团队 matched above)
        return "actual_outcome"
    if _PROVIDER_WEAK.search(sentence):
        # 接手三个月的店，转化率从2.2%跌到0.9%: a shop's figure that fell is what happened, no boast.
        return "actual_outcome" if _shop_fell(sentence) else "success_case"
    if (
        not client
        and _COMPANY_FIGURE.search(sentence)
        and _COMPANY_MONEY.search(sentence)
        and not _SHOP.search(sentence)
        and not _NOBODYS.search(sentence)
    ):
        return "company_metric"
    if _shop_fell(sentence):
        return "actual_outcome"  # a shop's figure that fell is what happened, no agency's boast
    rank = _RANK.search(sentence)
    if rank and not re.search(_ADVICE, sentence):
        # A place in a ranking: a client's moved up is a success story, one lost is what happened.
        if _RANKED_SHOP.search(sentence):
            return "actual_outcome" if _RANK_FELL.search(rank.group(0)) else "success_case"
        if _RANKED_COMPANY.search(sentence):
            return "company_metric"
    if case_page or (
        (_CHANGE.search(sentence) or _ACHIEVED.search(sentence) or _PERIOD_BOUND.search(sentence))
        and _SHOP_METRIC.search(sentence)
        and not _NOBODYS.search(sentence)
    ):
        # A shop's figure that moved (ROI由1:2.5提升到1:6, 月销售额突破80万元) or stood after a stretch
        # of the work (半年后月销稳定在200万) is somebody's success story even when the sentence does not
        # say whose; a level alone (转化率一般在3%) is not.
        return "success_case"
    return None


def _shop_fell(sentence: str) -> bool:
    moved = _CHANGE.search(sentence) or _ACHIEVED.search(sentence) or _PERIOD_BOUND.search(sentence)
    shop = _SHOP_METRIC.search(sentence) and not _NOBODYS.search(sentence)
    return bool(moved and shop and (_FELL.search(sentence) or _SHORT_LEVEL.search(sentence)))


# A level told as falling short (销售额仅456元, 月销只有3万单): an amount or a count, not a period (才三个月).
_SHORT_LEVEL = re.compile(
    r"(?:仅|只有|才|不足|不到)\s*(?:[\d.,]+|[一二两三四五六七八九十几]+)\s*(?:多)?\s*(?:[万千百亿]|元|块|单|件|人)"
)


_DIGIT = re.compile(r"\d")
# "40-50% of its projects", "some 30 per cent of the firm's business": how much of an agency's own
# work one line of it takes, a figure of its own.
_EN_SHARE = re.compile(
    r"(?P<a>\d+(?:\.\d+)?)\s*(?P<p1>%|percent|per cent)?"
    r"(?:\s*(?:-|–|to|or)\s*\d+(?:\.\d+)?\s*(?P<p2>%|percent|per cent)?)?"
    r"\s+of\s+(?:its|our|the (?:agency|company|firm|group)['’]s)\s+(?:\w+\s+){0,2}?"
    r"(?:work|activities|business|revenues?|income)\b"
)
# Services revenue rose 4% while product revenue fell 9%: two clauses.
_WHILE = re.compile(r" (?=(?:while|whereas) )")


def _sentence_claims(
    sentence: str,
    client: str | None,
    pending_period: int | None,
    case_page: bool,
    report: bool,
    named: bool,
    topic: str | None = None,
) -> list[Claim]:
    """`topic`: the sentence before, when it named no figure (its metric may be this one's)."""
    if not _HAS_NUMBER.search(sentence):
        return []
    out = _clause_claims(sentence, client, pending_period, case_page, report, named, topic)
    share = _EN_SHARE.search(sentence) if "of" in sentence else None
    if share and (share.group("p1") or share.group("p2")) and not any(c.metric == "占比" for c in out):
        periods = period_matches(sentence)
        period = periods[0][2] if periods else pending_period
        out.insert(
            0, Claim("company_metric", None, "占比", None, float(share.group("a")), None, period, sentence)
        )
    return out


def _clause_claims(
    sentence: str,
    client: str | None,
    pending_period: int | None,
    case_page: bool,
    report: bool,
    named: bool,
    topic: str | None,
) -> list[Claim]:
    # Most sentences of an article carry no metric, money word or growth sign: skip the clause work.
    if not (
        _METRIC_RE.search(sentence)
        or _FINANCIAL_RE.search(sentence)
        or _GROWTH_SIGN.search(sentence)
        or (report and _MONEY_UNIT.search(sentence))
        or _RANK.search(sentence)
    ):
        return []
    periods = period_matches(sentence)
    period = periods[0][2] if periods else pending_period
    # Dates are neither periods nor amounts: 2023年的4.5亿元, 2023同期为3.1%.
    period_spans = [(s, e) for s, e, _ in periods] + [m.span() for m in _DATE.finditer(sentence)]
    kind = _kind(sentence, client, case_page, report, named)
    if kind is None:
        return []
    if kind == "company_metric":
        client = None  # the company's own figures are nobody's case
    quote = _QUOTE.search(sentence) is not None and _PAID.search(sentence) is None
    out: list[Claim] = []
    metric = canonical_metric(topic) if topic is not None and not _METRIC_RE.search(sentence) else None
    before_side: float | None = None
    prev_year: int | None = None
    dangling = False  # the clause before named a metric and gave it no figure
    for cm in _CLAUSE.finditer(_WHILE.sub(",", sentence) if " wh" in sentence else sentence):
        clause = cm.group(0)
        named_before, dangling = dangling, False
        # Money paid, lost or guaranteed belongs to a promise or to what happened; a case page's or a
        # report's money words (服务费, 亏损) are its metrics.
        clause_kind = _clause_kind(kind, clause)
        if clause_kind in ("promise", "actual_outcome") and not quote:
            money = _financial_claims(clause_kind, clause, cm.start(), client, period, period_spans, sentence)
            if money:
                out.extend(money)
                continue
        ranked = _rank_claim(clause, clause_kind, client, period, sentence)
        if ranked is not None:
            out.append(ranked)
            continue
        own_share = clause_kind in ("company_metric", "promise")  # 保证毛利率占比两成: a promised share
        if _SHARE.search(clause) and not own_share and not _FROM_TO.search(clause):
            # 流量占比提升至45%: a share of a whole is no result on its own; one whose both ends are told
            # (占比从20%提升至45%, 渗透率由8%升至15%) is, and a company's revenue share (代运营业务营收占比
            # 42%) is one of its own figures.
            continue
        en_base = _EN_BEFORE.match(clause.strip()) if out else None
        if en_base and _METRIC_RE.search(clause.strip(), en_base.end()):
            en_base = None  # a clause of its own that names another metric
        if en_base and out[-1].before is None and out[-1].after is not None:
            # …RMB2,201.9 million, compared with RMB2,056.1 million in 2022: the claim's before.
            base = _value(en_base.group("a"))[0]
            if base is not None and en_base.group("loss") and out[-1].metric != "亏损":
                base = -base
            elif base is not None and en_base.group("gain") and out[-1].metric == "亏损":
                base = -base  # a loss compared with net income: in a loss claim a profit is a negative loss
            out[-1] = dataclasses.replace(out[-1], before=base)
            continue
        based = _with_base(out[-1], clause) if out else None
        if based is not None:
            out[-1] = based  # …，上年同期为1500万元 / 去年同期则为7.9亿元: the claim's before
            continue
        prior = _PRIOR_YEAR.search(clause)
        if prior:  # read apart, and blanked so its 亏损 or figure is not taken for the clause's own
            clause = clause[: prior.start()] + " " * (prior.end() - prior.start()) + clause[prior.end() :]
        mms = list(_METRIC_RE.finditer(clause))
        listed = (
            len(mms) >= 2
            and "的" in clause
            and _figures_before_metrics(
                clause, mms, (clause_kind, client, period, sentence), period_spans, cm.start()
            )
        )
        if listed:
            out.extend(listed)  # 12.3亿元的营收和8000万元的净利润: each figure before its own metric
            metric = listed[-1].metric
            continue
        mm = _named_metric(clause, mms)
        if mm:
            metric = _METRICS[mm.group(0)]
        before, after, growth = _clause_numbers(clause, mms, metric, period_spans, cm.start())
        if mm is not None and clause_kind in _STORY_KINDS and (before, after, growth) == (None, None, None):
            # 承诺日均300精准流量: a promised or counted figure right before its metric's noun
            fb = _COUNT_BEFORE.search(clause, max(0, mm.start() - 16), mm.start())
            if fb and not _overlaps(fb.start("a"), fb.end("a"), period_spans, cm.start()):
                value, pct = _value(fb.group("a"))
                after = value if not pct or metric in RATE_METRICS else None
        if metric == "亏损" and mm is not None and _PROFIT_THEN_LOSS.search(clause, 0, mm.end()):
            # 归母净利润亏损1.6亿元: the profit, written as a loss; a loss is a negative profit.
            metric = "利润"
            before, after = (None if v is None else -abs(v) for v in (before, after))
        if prior and before is None and after is not None:
            before = _value(prior.group("a"))[0]
            loss = prior.group("loss") in ("亏损", "净亏损") and metric != "亏损"
            if before is not None and (loss or prior.group("neg")):
                before = -before
        if mm is not None and before is None and (after is None or _ROW_START.match(clause, mm.end())):
            # A table row (营业收入 2023年 8.8亿元 2022年 8.4亿元): the metric, then its columns.
            row = _row_figures(clause, mm.end())
            if row is not None:
                before, after = row
        year = _YEAR.search(clause)
        if mm is None and before is None and after is None and growth is None and metric is not None:
            # 2023年营收为9.42亿元，2024年为7.64亿元: a clause naming only a year and a figure goes on
            # with the metric before it, and two years make the earlier figure the before.
            m = _CONTINUED.search(clause)
            prev = out[-1] if out else None
            if m and year and prev_year and prev is not None and prev.metric == metric:
                value, pct = _value(m.group("a"))
                value = -value if value is not None and m.group("neg") else value
                ok = prev.before is None and prev.after is not None and value is not None and not pct
                if ok and int(year.group(0)) != prev_year:
                    pair = (prev.after, value) if int(year.group(0)) > prev_year else (value, prev.after)
                    growth = round((pair[1] - pair[0]) / pair[0] * 100.0, 4) if pair[0] else None
                    if metric in RATE_METRICS:
                        growth = None
                    out[-1] = dataclasses.replace(
                        prev, before=pair[0], after=pair[1], growth_pct=prev.growth_pct or growth
                    )
                    continue
        if year:
            prev_year = int(year.group(0))
        nothing_read = before is None and after is None and growth is None
        if nothing_read and metric in _MONEY_METRICS:
            # 只卖了37单, 日销能到3000单: sales counted in orders.
            orders = _ORDERS.search(clause)
            if orders and not _overlaps(orders.start("a"), orders.end("a"), period_spans, cm.start()):
                metric, after, nothing_read = "订单", _value(orders.group("a"))[0], False
        linked = None
        if named_before and nothing_read and mm is None and metric is not None:
            linked = _LINKED.match(clause)  # 现金流量净额由正转负，为-55.15万元: the figure of that metric
        if linked and not _overlaps(linked.start("a"), linked.end("a"), period_spans, cm.start()):
            after, pct = _value(linked.group("a"))
            after = None if after is None or (pct and metric not in RATE_METRICS) else after
            after = -after if after is not None and linked.group("neg") else after
            nothing_read = after is None
        dangling = mm is not None and nothing_read
        goes_on = nothing_read and mm is None and metric is not None
        if goes_on and _goes_on(clause, clause_kind, before_side, out):
            # 我的店原来月销8万，现在25万; 市值一度超过200亿元，如今仅剩30亿元; 保证日销5000，结果一天才100多:
            # a later clause gives the level alone, after a word of time or of how it went.
            after = _bare_level(clause, metric, period_spans, cm.start())
            nothing_read = after is None
        if (metric is None or nothing_read) and clause_kind == "company_metric" and not _BASE.search(clause):
            # Only a company's own figures: elsewhere an unnamed amount is a fee, a fine, a price. The
            # label names this clause's figure only (the next clause may name its own).
            labelled = _labelled_figure(clause, period_spans, cm.start())
            if labelled is not None:
                out.append(Claim(clause_kind, None, *labelled, period, sentence))
            continue
        if nothing_read or metric is None:
            continue  # a number without a metric (店铺三个月就能翻倍) cannot be checked
        # 合作前月销8万，合作后月销65万: the two halves of one claim sit in two clauses.
        before_half = _BEFORE_CUE.search(clause) and not _AFTER_CUE.search(clause)
        if before is None and after is not None and before_half:
            before_side = after
            continue
        if before is None and before_side is not None and after is not None:
            before, before_side = before_side, None
        # 销售额突破2亿，同比增长45%: a growth-only clause completes the claim before it (a stated growth
        # replaces one computed from before/after: the claim is what the text says).
        prev = out[-1] if out else None
        if (
            after is None
            and growth is not None
            # 营收…，营收增速为35%; 净亏损…，亏损同比扩大50%: a growth clause that names the metric again
            # still completes it
            and (before is None or (prev is not None and prev.before is None))
            and prev is not None
            and prev.kind == kind
            and prev.metric == metric
            # 年复合增长率达31%,上半年同比增长24%: two growths, two claims; but a growth computed from
            # the claim's own before and after gives way to the one the text states.
            and (prev.growth_pct is None or (prev.before is not None and prev.after is not None))
        ):
            # …，较上年同期的4100万元下降43.9%: the base it moved from comes with the growth.
            out[-1] = dataclasses.replace(prev, growth_pct=growth, before=prev.before or before)
            continue
        if (
            mm is None
            and after is not None
            and before is None
            and growth is None
            and prev is not None
            and (prev.kind, prev.metric) == (clause_kind, metric)
            and prev.after is None
            and prev.growth_pct is not None
        ):
            # 营收同比增长23.5%，达到15.6亿元: the level the growth reached.
            out[-1] = dataclasses.replace(prev, after=after)
            continue
        prev = out[-1] if out else None
        if (
            _BASE.search(clause)
            and before is None
            and after is not None
            and prev is not None
            and prev.kind == clause_kind
            and prev.before is None
            and prev.after is not None
            and (prev.metric == metric or {prev.metric, metric} <= _PROFIT_OR_LOSS)
        ):
            # 净利润为-3,120.5万元，上年同期为盈利980万元: the figure the claim moved from.
            base = -after if metric == "亏损" and prev.metric != "亏损" else after
            out[-1] = dataclasses.replace(prev, before=base)
            continue
        if _continues(prev, clause_kind, metric, before, after, growth, clause):
            # 月销只有3万，找了代运营后半年做到20万: the level before the work, then the level after it.
            before, out = prev.after, out[:-1]  # type: ignore[union-attr]
        computable = before is not None and after is not None and before > 0 and metric not in RATE_METRICS
        if growth is None and computable:
            growth = round((after - before) / before * 100.0, 4)
        out.append(Claim(clause_kind, client, metric, before, after, growth, period, sentence))
    if before_side is not None:
        out.append(Claim(kind, client, metric, before_side, None, None, period, sentence))
    return out


def _figures_before_metrics(
    clause: str,
    mms: list[re.Match[str]],
    whose: tuple[str, str | None, int | None, str],
    period_spans: list[tuple[int, int]],
    offset: int,
) -> list[Claim]:
    """Claims of a clause that lists two or more figures each before its metric (A的营收和B的净利润).
    `whose`: the kind, client, period and sentence the claims take."""
    kind, client, period, sentence = whose
    if len(mms) < 2 or "的" not in clause:
        return []
    out = []
    for mm in mms:
        m = _FIGURE_OF.search(clause, max(0, mm.start() - 20), mm.start())
        if m is None or _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            continue
        metric = _METRICS[mm.group(0)]
        value, pct = _value(m.group("a"))
        if value is not None and pct == (metric in RATE_METRICS):
            out.append(Claim(kind, client, metric, None, value, None, period, sentence))
    return out if len(out) >= 2 else []


# A figure right before the noun it counts, with the words that qualify it (300精准流量, 5000个有效客户).
_COUNT_BEFORE = re.compile(
    rf"(?P<a>{_NUMX})\s*(?:个|位|名|人|次|单|条)?\s*的?\s*(?:精准|有效|真实|优质|新)?$"
)
# The figure right before a metric and its 的 (8000万元的净利润), with nothing else between.
_FIGURE_OF = re.compile(rf"(?P<a>{_NUMX})\s*的\s*$")


def _rank_claim(
    clause: str, kind: str, client: str | None, period: int | None, sentence: str
) -> Claim | None:
    """A place in a ranking the clause names (冲到类目前三 → 排名 3), with the place it moved from
    (排名从第50提升到第3)."""
    m = _RANK.search(clause)
    if m is None:
        return None
    place = next(g for g in m.group("nth", "top", "topn", "no", "named") if g)
    after = float(place) if place.isdigit() else cn_to_float(place)
    before = None
    moved = _FROM_TO.search(clause)
    if moved and moved.start() < m.end():
        before, after = _value(moved.group("b"))[0], _value(moved.group("a"))[0]
    if kind == "success_case" and (_RANK_FELL.search(m.group(0)) or (before and after and after > before)):
        kind = "actual_outcome"  # a place lost is what happened, not a boast
    client = None if kind == "company_metric" else client
    return Claim(kind, client, "排名", before, after, None, period, sentence)


def _named_metric(clause: str, mms: list[re.Match[str]]) -> re.Match[str] | None:
    """The metric word a clause's figure belongs to: the last one, or with two metrics and a growth
    (店铺流量暴涨200%但GMV纹丝不动) the last one before the growth."""
    if len(mms) < 2:
        return mms[-1] if mms else None
    g = _GROWTH.search(clause)
    named = [m for m in mms if g is not None and m.end() <= g.start("p")]
    return named[-1] if named and not _FROM_TO.search(clause) else mms[-1]


_THRESHOLD_OF = re.compile(r"\s*(?:以下|以上)的")


def _goes_on(clause: str, kind: str, before_side: float | None, out: list[Claim]) -> bool:
    """Does a clause without a metric word go on with the metric of the claim before it?"""
    if before_side is not None:
        return True
    if not out:
        return False
    went = kind != "company_metric" and _WENT.search(clause) and _SHORT_OF.search(clause)
    promised = kind == "promise" and _PROMISE.search(clause)  # …，远低于约定的60万元
    return bool(_AFTER_CUE.search(clause) or went or promised)


# How it went is told as falling short (结果一天才100多, 实际只卖了1万多), not as any figure after 结果.
_SHORT_OF = re.compile(r"才|只|仅|不到|不足|没|剩")


def _continues(
    prev: Claim | None,
    kind: str,
    metric: str | None,
    before: float | None,
    after: float | None,
    growth: float | None,
    clause: str,
) -> bool:
    """Does this clause's level follow on from the level the claim before it stated (a story told in
    time: 原来…, 后来…; 只有3万, 半年后做到20万; 一度超过200亿元，如今仅剩30亿元)? In a company's report
    two levels of one metric are mostly two periods, which `_CONTINUED` and the table rows order by
    their years: there only a word of now (如今, 目前) continues."""
    if prev is None or before is not None or after is None or growth is not None:
        return False
    if prev.kind != kind or prev.metric != metric or prev.before is not None or prev.after is None:
        return False
    later = _AFTER_CUE.search(clause) or (kind != "company_metric" and _PERIOD_BOUND.search(clause))
    return prev.growth_pct is None and bool(later)


def _bare_level(clause: str, metric: str, period_spans: list[tuple[int, int]], offset: int) -> float | None:
    """The first amount in a clause that names no metric (现在25万, 后来到了三百多单)."""
    for n in numbers(clause):
        if n.bare_unit or _overlaps(n.start, n.end, period_spans, offset):
            continue
        if n.percent != (metric in RATE_METRICS):
            continue
        if (metric in _MONEY_METRICS or not _COUNTED.match(clause, n.end)) and not _is_money(clause, n):
            continue  # …，结果一个月才出了200单: a count is the level of a count (销量, 订单), not of money
        return n.value
    return None


# A clause that is only the link and the figure (…，为-55.15万元): it goes on with the metric the clause
# before named without a figure.
_LINKED = re.compile(
    # …销售净利率仍为负，上半年这一指标为-2.2%: the metric referred back to, with its time.
    r"\s*(?:(?:[上下]半年|全年|今年|去年|同期|报告期内?|本季度|一季度|前三季度)\s*)?(?:(?:这一|该|此项?|这个)指标\s*)?"
    rf"\s*(?:则|即|均)?\s*(?:为|是|达到?|录得|约为|共计|合计)\s*(?:约|近|超过?)?\s*{_CURRENCY_SLOT}"
    rf"(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
# 较上年同期的4100万元, 比2023年的5.1亿元: a comparison's base names its time (占比45% is no comparison).
_COMPARED = re.compile(
    r"(?:较|(?<![占产])比|相比|相较于?|对比)\s*"
    r"(?:(?:19|20)\d{2}\s*年(?:度|末|底)?|上年同期|去年同期|上年度?|去年|上一年度?|上年末|年初|同期)"
    r"(?:[上下]半年|第?[一二三四1-4]季度|前三季度|同期)?\s*的\s*"
    rf"(?:约|约为)?\s*{_CURRENCY_SLOT}(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
# A clause that only gives the base of the claim before it (…，上年同期为1500万元; 而去年同期盈利2500万元).
_BASE_VALUE = re.compile(
    # (而2021年同期为负8.2%: the year named before 同期)
    r"\s*(?:而|但|相比之下)?\s*(?:(?:19|20)\d{2}\s*年\s*(?=同期))?"
    r"(?:上年同期|去年同期|上年度?|去年|上一年度?|同期|上季度|上一季度|上半年)"
    r"\s*(?:则|的|时|仅|只)?\s*(?:为|是|达到?|录得|实现)?\s*(?P<pl>净亏损|亏损|净利润?|盈利|溢利|纯利)?\s*(?:为)?"
    rf"\s*(?:约|约为)?\s*{_CURRENCY_SLOT}(?P<neg>[-−负])?(?P<a>{_NUMX})"
)


def _with_base(prev: Claim, clause: str) -> Claim | None:
    """The claim before, completed with the base figure this clause states, or None if it states none."""
    m = _BASE_VALUE.match(clause) or _COMPARED.match(clause.lstrip())
    if m is None or prev.before is not None or prev.after is None:
        return None
    if m.re is _COMPARED and _GROWTH.search(clause):
        return None  # 较上年同期的A下降5%: the growth clause completes the claim with both
    named_end = m.start("pl") if m.re is _BASE_VALUE and m.group("pl") else m.start("a")
    if m.re is _BASE_VALUE and _METRIC_RE.search(clause, 0, named_end):
        return None  # the clause names a metric of its own
    value, pct = _value(m.group("a"))
    if value is None or (pct and prev.metric not in RATE_METRICS):
        return None
    pl = (m.group("pl") if m.re is _BASE_VALUE else None) or ""
    if m.group("neg") or (pl and ("亏" in pl) != (prev.metric == "亏损")):
        value = -abs(value)  # a loss in a profit claim, a profit in a loss claim: the other side of zero
    growth = prev.growth_pct
    if growth is None and value > 0 and prev.after >= 0 and prev.metric not in RATE_METRICS:
        # no growth across zero: 由盈转亏 is a change of sign, which no percentage describes
        growth = round((prev.after - value) / value * 100.0, 4)
    return dataclasses.replace(prev, before=value, growth_pct=growth)


def _labelled_figure(
    clause: str, period_spans: list[tuple[int, int]], offset: int
) -> tuple[str, None, float | None, float | None] | None:
    """(label, before, after, growth) of a money figure or a percent change that no metric word
    names, labelled by the words before it (交易总对价为12.8亿元 → 交易总对价, 12.8e8)."""
    for m in _LABELLED.finditer(clause):
        key = "a" if m.group("a") else "p"
        if _overlaps(m.start(key), m.end(key), period_spans, offset):
            continue
        value, _ = _value(m.group(key))
        label = _LABEL_CUT.sub("", _LABEL_TAIL.sub("", m.group("label") or m.group("glabel")))
        if value is None or len(label) < 2 or label[0] in _UNIT_CHARS:
            continue  # 元同比 (…-0.18元同比下降): the tail of a figure before, no label
        if key == "a":
            return label, None, value, None
        sign = -1.0 if _FALL.search(m.group("dir")) or m.group("dir") == "缩小" else 1.0
        return label, None, None, sign * value
    return None


_UNIT_CHARS = frozenset("元万亿千百块%％")


def _clause_kind(kind: str, clause: str) -> str:
    """A promise's sentence often says in the same breath what was paid and how it went."""
    if kind != "promise" or _PROMISE.search(clause):
        return kind
    return "actual_outcome" if _PAID.search(clause) or _WENT.search(clause) else kind


def _value(token: str) -> tuple[float | None, bool]:
    """(value, written as a percent) of the number a pattern captured."""
    nums = numbers(token)
    if not nums:
        return None, False
    n = nums[0]
    return n.value, n.percent


def _overlaps(start: int, end: int, spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start + offset < e and s < end + offset for s, e in spans)


def _clause_numbers(
    clause: str,
    mms: list[re.Match[str]],
    metric: str | None,
    period_spans: list[tuple[int, int]],
    offset: int,
) -> tuple[float | None, float | None, float | None]:
    before = after = growth = None
    m = (
        _FROM_TO.search(clause)
        or _EN_FROM_TO.search(clause)
        or _ARROW.search(clause)
        or _SERIES.search(clause)
    )
    if m and not _overlaps(m.start("b"), m.end("b"), period_spans, offset):
        before, b_pct = _value(m.group("b"))
        after, a_pct = _value(m.group("a"))
        if after is not None and "aneg" in m.groupdict() and m.group("aneg"):
            after = -after  # 从86万元骤降至-12万元
        if (b_pct or a_pct) and metric not in RATE_METRICS:
            before = after = None  # 降幅分别为5%和12%: growths, not levels
        down = re.search(_DOWN, m.group(0)) is not None
        if before is not None and after is not None and down and after > before:
            after = None  # 下降了30万 is a change, not a level
        flip = m.groupdict().get("flip")
        if flip and before is not None and metric == "亏损" and "亏" not in clause[m.start() : m.start("b")]:
            before = -before  # 由盈利3200万元转为亏损5600万元: in a loss claim a profit is a negative loss
    if after is None:
        m = _DELTA_TO.search(clause)  # 同比减少1.2亿元至6.8亿元: the change in money, then the level
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            (delta, d_pct), (level, a_pct) = _value(m.group("d")), _value(m.group("a"))
            money = _MONEY_UNIT_CHAR.search(m.group("d")) is not None
            if delta is not None and level is not None and not d_pct and not a_pct and money:
                after = level
                before = level + delta if re.match(_DOWN, m.group("dir")) else level - delta
                before = None if before <= 0 else before
    if after is None:
        m = _AFTER_ONLY.search(clause)
        if m and metric in _MONEY_METRICS and _COUNTED.match(clause, m.end("a")):
            m = None  # 只出了一单: one order, not sales of 1
        if m and (clause[m.end("a") : m.end("a") + 1] == "半" or m.group("a").endswith("成")):
            m = None if metric not in RATE_METRICS else m  # 超过一半, 不到一成: a share, not a level
        if m and _THRESHOLD_OF.match(clause, m.end("a")):
            m = None  # ROI跌至1.2以下的店: a kind of shop, not a level anyone reached
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            if pct and metric not in RATE_METRICS:
                growth, after = after, None
            elif after is not None and m.group("neg"):
                after = -after
    if metric == "ROI":
        # ROI 1:8 is 8 per unit spent; the "1" other patterns read is not the level.
        # 40:1 (the return first, as English pages write it) is 100 per unit spent too.
        ratios = [_value(m.group("a") or m.group("r"))[0] for m in _RATIO.finditer(clause)]
        if len(ratios) >= 2:  # 投产比从1:2提升到1:4
            before, after = ratios[0], ratios[-1]
        elif ratios:
            after = ratios[0]
    if after is None:
        m = _PCT_TO.search(clause)
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            after = None if pct and metric not in RATE_METRICS else after
    for mm in reversed(mms):
        if after is not None:
            break
        m = _METRIC_VALUE.match(clause, mm.end())
        if m and m.group("out") and _METRICS[mm.group(0)] != "现金流":
            m = None  # 流出 is a sign only of a cash flow
        if m and metric in _MONEY_METRICS and _COUNTED.match(clause, m.end("a")):
            continue  # 8个销售2个运营: people, not sales
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            if pct and metric not in RATE_METRICS:
                after = None
            elif after is not None and (m.group("neg") or m.group("out")):
                after = -after  # 扣非净利润为-120万元: a loss; 现金流净流出2300万元
            elif after is not None and not pct:
                # 营收在2.1亿至2.6亿元之间, 3-5万: a range's lower bound, the level it at least states.
                rng = parse_amount_range(clause[m.start("a") : m.start("a") + 24])
                # 8-10亿元: the unit written once, after the second figure, is the first one's too (the
                # window starts at this figure: a range found there is this figure's).
                after = rng[0] if rng and rng[0] != rng[1] else after
    for mm in reversed(mms):
        if after is not None:
            break
        m = _EN_LEVEL.match(clause, mm.end())  # sales of at least RMB 500,000; dropped to less than
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            after = None if pct and metric not in RATE_METRICS else after
    for mm in reversed(mms):
        if after is not None:
            break
        # Revenue for the quarter was RMB2,201.9 million: an English metric, a few words, its verb.
        m = _EN_VALUE.match(clause, mm.end())
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            if pct and metric not in RATE_METRICS:
                after = None
            elif after is not None and m.group("neg"):
                after = -after
    if (after is not None or _GROWTH.search(clause)) and before is None:
        # …, compared with RMB2,056.1 million; improved to 35.6% from 33.1%; an increase of 7.1% from RMB…
        m = _EN_BEFORE.search(clause)
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            before, pct = _value(m.group("a"))
            before = None if pct and metric not in RATE_METRICS else before
            if before is not None and m.group("loss") and metric != "亏损":
                before = -before  # income of 61.2, compared with a loss of 10.4
    if before is None:
        m = _COMPARED.search(clause)  # 较上年同期的4100万元: the figure it moved from
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            value, pct = _value(m.group("a"))
            if value is not None and value != after and (not pct or metric in RATE_METRICS):
                before = -value if m.group("neg") else value
    for mm in mms:
        if after is not None:
            break
        m = _VALUE_BEFORE.search(clause, max(0, mm.start() - 16), mm.start())
        if m and not _overlaps(m.start("a"), m.end("a"), period_spans, offset):
            after, pct = _value(m.group("a"))
            after = None if pct and metric not in RATE_METRICS else after
    g = _GROWTH.search(clause)
    if g:
        pct = numbers(clause[g.start("p") : g.end()])  # 四成 reads as 40 with its 成
        if pct:
            signed = clause[g.start() - 1 : g.start()] == "负" or _NEGATIVE_GROWTH.search(g.group(0))
            sign = -1.0 if _FALL.search(g.group(0)) or signed else 1.0
            growth = sign * pct[0].value
            if metric in RATE_METRICS and after is not None and before is None and after == pct[0].value:
                after = None
            elif metric in RATE_METRICS and pct[0].value in (before, after):
                growth = None  # 毛利率由32.1%下降至28.4%: the levels, not a growth
    e = _EN_GROWTH_NOUN.search(clause) if growth is None and "%" in clause else None
    if e is not None:
        # a 6% yoy growth in sales to RMB2.4 billion: the change named after its figure
        growth = float(e.group("p")) * (-1.0 if e.group("down") else 1.0)
        if after is None and e.group("a"):
            after, pct = _value(e.group("a"))
            after = None if pct else after
    t = _TIMES.search(clause)
    if growth is None and t:
        times = numbers(t.group("m"))
        if times:
            k = times[0].value
            # 翻两番 = ×4 (+300%); nobody writes more than a handful of 番, so the exponent is capped.
            growth = (2.0 ** min(k, 64) - 1) * 100.0 if t.group("u") == "番" else k * 100.0
    if growth is None and _DOUBLED.search(clause):
        growth = 100.0
    if metric is None and growth is None and before is None:
        return None, None, None
    return before, after, growth


def _financial_claims(
    kind: str,
    clause: str,
    offset: int,
    client: str | None,
    period: int | None,
    period_spans: list[tuple[int, int]],
    sentence: str,
) -> list[Claim]:
    """Money in one clause. Each amount takes its label from the money word right after it (3万服务费),
    else the nearest one before it (服务费一般在每月3000), else one shortly after (3%到5%的提成)."""
    out: list[Claim] = []
    cues = list(_FINANCIAL_RE.finditer(clause))
    if not cues:
        return out
    nums = [
        n
        for n in numbers(clause)
        if not n.bare_unit and not _overlaps(n.start, n.end, period_spans, offset) and _is_money(clause, n)
    ]
    used: set[int] = set()
    for n in nums:
        if n.start in used:
            continue
        skip = 1 if clause[n.end : n.end + 1] in ("元", "块") else 0
        noun = _FINANCIAL_RE.match(clause, n.end + skip)
        before_cue = [c for c in cues if c.end() <= n.start and n.start - c.end() <= 10]
        after_cue = [c for c in cues if c.start() >= n.end and c.start() - n.end <= 6]
        cue = noun or (before_cue[-1] if before_cue else None) or (after_cue[0] if after_cue else None)
        if n.percent and cue is not None and _FINANCIAL[cue.group(0)] not in RATE_METRICS:
            # 5000的服务费加3个点的提成: a percent goes with the rate word next to it, not the fee before
            rates = [c for c in after_cue + before_cue[::-1] if _FINANCIAL[c.group(0)] in RATE_METRICS]
            cue = rates[0] if rates else cue
        if cue is None:
            continue
        metric = _FINANCIAL[cue.group(0)]
        if n.percent and metric not in RATE_METRICS:
            if not _REFUND_SHARE.search(clause, max(0, n.start - 6), n.start):
                continue
            metric = "退款比例"  # 追回70%服务费, 退还六成费用: the share of the fee that came back
        used.add(n.start)
        before: float | None = None
        after = n.value
        window = clause[n.start : n.start + 24]
        rng = parse_amount_range(window)
        if rng and rng[1] != rng[0] and n.value in rng:
            before, after = rng
            used.update(m.start() + n.start for m in NUMBER.finditer(window))
        if metric == "费用" and kind == "actual_outcome" and not _PRICE_LOST.search(sentence):
            continue  # 付了2300元费用: the price of a service, not how it went
        out.append(Claim(kind, client, metric, before, after, None, period, sentence))
    return out


# Money won back: a share of the fee before it (追回了70%服务费) is the share refunded.
_REFUND_SHARE = re.compile(r"(?:追回|退还|退回|返还|要回|拿回)了?\s*(?:约|近|超过?)?\s*$")
_PRICE_LOST = re.compile(r"被骗|骗|损失|白花|打水漂|只|仅|才|却|结果|没有|没|退|反而|亏|降到|跌|掉到")
_EN_VALUE = re.compile(
    rf"(?:[A-Za-z ,'-]|(?<!\d)(?:19|20)\d\d(?!\d)){{0,80}}?"
    rf"\b(?:was|were|totaled|totalled|amounted to|reached|came in at|stood at"
    rf"|(?:improved|increased|decreased|rose|fell|grew|declined|expanded|narrowed|widened) to)\s*"
    # were only80,000 yuan (a space lost in a copy), rose to approximately 310
    rf"(?:(?:only|just|about|approximately|around|nearly|over|more than|less than)\s*)?"
    rf"(?:a (?:net )?(?:loss|profit|income) of\s+)?{_CURRENCY}?\s*(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
_EN_GROWTH_NOUN = re.compile(
    rf"(?<![\d.])(?P<p>\d+(?:\.\d+)?)\s*%\s+(?:(?:year[- ]over[- ]year|yoy|annual|organic)\s+)?(?:[a-z]+\s+)?"
    rf"(?:growth|increase|rise|(?P<down>decline|decrease|drop|fall))\b"
    rf"(?:\s+(?:in|of)\s+[a-z ]{{0,30}}?)?(?:\s+to\s+{_CURRENCY}?\s*(?P<a>{_NUMX}))?"
)
_EN_LEVEL = re.compile(
    rf"(?:\s+(?:had|have|has))?(?:\s+(?:dropped|fallen|fell|risen|rose|grown|grew|reached|climbed|come|came))?"
    rf"\s+(?:of|to|at)?\s*(?:at least|less than|more than|over|under|about|nearly|only)?\s*{_CURRENCY_SLOT}"
    rf"(?P<a>{_NUMX})"
)
_EN_BEFORE = re.compile(
    rf"\b(?:compared (?:with|to)|from|versus|vs\.?)\s+"
    rf"(?:(?P<loss>(?:a )?(?:net )?loss of\s+)|(?P<gain>(?:a )?(?:net )?(?:profit|income) of\s+))?"
    rf"{_CURRENCY}?\s*(?P<a>{_NUMX})"
)
# 收益为人民币12.35亿元（2023年：人民币11.02亿元）: the prior year's figure in brackets, Hong Kong style.
_PRIOR_YEAR = re.compile(
    rf"[(（]\s*(?:(?:19|20)\d{{2}}\s*年?(?:度|同期)?|上年|去年|上年同期)\s*[:：]\s*(?P<loss>亏损|净亏损|盈利|溢利)?\s*"
    rf"(?:约|约为)?\s*{_CURRENCY}?\s*(?P<neg>[-−负])?(?P<a>{_NUMX})[^)）]{{0,12}}[)）]"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*(?:年|财年|fiscal))")
_CONTINUED = re.compile(
    rf"^\s*(?:而|则|在)?\s*(?:19|20)\d{{2}}\s*年(?:度|全年|同期)?(?:[上下]半年|第?[一二三四1-4]季度|前三季度)?"
    rf"\s*(?:则|的|时|仅|只)?\s*(?:为|是|达到?|录得|实现)\s*{_CURRENCY_SLOT}(?P<neg>[-−负])?(?P<a>{_NUMX})"
)
# A row of a results table: the metric, then only years, currencies, units and figures.
_ROW_START = re.compile(r"[\s:：|｜]*(?:(?:19|20)\d{2}\s*年?(?:度)?\s*)?(?:人民币|RMB|港元|美元)?\s*[-−]?\d")
_ROW_GAP = re.compile(r"^[\s:：|｜/()（）年度元人民币RMB港美$¥￥-]*$")


# A table whose header names its columns by metric (项目 营业收入(元) 收入比例(%) 毛利率(%)) and whose rows
# are a label, then one figure per column (a segment's line of a report's breakdown): each cell is a figure
# of the company's own. Cells are parted by spaces, tabs or bars; a rule line may stand under the header.
_CELL_GAP = re.compile(r"[ \t\u3000|｜]+")


def _cells(line: str) -> list[str]:
    """A table line's cells; the pipes that open and close a markdown row (| a | b |) bound no cell."""
    return _CELL_GAP.split(line.strip(" \t\u3000|｜"))


_RULE_LINE = re.compile(r"^[\s─━—=|｜+\-┌┬┐├┼┤└┴┘]*$")
# A header cell's unit (营业收入(万元)): the bare figures under it are in that unit.
_HEADER_UNIT = re.compile(r"[(（]\s*(?P<u>千|万|百万|亿)?元\s*[)）]")
_UNIT_FACTOR = {None: 1.0, "千": 1e3, "万": 1e4, "百万": 1e6, "亿": 1e8}
# A header cell left open at the end of its line (|营业收入( |): the header goes on in the next line.
_OPEN_CELL = re.compile(r"[(（][^)）|\n]*[|｜]")


def _join_wrapped_headers(text: str) -> str:
    """A fixed-width table's header wrapped over two lines, joined cell by cell into one line."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        a = lines[i]
        b = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            _OPEN_CELL.search(a)
            and not _DIGIT.search(a)
            and b.lstrip().startswith("|")
            and not _DIGIT.search(b)
        ):
            ca, cb = a.strip().strip("|").split("|"), b.strip().strip("|").split("|")
            if len(ca) == len(cb):
                out.append("|" + "|".join(x.strip() + y.strip() for x, y in zip(ca, cb, strict=True)) + "|")
                i += 2
                continue
        out.append(a)
        i += 1
    return "\n".join(out)


def _header_factors(line: str) -> list[float]:
    """Per header cell, the factor its unit gives the figures under it (1 when it names none)."""
    out = []
    for cell in _cells(line):
        m = _HEADER_UNIT.search(cell)
        out.append(_UNIT_FACTOR[m.group("u")] if m else 1.0)
    return out


_EMPTY_CELL = frozenset({"-", "--", "—", "不适用"})


def _table_header(line: str) -> list[str | None] | None:
    """The metric of each column of a header line (None for the label column), or None if it is none."""
    if _DIGIT.search(line):
        return None
    cells = _cells(line)
    if len(cells) < 3:
        return None
    metrics = [canonical_metric(c) for c in cells]
    if metrics[0] is not None or sum(m is not None for m in metrics) < 2:
        return None
    return metrics if any(m in _MONEY_METRICS for m in metrics) else None


def _table_row(line: str, header: list[str | None], factors: list[float]) -> list[Claim] | None:
    """One claim per figure of a row under a metric header, or None if the line is no such row. A bare
    figure under a header cell that names a unit (营业收入(万元)) is in that unit."""
    cells = _cells(line)
    width = len(header) - 1
    if len(cells) <= width:
        return None
    label, figures = cells[: len(cells) - width], cells[len(cells) - width :]
    if _DIGIT.match(label[0]):
        return None
    out = []
    for metric, cell, factor in zip(header[1:], figures, factors[1:], strict=True):
        if cell in _EMPTY_CELL:
            continue
        nums = numbers(cell)
        if len(nums) != 1 or nums[0].text.strip().rstrip("%％") != cell.rstrip("%％元"):
            return None  # a cell that is no single figure: not a row of this table
        if metric is not None:
            bare = factor != 1.0 and not nums[0].percent and nums[0].text.strip() == cell
            value = nums[0].value * factor if bare else nums[0].value
            out.append(Claim("company_metric", None, metric, None, value, None, None, line.strip()))
    return out


_DATE_CELL = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _date_header(line: str) -> list[str] | None:
    """The columns' dates of a header of dates (项目 2023-06-30 2022-12-31 …) as YYYY-MM-DD, or None."""
    cells = _cells(line)
    if len(cells) < 3 or _DIGIT.search(cells[0]):
        return None
    found = [_DATE_CELL.fullmatch(c) for c in cells[1:]]
    if not all(found):
        return None
    return [f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" for m in found if m]


def _dated_row(line: str, dates: list[str]) -> list[Claim] | None:
    """A metric's row under a header of dates: claims comparing columns of the same span — the latest
    column with the same month and day a year before (a half-year with the half-year before it, never
    with a full year), and the two latest year ends (12-31) when the latest column is no year end."""
    cells = _cells(line)
    if len(cells) <= len(dates):
        return None
    label, cols = " ".join(cells[: len(cells) - len(dates)]), cells[len(cells) - len(dates) :]
    values: dict[str, float] = {}
    for date, cell in zip(dates, cols, strict=True):
        nums = numbers(cell)
        if cell in _EMPTY_CELL:
            continue
        if len(nums) != 1 or nums[0].text.strip().rstrip("%％") != cell.rstrip("%％元"):
            return None
        values[date] = nums[0].value
    metric = canonical_metric(label)
    if metric is None or not values:
        return [] if metric is None else None
    by_day: dict[str, list[str]] = {}
    for date in sorted(values, reverse=True):
        by_day.setdefault(date[5:], []).append(date)
    latest = max(values)
    # The latest period against the same period a year before, then the last two full years.
    spans = [by_day[latest[5:]][:2]] + ([by_day["12-31"][:2]] if latest[5:] != "12-31" else [])
    out = []
    for pair in spans:
        if len(pair) < 2:
            if pair[0] == latest:
                only = Claim("company_metric", None, metric, None, values[latest], None, None, line.strip())
                out.append(only)
            continue
        before, after = values[pair[1]], values[pair[0]]
        computable = before > 0 and metric not in RATE_METRICS
        growth = round((after - before) / before * 100.0, 4) if computable else None
        out.append(Claim("company_metric", None, metric, before, after, growth, None, line.strip()))
    return out


_RANGE_GAP = re.compile(r"\s*(?:-|~|～|—|–|到|至)\s*")


_SEGMENT = re.compile(r"\s*[:：]\s*[\u4e00-\u9fffA-Za-z、及与和]{2,24}(?=\s*[(（]|\s+[-−]?\d)")


def _row_figures(clause: str, start: int) -> tuple[float | None, float | None] | None:
    """(before, after) of a table row's first two money columns after a metric word, or None.

    Columns headed by years are ordered by them; without years the first column is the latest (the way
    Chinese and Hong Kong results tables run: 本年, 上年)."""
    cols: list[tuple[int | None, float]] = []
    segment = _SEGMENT.match(clause, start)
    start = segment.end() if segment else start  # 营业收入:电商代运营服务(元) 2.23亿 3.96亿: a segment's row
    pos = start
    pending_year: int | None = None
    for n in numbers(clause[start:]):
        gap = clause[pos : start + n.start]
        text = n.text
        is_year = not n.percent and 1900 <= n.value <= 2100 and float(n.value).is_integer()
        is_year = is_year and "," not in text and "." not in text
        if cols and _RANGE_GAP.fullmatch(gap):
            return None  # 8-10亿元, 3~5万: a range, not two columns
        if not _ROW_GAP.match(gap) or n.percent:
            break
        pos = start + n.end
        if is_year:
            pending_year = int(n.value)
            continue
        cols.append((pending_year, float(n.value)))
        pending_year = None
        if len(cols) == 2:
            break
    if len(cols) < 2:
        return None
    (y1, v1), (y2, v2) = cols
    if y1 is not None and y2 is not None and y1 != y2:
        return (v1, v2) if y1 < y2 else (v2, v1)
    return v2, v1


_ORDERS = re.compile(rf"(?P<a>{_NUM})\s*(?:多)?单(?![价位号据])")
# 320单, 15个: a count of things; 营收四连降: a count of periods in a row, not a level.
_COUNTED = re.compile(r"\s*(?:单|件|个|位|名|人|家|次|条|篇|款|枚|笔|连(?=[降跌增涨升亏涨]))")


def _is_money(clause: str, n: Number) -> bool:
    """交了3次, 花了两个月, 一般: small numbers without a unit are counts, not money."""
    if n.percent:
        return True
    if _COUNTED.match(clause, n.end):
        return False  # 320单, 15个: a count of things
    if n.value >= 100:
        return True
    return re.match(r"\s*[万千百亿wWkK元块]", clause[n.end : n.end + 2]) is not None
