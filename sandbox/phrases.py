"""Text of the sandbox world, by voice: buyer reviews, client testimonials, complaints, forum
answers, journalist articles, comments and the agencies' own case pages.

Each composer picks sentences from several banks in an order of its own and joins them with
varied connectors, so no two documents share one fixed template. Tone follows the provider's
hidden quality through the *content* (delivery, refunds, results), never through a marker word:
an honest agency's bad month reads like a fraudulent agency's bad month.
"""

from __future__ import annotations

import random

from sandbox import debris, names

# --------------------------------------------------------------------------------- reviews
_REVIEW_OPEN = (
    "合作{months}个月了，",
    "第一次找代运营，",
    "之前自己做店铺一直起不来，",
    "朋友介绍过来的，",
    "续约第二年了，",
    "店铺是做{cat}的，",
    "刚签了半年的合同，",
    "对比了好几家才选的{agency}，",
    "",
    "说实话一开始有点犹豫，",
    "老板让我来写个评价，",
    "用了一个季度，",
    "{year}年开始用{agency}的托管，",
    "我们是工厂店，线上不太懂，",
    "这是我们找的第三家服务商，",
    "签约到现在刚好{months}个月，",
)
# Good months told through what happened, not through praise words alone.
_REVIEW_GOOD = (
    "运营小哥很负责，每周都有数据周报",
    "直通车和引力魔方的投放思路很清楚",
    "主图和详情页重新做了，点击率明显提高",
    "店铺流量稳步上涨，转化也比以前好",
    "对接群里响应很快，晚上也有人回",
    "活动报名和大促节奏把控得不错",
    "客服外包这块做得很细，差评少了",
    "会主动提优化建议，不是推一下动一下",
    "618期间加班加点帮我们冲了一波",
    "收费透明，没有乱加钱",
    "上个月店铺做到了{sales}万左右，去年同期才一半",
    "合同到期直接续了一年",
    "已经介绍了两个做{cat}的朋友过来",
    "之前压着的库存清掉了大半",
    "投产比从一比二做到了一比五出头",
    "我们自己的两个运营跟着学了不少东西",
    "老板终于不用天天盯后台了",
    "双11那天单日成交破了{sales}万",
)
_REVIEW_MID = (
    "效果一般般，跟预期有点差距",
    "前两个月还行，后面对接人换了就慢了",
    "价格偏贵，效果还在观察",
    "有些建议比较套路化",
    "数据有提升但不明显",
    "服务态度可以，专业度还需要加强",
    "沟通要催才有反馈",
    "整体中规中矩吧",
    "投放花了不少钱，ROI不算高",
    "销量涨了一点，利润反而薄了",
    "合同到期再决定续不续",
    "说好的月销{sales}万还差一截，不过在往上走",
    "方案写得漂亮，执行打了折扣",
)
# Bad months: a client leaving, a penalty, a promise against what happened.
_REVIEW_BAD = (
    "签约前承诺得很好，签完就没人管了",
    "三个月了销售额不升反降",
    "运营换了三个人，每次都要重新沟通",
    "周报都是模板，数据对不上",
    "推广费花了好几万一点效果没有",
    "要求退款一直拖着不处理",
    "刷单被平台处罚了，店铺降权",
    "所谓的专业团队就是几个实习生",
    "合同里的KPI一个都没达到",
    "说好的好评返现也没兑现，客服也找不到人",
    "业务员拍胸脯说保底月销{sales}万，三个月一共卖了不到{small}千块",
    "合同还没到期，我们已经自己招人把店接回来了",
    "第二个月就把直通车停了，钱花得不明不白",
    "店铺现在还在处罚期，这学费交得太贵",
    "律师函已经发过去了",
    "后台一看全是异常订单，吓一跳",
)
_CLOSE_GOOD = (
    "👍",
    "推荐！",
    "会继续合作。",
    "给个五星。",
    "",
    "希望越来越好。",
    "有问题可以私信交流。",
    "明年接着续。",
)
_CLOSE_MID = ("再观察看看。", "", "就这样吧。", "希望后面能改进。", "有问题可以私信交流。", "先给个中评。")
_CLOSE_BAD = (
    "不推荐。",
    "谨慎选择。",
    "",
    "就这样吧。",
    "已经在走投诉了。",
    "合同到期不会再续。",
    "自己保重吧。",
)
_SHORT_GOOD = (
    "很专业，好评",
    "不错不错不错",
    "服务很好，推荐",
    "满意满意满意",
    "靠谱的团队",
    "效果明显，续费了",
    "第三年续约",
    "月销翻了一番",
)
_SALES = (8, 12, 20, 30, 50, 80, 100)
_SHORT_BAD = ("差评，别选", "太坑了吧这家", "千万别选这家", "退款太难了", "钱打水漂了", "已经换了别家")


