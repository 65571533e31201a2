"""The provisional calendar (statutory holidays of 《全国年节及纪念日放假办法》 2024, 补假 per 第六条, no
调休) against the published 2025 and 2026 notices, and the lunar library against the dates they name."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given
from hypothesis import strategies as st

from jiandu.rules import statutory
from jiandu.rules.calendar import WorkCalendar

PUBLISHED = (2025, 2026)


def provisional_working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in statutory.provisional_rest_days(day.year)


def notice_blocks(year: int) -> list[tuple[dt.date, dt.date]]:
    """The holiday blocks of the published notice: runs of consecutive days that chinesecalendar lists
    as holidays (weekends inside a block included, as the notice counts them)."""
    days = sorted(d for d in chinese_calendar.holidays if d.year == year)
    blocks: list[tuple[dt.date, dt.date]] = []
    for d in days:
        if blocks and d - blocks[-1][1] == dt.timedelta(days=1):
            blocks[-1] = (blocks[-1][0], d)
        else:
            blocks.append((d, d))
    return blocks


def make_up_working_days(year: int) -> set[dt.date]:
    return {d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5}


@given(st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_provisional_differs_from_the_notice_only_inside_its_blocks_or_on_make_up_days(day: dt.date) -> None:
    published = chinese_calendar.is_workday(day)
    if provisional_working(day) == published:
        return
    inside = any(a <= day <= b for a, b in notice_blocks(day.year))
    assert inside or day in make_up_working_days(day.year), day


def test_every_day_of_2025_and_2026_checked() -> None:
    """The same property over every day (hypothesis samples; this leaves no day out)."""
    for year in PUBLISHED:
        blocks, make_up = notice_blocks(year), make_up_working_days(year)
        day = dt.date(year, 1, 1)
        while day.year == year:
            if provisional_working(day) != chinese_calendar.is_workday(day):
                assert any(a <= day <= b for a, b in blocks) or day in make_up, day
            day += dt.timedelta(days=1)


def test_every_statutory_holiday_is_a_rest_day_of_the_published_notice() -> None:
    """The lunar library names the same days as the notices: 除夕、清明、端午、中秋 in 2025 and 2026."""
    for year in PUBLISHED:
        for day in statutory.statutory_holidays(year):
            assert not chinese_calendar.is_workday(day), (day, statutory.statutory_holidays(year)[day])


def test_lunar_and_solar_term_dates() -> None:
    h25, h26 = statutory.statutory_holidays(2025), statutory.statutory_holidays(2026)
    assert h25[dt.date(2025, 1, 28)] == "春节"  # 除夕, as the 2025 notice says
    assert h25[dt.date(2025, 4, 4)] == "清明节"
    assert h25[dt.date(2025, 5, 31)] == "端午节"
    assert h25[dt.date(2025, 10, 6)] == "中秋节"
    assert next(d for d, n in h26.items() if n == "春节") == dt.date(2026, 2, 16)
    assert h26[dt.date(2026, 4, 5)] == "清明节"
    assert h26[dt.date(2026, 6, 19)] == "端午节"
    assert h26[dt.date(2026, 9, 25)] == "中秋节"
    assert len(h25) == len(h26) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 (第二条)


def test_make_up_days_follow_article_6_and_no_tiaoxiu_is_invented() -> None:
    rest = statutory.provisional_rest_days(2027)
    # 春节 2027: 除夕 Fri 02-05, 初一 Sat, 初二 Sun, 初三 Mon → two 补假 days, Tue and Wed
    assert rest[dt.date(2027, 2, 9)] == rest[dt.date(2027, 2, 10)] == "春节补假"
    # 劳动节 2027 on Sat/Sun → Mon and Tue
    assert rest[dt.date(2027, 5, 3)] == rest[dt.date(2027, 5, 4)] == "劳动节补假"
    cal = WorkCalendar()
    year = dt.date(2027, 1, 1)
    saturdays = [
        year + dt.timedelta(days=i) for i in range(365) if (year + dt.timedelta(days=i)).weekday() == 5
    ]
    assert not any(cal.is_working_day(d) for d in saturdays)  # no 调休 invented
    # 2028: 元旦 on a Saturday → Monday 01-03; 中秋 on 10-03 shares a 国庆 day, no extra day
    r28 = statutory.provisional_rest_days(2028)
    assert r28[dt.date(2028, 1, 3)] == "元旦补假"
    assert r28[dt.date(2028, 10, 3)] == "国庆节、中秋节"


def test_the_lunar_library_agrees_with_every_published_notice_since_2008() -> None:
    """正月初一至初三, 清明, 端午 and 中秋 have been days off in every notice since 2008 (when 清明、端午、
    中秋 became holidays): the library's dates for them are rest days of the published calendar."""
    for year in range(2008, 2027):
        new_year = statutory._lunar(year, 1, 1)
        days = [new_year + dt.timedelta(days=i) for i in range(3)]
        days += [statutory.qingming(year), statutory._lunar(year, 5, 5), statutory._lunar(year, 8, 15)]
        for day in days:
            assert not chinese_calendar.is_workday(day), (year, day)
