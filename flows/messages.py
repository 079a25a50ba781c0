"""Every sentence a merchant reads about a verdict or a risk, in Chinese and English, from one source.

The marts store a code and its arguments (`claim_checks.reason_code` / `reason_args`,
`provider_reputation.risk_flag_codes`); sentences are rendered at the edge — in the marts' text columns
(`reason`, `risk_flags`, Chinese by default, for pandas users), in the CLI and in the report — so both
languages come from the same facts and a wording fix needs no rebuild of the evidence.

A template is a `str.format` string over the code's arguments. English has an `en_one` form where the
count `n` decides the plural. Arguments are plain JSON values (numbers, strings) so they survive parquet
and JSON-LD unchanged.
"""

from __future__ import annotations

import json
import math
from typing import NamedTuple

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


class Message(NamedTuple):
    """A code with its arguments: what the marts store instead of a sentence."""

    code: str
    args: dict

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return render(self.code, self.args, lang)

    def args_json(self) -> str:
        return json.dumps(self.args, ensure_ascii=False, sort_keys=True)


# Why a claimed case got its verdict (flows/claim_checks.py, in the order its rules fire).
REASONS: dict[str, dict[str, str]] = {
    "client_complained": {
        "zh": "客户{client}在宣称的服务期内投诉过该服务商。",
        "en": "The client {client} filed a complaint against this provider during the claimed period.",
    },
    "client_reported_lower": {
        "zh": "客户{client}本人说实际{metric}为{reported:,.0f}，低于案例宣称的{claimed:,.0f}。",
        "en": "The client {client} itself reports {metric} of {reported:,.0f}, below the {claimed:,.0f} "
        "this case claims.",
    },
    "copied_from_other": {
        "zh": "同一案例此前已由另一家服务商（{other}）发布。",
        "en": "The same case was published earlier by another provider ({other}).",
    },
    "before_registration": {
        "zh": "案例始于{start}，但该公司{established}才注册成立。",
        "en": "The case starts in {start}, but the company was only registered on {established}.",
    },
    "team_too_small": {
        "zh": "该公司参保人数仅{staff}人，却宣称服务{categories}个类目。",
        "en": "The company has {staff} insured employees but claims to serve {categories} categories.",
    },
    "client_same_figures": {
        "zh": "客户{client}本人给出了与案例相同的数据。",
        "en": "The client {client} itself reported the same figures with this provider.",
    },
    "growth_beyond_period": {
        "zh": "{days}天内增长{growth_pct:,.0f}%，超出店铺可能达到的水平（最多约{ceiling_pct:,.0f}%）。",
        "en": "A growth of {growth_pct:,.0f}% in {days} days is beyond what a shop can reach "
        "(at most about {ceiling_pct:,.0f}%).",
    },
    "client_confirmed": {
        "zh": "客户{client}本人确认了与该服务商合作的效果。",
        "en": "The client {client} itself confirmed the results with this provider.",
    },
    "promise_broken": {
        "zh": "承诺未兑现：承诺{metric}达到{promised:,.0f}，客户说实际只有{reported:,.0f}。",
        "en": "A broken promise: {metric} of {promised:,.0f} was promised, and {reported:,.0f} is what "
        "the client reports.",
    },
    "promise_unchecked": {
        "zh": "没有关于实际结果的说法，无法判断这一承诺是否兑现。",
        "en": "No account of what actually happened says whether this promise was kept.",
    },
    "no_independent_evidence": {
        "zh": "未找到独立证据：客户没有写过关于该服务商的内容，也没有与案例矛盾的信息。",
        "en": "No independent evidence found: the client has not written about this provider "
        "and nothing contradicts the case.",
    },
}

# Risk flags on a provider (flows/scores.py), worst first in the order scores.risk_flags emits them.
RISK_FLAGS: dict[str, dict[str, str]] = {
    "cases_refuted": {
        "zh": "{total}个成功案例中{n}个被证伪",
        "en": "{n} of {total} success cases refuted",
    },
    "cases_duplicated": {
        "zh": "{total}个成功案例中{n}个抄袭自其他服务商",
        "en": "{n} of {total} success cases copied from another provider",
    },
    "cases_implausible": {
        "zh": "{total}个成功案例中{n}个增长不合常理",
        "en": "{n} of {total} success cases implausible",
    },
    "abnormal_operations": {"zh": "有经营异常记录", "en": "经营异常 on record"},
    "registration_status": {"zh": "登记状态：{status}", "en": "registration status {status}"},
    "lawsuits": {"zh": "有{n}起诉讼记录", "en": "{n} lawsuits on record", "en_one": "1 lawsuit on record"},
    "complaints": {"zh": "{n}条投诉", "en": "{n} complaints", "en_one": "1 complaint"},
    "complaints_completed": {
        "zh": "{n}条投诉，{share:.0%}已完成",
        "en": "{n} complaints, {share:.0%} completed",
        "en_one": "1 complaint, {share:.0%} completed",
    },
    "slow_replies": {
        "zh": "投诉回复慢：中位数{days:.0f}天",
        "en": "replies to complaints after {days:.0f} days (median)",
    },
    "bought_reviews": {"zh": "{share:.0%}的评价疑似刷单", "en": "{share:.0%} of reviews look bought"},
    "small_team": {"zh": "参保人数仅{staff}人", "en": "only {staff} insured staff"},
    "no_tp": {"zh": "无TP服务商认证", "en": "no TP certification"},
    "no_evidence": {"zh": "未找到独立证据", "en": "no independent evidence found"},
}

# A reason written as a plain sentence by a rule that has no code yet: kept verbatim in both languages
# rather than dropped, so a new rule never loses its explanation (give it a code in REASONS).
UNCODED = "uncoded"

_UNKNOWN = {"zh": "未知", "en": "unknown"}


def render(code: str, args: dict | str | None, lang: str = DEFAULT_LANG) -> str:
    """The sentence for a reason or risk-flag code in `lang` ("zh" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    a = json.loads(args) if isinstance(args, str) else dict(args or {})
    if code == UNCODED:
        return str(a.get("text", ""))
    forms = REASONS.get(code) or RISK_FLAGS.get(code)
    if forms is None:
        raise KeyError(f"no sentence for code {code!r}")
    template = forms["en_one"] if lang == "en" and a.get("n") == 1 and "en_one" in forms else forms[lang]
    # A missing value (a case without a client name) reads as "unknown", never as "None" or "nan".
    clean = {
        k: _UNKNOWN[lang] if v is None or (isinstance(v, float) and math.isnan(v)) else v
        for k, v in a.items()
    }
    return template.format(**clean)


def uncoded(text: str) -> Message:
    return Message(UNCODED, {"text": text})
