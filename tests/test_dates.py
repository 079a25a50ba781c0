"""parse_date(): every date shape the sources print, to aware UTC; None (never an exception) otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.dates import parse_date

TODAY = date(2023, 2, 1)  # relative forms are anchored at 00:00 Beijing of this day = 2023-01-31 16:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1674996720000, utc(2023, 1, 29, 12, 52)),  # market gmtCreate: ms
        (1674996720, utc(2023, 1, 29, 12, 52)),  # complaints timestamp: s
        ("1674996720000", utc(2023, 1, 29, 12, 52)),
        ("1674996720", utc(2023, 1, 29, 12, 52)),
        (1674996720.5, utc(2023, 1, 29, 12, 52, 0, 500000)),
        ("2023-01-29|22:52", utc(2023, 1, 29, 14, 52)),  # forum header, Beijing wall time
        ("2023-01-29 22:52:10", utc(2023, 1, 29, 14, 52, 10)),
        ("2023/1/29", utc(2023, 1, 28, 16, 0)),
        ("发布于 2023年1月29日", utc(2023, 1, 28, 16, 0)),
        ("2023年1月29日 22:52", utc(2023, 1, 29, 14, 52)),
        ("2023-01-29T22:52:10+08:00", utc(2023, 1, 29, 14, 52, 10)),
        ("2023-01-29T14:52:10Z", utc(2023, 1, 29, 14, 52, 10)),
        ("2023-01-29T22:52:10", utc(2023, 1, 29, 14, 52, 10)),  # naive ISO = Beijing
        ("２０２３－０１－２９", utc(2023, 1, 28, 16, 0)),  # full-width digits
    ],
)
def test_absolute_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("刚刚", utc(2023, 1, 31, 16, 0)),
        ("5小时前", utc(2023, 1, 31, 11, 0)),
        ("30分钟前", utc(2023, 1, 31, 15, 30)),
        ("3天前", utc(2023, 1, 28, 16, 0)),
        ("昨天", utc(2023, 1, 30, 16, 0)),
        ("昨天 12:30", utc(2023, 1, 31, 4, 30)),
        ("前天", utc(2023, 1, 29, 16, 0)),
        ("两周前", utc(2023, 1, 17, 16, 0)),
        ("1月29日", utc(2023, 1, 28, 16, 0)),
        ("12-30 08:00", utc(2022, 12, 30, 0, 0)),  # month-day in the future → last year
    ],
)
def test_relative_forms_against_today(raw, expected):
    assert parse_date(raw, today=TODAY) == expected


def test_results_are_aware_utc():
    got = parse_date("2023-01-29 22:52")
    assert got is not None and got.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "不详",
        "2023-13-45",
        "2023年2月30日",
        "12345",
        0,
        -5,
        10**20,
        float("nan"),
        float("inf"),
        None,
        True,
        [],
        "x" * 100_000,
        "\ud800",
    ],
)
def test_unreadable_is_none(raw):
    assert parse_date(raw) is None  # type: ignore[arg-type]


@given(st.one_of(st.text(), st.integers(), st.floats()))
def test_never_raises(raw):
    got = parse_date(raw, today=TODAY)
    assert got is None or (got.tzinfo is not None and got.utcoffset().total_seconds() == 0)
