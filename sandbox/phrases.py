"""Text of the sandbox world, by voice: buyer reviews, client testimonials, complaints, forum
answers, journalist articles, comments and the agencies' own case pages.

Each composer picks sentences from several banks in an order of its own and joins them with
varied connectors, so no two documents share one fixed template. Tone follows the provider's
hidden quality through the *content* (delivery, refunds, results), never through a marker word:
an honest agency's bad month reads like a fraudulent agency's bad month.
"""

from __future__ import annotations

import random

from sandbox import debris, numbers

# --------------------------------------------------------------------------------- reviews
_REVIEW_OPEN = (
    "合作{months}个月了，",
    "第一次找代运营，",
    "之前自己做店铺一直起不来，",
    "朋友介绍过来的，",
    "续约第二年了，",
    "店铺是做{cat}的，",
    "刚签了半年的合同，",
    "对比了好几家才选的{brand}，",
    "",
    "说实话一开始有点犹豫，",
    "老板让我来写个评价，",
    "用了一个季度，",
)
_REVIEW_GOOD = (
    "运营小哥很负责，每周都有数据周报",
    "直通车和引力魔方的投放思路很清楚",
    "主图和详情页重新做了，点击率明显提高",
    "店铺流量稳步上涨，转化也比以前好",
    "对接群里响应很快，晚上也有人回",
    "活动报名和大促节奏把控得不错",
    "客服外包这块做得很细，差评少了",
    "会主动提优化建议，不是推一下动一下",
    "数据复盘做得很认真",
    "618期间加班加点帮我们冲了一波",
    "收费透明，没有乱加钱",
    "按合同约定每月出方案",
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
)
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
)
_CLOSE_GOOD = (
    "👍",
    "推荐！",
    "会继续合作。",
    "给个五星。",
    "",
    "希望越来越好。",
    "值得信赖。",
    "有问题可以私信交流。",
)
_CLOSE_MID = ("再观察看看。", "", "就这样吧。", "希望后面能改进。", "有问题可以私信交流。")
_CLOSE_BAD = ("不推荐。", "谨慎选择。", "", "慎重！！", "就这样吧。", "已经在走投诉了。")
_SHORT_GOOD = (
    "很专业，好评",
    "不错不错不错",
    "服务很好，推荐",
    "满意满意满意",
    "靠谱的团队",
    "效果明显，续费了",
    "值得推荐的",
)
_SHORT_BAD = ("差评，别选", "太坑了吧这家", "千万别选这家", "一点都不靠谱", "退款太难了", "垃圾服务，差评")


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


def buyer_review(rng: random.Random, rating: int, brand: str, cat: str) -> str:
    """A merchant's own review of an agency service: 5 characters to a few hundred."""
    if rng.random() < 0.18:
        return rng.choice(_SHORT_GOOD if rating >= 4 else _SHORT_BAD) + rng.choice(("", "！", "。", "~"))
    bank = _REVIEW_GOOD if rating >= 4 else _REVIEW_MID if rating == 3 else _REVIEW_BAD
    n = rng.choice((1, 1, 2, 2, 3, 4))
    body = rng.sample(bank, min(n, len(bank)))
    if rating == 4 and rng.random() < 0.4:
        body.append(rng.choice(_REVIEW_MID))
    if rating <= 2 and rng.random() < 0.3:
        body.insert(0, rng.choice(_REVIEW_GOOD[:4]) + "，但是")
    opening = rng.choice(_REVIEW_OPEN).format(months=rng.randint(2, 18), cat=cat, brand=brand)
    parts = [opening + body[0], *body[1:]]
    if rng.random() < 0.35:
        parts.append(
            rng.choice((f"{brand}的", "这家", "他们家"))
            + rng.choice(("整体", "服务", "团队"))
            + ("还是可以的" if rating >= 4 else "真的一言难尽" if rating <= 2 else "有待提高")
        )
    parts.append(rng.choice(_CLOSE_GOOD if rating >= 4 else _CLOSE_MID if rating == 3 else _CLOSE_BAD))
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
    """A lightly reworded copy of a campaign's base text (near-duplicates, not exact ones)."""
    text = base
    for a, b in rng.sample(_BOUGHT_SWAPS, rng.randint(1, 3)):
        text = text.replace(a, b, 1)
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
            rng.choice(("第一次合作", "朋友推荐的", "刚开始用", "体验了一下")),
            rng.choice(_REVIEW_GOOD),
            rng.choice((f"{brand}很棒", "五星", "好评", "推荐")),
        ],
        rng,
    )


