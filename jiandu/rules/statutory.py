"""Provisional rest days for a year whose State Council holiday notice is not yet published, computed
from 《全国年节及纪念日放假办法》 (2024 revision, 国务院令第795号, in force from 2025-01-01;
text in shared/regulations/national/national-holidays-2024-revision.txt).

第二条 lists the holidays for all citizens (全体公民放假的节日):
  元旦 1月1日; 春节 农历除夕、正月初一至初三; 清明节 农历清明当日; 劳动节 5月1日、2日;
  端午节 农历端午当日; 中秋节 农历中秋当日; 国庆节 10月1日至3日.
第六条: a holiday for all citizens that falls on a Saturday or Sunday is made up (补假) on a working day.
  All seven holidays above are 全体公民放假的假日, so all of them get it; 第三条's part-citizen
  holidays (妇女节 …) do not, and are not rest days for an office anyway.
We place each make-up day on the first weekday after the block of rest days that holds the holiday
(the practice of every notice since 2008), and invent no 调休: weekends stay rest days, no Saturday
becomes a working day. The result is marked provisional wherever it is used.

The lunar dates (除夕, 端午, 中秋) and the solar term 清明 come from `lunar_python` (6tail's lunar
library: the 寿星天文历 algorithms, maintained, pure Python, no data download); see the tests that
check it against the published 2025 and 2026 notices.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

ONE_DAY = dt.timedelta(days=1)
# The 2024 revision applies from 2025; earlier years have their published notices (chinesecalendar).
STATUTORY_FIRST_YEAR = 2025
STATUTORY_LAST_YEAR = 2100


def _date(solar: Any) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


# Imported where used: a process that never meets a provisional year (most of them, most of the year)
# does not load the lunar tables.
def _lunar(year: int, month: int, day: int) -> dt.date:
    from lunar_python import Lunar

    return _date(Lunar.fromYmd(year, month, day).getSolar())


def qingming(year: int) -> dt.date:
    """The day of the solar term 清明 (Beijing time) in `year`."""
    from lunar_python import Solar

    table = Solar.fromYmd(year, 4, 20).getLunar().getJieQiTable()
    day = _date(table["清明"])
    if day.year != year:  # never expected: 清明 is 4–6 April
        raise ValueError(f"{year}年清明计算异常：{day}")
    return day


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The days of 第二条's holidays in `year`, each with its name (no 补假, no weekends)."""
    if not STATUTORY_FIRST_YEAR <= year <= STATUTORY_LAST_YEAR:
        raise ValueError(f"法定节假日的暂定计算只适用于{STATUTORY_FIRST_YEAR}–{STATUTORY_LAST_YEAR}年")
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = _lunar(year, 1, 1)  # 正月初一 of the lunar year that starts in `year`
    for offset in range(-1, 3):  # 除夕、正月初一至初三
        days[new_year + dt.timedelta(days=offset)] = "春节"
    days[qingming(year)] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days.setdefault(_lunar(year, 5, 5), "端午节")
    mid_autumn = _lunar(year, 8, 15)
    for d in (dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3)):
        days[d] = "国庆节"
    # 中秋 on 1–3 October shares a day with 国庆; the 办法 gives no extra day for that (第六条 speaks
    # only of weekends), so the day keeps both names and counts once.
    days[mid_autumn] = f"{days[mid_autumn]}、中秋节" if mid_autumn in days else "中秋节"
    return dict(sorted(days.items()))


@lru_cache(maxsize=256)
def provisional_rest_days(year: int) -> dict[dt.date, str]:
    """Statutory holidays plus their 补假 (第六条), as rest days on top of the weekends of `year`.
    A make-up day is named “<holiday>补假”."""
    holidays = statutory_holidays(year)
    rest = dict(holidays)

    def is_rest(day: dt.date) -> bool:
        return day in rest or day.weekday() >= 5

    seen: set[dt.date] = set()
    for day in holidays:
        if day in seen:
            continue
        # The block of consecutive rest days (weekends included) around this holiday.
        start = day
        while is_rest(start - ONE_DAY) and (start - ONE_DAY).year == year:
            start -= ONE_DAY
        end = day
        while is_rest(end + ONE_DAY):
            end += ONE_DAY
        block = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        owed = [d for d in block if d in holidays and d.weekday() >= 5]
        seen.update(block)
        cursor = end
        for d in owed:
            cursor += ONE_DAY
            while is_rest(cursor):
                cursor += ONE_DAY
            if cursor.year != year:  # never for these holidays; a guard, not a rule
                break
            rest[cursor] = f"{holidays[d].split('、')[0]}补假"
            seen.add(cursor)
    return dict(sorted(rest.items()))
