"""Chinese amounts and periods as people write them in reviews, case pages and fee lists.

`50万`, `1.2亿`, `三百万`, `一千二百万`, `2,156.2百万元`, `5w`, `3k`, `千万级` are amounts; `三个月`, `半年`,
`一个季度`, `两周`, `30天` are periods. Claim extraction and the fee columns of the marts both read
numbers through here, so `月服务费3000-8000元` and a case page's `GMV从50万做到300万` agree on units.

Chinese numerals are ambiguous in running text (千万 is also "by all means", 十分 is "very", 万一 is
"in case"), so a bare unit word only counts as a number where a caller asks for one in a numeric slot.

Why not cn2an (0.5.24, tried 2026-12): it converts a numeral once found but does not find them in
running text the way claims need (positions, percent, units), rejects 一点二亿, turns 十分满意 into
10分满意, reports 千万/万一 through UserWarning (an error under our pytest settings) and costs 0.27 s
of import.
Why not jionlp (1.5.31, measured 2026-12-06 in a scratch venv): `import jionlp` takes 1.7 s warm
(3.8 s cold) and pulls numpy and jiojio; `parse_money` raises on 一点二亿, 3到5倍, 100%-500%, 8.6億 and
月销8万, reads 十分 as 0.10 元, and `ner.extract_money` misses amounts without 元 (8万, 25万) and drops the
sign of -5000万元. It does read 几十万/数千万 as ranges, which `numbers` now reads as their unit (the
least they say, as 300多万 is 300万). Nothing it parses that claims need is missing here, and the crawl's
start-up would pay its import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MULTIPLIER = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "w": 10_000, "k": 1000}
# English reports (RMB1,350.0 million): one word, one factor.
_MULTIPLIER_WORDS = {"million": 1_000_000, "billion": 1_000_000_000}

_CAPITAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟", "一二三四五六七八九十百千")
_CN_CHARS = "零〇一二两俩三四五六七八九十百千万亿"
# An Arabic number with an optional multiplier (1.2亿, 2,156.2百万, 5w, 3k, 300万+, 300多万 = 300万 and
# some: the stated part is the figure), or a Chinese
# numeral containing at least one digit word (三百万, 两千, 十五万) or a unit word used as a quantity
# (千万 in 千万级 / 破千万 is decided by the caller's slot, see `parse_amount(strict=False)`).
NUMBER = re.compile(
    r"(?P<ar>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:[多余](?=[十百千万亿]))?(?P<mul>(?:[十百千]?[万亿])+|[十百千]|[wWkK](?![A-Za-z])"
    r"|million\b|billion\b)?"
    # 4万8 = 48000, 3千5 = 3500: a digit after 万/千 counts in the unit below, as 一万五 does; 1万5千.
    r"(?:(?<=[万千])(?P<tail>\d)(?:(?<=万\d)(?P<tailk>[千百]))?(?![\d.,%％个天年月日号人家次倍周千百]))?"
    # 贰万伍仟元: the capital numerals of contracts, invoices and judgements.
    r"|(?P<cap>[壹贰叁肆伍陆柒捌玖][零壹贰叁肆伍陆柒捌玖拾佰仟万亿]*)"
    r"|(?P<cn>(?:[零〇一二两俩三四五六七八九]点[零〇一二两三四五六七八九]+[十百千万亿]*)"
    # A numeral starts with a digit word or 十 (十五万); 万一 ("in case") and 千万 ("by all means") are
    # not numbers here — bare unit words are the next alternative, accepted only in numeric slots.
    # 一定, 一些, 一直, 一般, 一度, 一路 (all the way), 一下 are words, not the number one.
    r"|(?!一[定些直般样起旦度同致律切再共连向边方面时路下味流心举](?![零〇一二两俩三四五六七八九十百千万亿]))"
    r"(?:[零〇一二两俩三四五六七八九]|十(?=[零〇一二两俩三四五六七八九万亿]|[多余来](?=[万亿])))"
    r"[零〇一二两俩三四五六七八九十百千万亿]*"
    # 二十多万, 三百余万, 十来万: the stated part and its unit (多/余/来 before a unit is "and some").
    r"(?:[多余来](?=[万亿])[万亿]+)?"
    # 几十万, 数千万, 数亿: "some" tens of 万 — the unit is the least it says, as 300多万 is 300万.
    r"|[几数](?=[十百千万亿])(?:[十百千][万亿]*|[万亿]+)"
    # 十分 ("very") and 十足 ("full") are words.
    r"|[十百千]?[万亿]+|十(?![分足])"
    # 过千, 破百, 千元: 百 or 千 alone, before no other character (a slot decides, like 千万).
    r"|[百千](?=[元块+]|[^\u4e00-\u9fff]|$))"
)
_MAX_DIGITS = 30
# 三成 is 30%: a one-digit numeral before 成 (not 成交, 成本, 成功, 一成不变 …).
_TENTHS = frozenset(float(n) for n in range(1, 10))
_TENTHS_AFTER = re.compile(r"成(?![交本功立为长员果绩不熟型品都了就])")


def _mul_of(m: re.Match[str]) -> bool:
    """Does the matched number carry a multiplier (5万, 3k)? (三成's 三 must not: 3万成…)"""
    return bool(m.group("mul")) or any(c in "十百千万亿" for c in (m.group("cn") or ""))


# 3个点的提成, 扣5个点: a point is a percent in fee talk (not 三点钟, 几个点位).
_PERCENT_AFTER = re.compile(r"\s*(?:%|％|个百分点|个点(?![钟位]))")


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    text: str
    percent: bool  # written as N% / 百分之N
    bare_unit: bool  # only unit words (千万, 百万): a number only in a numeric slot


def _factor(mul: str) -> int:
    word = _MULTIPLIER_WORDS.get(mul.lower())
    if word:
        return word
    factor = 1
    for c in mul.lower():
        factor *= _MULTIPLIER[c]
    return factor


def cn_to_float(token: str) -> float | None:
    """Chinese numeral → value: 三百万 → 3e6, 一千二百万 → 1.2e7, 一万五 → 15000, 一点二亿 → 1.2e8."""
    if not token:
        return None
    if "点" in token:
        head, _, tail = token.partition("点")
        digits = "".join(str(_CN_DIGIT[c]) for c in tail if c in _CN_DIGIT)
        units = "".join(c for c in tail if c in _CN_SMALL or c in _CN_BIG)
        whole = cn_to_float(head)
        if whole is None or not digits:
            return None
        value = float(f"{int(whole)}.{digits}")
        for c in units:
            value *= _MULTIPLIER[c]
        return value
    total = 0.0
    section = 0.0
    num: float | None = None
    last_unit = 0
    for ch in token:
        if ch in _CN_DIGIT:
            num = float(_CN_DIGIT[ch])
        elif ch in _CN_SMALL:
            section += (num if num is not None else 1.0) * _CN_SMALL[ch]
            last_unit = _CN_SMALL[ch]
            num = None
        elif ch in _CN_BIG:
            unit = _CN_BIG[ch]
            if num is not None:
                section += num
            if section == 0 and total == 0:
                section = 1.0
            if (total and total < unit) or unit == 100_000_000:  # 亿 and 十万亿 scale what came before
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0.0
            num = None
            last_unit = unit
        else:
            return None
    if num is not None:
        # 一万五 = 15000, 三千五 = 3500: a trailing digit counts in the unit below the last one.
        section += num * (last_unit // 10 if last_unit >= 100 and num and token[-2] in "万亿千百" else 1)
    return total + section


def numbers(text: str) -> list[Number]:
    """Every number in the text with its position, value in base units, percent flag."""
    found: list[Number] = []
    for m in NUMBER.finditer(text):
        bare = False
        ar, mul, cn = m.group("ar", "mul", "cn")
        cn = cn or (m.group("cap") or "").translate(_CAPITAL)
        if ar is not None:
            digits = ar.replace(",", "")
            if len(digits) > _MAX_DIGITS:
                continue  # a run of 30+ digits is an id or junk, not an amount anyone writes
            # Decimal so 2,156.2百万 is exactly 2156200000, not 2156199999.9999995.
            value = float(Decimal(digits) * _factor(mul)) if mul else float(digits)
            tail = m.group("tail")
            if tail:
                tailk = m.group("tailk")
                value += int(tail) * (_factor(tailk) if tailk else _factor(mul[-1]) / 10)
        else:
            # 十万 is a number; 千万, 万 and a lone 十 (十分 = "very") only in a numeric slot.
            some = cn[0] in "几数"
            bare = not some and not any(c in _CN_DIGIT for c in cn) and not (cn[0] == "十" and len(cn) > 1)
            parsed = cn_to_float(cn.lstrip("几数").replace("多", "").replace("余", "").replace("来", ""))
            if parsed is None:
                continue
            value = parsed
        start, end = m.span()
        after = _PERCENT_AFTER.match(text, end) if end < len(text) else None
        percent = after is not None or (start >= 3 and text[start - 3 : start] == "百分之")
        if after is not None:
            end = after.end()
        elif not _mul_of(m) and value in _TENTHS and _TENTHS_AFTER.match(text, end):
            value, percent, end = value * 10, True, end + 1  # 三成 = 30%, 七成以上
            bare = False
        found.append(Number(value, start, end, text[start:end], percent, bare))
    return found


def parse_amount(text: str) -> float | None:
    """The first amount in the text, in base units: `50万` → 500000.0, `提成5%` → 5.0; None if there is none.

    Bare unit words (千万, 百万) count only when the whole text is the number or a currency follows,
    so `千万别找他们` has no amount.
    """
    if not isinstance(text, str):
        return None
    for n in numbers(text):
        if n.bare_unit and not _is_bare_amount(text, n):
            continue
        return n.value
    return None


def parse_amount_range(text: str) -> tuple[float, float] | None:
    """`月服务费3000-8000元` → (3000.0, 8000.0); `2万到5万` → (20000.0, 50000.0); a single amount → (x, x).

    A unit written only after the second number applies to both (`3-5万` → 30000..50000).
    """
    if not isinstance(text, str):
        return None
    nums = [n for n in numbers(text) if not (n.bare_unit and not _is_bare_amount(text, n))]
    if not nums:
        return None
    first = nums[0]
    if len(nums) >= 2:
        second = nums[1]
        between = text[first.end : second.start]
        if re.fullmatch(r"\s*(?:-|~|～|—|–|到|至)\s*(?:¥|￥)?", between):
            lo, hi = first.value, second.value
            mul = NUMBER.match(second.text)
            if mul and mul.group("mul") and not NUMBER.match(first.text).group("mul") and lo < hi / 1000:
                lo *= _factor(mul.group("mul"))
            return (min(lo, hi), max(lo, hi))
    return (first.value, first.value)


def _is_bare_amount(text: str, n: Number) -> bool:
    if text.strip() == n.text:
        return True
    following = text[n.end : n.end + 4]
    preceding = text[max(0, n.start - 2) : n.start]
    unit_follows = re.match(r"\s*(?:元|块|级|美元|\+|以上|规模|的?(?:销售|GMV|营收|业绩|流水))", following)
    slot_precedes = re.search(r"(?:破|过|超|超过|突破|达到|做到|近|上)$", preceding)
    return bool(unit_follows or slot_precedes)


# --------------------------------------------------------------------------------------------
# Periods.
# --------------------------------------------------------------------------------------------
_PERIOD_UNIT_DAYS = {
    "天": 1,
    "日": 1,
    "周": 7,
    "星期": 7,
    "礼拜": 7,
    "个月": 30,
    "月": 30,
    "个季度": 90,
    "季度": 90,
    "年": 365,
}
_DURATION_AFTER = re.compile(r"\s*(?:来|以来|内|后|里|多|间|时间|经验|历史|的|之久|老|左右)")
_DAY_AFTER = re.compile(r"\d{1,2}\s*[日号]")
_YEAR_BEFORE = re.compile(r"\d{4}\s*年\s*$")
_MONTH_BEFORE = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*$")
PERIOD = re.compile(
    r"(?P<half>半)(?P<hunit>个月|年|个季度)"
    # The lookbehinds make a long digit run one attempt, not one per digit (quadratic on junk).
    r"|(?<!第)(?P<n>(?<![\d.])\d+(?:\.\d+)?|(?<![一二两三四五六七八九十百])[一二两三四五六七八九十百]+)"
    r"\s*(?P<unit>个月|个季度|季度|星期|礼拜|天|日|周|年|月)"
    r"(?P<andhalf>半)?"
)


# English pages: "within six months", "in 3 months", "a 12-month contract", "after one year".
_EN_COUNT = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
EN_PERIOD = re.compile(
    r"\b(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)[\s-]+"
    r"(?P<u>day|week|month|quarter|year)s?\b",
    re.IGNORECASE,
)


_ENGLISH_WORD = re.compile(r"[A-Za-z]{3}")


def _en_periods(text: str) -> list[tuple[int, int, int]]:
    if not text.isascii() and not _ENGLISH_WORD.search(text):
        return []  # no English words: skip the scan
    out = []
    for m in EN_PERIOD.finditer(text):
        n = m.group("n").lower()
        count = int(n) if n.isdigit() else _EN_COUNT[n]
        if count:
            out.append((m.start(), m.end(), count * _EN_UNIT_DAYS[m.group("u").lower()]))
    return out


def parse_period_days(text: str) -> int | None:
    """The first period in the text, in days: 三个月 → 90, 半年 → 182, 一年半 → 547, 两周 → 14; else None.

    A month is 30 days and half a year 182 (365 // 2), so a period parsed here always compares with
    the same arithmetic across sources. Calendar dates (2023年1月) are not periods.
    """
    if not isinstance(text, str):
        return None
    found = period_matches(text)
    return found[0][2] if found else None


def period_matches(text: str) -> list[tuple[int, int, int]]:
    """(start, end, days) for every period in the text."""
    out = []
    for m in PERIOD.finditer(text):
        days = _period_match_days(text, m)
        if days is not None:
            out.append((m.start(), m.end(), days))
    english = _en_periods(text)
    return sorted(out + english) if english else out


def _period_match_days(text: str, m: re.Match[str]) -> int | None:
    if m.group("half"):
        unit = m.group("hunit")
        return 15 if unit == "个月" else (45 if unit == "个季度" else 182)
    unit = m.group("unit")
    token = m.group("n")
    # 2023年 / 1月29日 are dates: a bare 年/月/日 after a 4-digit year or followed by a day number.
    if unit in ("年", "日") and (
        (token.isdigit() and len(token) == 4)
        or _DAY_AFTER.match(text, m.end())
        or _YEAR_BEFORE.search(text, max(0, m.start() - 6), m.start())
    ):
        return None
    short_year = unit == "年" and token.isdigit() and len(token) == 2 and 15 <= int(token) <= 35
    if short_year and not _DURATION_AFTER.match(text, m.end()):
        return None  # 23年营收, 24年Q3: a year written short, not 23 years
    if unit == "月":
        return None  # 三月 and 3月 are March; 三个月 is a period
    if unit == "季度" and text[max(0, m.start() - 1) : m.start()] not in ("前", "近"):
        return 90  # 三季度 is the third quarter, one quarter long; 前三季度 and 三个季度 are three
    if unit == "日" and (not token.isdigit() or _MONTH_BEFORE.search(text, max(0, m.start() - 4), m.start())):
        return None  # 6月18日 is a date
    if len(token) > 8:
        return None  # no period anyone writes has more than 8 digits; also keeps junk cheap
    value = float(token) if token[0].isdigit() else cn_to_float(token)
    if value is None or not 0 < value < 100_000:
        return None
    days = value * _PERIOD_UNIT_DAYS[unit]
    if m.group("andhalf"):
        days += _PERIOD_UNIT_DAYS[unit] / 2 if unit != "年" else 182
    return int(days) if unit != "年" or not m.group("andhalf") else int(value * 365 + 182)
