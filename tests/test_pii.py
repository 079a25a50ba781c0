"""mask(): personal data becomes typed placeholders; amounts, dates and order numbers survive."""

from __future__ import annotations

import pytest

from pipelines.pii import luhn_ok, mask


def _luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


CARD = _luhn_complete("622202123456789012")  # 19-digit UnionPay-shaped number that passes Luhn
ID_CARD = "11010519491231002X"  # checksum-valid (GB 11643 example)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系我13812345678", "联系我[手机号]"),
        ("电话：+86 138-1234-5678 找王经理", "电话：[手机号] 找王经理"),
        ("手机 8613912345678", "手机 [手机号]"),
        ("138 1234 5678", "[手机号]"),
        ("座机0571-88886666转2", "座机[电话]"),  # the extension goes with its number
        ("(021)12345678", "[电话]"),
        ("热线400-820-1234", "热线[电话]"),
        ("加微信 abc_12345 咨询", "加微信 [微信] 咨询"),
        ("VX：msc496", "VX：[微信]"),
        ("wx号: zhangsan888", "wx号: [微信]"),
        ("薇信：dsyy-2023", "薇信：[微信]"),
        ("微信同号13812345678", "微信同号[手机号]"),
        ("扣扣：12345678", "扣扣：[QQ]"),
        ("QQ:845981614", "QQ:[QQ]"),
        ("企鹅号 10001", "企鹅号 [QQ]"),
        ("邮箱 845981614@qq.com 处理", "邮箱 [邮箱] 处理"),
        ("发到 li.ming+kaopu@example.com.cn", "发到 [邮箱]"),
        (f"身份证{ID_CARD}", "身份证[身份证]"),
        # After the word 身份证 an 18-digit number is an ID whatever its checksum (typos happen).
        ("身份证号码：110105194912310021。", "身份证号码：[身份证]。"),
        ("身份证 110105 19491231 002X", "身份证 [身份证]"),
        ("联系人手机１３８１２３４５６７８", "联系人手机[手机号]"),  # full-width digits
        ("电话 +86-138.1234.5678", "电话 [手机号]"),
        ("服务热线:400-1234-567\n地址", "服务热线:[电话]\n地址"),  # a newline is not "followed by 万"
        ("咨询请加微.信号是为: kaopu_2024", "咨询请加微.信号是为: [微信]"),
        # Stray Latin letters dropped between the cue's characters, in traditional script.
        ("详情可以加微Z.信Y號是為: abc321，周末也回", "详情可以加微Z.信Y號是為: [微信]，周末也回"),
        ("V信 abc_123456", "V信 [微信]"),
        ("Tel: +86-571-8888-6666", "Tel: [电话]"),
        ("座机 0571—88886666", "座机 [电话]"),
        ("电话：8888 6666（工作日）", "电话：[电话]（工作日）"),
        ("威信：a12345678", "威信：[微信]"),
        ("加v：shop2024x", "加v：[微信]"),
        ("薇：dianpu888", "薇：[微信]"),
        ("vx号 tuoguan_01", "vx号 [微信]"),
        ("Q.Q 345678901", "Q.Q [QQ]"),
        ("企鹅：345678901", "企鹅：[QQ]"),
        ("进QQ群：345678901 领资料", "进QQ群：[QQ] 领资料"),
        ("【私信】V：shop2024x，拉你进群", "【私信】V：[微信]，拉你进群"),
        ("投稿 editor艾特example.com", "投稿 [邮箱]"),
        ("联系：某某资讯小编(xiaobian)", "联系：某某资讯小编([微信])"),
        ("投稿 editor#example.com 谢谢", "投稿 [邮箱] 谢谢"),
        ("写信给 editor at example dot com 即可", "写信给 [邮箱] 即可"),
        ("邮箱：ｅｄｉｔｏｒ＠ｅｘａｍｐｌｅ．ｃｏｍ", "邮箱：[邮箱]"),
        (f"银行卡号 {CARD}", "银行卡号 [银行卡]"),
        (f"卡号：{' '.join(CARD[i : i + 4] for i in range(0, 19, 4))}", "卡号：[银行卡]"),
        # Foreign numbers, valid in their country's plan; a year after one is not part of it.
        ("Tel: +1-212-555-0147", "Tel: [电话]"),
        ("香港办事处 +852 2123 4567，周一至周五", "香港办事处 [电话]，周一至周五"),
        ("香港办事处 (852) 2123 4567", "香港办事处 [电话]"),
        ("London +44 (0)20 7946 0958", "London [电话]"),
        ("+1 (212) 555-0147 2023年", "[电话] 2023年"),
        ("call 00852-2123-4567", "call [电话]"),
        ("传真 02080001234", "传真 [电话]"),
        ("Phone: 2123 4567", "Phone: [电话]"),
        # A public account's id after its name, or alone after the cue.
        (
            "本文来自微信公众号：某某观察 (ID:mouguancha)，作者：某某",
            "本文来自微信公众号：某某观察 (ID:[微信])，作者：某某",
        ),
        ("公众号ID：kaopu_news", "公众号ID：[微信]"),
        # Digits in characters, circled, or cut by a line break; more cue disguises.
        ("手机一三八一二三四五六七八", "手机[手机号]"),
        ("客服电话13812345678一直关机", "客服电话[手机号]一直关机"),  # 一 after a number is a word
        ("电话 幺叁捌 壹贰叁肆 伍陆柒捌", "电话 [手机号]"),
        ("QQ：①②③④⑤⑥⑦⑧⑨", "QQ：[QQ]"),
        ("手机 1381234\n5678 随时打", "手机 [手机号] 随时打"),
        ("微x：shop2024x", "微x：[微信]"),
        ("卫星号 abc12345", "卫星号 [微信]"),
        ("微❤信 abc12345", "微❤信 [微信]"),
        ("Q：345678901", "Q：[QQ]"),
        ("邮箱 editor@example点com", "邮箱 [邮箱]"),
        ("身份证 110105491231002", "身份证 [身份证]"),
        ("有事加 shop_2024x（微信）", "有事加 [微信]（微信）"),
        ("交流群号：345678901", "交流群号：[QQ]"),
        # an ad's contact block: the id alone on its line, then the call to add it
        ("专业团队代运营\n20061543\n添加微信\n详谈", "专业团队代运营\n[微信]\n添加微信\n详谈"),
        ("联系：shop_2024x 加V咨询", "联系：[微信] 加V咨询"),
        ("Mobile: 9123 4567", "Mobile: [电话]"),
        (
            f"收款账户 {CARD[:6]} {CARD[6:]}",
            "收款账户 [银行卡]",
        ),  # a card cue: any grouping  # the first-generation 15-digit card
        (f"身份证 {ID_CARD[:6]} {ID_CARD[6:10]} {ID_CARD[10:14]} {ID_CARD[14:]}", "身份证 [身份证]"),
    ],
)
def test_masks(text, expected):
    assert mask(text) == expected
    assert mask(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "投入500000元，回款120000元",
        "合同金额13800000000元",  # an 11-digit 1[3-9] number followed by a currency is money
        "2023年1月29日 22:52",
        "时间戳1674996720000",
        "GMV从50万做到300万，同比增长45%",
        "订单号 1234567890123456789",  # fails Luhn
        f"订单号 {CARD}",  # passes Luhn, but no card cue and no 4-digit grouping: an order number
        "编号110105194912310021",  # ID-shaped, wrong checksum and no 身份证 cue: some other number
        "月服务费3000-8000元，提成5%",
        "2024年营收123456万元\n加微信领取资料",  # a figure inside its sentence is no contact block
        "我的QQ群很多人",  # cue without a number
        "wxyz123456 是型号",  # letters that merely start with wx
        "每天访客3000，转化率2.5%",
        "当月成交13812345678元",
        "投放了 13812345678 万次曝光",
        "2023.11.25 起 至 2024-01-31",
        "合同编号0571-2023",
        "电话回访了 2000 次",
        "威信县的电商产业园",  # a place called 威信, no id after it
        "ROI V: 1.8，CPC: 0.6",
        "同比+12.5%，环比+3.2%",
        "新增+10 000 000元",
        "(1) 2019 2020 2021 三年的数据",  # a numbered list, not a country code
        "iPhone 2019 2020 两代销量",
        "手机 12000000 台",
        "股票代码：600519，(002024.SZ)，9991.HK",
        "（2023）沪0105民初12345号",
        "依据《民法典》第五百七十七条、第584条",
        "来源公众号ABCD律师的文章",  # a Latin name that runs on into Chinese is not a handle
        "一二三四五六七八九十，数到十",
        "合同约定壹拾叁万捌仟元整",
        "Contact us at example.com for details",
        "1998\n2001\n2005 三个年份",
        f"订单 {CARD[:6]} {CARD[6:]}",  # passes Luhn, but neither a card cue nor 4-digit groups
        "型号 ABC123456（新款）",
        "Mobile users 2019 grew 35%",
        "群号码已满，请勿再加",
    ],
)
def test_leaves_non_personal_numbers(text):
    assert mask(text) == text