# --------------------------------------------------------------------- client testimonials
def client_testimonial(rng: random.Random, claim, brand: str, long: bool) -> str:
    """The client shop describing its own results with the agency: the numbers a case claims,
    written the client's way (different forms from the case page)."""
    before = numbers.money(claim.before, rng)
    after = numbers.money(claim.after, rng)
    per = numbers.period(claim.period_days, rng)
    pct = numbers.growth_pct(claim.before, claim.after)
    metric = claim.metric
    shop = claim.client
    start = claim.start
    cat = claim.category
    lines = [
        rng.choice(
            (
                f"我们是{shop}，做{cat}的",
                f"说下我们店（{shop}）的真实情况",
                f"{shop}这边的运营负责人，",
                f"我家{cat}店{shop}",
            )
        ),
        rng.choice(
            (
                f"{start.year}年{start.month}月开始交给{brand}托管",
                f"{start.year}年{start.month}月和{brand}签的约",
                f"从{start.year}年{start.month}月起找{brand}做代运营",
            )
        ),
        rng.choice(
            (
                f"{per}{metric}从{before}做到了{after}",
                f"{metric}原来{before}左右，{per}后到了{after}",
                f"{per}下来{metric}由{before}涨到{after}" + (f"，增长了{pct}%" if pct else ""),
            )
        ),
    ]
    if long:
        lines.append(rng.choice(_REVIEW_GOOD))
        lines.append(
            rng.choice(("数据都是生意参谋上看得到的", "不是软文，自己掏钱的", "中间也踩过坑，但整体满意"))
        )
    return _join(lines, rng)


# ------------------------------------------------------------------------------ complaints
COMPLAINT_ISSUES = (
    ("收费后不提供服务", "签约付款后对接人长期不回复，承诺的运营方案一直没有给"),
    ("虚假承诺效果", "销售时承诺三个月销售额翻倍，合作后店铺数据持续下滑"),
    ("拒绝退款", "合同约定未达标可退款，申请退款后一直拖延"),
    ("私自刷单导致店铺被罚", "未经同意安排刷单，店铺被平台判定虚假交易扣分降权"),
    ("诱导续费", "以免费诊断名义诱导续费，续费后服务质量明显下降"),
    ("推广费去向不明", "预充值的推广费用花完了，没有提供任何投放明细"),
    ("频繁更换运营", "半年内更换四个运营，工作无法衔接"),
    ("合同条款陷阱", "合同中的考核指标被偷换，导致无法追责"),
)
APPEALS = ("退还服务费", "退款", "赔偿损失", "解除合同并退款", "道歉并退款", "履行合同承诺", "退还推广费")


def complaint_body(
    rng: random.Random,
    brand: str,
    legal: str,
    issue: tuple[str, str],
    amount: int | None,
    shop: str | None = None,
    when: str | None = None,
) -> str:
    openings = (
        (f"我们店铺（{shop}）在{when}委托{brand}代运营", f"{shop}于{when}与{legal}签订代运营合同")
        if shop
        else (
            f"本人于{when or '去年'}与{legal}签订代运营合同",
            f"{when or '今年初'}经业务员电话推销，和{brand}签了代运营服务",
            f"我们店铺在{when or '前段时间'}委托{brand}代运营",
        )
    )
    parts = [rng.choice(openings), issue[1]]
    if amount:
        parts.append(rng.choice((f"共支付服务费{amount}元", f"前后付了{amount}元", f"涉及金额{amount}元")))
    if rng.random() < 0.3:  # complainants quote the salesman's number, and the masker must catch it
        parts.append(
            rng.choice(
                (
                    f"当时对接的业务员电话{debris.phone_number(rng)}",
                    f"业务员微信{debris.wechat_id(rng)}已经不回消息",
                    f"对方客服电话：{debris.phone_number(rng)}，一直无人接听",
                )
            )
        )
    parts.append(
        rng.choice(
            (
                "多次联系客服均被推脱",
                "找到业务员已被拉黑",
                "对方一直说在走流程",
                "现要求对方给个说法",
                "希望平台介入处理",
                "已保留聊天记录和转账凭证",
            )
        )
    )
    if rng.random() < 0.4:
        parts.append(rng.choice(("大家避雷！", "不要再有人上当了", "商家朋友们擦亮眼睛")))
    return _join(parts, rng)


