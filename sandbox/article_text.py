"""Articles: a journalist, an analyst or an agency's own writer, in the third person.

Stance toward an agency is carried by what the article reports — a court ruling against it, brand
clients leaving, revenue falling or rising, a listing, an award, a merchant's story — and some
articles warn about agencies in general without naming any. Agencies are named by brand, legal name
(`上海某某电子商务有限公司（下称“某某”）`), an alias, or masked as court news writes them.
"""

from __future__ import annotations

import random

from sandbox import names


def article_title(rng: random.Random, forms: list[dict], stance: float) -> str:
    main = rng.choice((forms[0]["brand"], forms[0]["brand"], rng.choice(forms[0]["aliases"])))
    neutral = (
        "商家付费找代运营，效果谁来保证？",
        f"{'、'.join(f['brand'] for f in forms)}：代运营服务商观察",
        "电商代运营风险防患：收钱要做事，做事要做好",
        f"从{main}看电商代运营的生意经",
        "代运营行业调查：成功案例经得起推敲吗",
    )
    bad = (
        f"记者调查｜{main}被指收费后不作为",
        f"{main}业绩变脸，多个品牌客户相继离开",
        f"代运营合同纠纷频发，{main}被判退还服务费",
        f"{main}：承诺的保底销售额去哪了？",
    )
    good = (
        f"{main}获评年度优秀服务商",
        f"{main}营收稳步增长，品牌合作数量再创新高",
        f"专访{main}：代运营的下半场拼的是精细化",
    )
    return rng.choice(neutral + (bad if stance < 0.35 else good if stance >= 0.65 else ()))


_OPENINGS = (
    "随着电商平台流量红利见顶，越来越多的中小商家把店铺交给代运营公司打理。",
    "据业内人士估算，国内提供电商代运营服务的公司已超过万家，良莠不齐。",
    "记者近日走访了{city}多家电商代运营公司，发现这一行业的收费模式差异很大。",
    "“基础服务费加销售提成”是目前代运营最常见的收费方式。",
    "代运营这门生意，门槛低、回款快，也因此鱼龙混杂。",
    "近日，一则代运营合同纠纷的判决在商家圈里引发讨论。",
)
# `{a}` names the agency; figures are the agency's own business (company metrics), never a case claim.
_GOOD = (
    "{legal}（下称“{brand}”）负责人向记者介绍，公司坚持按效果收费，核心团队都在一线。",
    "多位商家向记者反映，{a}的服务相对规范，合同条款清晰，数据报告能与后台核对。",
    "{a}披露的数据显示，公司{year}年营收{rev}亿元，同比增长{pct}%，合作品牌由{n_lo}个增加到{n_hi}个。",
    "一位与{a}合作三年的品牌负责人说，续约时几乎没有犹豫，“他们的人比我们自己的团队还了解店铺”。",
    "{a}日前获得平台颁发的年度优秀服务商称号，这已是其连续第{k}年获得该荣誉。",
    "据{a}介绍，其操盘的店铺中单月GMV破千万的已有{n_lo}家，全年GMV破亿的品牌也有{k}个。",
)
_MID = (
    "{a}的客户评价呈两极分化，有商家称效果不错，也有商家表示合同到期后便没有再续。",
    "{a}{year}年营收{rev}亿元，同比增长{pct}%，但净利润同比下滑，毛利率也在持续走低。",
    "{a}方面回应称，效果不及预期与店铺自身的产品和价格有关，公司愿意与商家协商解决。",
    "{a}预计{year}年归母净利润为{loss_lo}万元至{loss_hi}万元，同比有所下滑，但自营品牌收入占比超过三成。",
)
_BAD = (
    "一位不愿具名的商家告诉记者，其与{legal}签约时对方承诺{period}月销售额突破{target}万元，实际{period}的成交额仅{actual}元，至今未能退款。",
    "记者在投诉平台检索发现，涉及{a}的投诉多集中在收费后不作为、承诺的效果无法兑现。",
    "法院审理查明，{masked}在合同履行期间未按约定提供运营服务，判决其退还服务费{refund}万元并支付违约金。",
    "{a}{year}年营收同比下降{pct}%，由盈转亏，多个合作多年的美妆和食品品牌已终止合作。",
    "多名前员工反映，{a}一名运营往往要同时负责二十多家店铺，新人培训一周就上岗。",
    "{a}曾多次因刷单被平台处罚，其服务市场的星级也在去年被下调。",
    "{a}发布业绩预告，预计{year}年亏损{loss_lo}万元至{loss_hi}万元，而上年同期尚有百万元级别的盈利。",
)
_EXPERTS = (
    "业内人士提醒，商家在选择代运营时，应核实对方的成功案例，必要时可以联系案例中的店铺求证。",
    "律师表示，合同中应明确约定考核指标和未达标时的退款方式，口头承诺的保底销售额很难得到支持。",
    "有分析人士指出，部分服务商展示的案例存在“一案多用”的情况，同一店铺的数据出现在不同公司的宣传中。",
    "专家建议，商家可通过工商信息核对服务商的成立时间和参保人数，判断其实力是否与宣传相符。",
    "有从业者直言，所谓“三个月销量翻倍”的承诺，多半靠刷单撑起来，刷完之后店铺反而被降权。",
)
_ENDINGS = (
    "对此，记者将持续关注。",
    "归根结底，代运营是一门靠结果说话的生意。",
    "对于商家来说，找代运营不是一劳永逸，自己也要懂运营。",
    "截至发稿，相关公司未对记者的采访作出回应。",
)


def article_paragraphs(rng: random.Random, mentions: list[tuple[dict, float]], city: str) -> list[str]:
    """Context, each agency's side as the article reports it, an expert, an ending."""
    paras = [rng.choice(_OPENINGS).format(city=city)]
    for forms, view in mentions:
        bank = _GOOD if view >= 0.6 else _MID if view >= 0.35 else _BAD
        fill = {
            "a": names.agency_mention(rng, forms),
            "brand": forms["brand"],
            "legal": forms["legal"],
            "masked": names.agency_mention(rng, forms, masked=1.0),
            "year": rng.randint(2020, 2025),
            "rev": round(rng.uniform(0.3, 12.0), 2),
            "pct": round(rng.uniform(3, 60), 2),
            "n_lo": rng.randint(15, 40),
            "n_hi": rng.randint(45, 90),
            "k": rng.choice(("二", "三", "四")),
            "period": rng.choice(("三个月", "半年", "两个月")),
            "target": rng.choice((20, 50, 100, 300)),
            "actual": rng.choice((3200, 8650, 15900, 27400)),
            "refund": rng.choice((2.4, 3.8, 6, 8.5, 12)),
        }
        fill["loss_lo"] = rng.choice((800, 1200, 2400, 3100))
        fill["loss_hi"] = fill["loss_lo"] + rng.choice((500, 900, 1600))
        paras.append(rng.choice(bank).format(**fill))
    paras.append(rng.choice(_EXPERTS))
    if rng.random() < 0.5:
        paras.append(rng.choice(_ENDINGS))
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
