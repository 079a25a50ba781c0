"""Words of a claimed case: the agency's own case page and the client's first-hand account of it.

A real case page is long promotional prose: a background, a diagnosis with its own small numbers,
what the team did, the headline result in one of many figure forms (both ends, one end and a
multiple, one end and a percentage, a data line, or split across paragraphs), side figures that are
not the claim (click-through, ROI, refund rate, average order), and the agency's own scale. The
client is named as its shop, its brand, or only as `该品牌`. The client's own account is first-hand,
shorter and rounder. Every sentence here is written for the sandbox; the corpus only taught the forms.
"""

from __future__ import annotations

import random

from sandbox import numbers

# How a case page refers to the client in its prose (the page's header names it in full).
_CLIENT_REFS = ("{shop}", "{shop}", "{core}", "{core}品牌", "该品牌", "这家{cat}店")


def _client_ref(rng: random.Random, shop: str, core: str, cat: str) -> str:
    return rng.choice(_CLIENT_REFS).format(shop=shop, core=core, cat=cat)


def _start(rng: random.Random, start) -> str:
    return rng.choice(
        (
            f"{start.year}年{start.month}月",
            f"{start.year}年{start.month}月份",
            f"{start.year}.{start.month}",
            f"{start.year}年{start.month:02d}月",
        )
    )


_BACKGROUNDS = (
    "{ref}是一家主营{cat}的天猫店铺，接手前流量持续下滑，内部只有两个兼职运营，大促基本靠平台自然流量。",
    "{ref}在{cat}类目里算是老牌子，线下渠道很稳，但线上店铺开了几年一直没有做起来，老板的原话是“店铺就是个摆设”。",
    "找到我们的时候，{ref}已经连续几个月亏损：推广费越投越多，成交却越来越少，库存压了一仓库。",
    "{ref}主做{cat}，产品力不差，问题出在定价混乱、主图同质化，以及老客几乎没有复购。",
    "这是一个典型的“有货没流量”的{cat}店铺。{ref}的供应链在产业带里数一数二，可线上一直打不开局面。",
    "{ref}之前换过两家服务商，效果都不理想，对代运营这件事是有戒心的，第一次见面聊了整整一个下午。",
    "客户背景：{ref}，{cat}类目，工厂型卖家，线上团队刚刚组建，对平台规则和活动节奏都不熟悉。",
    "项目背景｜{ref}（{cat}）：品牌有一定知名度，但天猫店的搜索权重很低，老款卖不动，新款起不来。",
)
_DIAGNOSES = (
    "诊断发现，店铺转化率只有{cvr_lo}%，远低于类目均值；详情页前三屏没有讲清楚卖点。",
    "我们拉了近半年的生意参谋数据，退款率高达{refund_hi}%，大部分差评集中在发货慢和色差。",
    "直通车计划多达四十几个，关键词却高度重叠，ROI长期在1:{roi_lo}上下，花钱买不来有效流量。",
    "店铺动销率不到三成，{sku}个SKU里真正出单的不到二十个。",
    "",
    "",
)
_ACTIONS = (
    "第一步是砍掉一半长尾款，把资源集中到三个潜力款上，重新做了主图和详情页。",
    "投放上，我们把直通车和引力魔方拆成拉新、收割两条线，每周复盘一次出价。",
    "内容端同步铺了小红书和抖音的种草笔记，配合店铺自播，每天不少于六小时。",
    "客服团队重新培训了话术，把询单转化当成考核指标，夜间也安排了值班。",
    "大促节奏按月排期：年货节、三八、618、双11，每个节点提前四十天备货备内容。",
    "会员体系推倒重来，老客复购用短信加企微社群去触达，发券节奏按购买周期来定。",
    "价格带重新梳理，主推款守住利润，引流款只在活动期放量。",
    "视觉团队统一了整店风格，首页改版之后停留时长明显变长。",
    "达人合作从腰部主播切入，先小批量测品，数据跑通了再追加预算。",
    "供应链这块我们帮客户对接了两家新的代发仓，发货时效从72小时压到了24小时内。",
)
_SIDE_FIGURES = (
    "点击率从{ctr_lo}%提升到{ctr_hi}%",
    "转化率由{cvr_lo}%提高到{cvr_hi}%",
    "直通车ROI稳定在1:{roi_hi}",
    "投产比做到了1:{roi_hi}",
    "退款率从{refund_hi}%降到{refund_lo}%",
    "访客数增长{uv}%",
    "DSR三项全部飘红",
    "老客复购率提升了{rep}个百分点",
    "客单价从{aov_lo}元提到{aov_hi}元",
    "店铺层级从第三层级升到第{tier}层级",
)
_COMPANY = (
    "我们深耕电商代运营{years}年，累计服务品牌{brands}个，年操盘GMV超过{gmv}亿。",
    "公司现有运营、设计、投放、客服团队，服务过的品牌超过{brands}家。",
    "截至目前，我们已累计服务{brands}+品牌，其中不少是各自类目的头部店铺。",
    "团队操盘过的店铺里，单月破千万的不在少数，年GMV破亿的也有好几家。",
    "",
    "",
)
_CATEGORY_SCOPE = (
    "截至目前，我们已累计服务{n}个类目、上百个品牌。",
    "团队深耕电商多年，服务类目覆盖{n}个，从服饰到家电都有成熟打法。",
    "我们的项目组横跨{n}个类目，每个类目都有专人负责。",
)
_CLOSERS = (
    "如果您也有类似的困扰，欢迎联系我们获取免费诊断方案。",
    "专业的事交给专业的人，期待与您合作。",
    "更多案例请关注我们的官网和公众号。",
    "每个店铺的情况不同，结果也会不同，但方法是相通的。",
    "这个项目我们还在继续服务，后续数据会持续更新。",
    "",
    "",
)
_TITLES = (
    "{ref}：{per}逆袭之路",
    "{cat}类目案例｜{ref}",
    "成功案例 - {ref}",
    "{ref}全店托管案例",
    "{per}，{ref}的{metric}{mult}",
    "从{before}到{after}：一个{cat}店铺的{per}",
    "案例复盘｜{cat}店铺如何{per}做到{after}",
    "{cat}品牌{ref}代运营案例分享",
)