PROVIDER_REPLIES_GOOD = (
    "您好，已收到您的反馈，我们的客服经理会在24小时内联系您核实情况。",
    "非常抱歉给您带来不好的体验，已安排专人跟进，退款流程已经启动。",
    "您好，经核实，已与您协商一致，按合同约定退还剩余服务费。",
)
PROVIDER_REPLIES_POOR = (
    "您好，合同中已明确约定服务内容，不存在违约情况。",
    "已收到，我们会核实。",
    "您好，效果受多方面因素影响，我方已按合同履行义务。",
)
COMPLAINANT_FOLLOWUPS = (
    "商家已联系，退款已到账，感谢平台。",
    "问题已解决，满意。",
    "对方只退了一部分，勉强接受。",
    "至今没有任何人联系我。",
    "回复完全是敷衍，没有解决问题。",
)


# ------------------------------------------------------------------------------ forum
def question_title(rng: random.Random, brand: str) -> str:
    return rng.choice(
        (
            f"{brand}靠谱吗？",
            f"有人和{brand}合作过吗？效果怎么样？",
            f"{brand}代运营是不是坑？",
            f"如何评价{brand}？",
            f"{brand}的收费和效果怎么样？",
        )
    )


GENERAL_QUESTIONS = (
    "{city}有哪些靠谱的天猫代运营公司？",
    "淘宝代运营到底值不值得找？",
    "找代运营被坑过是一种什么体验？",
    "{cat}类目找代运营有什么推荐？",
    "代运营公司的成功案例可信吗？",
    "小卖家有必要找代运营吗？",
)


def answer_paragraphs(rng: random.Random, mentions: list[tuple[str, float]], cat: str) -> list[str]:
    """A forum answer: a merchant or an insider writing 1–6 paragraphs about named agencies.
    `mentions` pairs each brand with the writer's experience of it in [0, 1]."""
    paras = []
    if rng.random() < 0.6:
        paras.append(
            rng.choice(
                (
                    f"做{cat}类目{rng.randint(2, 9)}年了，换过{rng.randint(2, 5)}家代运营，说点真实感受。",
                    "利益相关：在代运营公司干过两年运营，后来自己开店。",
                    "谢邀。这个问题我有发言权。",
                    "匿了，怕被同行认出来。",
                    "简单说两句，不喜勿喷。",
                )
            )
        )
    for brand, experience in mentions:
        if experience >= 0.65:
            body = rng.choice(
                (
                    f"{brand}是我合作最久的一家，{rng.choice(_REVIEW_GOOD)}，{rng.choice(_REVIEW_GOOD)}。",
                    f"个人觉得{brand}还可以，至少合同里写的都做到了，{rng.choice(_REVIEW_GOOD)}。",
                    f"{brand}的团队比较稳定，{rng.choice(_REVIEW_GOOD)}，费用也在合理范围。",
                )
            )
        elif experience >= 0.4:
            body = rng.choice(
                (
                    f"{brand}中规中矩，{rng.choice(_REVIEW_MID)}，适合预算不多的小店。",
                    f"{brand}我接触过，{rng.choice(_REVIEW_MID)}，看你碰到哪个运营了。",
                )
            )
        else:
            body = rng.choice(
                (
                    f"{brand}就别考虑了，{rng.choice(_REVIEW_BAD)}，{rng.choice(_REVIEW_BAD)}。",
                    f"被{brand}坑过，{rng.choice(_REVIEW_BAD)}，后来走了投诉才退回一部分钱。",
                    f"{brand}销售话术一流，{rng.choice(_REVIEW_BAD)}。他们官网上的案例我是不信的。",
                )
            )
        paras.append(body)
    if rng.random() < 0.5:
        paras.append(
            rng.choice(
                (
                    "最后提醒一句：签合同前一定把KPI和退款条款写清楚，案例要让对方给后台截图。",
                    "选代运营看三点：团队是不是自己的、有没有同类目案例、合同能不能按效果付费。",
                    "天眼查上看看参保人数和诉讼记录，比听销售吹靠谱多了。",
                    "别迷信TP星级，星级高不代表适合你的类目。",
                )
            )
        )
    return paras or [rng.choice(("看情况吧。", "自己做最靠谱。", "同问"))]


