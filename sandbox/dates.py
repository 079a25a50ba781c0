"""Time in the sandbox world: one fixed "today", Beijing local time, and the printed date forms.

Every moment in the world is a naive Beijing-time datetime. Pages print it in the forms real sites
use; `iso()` gives what a perfect parser would recover from each form (a date-only form gives
midnight, `3天前` gives midnight of today minus three days), so expected items match the page.
"""

from __future__ import annotations

import datetime as dt

TODAY = dt.datetime(2026, 6, 30, 12, 0, 0)
_BEIJING = dt.timezone(dt.timedelta(hours=8))
_EPOCH = dt.datetime(1970, 1, 1, 8, 0, 0)  # the epoch in Beijing local time

FORMATS = ("full", "pipe", "fabu", "cn_date", "relative", "slash")


def epoch_s(moment: dt.datetime) -> int:
    return int((moment - _EPOCH).total_seconds())


def epoch_ms(moment: dt.datetime) -> int:
    return epoch_s(moment) * 1000


def iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=_BEIJING).isoformat()


def printed(moment: dt.datetime, form: str) -> tuple[str, dt.datetime]:
    """The moment as a page prints it, and what the printed text still tells a reader."""
    if form == "relative" and (TODAY - moment).days <= 30:
        days = (TODAY.date() - moment.date()).days
        day = dt.datetime.combine(moment.date(), dt.time())
        return ("今天" if days == 0 else f"{days}天前"), day
    if form == "pipe":
        return moment.strftime("%Y-%m-%d|%H:%M"), moment.replace(second=0)
    if form == "fabu":
        return f"发布于 {moment.year}年{moment.month}月{moment.day}日", dt.datetime.combine(
            moment.date(), dt.time()
        )
    if form == "cn_date":
        return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日 {moment:%H:%M}", moment.replace(
            second=0
        )
    if form == "slash":
        return moment.strftime("%Y/%m/%d %H:%M"), moment.replace(second=0)
    return moment.strftime("%Y-%m-%d %H:%M:%S"), moment


def cn_month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"
