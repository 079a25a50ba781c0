"""Periods as reports write their quarters: a quarter named by its number is one quarter long."""

from __future__ import annotations

import pytest

from pipelines.numbers import parse_period_days


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("三季度单季", 90),  # the third quarter
        ("2025年一季度", 90),
        ("4季度", 90),
        ("前三季度", 270),  # the first three quarters together
        ("三个季度", 270),
        ("近两季度", 180),
        ("一个季度", 90),
    ],
)
def test_a_numbered_quarter_is_one_quarter_and_the_first_n_are_n(text, days):
    assert parse_period_days(text) == days


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("within six months", 180),
        ("in 3 months", 90),
        ("a 12-month contract", 360),
        ("after one year with them", 365),
        ("2 weeks later", 14),
        # Chinese and English in one text: the first period in the text.
        ("三个月后 and 2 weeks", 90),
        # An ordinal quarter or a year named is no duration.
        ("in the first quarter", None),
        ("Q3 2023 revenue", None),
    ],
)
def test_english_periods(text, days):
    assert parse_period_days(text) == days


def test_points_are_percent_in_fee_talk_but_not_a_clock():
    from pipelines.numbers import numbers

    (n,) = numbers("3个点的提成")
    assert n.percent and n.value == 3.0
    assert not any(x.percent for x in numbers("下午3个点钟见"))