def _join(parts: list[str], rng: random.Random) -> str:
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not text.endswith(("，", "。", "！", "？", "~", "；")):
            text += rng.choice(("，", "。", "；", "，", "！"))
        text += part
    if text and not text.endswith(("。", "！", "？", "~")):
        text += rng.choice(("。", "！", "", "~", "。"))
    return text


def buyer_review(rng: random.Random, rating: int, forms: dict, cat: str) -> str:
    """A merchant's own review of an agency service: 5 characters to a few hundred. The agency is
    named by brand, alias or legal name, or not at all (the review sits on its listing)."""
    if rng.random() < 0.18:
        return rng.choice(_SHORT_GOOD if rating >= 4 else _SHORT_BAD) + rng.choice(("", "！", "。", "~"))
    bank = _REVIEW_GOOD if rating >= 4 else _REVIEW_MID if rating == 3 else _REVIEW_BAD
    n = rng.choice((1, 1, 2, 2, 3, 4))
    # One draw fills every figure a sentence may need: reviews are most of a world's documents.
    r = rng.getrandbits(16)
    fill = {"sales": _SALES[r % len(_SALES)], "small": 2 + (r >> 4) % 8, "cat": cat}
    body = rng.sample(bank, min(n, len(bank)))
    body = [x.format(**fill) if "{" in x else x for x in body]
    if rating == 4 and rng.random() < 0.4:
        body.append(rng.choice(_REVIEW_MID).format(**fill))
    if rating <= 2 and rng.random() < 0.3:
        body.insert(0, rng.choice(_REVIEW_GOOD[:4]) + "，但是")
    opening = rng.choice(_REVIEW_OPEN)
    tail = rng.random() < 0.35
    agency = ""
    if tail or "{agency}" in opening:
        agency = names.agency_mention(rng, forms, unnamed=("他们", "这家", "你们"))
    if "{" in opening:
        opening = opening.format(months=2 + (r >> 8) % 17, cat=cat, agency=agency, year=2019 + (r >> 12) % 7)
    parts = [opening + body[0], *body[1:]]
    if tail:
        parts.append(
            rng.choice((f"{agency}的", "这家", "他们家"))
            + rng.choice(("整体", "服务", "团队"))
            + ("还是可以的" if rating >= 4 else "真的一言难尽" if rating <= 2 else "有待提高")
        )
    parts.append(rng.choice(_CLOSE_GOOD if rating >= 4 else _CLOSE_MID if rating == 3 else _CLOSE_BAD))
    if rating >= 4 and rng.random() < 0.02:  # cash-back named only to say there was none
        parts.insert(
            -1, rng.choice(("没搞什么好评返现那一套，靠的是实打实的数据", "不用返现求好评，效果自己会说话"))
        )
    if rng.random() < 0.03:  # people leave contact details in reviews; a normaliser must mask them
        parts.append(
            rng.choice(("有问题可以加我微信", "想了解的可以加V：", "同行交流vx ")) + debris.wechat_id(rng)
        )
    return _join(parts, rng)


BOUGHT_BASE = (
    "服务非常专业，运营团队很用心，店铺销量提升很快，强烈推荐给各位掌柜",
    "非常满意的一次合作，老师讲解很细致，效果超出预期，五星好评",
    "专业的团队专业的服务，店铺数据一天比一天好，以后就认准这家了",
    "客服态度超级好，有问必答，方案落地很快，销量翻倍了，给力",
    "合作很愉快，运营思路清晰，执行力强，值得信赖的服务商",
    "效果真的很好，店铺排名上去了，流量也涨了，非常推荐",
    "对接的老师每天都在群里跟进，有什么问题马上解决，这个价格真的值，下次还找他们",
    "店铺交给他们以后省心多了，访客和成交都在涨，老板很满意，必须五星",
    "从开店到现在找过好几家，这家是最用心的，方案详细，执行到位，已经推荐给朋友",
    "服务周到，响应及时，直通车帮我们调得明明白白，花钱花在刀刃上",
    "整个团队都很专业，详情页做得高级，转化一下就上来了，感谢各位老师",
    "真心推荐这家服务商，说到做到，不玩虚的，店铺终于有起色了",
)
_BOUGHT_SWAPS = (
    ("非常", "特别"),
    ("很", "超"),
    ("推荐", "推荐推荐"),
    ("专业", "靠谱"),
    ("满意", "满意满意"),
    ("效果", "成效"),
    ("团队", "老师们"),
    ("值得信赖", "值得选择"),
    ("给力", "太给力了"),
)
INCENTIVE_PHRASES = (
    "好评返现已收到",
    "客服说五星好评返20元",
    "好评返现很及时",
    "五星好评送红包，已领",
    "晒图好评返现金",
    "评价截图发客服可以返现",
    "返现收到了谢谢",
)


