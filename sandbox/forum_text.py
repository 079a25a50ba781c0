"""Forum answers: merchants and insiders writing in the first person about agencies they used.

An answer tells what happened — the contract, the months, the figures, how it ended (renewed, left
after the first term, took the shop back, went to court) — and names an agency the way people do on
a forum: brand, alias, the company name from the contract, a masked name (`杭州某某公司`), or not at
all. Some answers warn about agencies in general and name none.
"""

from __future__ import annotations

import random

from sandbox import names

_QUESTION_TITLES = (
    "{name}靠谱吗？",
    "有人和{name}合作过吗？效果怎么样？",
    "{name}代运营是不是坑？",
    "如何评价{name}？",
    "{name}的收费和效果怎么样？",
    "{name}这家代运营公司怎么样，想听听真实用户的说法",
    "准备签{name}的托管合同，有没有踩过坑的？",
)
GENERAL_QUESTIONS = (
    "{city}有哪些靠谱的天猫代运营公司？",
    "淘宝代运营到底值不值得找？",
    "找代运营被坑过是一种什么体验？",
    "{cat}类目找代运营有什么推荐？",
    "代运营公司的成功案例可信吗？",
    "小卖家有必要找代运营吗？",
    "代运营说保底销售额，这种能信吗？",
    "代运营合同到期不续约，店铺交接要注意什么？",
)


def question_title(rng: random.Random, forms: dict) -> str:
    name = rng.choice((forms["brand"], forms["brand"], forms["legal"], rng.choice(forms["aliases"])))
    return rng.choice(_QUESTION_TITLES).format(name=name)


_OPENERS = (
    "做{cat}类目{years}年了，换过{n}家代运营，说点真实感受。",
    "利益相关：在代运营公司干过两年运营，后来自己开店。",
    "谢邀。这个问题我有发言权。",
    "匿了，怕被同行认出来。",
    "简单说两句，不喜勿喷。",
    "刚好去年合同到期，复盘一下。",
    "我们是{city}的工厂店，线上一直是外包的。",
)
# Each story carries its stance in what happened; `{a}` is the agency as the writer names it.
_GOOD = (
    "{a}是我合作最久的一家，{year}年签的，到现在续了两次约，月销从{lo}万左右做到了{hi}万出头，中间没出过什么幺蛾子。",
    "个人觉得{a}还可以，至少合同里写的都做到了，周报数据和生意参谋对得上，运营换人也会提前说。",
    "{a}的团队比较稳定，对接我们的运营三年没换过，费用也在合理范围，提成按实际成交算。",
    "后来换到{a}，第一个月就把我们乱七八糟的推广计划砍掉一大半，花费少了，成交反而上去了。",
    "我们{year}年找的{a}，当时店铺快撑不下去了，半年后开始赚钱，今年已经续到第三年。",
)
_MID = (
    "{a}中规中矩，前两个月还行，后面对接人换了就慢了，适合预算不多的小店。",
    "{a}我接触过，方案做得挺漂亮，执行打了折扣，看你碰到哪个运营了。",
    "{a}收费不便宜，销量确实涨了一些，但利润被推广费吃掉了，合同到期我们没续，不过也不至于说坑。",
)
_BAD = (
    "{a}就别考虑了，签约前拍胸脯说{period}月销做到{hi}万，合同到期一共卖了不到{lo}万，退款拖了四个月。",
    "被{a}坑过，运营三个月换了三个人，后来走了投诉才退回一部分钱。",
    "{a}销售话术一流，官网上的案例我是不信的：有一个案例里的店铺就是我朋友的，人家根本没跟他们合作过。",
    "合同还没到期我们就把店收回来自己做了，{a}那边到现在还欠着一笔推广费没退。",
    "我们跟{a}打了一年官司，法院最后判他们退还大部分服务费，但钱到现在也没执行到位。",
    "{a}给我们刷了一堆单，店铺直接被降权，那一年的大促全部报不上。",
)
_GENERAL = (
    "说句得罪人的话：开口就保证销量、保底销售额的，基本可以直接拉黑，正规的公司不会这么承诺。",
    "很多所谓的代运营就是几个人的工作室，接了几十家店，每家分到的时间一天不到半小时。",
    "别信案例截图，让对方把案例店铺的联系方式给你，能打通电话的才算数。",
    "我见过最离谱的是先收一年服务费，三个月后公司注销，换个名字接着签。",
)
_CLOSERS = (
    "最后提醒一句：签合同前一定把KPI和退款条款写清楚，案例要让对方给后台截图。",
    "选代运营看三点：团队是不是自己的、有没有同类目案例、合同能不能按效果付费。",
    "天眼查上看看参保人数和诉讼记录，比听销售吹靠谱多了。",
    "别迷信TP星级，星级高不代表适合你的类目。",
)


def _name(rng: random.Random, forms: dict, first: bool) -> str:
    # On a thread about one agency people often write `他们家`; a masked name hides it entirely.
    unnamed = ("他们家", "这家") if not first else ()
    return names.agency_mention(rng, forms, unnamed=unnamed, masked=0.1)


def answer_paragraphs(
    rng: random.Random, mentions: list[tuple[dict, float]], cat: str, city: str
) -> list[str]:
    """1–6 paragraphs about named agencies. `mentions` pairs each agency's name forms with the
    writer's experience of it in [0, 1]."""
    fill = {
        "cat": cat,
        "city": city,
        "years": rng.randint(2, 9),
        "n": rng.randint(2, 5),
        "year": rng.randint(2018, 2024),
        "period": rng.choice(("三个月", "半年", "一个季度")),
    }
    paras = []
    if rng.random() < 0.6:
        paras.append(rng.choice(_OPENERS).format(**fill))
    for k, (forms, experience) in enumerate(mentions):
        lo = rng.choice((5, 8, 10, 20, 30))
        bank = _GOOD if experience >= 0.65 else _MID if experience >= 0.4 else _BAD
        paras.append(
            rng.choice(bank).format(a=_name(rng, forms, k == 0), lo=lo, hi=lo * rng.randint(2, 5), **fill)
        )
    if rng.random() < 0.3:
        paras.insert(rng.randint(0, len(paras)), rng.choice(_GENERAL))
    if rng.random() < 0.5:
        paras.append(rng.choice(_CLOSERS))
    return paras or [rng.choice(("看情况吧。", "自己做最靠谱。", "同问"))]