def _side_values(rng: random.Random) -> dict:
    cvr_lo = round(rng.uniform(0.4, 1.6), 1)
    ctr_lo = round(rng.uniform(0.8, 2.5), 1)
    aov_lo = rng.choice((49, 59, 69, 89, 99, 129, 159, 199))
    return {
        "cvr_lo": cvr_lo,
        "cvr_hi": round(cvr_lo + rng.uniform(0.5, 2.5), 1),
        "ctr_lo": ctr_lo,
        "ctr_hi": round(ctr_lo + rng.uniform(0.6, 3.0), 1),
        "roi_lo": rng.choice((1.2, 1.5, 1.8, 2)),
        "roi_hi": rng.choice((4, 5, 6, 7, 8, 9, 12)),
        "refund_hi": rng.randint(18, 35),
        "refund_lo": rng.randint(4, 12),
        "uv": rng.choice((80, 120, 150, 210, 260, 340)),
        "rep": rng.randint(3, 15),
        "aov_lo": aov_lo,
        "aov_hi": aov_lo + rng.choice((20, 30, 40, 60)),
        "tier": rng.choice(("五", "六", "七")),
        "sku": rng.choice((120, 200, 260, 380)),
    }


def _money(cc, wan: int, rng: random.Random) -> str:
    """An amount as this page prints it. The draw is made either way, so a page that prints whole
    yuan (a disguised copy, `1,200,000元`) leaves every later choice of the page unchanged."""
    printed = numbers.money(wan, rng)
    return f"{wan * 10000:,}元" if getattr(cc, "money_form", None) == "yuan" else printed


