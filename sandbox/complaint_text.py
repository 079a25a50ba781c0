"""A complainant's filing and the replies under it, first-hand and specific.

Real complaints tell a story: when the contract was signed and with whom (brand, legal name, an
alias, or just `对方`), what the salesman promised in figures (`保底销售额20万`, `三个月月销破50万`),
what actually happened (`三个月一共卖了3000多元`), what was paid and what is demanded. Stance is in
the story; none of these words is a label.
"""

from __future__ import annotations

import random

from sandbox import debris, names

# (title, what went wrong). `{promise}` and `{outcome}` are filled with figures when the story has them.
ISSUES = (
    ("收费后不提供服务", "签约付款后对接人长期不回复，承诺的运营方案一直没有给"),
    ("虚假承诺效果", "销售时承诺{promise}，合作后店铺数据持续下滑，{outcome}"),
    ("拒绝退款", "合同约定未达标可退款，{outcome}，申请退款后一直拖延"),
    ("私自刷单导致店铺被罚", "未经同意安排刷单，店铺被平台判定虚假交易扣分降权，现在搜索都搜不到"),
    ("诱导续费", "以免费诊断名义诱导续费，续费后服务质量明显下降"),
    ("推广费去向不明", "预充值的推广费用花完了，没有提供任何投放明细，后台看到的消耗和他们报的对不上"),
    ("频繁更换运营", "半年内更换四个运营，工作无法衔接，店铺上新停了两个月"),
    ("合同条款陷阱", "合同中的考核指标被偷换成了访客数，{outcome}，对方说已经达标"),
    ("保底销售额未兑现", "合同写明{promise}，{outcome}，对方以市场原因为由拒绝退费"),
    ("代运营效果与承诺严重不符", "业务员当面保证{promise}，{outcome}，运营说是产品问题"),
    ("违规操作导致店铺被封", "对方为了冲数据用了违规手段，店铺被平台关停，货款也被冻结"),
    ("骗取服务费", "对方收钱以后换了个公司名继续做，原来的电话全部打不通"),
)
_PROMISES = (
    "{period}内月销售额突破{target}万",
    "保底销售额{target}万，做不到全额退款",
    "{period}做到类目前十，月销{target}万起步",
    "首月回本，{period}后月GMV稳定在{target}万以上",
    "店铺销量{period}翻三倍",
)
_OUTCOMES = (
    "结果{period}下来店铺一共卖了{actual}元",
    "实际{period}的成交额只有{actual}元",
    "到现在月销售额还不到{actual}元",
    "做了{period}，销售额比合作前还少了一半",
    "后台真实成交{actual}元，其中一大半还是退款单",
)
APPEALS = ("退还服务费", "退款", "赔偿损失", "解除合同并退款", "道歉并退款", "履行合同承诺", "退还推广费")


def _figures(rng: random.Random) -> dict:
    return {
        "period": rng.choice(("三个月", "半年", "两个月", "90天", "一个季度")),
        "target": rng.choice((10, 15, 20, 30, 50, 80, 100, 200)),
        "actual": rng.choice((1580, 2370, 3600, 4125, 6890, 8800, 12430, 21600)),
    }


def issue(rng: random.Random) -> tuple[str, str]:
    """A complaint's title and its account of what went wrong, with figures where the story has them."""
    title, story = rng.choice(ISSUES)
    fig = _figures(rng)
    return title, story.format(
        promise=rng.choice(_PROMISES).format(**fig), outcome=rng.choice(_OUTCOMES).format(**fig)
    )


def body(
    rng: random.Random,
    forms: dict,
    story: str,
    amount: int | None,
    shop: str | None = None,
    when: str | None = None,
) -> str:
    """The complainant's filing. A client shop names itself; anyone else tells it as `本人`/`我们`."""
    agency = names.agency_mention(rng, forms)
    legal = forms["legal"]
    if shop:
        openings = (
            f"我们店铺（{shop}）在{when}委托{agency}代运营",
            f"{shop}于{when}与{legal}签订代运营合同",
            f"我是{shop}的店主，{when}把店交给{agency}托管",
            f"{when}，{shop}和{agency}签了一年的全店托管",
        )
    else:
        openings = (
            f"本人于{when or '去年'}与{legal}签订代运营合同",
            f"{when or '今年初'}经业务员电话推销，和{agency}签了代运营服务",
            f"我们店铺在{when or '前段时间'}委托{agency}代运营",
            f"{when or '前几个月'}在服务市场找到{agency}，对方业务员加了我微信",
            f"{when or '年初'}刚开店不久，接到自称{agency}的电话，说可以帮忙做店铺",
        )
    parts = [rng.choice(openings), story]
    if amount:
        parts.append(
            rng.choice(
                (
                    f"共支付服务费{amount}元",
                    f"前后付了{amount}元",
                    f"涉及金额{amount}元",
                    f"首期{amount // 2}元加尾款{amount - amount // 2}元都已经付清",
                )
            )
        )
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
                "对方让我再续一期就能看到效果，我不会再信了",
                "已经向市场监管部门反映",
            )
        )
    )
    if rng.random() < 0.4:
        parts.append(
            rng.choice(
                ("大家避雷！", "不要再有人上当了", "商家朋友们擦亮眼睛", "同样被坑的可以联系我一起维权")
            )
        )
    text = ""
    for part in parts:
        text += part + rng.choice(("，", "，", "。", "；")) if part is not parts[-1] else part
    return text + rng.choice(("。", "！", "！！", ""))


PROVIDER_REPLIES_GOOD = (
    "您好，已收到您的反馈，我们的客服经理会在24小时内联系您核实情况。",
    "非常抱歉给您带来不好的体验，已安排专人跟进，退款流程已经启动。",
    "您好，经核实，已与您协商一致，按合同约定退还剩余服务费。",
    "您好，项目负责人已与您电话沟通，双方已就解约和费用达成一致，感谢您的理解。",
)
PROVIDER_REPLIES_POOR = (
    "您好，合同中已明确约定服务内容，不存在违约情况。",
    "已收到，我们会核实。",
    "您好，效果受多方面因素影响，我方已按合同履行义务。",
    "您好，合同中并无保底销售额条款，业务员的口头表述不代表公司。",
)
COMPLAINANT_FOLLOWUPS = (
    "商家已联系，退款已到账，感谢平台。",
    "问题已解决，满意。",
    "对方只退了一部分，勉强接受。",
    "至今没有任何人联系我。",
    "回复完全是敷衍，没有解决问题。",
)
