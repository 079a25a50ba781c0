"""Regenerate tests/data/text_labelled.jsonl: hand-written cases (text_labelled_hand.py) plus templated
variety whose labels come from the templates. Run: python tests/data/make_text_labelled.py"""

import json
import random
import sys
from pathlib import Path

import opencc

S2T = opencc.OpenCC("s2t")
rnd = random.Random(7)

# (brand form, legal name, bare alias, id)
PROVIDERS = [
    ("火蝠电商", "杭州火蝠电子商务有限公司", "火蝠", "huofu"),
    ("青橙代运营", "上海青橙网络科技有限公司", "青橙", "qingcheng"),
    ("云帆电商", "广州云帆信息技术有限公司", "云帆", "yunfan"),
    ("木棉电商", "深圳木棉品牌管理有限公司", "木棉", "mumian"),
    ("星禾代运营", "杭州星禾电子商务有限公司", "星禾", "xinghe"),
    ("蓝鲸电商", "宁波蓝鲸网络科技有限公司", "蓝鲸", "lanjing"),
    ("启航代运营", "苏州启航电子商务有限公司", "启航", "qihang"),
    ("鼎盛电商", "金华鼎盛网络科技有限公司", "鼎盛", "dingsheng"),
    ("麦田电商", "北京麦田信息技术有限公司", "麦田", "maitian"),
    ("锦程代运营", "成都锦程电子商务有限公司", "锦程", "jincheng"),
]
BRANDS = ["悦姿", "暖阳", "轻语", "山川", "禾木", "小鹿", "初见", "橙意", "青柠", "朗星", "织梦", "米粒"]
CATS = ["女装", "母婴", "家居", "美妆", "食品", "男装", "数码", "宠物", "童装", "茶叶"]
AMOUNTS = [
    ("8万", 8e4),
    ("十万", 1e5),
    ("12万", 1.2e5),
    ("20万", 2e5),
    ("30万", 3e5),
    ("五十万", 5e5),
    ("50万", 5e5),
    ("65万", 6.5e5),
    ("80万", 8e5),
    ("100万", 1e6),
    ("一百万", 1e6),
    ("150万", 1.5e6),
    ("200万", 2e6),
    ("三百万", 3e6),
    ("300万", 3e6),
    ("500万", 5e6),
    ("800万", 8e6),
    ("1200万", 1.2e7),
    ("两千万", 2e7),
    ("1.2亿", 1.2e8),
    ("2亿", 2e8),
    ("6,000万", 6e7),
    ("3,500,000元", 3.5e6),
]
PERIODS = [
    ("三个月", 90),
    ("3个月", 90),
    ("半年", 182),
    ("一年", 365),
    ("两个月", 60),
    ("一个季度", 90),
    ("30天", 30),
    ("六个月", 180),
    ("100天", 100),
    ("一年半", 547),
    ("两周", 14),
]
MONEY_METRICS = [
    ("GMV", "GMV"),
    ("月销售额", "销售额"),
    ("销售额", "销售额"),
    ("营收", "营收"),
    ("年营业额", "营收"),
]
COUNT_METRICS = [
    ("日均访客", "访客", [(800, "800"), (3000, "3000"), (1.2e4, "1.2万"), (5e4, "5万")]),
    ("粉丝", "粉丝", [(2000, "2000"), (1e4, "1万"), (8e4, "8万"), (3e5, "30万")]),
    ("日订单量", "订单", [(30, "30单"), (200, "200单"), (1500, "1500单")]),
]
RATES = [("1.2%", 1.2), ("2%", 2.0), ("3.5%", 3.5), ("0.8%", 0.8), ("5.6%", 5.6)]