# ------------------------------------------------------------------------------ articles
def article_title(rng: random.Random, brands: list[str]) -> str:
    main = brands[0]
    return rng.choice(
        (
            f"代运营行业调查：{main}等服务商的成功案例经得起推敲吗",
            f"从{main}看电商代运营的生意经",
            "商家付费找代运营，效果谁来保证？",
            f"{'、'.join(brands)}：2026年代运营服务商观察",
            f"记者调查｜{main}被指收费后不作为",
            "电商代运营风险防患：收钱要做事，做事要做好",
        )
    )


def article_paragraphs(rng: random.Random, mentions: list[tuple[str, str, float]], city: str) -> list[str]:
    """Journalist voice: context, each agency's side, a merchant quote, an expert, a conclusion."""
    paras = [
        rng.choice(
            (
                "随着电商平台流量红利见顶，越来越多的中小商家把店铺交给代运营公司打理。",
                "据业内人士估算，国内提供电商代运营服务的公司已超过万家，良莠不齐。",
                f"记者近日走访了{city}多家电商代运营公司，发现这一行业的收费模式差异很大。",
                "“基础服务费加销售提成”是目前代运营最常见的收费方式。",
            )
        )
    ]
    for brand, legal, view in mentions:
        if view >= 0.6:
            paras.append(
                rng.choice(
                    (
                        f"{legal}（下称“{brand}”）负责人向记者介绍，公司坚持按效果收费，核心团队都在一线。",
                        f"多位商家向记者反映，{brand}的服务相对规范，合同条款清晰，数据报告能与后台核对。",
                    )
                )
            )
        elif view >= 0.35:
            paras.append(
                f"{brand}的客户评价呈两极分化，有商家称效果不错，也有商家表示“{rng.choice(_REVIEW_MID)}”。"
            )
        else:
            paras.append(
                rng.choice(
                    (
                        f"一位不愿具名的商家告诉记者，其与{legal}签约后“{rng.choice(_REVIEW_BAD)}”，至今未能退款。",
                        f"记者在投诉平台检索发现，涉及{brand}的投诉多集中在“收费后不作为”“虚假承诺”。",
                    )
                )
            )
    paras.append(
        rng.choice(
            (
                "业内人士提醒，商家在选择代运营时，应核实对方的成功案例，必要时可以联系案例中的店铺求证。",
                "律师表示，合同中应明确约定考核指标和未达标时的退款方式，避免事后扯皮。",
                "有分析人士指出，部分服务商展示的案例存在“一案多用”的情况，同一店铺的数据出现在不同公司的宣传中。",
                "专家建议，商家可通过工商信息核对服务商的成立时间和参保人数，判断其实力是否与宣传相符。",
            )
        )
    )
    if rng.random() < 0.5:
        paras.append(
            rng.choice(
                (
                    "对此，记者将持续关注。",
                    "归根结底，代运营是一门靠结果说话的生意。",
                    "对于商家来说，找代运营不是一劳永逸，自己也要懂运营。",
                )
            )
        )
    return paras


