"""What a provider's case page states in its prose besides the claimed figures: when the work started
and ended, how long it lasted, and how many categories the provider says it serves.

The clean build reads these once per case page into `clean/claims` (`case_*` columns); the claim
checks compare them with the registry and the client's own words.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.numbers import parse_period_days

YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_RANGE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:—|-|–|~|至|到)\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月"
)
# "服务类目覆盖29个", "累计服务8个类目": how many categories the provider says it serves.
_CATEGORY_COUNT = re.compile(r"类目覆盖\s*(\d{1,3})\s*个|服务(?:了|过)?\s*(\d{1,3})\s*个(?:类目|行业)")
_PERIOD_CUE = re.compile(r"周期|内|下来|期间")

# Fact → the clean/claims column that stores it.
FACT_COLUMNS = {
    "start": "case_start",
    "end": "case_end",
    "period_days": "case_period_days",
    "period_days_inclusive": "case_period_days_inclusive",
    "categories_stated": "case_categories",
}


# Case pages also print the month as "2022.1", "2022/01" or "2022-01" (never followed by a digit or a
# unit: "2022.5万" is an amount).
_NUMERIC_MONTH = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*[./-]\s*(\d{1,2})(?![\d.%万亿元wW])")


def first_month(text: str) -> pd.Timestamp | None:
    """The first year-month the text prints ("2022年5月", "2022.5"), as the first of that month in UTC."""
    found = [
        m for m in (YEAR_MONTH.search(text), _NUMERIC_MONTH.search(text)) if m and 1 <= int(m.group(2)) <= 12
    ]
    if not found:
        return None
    m = min(found, key=lambda x: x.start())
    return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1, tz="UTC")


def case_facts(text: str) -> dict[str, object]:
    """What a case page states in its prose: when the work started (the first year-month it prints;
    case pages open with the signing date), when it ended if it prints a range, the period, and the
    number of categories the provider says it serves."""
    out: dict[str, object] = dict.fromkeys(FACT_COLUMNS)
    if not isinstance(text, str) or not text:
        return out
    r = _RANGE.search(text)
    if r:
        out["start"] = pd.Timestamp(int(r.group(1)), int(r.group(2)), 1, tz="UTC")
        out["end"] = pd.Timestamp(int(r.group(3)), int(r.group(4)), 1, tz="UTC")
        out["period_days"] = max(1, (out["end"] - out["start"]).days)
        # "2024年11月至2024年12月" may mean both months in full: the generous reading, for the growth check.
        out["period_days_inclusive"] = (out["end"] + pd.DateOffset(months=1) - out["start"]).days
    else:
        out["start"] = first_month(text)
    if out["period_days"] is None:
        out["period_days"] = _stated_period(text)
    c = _CATEGORY_COUNT.search(text)
    if c:
        out["categories_stated"] = int(c.group(1) or c.group(2))
    return out


# A line that states the result ("从16万做到38w，只用了24个月"): its period is the case's, whatever
# other lines say of onboarding ("团队一周内进场") or preparation ("提前四十天备货备内容").
_RESULT_LINE = re.compile(r"做到|达到|涨到|提升到|提高到|增长到|翻了|翻倍|突破")


def _stated_period(text: str) -> int | None:
    """The period of the line that states the result, else of the first line that speaks of one
    ("合作周期三个月", "一年下来")."""
    lines = text.splitlines()
    for line in lines:
        if _RESULT_LINE.search(line):
            days = parse_period_days(line.replace("一整年", "一年").replace("整整", ""))
            if days:
                return days
    for line in lines:
        if _PERIOD_CUE.search(line):
            # "一整年" / "整整一年": the extractor reads "一年", not the emphatic forms.
            days = parse_period_days(line.replace("一整年", "一年").replace("整整", ""))
            if days:
                return days
    return None


def case_fact_columns(text: str) -> dict[str, object]:
    """`case_facts` under the clean/claims column names."""
    return {FACT_COLUMNS[k]: v for k, v in case_facts(text).items()}
