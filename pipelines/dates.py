"""Read the dates Chinese web pages print, into aware UTC datetimes.

Sources disagree on everything: the market's review JSON gives epoch milliseconds, the complaint
API gives seconds (sometimes as strings), forums print `2023-01-29|22:52`, articles print
`发布于 2023年1月29日`, and comment widgets print `3天前` or `昨天`. Every caller wants the same
thing back: an aware UTC datetime, or None when the text is not a date. Naive wall times are
Beijing time (Asia/Shanghai, UTC+8, no DST since 1991) because that is what these sites show.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

# Epoch numbers outside this window are ids or amounts, not timestamps: 2000-01-01 .. 2100-01-01.
_EPOCH_MIN_S = 946_684_800
_EPOCH_MAX_S = 4_102_444_800

_DIGITS = re.compile(r"\d{9,13}(?:\.\d+)?")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９：／－", "0123456789:/-")

# 2023-01-29|22:52, 2023-01-29 22:52:10, 2023/1/29, 2023.1.29, 2023年1月29日 22时52分 ...
_YMD = re.compile(
    r"(?P<y>(?:19|20|21)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*[|T\s,，]?\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})\s*(?:[:：分]\s*(?P<S>\d{1,2}(?:\.\d+)?))?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}))?)?"
)
# Month and day only (`1月29日 22:52`, `01-29 22:52`): the year is today's, or last year's when that
# would put the date in the future — comment widgets drop the year for recent posts.
_MD = re.compile(
    r"(?<!\d)(?P<m>\d{1,2})\s*(?:月|-)\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s+(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{1,2}))?(?!\d)"
)
_RELATIVE = re.compile(
    r"(?P<n>\d+|[一二两三四五六七八九十半]+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)\s*(?:之)?前"
)
_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3}
_JUST_NOW = ("刚刚", "刚才", "片刻前", "just now")
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_SECONDS = {
    "秒": 1,
    "分钟": 60,
    "分": 60,
    "小时": 3600,
    "个小时": 3600,
    "天": 86400,
    "日": 86400,
    "周": 7 * 86400,
    "星期": 7 * 86400,
    "个月": 30 * 86400,
    "月": 30 * 86400,
    "年": 365 * 86400,
}


def parse_date(text: str | int | float, today: date | None = None) -> datetime | None:
    """Any date a source prints → aware UTC datetime; None when it cannot be read. Never raises.

    `today` anchors relative forms (`3天前`, `昨天`, `刚刚`); it defaults to the current Beijing date.
    Relative forms land at the start of the anchor day minus the offset (so `5小时前` against a date
    with no time means 19:00 Beijing on the previous day) — deterministic for a given `today`.
    """
    try:
        return _parse(text, today)
    except (ValueError, OverflowError, TypeError):
        return None


def parse_date_as_fetched(text: str | int | float, fetched_at: datetime | None) -> datetime | None:
    """A date printed on a page fetched at `fetched_at`: relative forms (`3天前`, `昨天`) count back from
    the Beijing day of the fetch, as the page meant them, never from the clock of whoever reads raw
    later, so two builds of the same raw agree. Without a fetch time a relative form is unknown (None).
    """
    if fetched_at is None:
        try:
            return _parse(text, None, relative=False)
        except (ValueError, OverflowError, TypeError):
            return None
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return parse_date(text, today=fetched_at.astimezone(SHANGHAI).date())


def _parse(text: str | int | float, today: date | None, relative: bool = True) -> datetime | None:
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return _from_epoch(float(text))
    if not isinstance(text, str):
        return None
    s = text.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        return None
    if _DIGITS.fullmatch(s):
        return _from_epoch(float(s))
    iso = _iso(s)
    if iso is not None:
        return iso
    m = _YMD.search(s)
    if m:
        return _wall(int(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"], m["tz"])
    if not relative:
        return None
    anchor = _anchor(today)
    lowered = s.lower()
    if any(word in lowered for word in _JUST_NOW):
        return anchor
    m = _RELATIVE.search(s)
    if m:
        n = _small_number(m["n"])
        if n is None:
            return None
        return anchor - timedelta(seconds=n * _UNIT_SECONDS[m["unit"]])
    for word in sorted(_DAY_WORDS, key=len, reverse=True):
        if word in s:
            day = anchor.astimezone(SHANGHAI).date() - timedelta(days=_DAY_WORDS[word])
            hm = re.search(r"(\d{1,2})\s*[:：]\s*(\d{1,2})", s)
            return _wall(day.year, day.month, day.day, hm and hm[1], hm and hm[2], None, None)
    m = _MD.search(s)
    if m:
        base = anchor.astimezone(SHANGHAI)
        got = _wall(base.year, int(m["m"]), int(m["d"]), m["H"], m["M"], None, None)
        if got is not None and got > anchor + timedelta(days=1):
            got = _wall(base.year - 1, int(m["m"]), int(m["d"]), m["H"], m["M"], None, None)
        return got
    return None


def _from_epoch(value: float) -> datetime | None:
    if value != value:  # NaN
        return None
    if value > _EPOCH_MAX_S:  # milliseconds
        value /= 1000.0
    if not _EPOCH_MIN_S <= value <= _EPOCH_MAX_S:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def _iso(s: str) -> datetime | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", s):
        return None
    got = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if got.tzinfo is None:
        got = got.replace(tzinfo=SHANGHAI)
    return got.astimezone(UTC)


def _wall(y: int, mo: int, d: int, hh, mm, ss, tz) -> datetime | None:
    try:
        seconds = float(ss) if ss else 0.0
        got = datetime(y, mo, d, int(hh) if hh else 0, int(mm) if mm else 0, int(seconds))
    except ValueError:
        return None
    tzinfo = SHANGHAI
    if tz:
        if tz == "Z":
            tzinfo = UTC
        else:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return got.replace(tzinfo=tzinfo).astimezone(UTC)


def _anchor(today: date | None) -> datetime:
    """Midnight Beijing time of `today` (or now, when no anchor is given), in UTC."""
    if today is None:
        return datetime.now(UTC)
    if isinstance(today, datetime):
        return today if today.tzinfo else today.replace(tzinfo=SHANGHAI)
    return datetime(today.year, today.month, today.day, tzinfo=SHANGHAI).astimezone(UTC)


def _small_number(token: str) -> float | None:
    if token.isdigit():
        return float(token)
    if token == "半":
        return 0.5
    if token == "十":
        return 10.0
    if token.startswith("十") and len(token) == 2:
        return 10.0 + _CN_SMALL.get(token[1], 0)
    if len(token) == 2 and token[1] == "十":
        return _CN_SMALL.get(token[0], 0) * 10.0
    if len(token) == 3 and token[1] == "十":
        return _CN_SMALL.get(token[0], 0) * 10.0 + _CN_SMALL.get(token[2], 0)
    if len(token) == 1 and token in _CN_SMALL:
        return float(_CN_SMALL[token])
    return None