def test_mixed_text_masks_each_kind_once():
    text = f"王经理13812345678，微信 wang_jl88，邮箱 wang@example.com，卡号 {CARD}，付款500000元。"
    assert mask(text) == "王经理[手机号]，微信 [微信]，邮箱 [邮箱]，卡号 [银行卡]，付款500000元。"


def test_rejects_non_str():
    with pytest.raises(TypeError):
        mask(13812345678)  # type: ignore[arg-type]


def test_eval_counts_leaks_in_raw_and_normalised_text_and_figures_lost():
    from evaluation.text import pii as pii_eval
    from evaluation.text.corpus import Passage

    def passage(pid: str, text: str, pii: tuple[str, ...]) -> Passage:
        url = f"https://x.example/{pid}"
        return Passage(pid, url, "article", text, (), (), 0, (), pii, None, "", (), "", "")

    result = pii_eval.evaluate(
        [
            passage("p1", "商务合作请联系13812345678，月销50万。", ("13812345678",)),
            passage("p2", "商务合作请发邮件，对方是个老实人。", ("老实人",)),  # a gold string mask cannot see
            passage("p3", "合同金额13800000000元，2023年5月签约。", ()),
        ]
    )
    assert result.figures["leaks"].value == 1.0
    assert result.figures["recall"].value == 0.5
    assert result.figures["overmask"].value == 0.0
    assert result.errors == ["leak: p2 gold string #0 (3 chars)"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("被告：王某，男，1991年4月9日出生，汉族。", "被告：王某，男，[出生日期]出生，汉族。"),
        ("原告李某，女，1986年11月生，务工。", "原告李某，女，[出生日期]生，务工。"),
        ("店主出生于1993年7月，大学毕业后开店。", "店主出生于[出生日期]，大学毕业后开店。"),
        ("出生日期：1990-02-28", "出生日期：[出生日期]"),
    ],
)
def test_a_persons_date_of_birth_is_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "合同自2021年3月1日生效，服务期一年。",
        "2020年5月出生率下降的报道和本案无关。",
        "这批货是2019年6月生产的。",
        "財經 (97) 2025-06-16 11:19:40 某代运营公司股东减持",  # a dated line, not a foreign phone
    ],
)
def test_other_dates_stay(text):
    assert mask(text) == text