FILLER_PARAGRAPHS = (
    "从行业数据看，头部代运营公司的客户续约率普遍在六成以上，而中小服务商的客户流失则更为明显。",
    "不少商家反映，代运营公司在签约前会出具详细的方案，但执行阶段往往大打折扣。",
    "在服务市场中，TP星级、在用客户数和服务评分是商家最常参考的三个指标。",
    "一些服务商会以“免费诊断”为名获取店铺数据，再以此推销更高价格的套餐。",
    "也有从业者坦言，代运营的效果与店铺本身的产品力、供应链密切相关，不能全部归功或归咎于服务商。",
    "大促期间，代运营团队往往需要同时服务几十家店铺，人手紧张是常态。",
    "一位在杭州从事代运营多年的从业者告诉记者，行业里最常见的纠纷并不是效果不好，而是签约前后的“信息差”："
    "销售人员为了签单，往往会夸大过往案例的数据，而真正负责店铺的运营团队对这些承诺并不知情。",
    "从收费结构看，基础服务费从每月几千元到数万元不等，提成比例多在销售额的3%到8%之间。"
    "部分服务商还会额外收取推广费用，但推广费的实际去向，商家往往很难核实。",
    "平台方面也在加强对服务市场的管理，对存在虚假宣传、恶意刷单等行为的服务商，会采取降级、下架等处罚措施。"
    "但由于代运营合同多为线下签订，平台能够介入的空间有限。",
    "值得注意的是，一些服务商的官网上展示着大量“成功案例”，其中不少只有店铺名称和增长百分比，"
    "缺少时间范围和原始数据，商家难以判断真伪。",
    "也有商家表示，与代运营公司合作的最大收获并不是销售额，而是学会了数据分析和活动策划，"
    "后来自己组建了运营团队。",
    "对于刚起步的中小商家，业内人士建议先从单项服务入手，比如只外包直通车投放或详情页设计，"
    "等摸清了服务商的能力再考虑全店托管。",
)


_GUIDE = (
    (
        "明确自身需求",
        "先想清楚店铺目前的瓶颈在哪里：是流量不足、转化偏低，还是复购上不去？需求不清楚，再好的服务商也很难对症下药。",
    ),
    (
        "核实服务商资质",
        "可以在企业信息平台查询服务商的成立时间、注册资本、参保人数和诉讼记录，参保人数过少的公司要谨慎对待。",
    ),
    (
        "考察同类目案例",
        "要求对方提供与自己类目、体量相近的案例，并尽量联系案例中的店铺核实，警惕同一个案例出现在多家公司的宣传里。",
    ),
    (
        "看清收费模式",
        "常见的有固定服务费、服务费加提成、纯提成三种。纯提成看似无风险，但服务商可能为了短期销售额牺牲利润和店铺健康。",
    ),
    (
        "约定考核指标",
        "合同里要写明考核的具体指标、统计口径和时间节点，以及未达标时如何退款，口头承诺一律不算数。",
    ),
    (
        "了解执行团队",
        "签约前最好见一见实际负责店铺的运营和设计，问清楚一个运营同时负责几家店铺，人员变动时如何交接。",
    ),
    (
        "关注数据透明",
        "要求服务商定期提供数据报告，并与生意参谋等后台数据核对，对异常的流量和成交保持警惕，防止刷单带来的处罚风险。",
    ),
    (
        "保留沟通记录",
        "重要的沟通尽量在工作群或邮件中进行，方案、报价、承诺都要留痕，一旦发生纠纷，这些都是维权的依据。",
    ),
    (
        "设置试用期",
        "可以先签三个月的短期合同，观察服务商的执行力和响应速度，合作顺利再续约，避免一次性支付全年费用。",
    ),
    (
        "警惕过度承诺",
        "声称“保证销量翻倍”“包上首页”的服务商要格外小心，电商运营受产品、供应链和市场环境影响，没有人能打包票。",
    ),
)


