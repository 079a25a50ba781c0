"""Golden sentences: every reason and risk-flag code, in Chinese and English, from the same arguments."""

from __future__ import annotations

import json

import pytest

from flows.messages import REASONS, RISK_FLAGS, Message, render, uncoded

GOLDEN = [
    # (code, args, zh, en)
    (
        "client_reported_lower",
        {"client": "青柚家居旗舰店", "metric": "月销售额", "reported": 180000.0, "claimed": 1000000.0},
        "客户青柚家居旗舰店本人说实际月销售额为180,000，低于案例宣称的1,000,000。",
        "The client 青柚家居旗舰店 itself reports 月销售额 of 180,000, below the 1,000,000 this case claims.",
    ),
    (
        "promise_broken",
        {"metric": "销售额", "promised": 500000.0, "reported": 120000.0},
        "承诺未兑现：承诺销售额达到500,000，客户说实际只有120,000。",
        "A broken promise: 销售额 of 500,000 was promised, and 120,000 is what the client reports.",
    ),
    (
        "promise_unchecked",
        {},
        "没有关于实际结果的说法，无法判断这一承诺是否兑现。",
        "No account of what actually happened says whether this promise was kept.",
    ),
    (
        "client_complained",
        {"client": "青柚家居旗舰店"},
        "客户青柚家居旗舰店在宣称的服务期内投诉过该服务商。",
        "The client 青柚家居旗舰店 filed a complaint against this provider during the claimed period.",
    ),
    (
        "copied_from_other",
        {"other": "mingjing-dianshang"},
        "同一案例此前已由另一家服务商（mingjing-dianshang）发布。",
        "The same case was published earlier by another provider (mingjing-dianshang).",
    ),
    (
        "before_registration",
        {"start": "2019-10", "established": "2021-03-08"},
        "案例始于2019-10，但该公司2021-03-08才注册成立。",
        "The case starts in 2019-10, but the company was only registered on 2021-03-08.",
    ),
    (
        "team_too_small",
        {"staff": 2, "categories": 31},
        "该公司参保人数仅2人，却宣称服务31个类目。",
        "The company has 2 insured employees but claims to serve 31 categories.",
    ),
    (
        "client_same_figures",
        {"client": "北岸茶铺"},
        "客户北岸茶铺本人给出了与案例相同的数据。",
        "The client 北岸茶铺 itself reported the same figures with this provider.",
    ),
    (
        "growth_beyond_period",
        {"growth_pct": 12500.0, "days": 60, "ceiling_pct": 300.0},
        "60天内增长12,500%，超出店铺可能达到的水平（最多约300%）。",
        "A growth of 12,500% in 60 days is beyond what a shop can reach (at most about 300%).",
    ),
    (
        "client_confirmed",
        {"client": "小满童装"},
        "客户小满童装本人确认了与该服务商合作的效果。",
        "The client 小满童装 itself confirmed the results with this provider.",
    ),
    (
        "no_independent_evidence",
        {},
        "未找到独立证据：客户没有写过关于该服务商的内容，也没有与案例矛盾的信息。",
        "No independent evidence found: the client has not written about this provider and nothing "
        "contradicts the case.",
    ),
    ("cases_refuted", {"n": 2, "total": 5}, "5个成功案例中2个被证伪", "2 of 5 success cases refuted"),
    (
        "cases_duplicated",
        {"n": 1, "total": 3},
        "3个成功案例中1个抄袭自其他服务商",
        "1 of 3 success cases copied from another provider",
    ),
    (
        "cases_implausible",
        {"n": 1, "total": 1},
        "1个成功案例中1个增长不合常理",
        "1 of 1 success cases implausible",
    ),
    ("abnormal_operations", {}, "有经营异常记录", "经营异常 on record"),
    ("registration_status", {"status": "注销"}, "登记状态：注销", "registration status 注销"),
    ("lawsuits", {"n": 1}, "有1起诉讼记录", "1 lawsuit on record"),
    ("lawsuits", {"n": 4}, "有4起诉讼记录", "4 lawsuits on record"),
    ("complaints", {"n": 1}, "1条投诉", "1 complaint"),
    ("complaints", {"n": 6}, "6条投诉", "6 complaints"),
    ("complaints_completed", {"n": 8, "share": 0.25}, "8条投诉，25%已完成", "8 complaints, 25% completed"),
    ("complaints_completed", {"n": 1, "share": 1.0}, "1条投诉，100%已完成", "1 complaint, 100% completed"),
    (
        "slow_replies",
        {"days": 12.0},
        "投诉回复慢：中位数12天",
        "replies to complaints after 12 days (median)",
    ),
    ("bought_reviews", {"share": 0.18}, "18%的评价疑似刷单", "18% of reviews look bought"),
    ("small_team", {"staff": 3}, "参保人数仅3人", "only 3 insured staff"),
    ("no_tp", {}, "无TP服务商认证", "no TP certification"),
    ("no_evidence", {}, "未找到独立证据", "no independent evidence found"),
]


@pytest.mark.parametrize(
    ("code", "args", "zh", "en"), GOLDEN, ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)]
)
def test_golden_sentence_in_both_languages(code, args, zh, en):
    assert render(code, args, "zh") == zh
    assert render(code, args, "en") == en
    # The marts store the arguments as JSON: the same sentence comes back from the stored form.
    assert Message(code, args).render("en") == render(code, Message(code, args).args_json(), "en")


def test_every_code_has_a_golden_sentence():
    assert {g[0] for g in GOLDEN} == set(REASONS) | set(RISK_FLAGS)


def test_chinese_is_the_default():
    assert render("no_tp", {}) == "无TP服务商认证"


def test_a_missing_client_reads_as_unknown_not_none():
    assert render("client_confirmed", {"client": None}, "zh") == "客户未知本人确认了与该服务商合作的效果。"
    assert "None" not in render("client_complained", json.dumps({"client": None}), "en")


def test_a_sentence_without_a_code_is_kept_verbatim():
    m = uncoded("Some rule's own explanation.")
    assert m.render("zh") == m.render("en") == "Some rule's own explanation."


def test_unknown_language_and_code_are_clear_errors():
    with pytest.raises(ValueError, match="unknown language"):
        render("no_tp", {}, "fr")
    with pytest.raises(KeyError, match="no sentence"):
        render("made_up_code", {}, "zh")
