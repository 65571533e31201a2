"""The working-day calendar: 调休, overlays, unknown years, and the period rules as properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.rules.calendar import (
    BUILTIN_LAST_YEAR,
    CalendarUnknownYear,
    OverlayError,
    WorkCalendar,
    add_months,
    overlay_from_dict,
)

CAL = WorkCalendar()
# Far enough from the edges of the known range that n ≤ 60 working days stays inside it.
known_days = st.dates(min_value=dt.date(2004, 6, 1), max_value=dt.date(2026, 6, 30))
counts = st.integers(min_value=1, max_value=60)

FAKE_2027 = {
    "kind": "national",
    "year": 2027,
    "label": "测试用虚构数据（并非国务院通知）",
    "test_data": True,
    "holidays": [{"from": "2027-01-01", "to": "2027-01-03", "name": "元旦（虚构）"}],
    "workdays": [{"date": "2027-01-09", "name": "调休（虚构）"}],
}


def test_agrees_with_chinesecalendar_on_every_known_day() -> None:
    import chinese_calendar

    day = dt.date(2004, 1, 1)
    while day.year <= BUILTIN_LAST_YEAR:
        assert WorkCalendar().is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_make_up_saturday_is_a_working_day_and_holidays_are_not() -> None:
    assert CAL.is_working_day(dt.date(2025, 10, 11))  # Saturday, 国庆 调休
    assert not CAL.is_working_day(dt.date(2025, 10, 6))  # Monday, 中秋
    assert not CAL.is_working_day(dt.date(2025, 10, 12))  # ordinary Sunday
    assert CAL.is_working_day(dt.date(2025, 10, 13))


def test_working_days_count_back_across_national_day() -> None:
    # 2025-10-13: 10-11 (调休) 10-10 10-09 | 10-01…10-08 holiday | 09-30 09-29
    assert CAL.subtract_working_days(dt.date(2025, 10, 13), 5) == dt.date(2025, 9, 29)
    assert CAL.add_working_days(dt.date(2025, 9, 29), 5) == dt.date(2025, 10, 13)
    assert CAL.add_working_days(dt.date(2025, 9, 29), 0) == dt.date(2025, 9, 29)


def test_deadline_moves_off_rest_days_only() -> None:
    assert CAL.deadline(dt.date(2026, 9, 1), 30) == dt.date(2026, 10, 8)  # 10-01 National Day
    assert CAL.deadline(dt.date(2026, 3, 2), 30) == dt.date(2026, 4, 1)
    # last day on a 调休 Saturday is a working day: not moved
    assert CAL.deadline(dt.date(2026, 9, 10), 30) == dt.date(2026, 10, 10)


def test_a_year_without_notice_is_provisional_not_refused() -> None:
    """DESIGN.md “Time”: never a refusal — the statutory holidays, marked provisional."""
    assert CAL.is_provisional_year(2027) and not CAL.is_provisional_year(2026)
    assert CAL.is_working_day(dt.date(2027, 1, 4))  # an ordinary Monday
    assert not CAL.is_working_day(dt.date(2027, 1, 1))  # 元旦
    assert not CAL.is_working_day(dt.date(2027, 2, 9))  # 春节 补假: 初一、初二 fall on Sat/Sun
    assert CAL.day_name(dt.date(2027, 2, 9)) == "春节补假（暂定）"
    result = CAL.deadline_result(dt.date(2026, 12, 2), 30)
    assert result.date == dt.date(2027, 1, 4) and result.provisional
    assert result.provisional_years == (2027,)
    assert result.note == "暂定，待2027年放假安排公布后确定"
    assert result.to_dict()["provisional"] is True
    # a result computed inside a published year is not provisional
    assert not CAL.add_working_days_result(dt.date(2026, 12, 1), 3).provisional
    assert CAL.add_working_days_result(dt.date(2026, 12, 28), 10).provisional
    # before the built-in data the law cannot say: still a clear refusal naming the year
    with pytest.raises(CalendarUnknownYear, match="2003") as info:
        CAL.is_working_day(dt.date(2003, 6, 2))
    assert info.value.year == 2003
    assert BUILTIN_LAST_YEAR == 2026


def test_a_loaded_national_overlay_makes_the_year_known() -> None:
    cal = WorkCalendar([overlay_from_dict(FAKE_2027)])
    assert not cal.is_working_day(dt.date(2027, 1, 1))
    assert cal.is_working_day(dt.date(2027, 1, 4))  # an ordinary Monday
    assert cal.is_working_day(dt.date(2027, 1, 9))  # the (fake) make-up Saturday
    assert not cal.is_working_day(dt.date(2027, 1, 10))  # an ordinary Sunday
    assert cal.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert not cal.is_provisional_year(2027) and cal.is_provisional_year(2028)
    assert not cal.add_working_days_result(dt.date(2026, 12, 31), 1).provisional
    assert not cal.is_working_day(dt.date(2028, 1, 3))  # 2028: 元旦 on a Saturday, 补假 Monday (暂定)


def test_regional_overlay_applies_only_inside_its_region() -> None:
    eid = overlay_from_dict(
        {
            "kind": "regional",
            "region": "640000",
            "year": 2026,
            "label": "示例（非正式数据）",
            "holidays": [{"date": "2026-03-20", "name": "开斋节（示例）"}],
        }
    )
    day = dt.date(2026, 3, 20)  # a Friday
    assert WorkCalendar([eid]).is_working_day(day)  # national calendar: no regional holidays
    assert WorkCalendar([eid], region="500101").is_working_day(day)
    assert not WorkCalendar([eid], region="640000").is_working_day(day)
    assert not WorkCalendar([eid], region="640104").is_working_day(day)  # a district inside Ningxia
    assert WorkCalendar([eid], region="640000").day_name(day) == "开斋节（示例）"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "national", "year": 2027, "label": "x"}, "至少列出一个假日"),
        ({"kind": "weekly", "year": 2027, "label": "x"}, "kind"),
        ({**FAKE_2027, "year": "2027"}, "year"),
        ({**FAKE_2027, "colour": "red"}, "未知字段"),
        ({**FAKE_2027, "label": ""}, "label"),
        ({**FAKE_2027, "holidays": [{"date": "2027-02-30"}]}, "不是有效日期"),
        ({**FAKE_2027, "holidays": [{"date": "2028-01-01"}]}, "不在 2027 年内"),
        ({**FAKE_2027, "workdays": [{"date": "2027-01-02"}]}, "同时列为"),
        ({"kind": "regional", "year": 2026, "label": "x", "holidays": []}, "region"),
        ("not a mapping", "键值对"),
    ],
)
def test_bad_overlays_are_refused_with_a_reason(data: object, message: str) -> None:
    with pytest.raises(OverlayError, match=message):
        overlay_from_dict(data)


def test_counts_must_be_non_negative_integers() -> None:
    with pytest.raises(ValueError, match="非负整数"):
        CAL.add_working_days(dt.date(2025, 1, 6), -1)
    with pytest.raises(ValueError, match="正整数"):
        CAL.deadline(dt.date(2025, 1, 6), 0)


def test_add_months_uses_the_month_end_when_there_is_no_corresponding_day() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


# -- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(known_days, counts)
def test_add_and_subtract_land_on_working_days(day: dt.date, n: int) -> None:
    forward = CAL.add_working_days(day, n)
    back = CAL.subtract_working_days(day, n)
    assert CAL.is_working_day(forward) and forward > day
    assert CAL.is_working_day(back) and back < day
    assert CAL.working_days_between(day, forward) == n


@settings(max_examples=300, deadline=None)
@given(known_days, counts)
def test_subtract_undoes_add_up_to_the_start(day: dt.date, n: int) -> None:
    there_and_back = CAL.subtract_working_days(CAL.add_working_days(day, n), n)
    assert there_and_back <= day
    if CAL.is_working_day(day):
        assert there_and_back == day


@settings(max_examples=300, deadline=None)
@given(known_days, st.integers(min_value=1, max_value=90))
def test_a_deadline_never_ends_on_a_rest_day(day: dt.date, days: int) -> None:
    end = CAL.deadline(day, days)
    plain = day + dt.timedelta(days=days)
    assert CAL.is_working_day(end)
    assert end >= plain
    # moved only across rest days
    assert all(not CAL.is_working_day(plain + dt.timedelta(days=i)) for i in range((end - plain).days))
