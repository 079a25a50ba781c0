"""How pages write money, growth and periods: every form a claim extractor meets in the wild.

Amounts in the world are whole 万 (10,000 yuan) so that every printed form is exact: `50万`,
`1.2亿`, `三百万`, `2,156.2百万元`, `1,200,000元`, `85w`, `50 万元`, `人民币50万元`, `一千二百万`.
Growth is written as a multiple (`翻了一番`, `是原来的3倍`), a percentage (`增长了35%`) or not at all;
periods as a length (`三个月`, `一个季度`) or a range of months (`2023.3—2023.6`).
"""

from __future__ import annotations

import random

_DIGITS = "零一二三四五六七八九"


def cn_int(n: int) -> str:
    """1..9999 in Chinese numerals as people write them (十五, 三百, 一千零五十)."""
    if not 0 < n < 10000:
        raise ValueError(n)
    out = ""
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (d == 1 and unit == "十" and not out) else _DIGITS[d]) + unit
    return out


def _significant(n: int) -> int:
    s = str(n).rstrip("0")
    return len(s)


def money(wan: int, rng: random.Random) -> str:
    """An amount of `wan` 万 yuan in one of the forms pages use."""
    forms = ["wan", "wan", "plain", "w"]
    if wan >= 10000 and wan % 1000 == 0:
        forms += ["yi", "yi"]
    if wan < 10000 and _significant(wan) <= 2:
        forms += ["cn", "cn"]
    forms += ["spaced", "yuan_wan", "rmb"]
    if wan % 10 == 0 and wan >= 100:
        forms.append("million")
    form = rng.choice(forms)
    if form == "yi":
        return f"{wan / 10000:g}亿"
    if form == "cn":
        return cn_int(wan) + "万"
    if form == "million":
        return f"{wan / 100:,.1f}百万元"
    if form == "plain":
        return f"{wan * 10000:,}元"
    if form == "w":
        return f"{wan}" + rng.choice(("w", "W"))
    if form == "spaced":  # PDF and press-release spacing: `50 万`, `1.2 亿元`
        return (
            f"{wan / 10000:g} 亿元"
            if wan >= 10000 and wan % 1000 == 0
            else f"{wan} 万" + rng.choice(("", "元"))
        )
    if form == "yuan_wan":
        return f"{wan}万元"
    if form == "rmb":
        return rng.choice(("人民币", "¥", "￥")) + (
            f"{wan}万元" if rng.random() < 0.7 else f"{wan * 10000:,}元"
        )
    return f"{wan}万" + rng.choice(("", "元", ""))


PERIOD_WORDS = {
    30: ("30天", "一个月", "1个月"),
    45: ("45天", "一个半月"),
    60: ("两个月", "60天", "2个月"),
    90: ("三个月", "90天", "一个季度", "3个月"),
    180: ("半年", "六个月", "180天"),
    365: ("一年", "12个月", "一整年"),
    730: ("两年", "24个月"),
}


def period(days: int, rng: random.Random) -> str:
    return rng.choice(PERIOD_WORDS[days])


def multiple(before: int, after: int) -> str | None:
    """The growth as a multiple when it is a whole one (`翻了一番`, `是原来的3倍`), else None."""
    if after % before:
        return None
    k = after // before
    if k == 2:
        return "翻了一番"
    if k == 4:
        return "翻了两番"
    if k < 2:
        return None
    return f"是原来的{k}倍" if k > 9 else f"是原来的{cn_int(k)}倍"


def month_range(start, end, rng: random.Random) -> str:
    """A period as the months it spans, in the forms case pages use."""
    same_year = start.year == end.year
    forms = [
        f"{start.year}年{start.month}月至{end.year}年{end.month}月",
        f"{start.year}.{start.month}—{end.year}.{end.month}",
        f"{start.year}年{start.month:02d}月-{end.year}年{end.month:02d}月",
    ]
    if same_year:
        forms.append(f"{start.year}年{start.month}月到{end.month}月")
    return rng.choice(forms)


def growth_pct(before: int, after: int) -> int | None:
    """Growth in whole percent when it is exact, else None (then the page states both ends)."""
    num = (after - before) * 100
    return num // before if num % before == 0 else None