PINYIN = {
    "運": "yùn",
    "營": "yíng",
    "電": "diàn",
    "商": "shāng",
    "務": "wù",
    "網": "wǎng",
    "絡": "luò",
    "銷": "xiāo",
    "售": "shòu",
    "額": "é",
    "鋪": "pù",
    "費": "fèi",
    "團": "tuán",
    "隊": "duì",
    "據": "jù",
    "數": "shù",
    "場": "chǎng",
    "個": "gè",
    "國": "guó",
    "過": "guò",
    "這": "zhè",
    "還": "hái",
    "說": "shuō",
    "會": "huì",
    "對": "duì",
    "錢": "qián",
    "時": "shí",
    "間": "jiān",
    "後": "hòu",
    "發": "fā",
    "現": "xiàn",
    "實": "shí",
    "讓": "ràng",
    "經": "jīng",
    "號": "hào",
}
SPAM = [
    "更多代运营干货请关注公众号：电商老司机",
    "如需咨询请加微信：dsyy2023",
    "本文来源于网络，如有侵权请联系删除。",
    "版权所有 © 2023 电商观察网",
    "免责声明：本文仅代表作者个人观点。",
    "想了解更多？加我VX：abc_88888 免费咨询",
    "QQ咨询：1234567890 欢迎来撩",
]


def claim(kind, metric, before=None, after=None, period=None, growth=None, client=None):
    c = {"kind": kind, "metric": metric, "before": before, "after": after, "period_days": period}
    if growth is not None:
        c["growth_pct"] = growth
    if client is not None:
        c["client"] = client
    return c


def pick_pair():
    while True:
        (bs, bv), (as_, av) = rnd.sample(AMOUNTS, 2)
        if av > bv * 1.2 and av < bv * 40:
            return bs, bv, as_, av


def provider_mention():
    brand, legal, alias, pid = rnd.choice(PROVIDERS)
    form = rnd.choice(["brand", "brand", "legal", "alias"])
    text = {"brand": brand, "legal": legal, "alias": alias}[form]
    mentions = [] if form == "alias" else [text]
    return text, pid, mentions


def client_name():
    return f"{rnd.choice(BRANDS)}{rnd.choice(CATS)}旗舰店"


def gen_success():
    client = client_name()
    ps, pd = rnd.choice(PERIODS)
    t = rnd.randrange(6)
    pname, pid, mentions = provider_mention()
    if t in (0, 1, 2):
        ws, metric = rnd.choice(MONEY_METRICS)
        bs, bv, as_, av = pick_pair()
    elif t == 3:
        ws, metric, values = rnd.choice(COUNT_METRICS)
        (bv, bs), (av, as_) = sorted(rnd.sample(values, 2))
    else:
        ws, metric = "转化率", "转化率"
        (bs, bv), (as_, av) = sorted(rnd.sample(RATES, 2), key=lambda x: x[1])
    growth = None if metric == "转化率" else round((av - bv) / bv * 100, 4)
    if t == 0:
        text = f"{pname}为{client}提供全店代运营服务，合作{ps}，{ws}从{bs}提升到{as_}。"
    elif t == 1:
        text = f"成功案例｜{client}：接手前{ws}{bs}，接手后{ps}{ws}达到{as_}。服务商：{pname}。"
        if pname not in mentions:
            pass
    elif t == 2:
        text = f"我们团队操盘{client}{ps}，{ws}由{bs}增长至{as_}，客户非常认可。"
    elif t == 3:
        text = f"{pname}案例分享：{client}合作{ps}后，{ws}从{bs}涨到{as_}。"
    else:
        text = f"{pname}帮助{client}优化详情页和主图，{ps}内{ws}从{bs}提升到{as_}。"
    providers = [] if t == 2 else [pid]
    if t == 2:
        mentions = []
    claims = [claim("success_case", metric, bv, av, pd, growth, client)]
    return {
        "source": "case_page",
        "text": text,
        "providers": providers,
        "mentions": mentions,
        "claims": claims,
    }