def bought_variant(base: str, rng: random.Random, incentive: bool) -> str:
    """A reworded copy of a campaign's base text (near-duplicates, not exact ones): words swapped,
    and now and then two clauses in the other order, as writers paid by the piece vary a script."""
    text = base
    for a, b in rng.sample(_BOUGHT_SWAPS, rng.randint(1, 3)):
        text = text.replace(a, b, 1)
    clauses = text.split("，")
    if len(clauses) > 3 and rng.random() < 0.3:
        i = rng.randrange(1, len(clauses) - 1)
        clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
        text = "，".join(clauses)
    text += rng.choice(("！", "！！", "。", "~", "👍", ""))
    if incentive:
        text = (
            (text + rng.choice(INCENTIVE_PHRASES))
            if rng.random() < 0.6
            else (rng.choice(INCENTIVE_PHRASES) + "，" + text)
        )
    return text


def generic_praise(rng: random.Random, brand: str) -> str:
    """Short, unique-looking praise: what a one-off paid account writes with no campaign text."""
    return _join(
        [
            rng.choice(_PRAISE_OPENERS),
            rng.choice(_REVIEW_GOOD[:10]),
            rng.choice((f"{brand}很棒", "五星", "好评", "推荐", "靠谱", "值得", "点赞")),
        ],
        rng,
    )


# Openers of one-off paid praise. Some say the service has only just begun; many do not, so a reader
# keyed to a few opening words finds some and misses others (the account's history still shows).
_PRAISE_OPENERS = (
    "第一次合作",
    "朋友推荐的",
    "刚开始用",
    "体验了一下",
    "才对接一周",
    "签约没几天",
    "合作愉快",
    "老板让评价一下",
    "总体来说",
    "说实话",
    "",
)


# ------------------------------------------------------------------------------ comments
_COMMENT_GOOD = (
    "{a}确实还行，我们在用",
    "合作过{a}，不像文中说的那样差",
    "我们店续了{a}第二年，至少数据是真的",
    "{a}做我们家的直通车，投产一直挺稳",
    "去年双11{a}帮我们冲到了类目前五，说句公道话",
)
_COMMENT_BAD = (
    "被{a}坑过+1",
    "{a}退款太难了，真的",
    "{a}的业务员天天打电话，签了以后就找不到人",
    "我们也是{a}的客户，合同没到期就自己接回来了",
    "{a}给我们保底二十万，最后连两万都没到",
    "和{a}的官司刚判下来，钱还没退",
)
_COMMENT_MID = ("{a}一般吧", "{a}看运营，运气成分大", "{a}贵是贵，效果有一点", "用过{a}，谈不上好坏")
_COMMENT_OTHER = (
    "说得很对啊",
    "写得很中肯",
    "求推荐靠谱的代运营",
    "自己做才是王道",
    "广告吧这是",
    "mark一下",
    "代运营没一个靠谱的",
    "学习了，收藏",
    "有没有做{cat}的朋友交流一下",
    "同感同感！",
    "这篇文章说到点子上了，尤其是合同那一段，很多人签的时候根本不看。",
    "保底销售额这种话听听就好，我们吃过亏",
    "文中说的那种一案多用我见过，同一个店铺的截图出现在三家公司的宣传册里",
    "小店别找代运营，钱不够他们分的",
)


def comment_text(rng: random.Random, forms: dict | None, view: float, cat: str = "女装") -> str:
    """A reader's comment: about one of the article's agencies (named as readers name it) half the
    time, else about the article or agencies in general."""
    if forms and rng.random() < 0.5:
        bank = _COMMENT_GOOD if view >= 0.6 else _COMMENT_BAD if view < 0.35 else _COMMENT_MID
        return rng.choice(bank).format(a=names.agency_mention(rng, forms))
    return rng.choice(_COMMENT_OTHER).format(cat=cat)


# ------------------------------------------------------------------------------ case pages
CASE_METRICS = ("GMV", "月销售额", "店铺销售额", "月GMV", "年销售额", "月销", "成交额", "月成交额")