_STORY = (
    "{city}的{name}经营一家{cat}店铺已有五年。前年，他在服务市场上找到一家代运营公司，签了一年的合同，"
    "服务费每月一万二，另加销售额百分之五的提成。“签约的时候，对方拿出厚厚一叠案例，说同类目的店铺三个月就能翻倍。”",
    "合作的头两个月，店铺的访客数确实涨了一些，但转化率始终上不去。{name}发现，对接他的运营同时负责十几家店铺，"
    "周报里的很多数据和后台对不上。第三个月，店铺因为异常交易被平台警告，他这才意识到问题的严重性。",
    "{name}随后提出解约，对方以合同约定为由拒绝退还剩余服务费。几经交涉，双方最终各退一步，"
    "他拿回了不到一半的费用。“最大的教训是，案例一定要自己去核实，能联系到案例里的店铺最好。”",
    "如今，{name}自己招了两名运营，店铺的销售额比合作前增长了三成左右。他说，代运营不是不能找，"
    "但商家自己必须懂行，否则很容易被牵着鼻子走。",
)


def merchant_story(rng: random.Random, city: str, cat: str) -> list[str]:
    """A journalist's case history of one merchant (four paragraphs, ~400 characters)."""
    name = rng.choice(("王先生", "李女士", "陈老板", "张先生", "刘女士", "周老板"))
    return [p.format(city=city, name=name, cat=cat) for p in _STORY]


def guide_section(rng: random.Random, full: bool = False) -> list[str]:
    """A numbered how-to section (6–10 points, all of them if `full`), as long reposted articles have."""
    points = rng.sample(_GUIDE, len(_GUIDE) if full else rng.randint(4, 8))
    sep = rng.choice(("、", ".", "．"))
    out = [
        rng.choice(
            (
                "那么，商家应该如何选择代运营服务商？",
                "选择代运营服务商，可以从以下几个方面入手：",
                "给商家的几点建议：",
            )
        )
    ]
    out += [f"{n}{sep}{title}：{text}" for n, (title, text) in enumerate(points, 1)]
    return out


def comment_text(rng: random.Random, brand: str | None, view: float) -> str:
    if brand and rng.random() < 0.5:
        if view >= 0.6:
            return rng.choice(
                (f"{brand}确实还行，我们在用", f"合作过{brand}，不像文中说的那样差", f"支持{brand}")
            )
        if view < 0.35:
            return rng.choice(
                (f"被{brand}坑过+1", f"{brand}退款太难了，真的", f"{brand}的业务员天天打电话骚扰")
            )
        return rng.choice((f"{brand}一般吧", f"{brand}看运营，运气成分大"))
    return rng.choice(
        (
            "说得很对啊",
            "写得很中肯",
            "求推荐靠谱的代运营",
            "自己做才是王道",
            "广告吧这是",
            "mark一下",
            "代运营没一个靠谱的",
            "学习了，收藏",
            "有没有做女装的朋友交流一下",
            "同感同感！",
            "这篇文章说到点子上了，尤其是合同那一段，很多人签的时候根本不看。",
        )
    )


# ------------------------------------------------------------------------------ case pages
CASE_METRICS = ("GMV", "月销售额", "店铺销售额", "月GMV", "年销售额")
CASE_INTROS = (
    "{client}是一家主营{cat}的天猫店铺，接手前店铺流量持续下滑，团队缺乏系统运营能力。",
    "{client}（{cat}类目）在找到我们之前，已经连续几个月处于亏损状态。",
    "客户背景：{client}，{cat}类目，品牌成立多年，但线上渠道一直没有起色。",
    "本期案例分享：{cat}类目客户{client}的全店托管之路。",
)
CASE_ACTIONS = (
    "我们从店铺定位、视觉升级、爆款打造三方面入手，重新梳理了产品结构。",
    "通过精细化的直通车投放和内容种草，店铺自然流量占比大幅提升。",
    "项目组为客户制定了全年营销节奏，并在大促节点集中资源冲刺。",
    "优化了客服话术与售后流程，DSR评分稳步回升。",
    "借助达人直播和短视频矩阵，为店铺带来大量新客。",
)
CASE_CLOSERS = (
    "如果您也有类似的困扰，欢迎联系我们获取免费诊断方案。",
    "专业的事交给专业的人，我们期待与您合作。",
    "更多案例请关注我们的官方网站。",
    "",
)