def gen_promise():
    pname, pid, mentions = provider_mention()
    ps, pd = rnd.choice(PERIODS[:7])
    t = rnd.randrange(3)
    if t == 0:
        ws, metric = rnd.choice(MONEY_METRICS)
        as_, av = rnd.choice(AMOUNTS[6:16])
        text = f"当初{pname}的业务员承诺{ps}内把{ws}做到{as_}，做不到全额退款。"
        claims = [claim("promise", metric, None, av, pd)]
    elif t == 1:
        ws, metric = rnd.choice(MONEY_METRICS)
        text = f"签约的时候{pname}保证{ps}让店铺{ws}翻倍，现在想想真是天真。"
        claims = [claim("promise", metric, None, None, pd, 100.0)]
    else:
        as_, av = rnd.choice(AMOUNTS[6:16])
        text = f"{pname}销售打电话说包月销{as_}，{ps}不达标退一半服务费。"
        claims = [claim("promise", "销售额", None, av, pd)]
    return {"source": "complaint", "text": text, "providers": [pid], "mentions": mentions, "claims": claims}


def gen_outcome():
    pname, pid, mentions = provider_mention()
    ps, pd = rnd.choice(PERIODS[:7])
    ws, metric = rnd.choice(MONEY_METRICS)
    bs, bv, as_, av = pick_pair()
    t = rnd.randrange(3)
    if t == 0:
        text = f"交给{pname}{ps}，我的店{ws}从{as_}掉到{bs}，还不如自己做。"
        claims = [claim("actual_outcome", metric, av, bv, pd, round((bv - av) / av * 100, 4))]
    elif t == 1:
        text = f"说句公道话，{pname}接手{ps}，我们店的{ws}从{bs}涨到{as_}，还算满意。"
        claims = [claim("actual_outcome", metric, bv, av, pd, round((av - bv) / bv * 100, 4))]
    else:
        text = f"找了{pname}合作{ps}，结果{ws}反而从{as_}下滑到{bs}，沟通也很敷衍。"
        claims = [claim("actual_outcome", metric, av, bv, pd, round((bv - av) / av * 100, 4))]
    return {
        "source": "forum_answer",
        "text": text,
        "providers": [pid],
        "mentions": mentions,
        "claims": claims,
    }


FEES = [
    ("2万", 2e4),
    ("3万", 3e4),
    ("5万", 5e4),
    ("两万", 2e4),
    ("8000元", 8000.0),
    ("12000元", 12000.0),
    ("6.8万", 6.8e4),
    ("1.5万", 1.5e4),
]


def gen_financial():
    pname, pid, mentions = provider_mention()
    t = rnd.randrange(4)
    fs, fv = rnd.choice(FEES)
    if t == 0:
        text = f"前后交了{fs}服务费，{pname}一直不给退款，电话也不接。"
        claims = [claim("actual_outcome", "服务费", None, fv)]
    elif t == 1:
        lo, hi = rnd.choice([(3000, 8000), (5000, 12000), (2000, 6000), (8000, 20000)])
        pct = rnd.choice([3, 5, 8, 10])
        text = f"{pname}的报价是月服务费{lo}-{hi}元，另收销售提成{pct}%。"
        claims = []  # a price quoted, not a claim: the marts read fees in reputation.scores
    elif t == 2:
        text = f"要求{pname}退还{fs}保证金，对方以各种理由拒绝。"
        claims = [claim("actual_outcome", "保证金", None, fv)]
    else:
        text = f"跟{pname}合作这一年，算下来损失了{fs}，教训深刻。"
        claims = [claim("actual_outcome", "损失", None, fv, 365)]
    return {"source": "complaint", "text": text, "providers": [pid], "mentions": mentions, "claims": claims}


def gen_review():
    pname, pid, mentions = provider_mention()
    t = rnd.randrange(5)
    text = [
        f"{pname}的运营很专业，每周都有数据报告，沟通顺畅，推荐。",
        f"和{pname}合作挺愉快的，美工出图快，客服培训也到位。",
        f"{pname}就是骗子，签完合同就没人管了，大家千万别上当！",
        f"用了{pname}的服务，感觉一般般，没有宣传的那么好。",
        f"对比了好几家，最后选了{pname}，目前还在观察期。",
    ][t]
    return {"source": "market_review", "text": text, "providers": [pid], "mentions": mentions, "claims": []}