def _result_paragraphs(
    rng: random.Random, cc, ref: str, per: str, length: str
) -> tuple[list[str], str | None]:
    """The headline figures as the page states them: (paragraphs, or a sentence for the background).

    Every form determines both ends of the claim, so a careful reader recovers the truth exactly.
    `per` is the period as a length or a range of months; `length` is always a length.
    """
    metric = cc.metric
    before, after = _money(cc, cc.before, rng), _money(cc, cc.after, rng)
    pct = numbers.growth_pct(cc.before, cc.after)
    mult = numbers.multiple(cc.before, cc.after)
    forms = ["from_to", "reach", "only_took", "arrow", "monthly_avg", "split"]
    if pct:
        forms += ["pct", "pct_only"]
    if mult:
        forms += ["mult", "mult_only"]
    form = rng.choice(forms)
    if form == "split":  # the before in the background, the after paragraphs later
        return (
            [
                rng.choice(
                    (
                        f"{length}过去，{metric}做到了{after}，这是店铺开店以来的最高纪录。",
                        f"{length}后复盘，{metric}已经站上{after}。",
                    )
                )
            ],
            rng.choice((f"接手前，{metric}长期徘徊在{before}左右。", f"当时店铺的{metric}只有{before}。")),
        )
    sentence = {
        "from_to": f"{per}，{ref}的{metric}从{before}提升至{after}。",
        "reach": f"接手时{metric}仅{before}，{length}后突破{after}，远超客户最初的预期。",
        "only_took": f"从{metric}{before}做到{after}，{ref}只用了{length}。",
        "arrow": f"核心数据：{metric} {before} → {after}（{per}）",
        "monthly_avg": f"合作前{metric}{before}；合作{length}后，{metric}达到{after}。",
        "pct": f"{per}，{metric}由{before}增长到{after}，增长{pct}%。",
        "pct_only": f"{length}下来，{metric}在{before}的基础上增长了{pct}%。",
        "mult": f"{per}时间，{metric}从{before}一路涨到{after}，{mult}。",
        "mult_only": f"{metric}原本在{before}左右，{length}后{mult}。",
    }[form]
    return [sentence], None


def case_page(rng: random.Random, cc, core_client: str, company: dict) -> tuple[str, list[str]]:
    """Title and paragraphs of one case page.

    `company` holds what the agency says of itself: `years`, `brands`, `gmv`, and `categories`
    (the number of categories it claims, or None).
    """
    cat, shop = cc.category, cc.client
    ref = _client_ref(rng, shop, core_client, cat)
    side = _side_values(rng)
    if rng.random() < 0.75:
        per = numbers.period(cc.period_days, rng) + rng.choice(("内", "", "里"))
    else:
        per = numbers.month_range(cc.start, cc.end, rng) + rng.choice(("期间", "", "这段时间"))
    start = _start(rng, cc.start)
    paras = [rng.choice(_BACKGROUNDS).format(ref=ref, cat=cat)]
    length = numbers.period(cc.period_days, rng)
    results, setup = ([], None) if cc.image_only else _result_paragraphs(rng, cc, ref, per, length)
    if setup:
        paras[0] += setup
    paras.append(
        rng.choice(
            (
                f"合作时间：{start}起，周期{numbers.period(cc.period_days, rng)}。",
                f"项目周期：{numbers.month_range(cc.start, cc.end, rng)}",
                f"{start}，{ref}正式把店铺交给我们。",
                f"{start}签约，团队一周内进场。",
                f"双方在{start}达成合作，首期合同{numbers.period(cc.period_days, rng)}。",
            )
        )
    )
    diagnosis = rng.choice(_DIAGNOSES).format(**side)
    if diagnosis:
        paras.append(diagnosis)
    paras.extend(rng.sample(_ACTIONS, rng.randint(1, 4)))
    side_figures = [f.format(**side) for f in rng.sample(_SIDE_FIGURES, rng.randint(0, 3))]
    if cc.image_only:
        paras.append(
            rng.choice(("合作成果见下图（数据来源：生意参谋）。", "具体数据如图所示：", "效果如下："))
        )
    else:
        paras.extend(results)
    if side_figures:
        paras.append(rng.choice(("同时，", "此外，", "其他指标方面，")) + "，".join(side_figures) + "。")
    self_told = rng.choice(_COMPANY).format(**company)
    if self_told:
        paras.append(self_told)
    if company["categories"]:
        paras.append(rng.choice(_CATEGORY_SCOPE).format(n=company["categories"]))
    closer = rng.choice(_CLOSERS)
    if closer:
        paras.append(closer)
    mult = numbers.multiple(cc.before, cc.after)
    title = rng.choice(_TITLES if mult else _TITLES[:4] + _TITLES[5:]).format(
        ref=shop if rng.random() < 0.6 else core_client,
        cat=cat,
        per=numbers.period(cc.period_days, rng),
        metric=cc.metric,
        mult=mult or "",
        before=_money(cc, cc.before, rng),
        after=_money(cc, cc.after, rng),
    )
    return title, paras


