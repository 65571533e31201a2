"""Age in 周岁, including 29 February birthdays (1 March in a common year — see jiandu/rules/age.py)."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiandu.rules.age import age_on, birthday_in, date_reaching_age

leap_years = st.integers(min_value=1904, max_value=2096).filter(calendar.isleap)


def test_birthday_counts_by_default() -> None:
    born = dt.date(2003, 3, 15)
    assert age_on(born, dt.date(2026, 3, 14)) == 22
    assert age_on(born, dt.date(2026, 3, 15)) == 23
    assert age_on(born, dt.date(2026, 3, 15), birthday_counts=False) == 22
    assert age_on(born, dt.date(2026, 3, 16), birthday_counts=False) == 23


def test_leap_day_birthday() -> None:
    born = dt.date(2004, 2, 29)
    assert age_on(born, dt.date(2027, 2, 28)) == 22
    assert age_on(born, dt.date(2027, 3, 1)) == 23
    assert age_on(born, dt.date(2028, 2, 28)) == 23
    assert age_on(born, dt.date(2028, 2, 29)) == 24
    assert birthday_in(2027, born) == dt.date(2027, 3, 1)


@given(leap_years, st.integers(min_value=1, max_value=100))
def test_leap_day_birthday_property(born_year: int, years: int) -> None:
    born = dt.date(born_year, 2, 29)
    target = born_year + years
    reached = date_reaching_age(born, years)
    assert age_on(born, reached) == years
    assert age_on(born, reached - dt.timedelta(days=1)) == years - 1
    if calendar.isleap(target):
        assert reached == dt.date(target, 2, 29)
    else:
        assert reached == dt.date(target, 3, 1)
        assert age_on(born, dt.date(target, 2, 28)) == years - 1


@given(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31)), st.integers(0, 90))
def test_age_increases_exactly_on_the_birthday(born: dt.date, years: int) -> None:
    reached = date_reaching_age(born, years)
    assert age_on(born, reached) == years
    if years:
        assert age_on(born, reached - dt.timedelta(days=1)) == years - 1
    later = date_reaching_age(born, years, birthday_counts=False)
    assert later == reached + dt.timedelta(days=1)
    assert age_on(born, later, birthday_counts=False) == years


@given(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31)),
    st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2060, 12, 31)),
)
def test_age_is_monotonic(born: dt.date, on: dt.date) -> None:
    assert age_on(born, on) <= age_on(born, on + dt.timedelta(days=1)) <= age_on(born, on) + 1