ARTICLES = [
    "选择代运营公司时，要先看对方在淘宝服务市场上的资质和星级，再看过往案例是否真实可查。",
    "很多商家在抖音和拼多多同时开店，需要的是全渠道的运营能力，而不是单一平台的经验。",
    "黑猫投诉上关于代运营的投诉主要集中在退款难、效果差、合同陷阱三个方面。",
    "知乎上有不少商家分享踩坑经历，建议签约前先去天眼查看一下公司的参保人数和诉讼记录。",
    "一般来说，电商平台的转化率在2%到3%之间，高于这个水平的说法要谨慎看待。",
    "代运营公司的收费模式一般有三种：纯服务费、服务费加提成、纯提成。",
    "跨境电商和直播电商是这两年增长最快的方向，但对团队的要求也更高。",
    "这家电商服务商的口碑在业内一般，具体还要看合同条款怎么写。",
    "天猫代运营的星级是商家选择服务商的重要参考指标之一。",
    "不要轻信所谓的保底销售额，正规的服务商都会把风险写进合同里。",
    "商家最好自己懂一点运营思路，不要把店铺完全交给第三方。",
    "双十一前两个月是备货和预热的关键期，服务商的执行力在这时最能看出来。",
    "京东和天猫的流量逻辑不同，同一套打法很难直接复制。",
    "搜狐号上的很多软文其实是代运营公司自己写的，看的时候要注意甄别。",
    "阿里巴巴官方认证的服务商会在服务市场上展示TP标识。",
]


def gen_article():
    text = rnd.choice(ARTICLES)
    if rnd.random() < 0.5:
        pname, pid, mentions = provider_mention()
        text = f"{text}以{pname}为例，他们会在签约前做一次店铺诊断。"
        return {"source": "article", "text": text, "providers": [pid], "mentions": mentions, "claims": []}
    return {"source": "article", "text": text, "providers": [], "mentions": [], "claims": []}


def garble(text):
    """Traditional script with pinyin after some characters, entities, injected symbols, a spam line."""
    t = S2T.convert(text)
    out = []
    for ch in t:
        out.append(ch)
        if ch in PINYIN and rnd.random() < 0.7:
            out.append(f"({PINYIN[ch]})")
    t = "".join(out)
    t = t.replace("“", "&amp;ldquo;").replace("”", "&amp;rdquo;")
    if rnd.random() < 0.5:
        t = t.replace("，", "&nbsp;，", 1)
    if rnd.random() < 0.4:
        i = rnd.randrange(1, max(2, len(t) - 1))
        if t[i - 1].isalnum() and t[i].isalnum():
            t = t[:i] + "■" + t[i:]
    return t + "\n" + rnd.choice(SPAM)


def main():
    items = []
    gens = [
        (gen_success, 70),
        (gen_promise, 30),
        (gen_outcome, 35),
        (gen_financial, 35),
        (gen_review, 30),
        (gen_article, 25),
    ]
    for gen, n in gens:
        for _ in range(n):
            items.append(gen())
    uniq = {}
    for item in items:
        uniq.setdefault(item["text"], item)
    items = list(uniq.values())
    for i, item in enumerate(items):
        item["id"] = f"t{i:03d}"
    for item in rnd.sample(items, 60):
        g = dict(item)
        g["id"] = item["id"] + "g"
        g["text"] = garble(item["text"])
        g["garbled_from"] = item["id"]
        items.append(g)
    sys.path.insert(0, str(Path(__file__).parent))
    from text_labelled_hand import HAND, HELD_OUT

    for n, h in enumerate(HAND + HELD_OUT):
        h = dict(h)
        h["id"] = f"h{n:03d}"
        if n >= len(HAND):
            h["held_out"] = True
        h.setdefault("mentions", [])
        h.setdefault("providers", [])
        h.setdefault("claims", [])
        h["hand_written"] = True
        items.append(h)
    seen = set()
    with open(Path(__file__).with_name("text_labelled.jsonl"), "w", encoding="utf-8") as fh:
        for i, item in enumerate(items):
            if item["text"] in seen:
                continue
            seen.add(item["text"])
            item = {"id": item.pop("id"), **item}
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(len(seen))


if __name__ == "__main__":
    main()