# ------------------------------------------------------------------ the client's own account
def _agency_ref(rng: random.Random, names: dict, in_thread: bool) -> str:
    """How a client names its agency: brand, an alias, the legal name, or (on the agency's own
    listing or question) not at all."""
    options = [names["brand"], names["brand"], rng.choice(names["aliases"]), names["legal"]]
    if in_thread:
        options += ["他们", "这家", "他们家"]
    return rng.choice(options)


def testimonial(rng: random.Random, cc, names: dict, long: bool, in_thread: bool = True) -> str:
    """The client shop describing its own results, first-hand and in its own figure forms.

    It always gives the start month and the figures (both ends, or one end and a multiple or a
    percentage), since that is what makes it evidence.
    """
    before = numbers.money(cc.before, rng)
    after = numbers.money(cc.after, rng)
    per = numbers.period(cc.period_days, rng)
    pct = numbers.growth_pct(cc.before, cc.after)
    mult = numbers.multiple(cc.before, cc.after)
    shop, cat, start, metric = cc.client, cc.category, cc.start, cc.metric
    agency = _agency_ref(rng, names, in_thread)
    opening = rng.choice(
        (
            f"我们是{shop}，做{cat}的。",
            f"说下我们店（{shop}）的真实情况。",
            f"{shop}的运营负责人，来说两句。",
            f"我家是做{cat}的，店名就不避讳了，{shop}。",
            "自己店的情况，实话实说。",
            f"{cat}小老板一个。",
        )
    )
    began = rng.choice(
        (
            f"{start.year}年{start.month}月开始交给{agency}托管",
            f"{start.year}年{start.month}月和{agency}签的约",
            f"从{start.year}年{start.month}月起找{agency}做代运营",
            f"{start.year % 100}年{start.month}月那会儿把店交给了{agency}",
        )
    )
    figures = [
        f"{per}{metric}从{before}做到了{after}",
        f"{metric}原来{before}左右，{per}后到了{after}",
        f"{metric}才{before}的店，{per}做到{after}",
        f"{per}下来{metric}由{before}涨到{after}" + (f"，增长了{pct}%" if pct else ""),
    ]
    if pct:
        figures.append(f"{metric}之前{before}上下，{per}后涨了{pct}%")
    if mult:
        figures.append(f"{per}{metric}{mult}，从{before}到了{after}")
        figures.append(f"签之前{metric}是{before}，{per}后{mult}")
    lines = [opening + began, rng.choice(figures)]
    if long:
        lines.append(
            rng.choice(
                (
                    "对接的运营每周都会拉群复盘，哪款在涨哪款在掉说得清清楚楚",
                    "中间有一个月数据掉得厉害，他们把投放计划全部重做了一遍才拉回来",
                    "不是每个决定都对，但有问题会先说，不会等我们自己发现",
                    "投放预算是我们自己出的，这个要说清楚，不全是他们的功劳",
                )
            )
        )
        lines.append(
            rng.choice(
                (
                    "数据都是生意参谋上看得到的",
                    "不是软文，服务费是自己掏的",
                    "今年合同又续了",
                    "有同类目的可以私信问我",
                )
            )
        )
    return "，".join(x.rstrip("。") for x in lines) + rng.choice(("。", "！", "。", ""))
