"""The working-day calendar: the State Council's yearly holiday notice with its 调休 make-up days
(from the `chinesecalendar` package, 2004–2026), plus overlays loaded as data — a newly published
year's notice, or a region's own holidays (e.g. 宁夏 开斋节、古尔邦节).

Period rules (DESIGN.md “Time”):
- the day of the triggering event is not counted (民法典 第二百零一条);
- a calendar-day period whose last day is a rest day ends on the first working day after it
  (民法典 第二百零三条); a rest day is a weekend or holiday that the calendar, with 调休, does not make
  a working day;
- “N working days before D” is the N-th working day counting back from D, D itself not counted;
  “N working days after D” counts forward the same way.
A year whose notice is neither built in nor loaded is computed **provisionally** from the statutory
holidays of 《全国年节及纪念日放假办法》 (jiandu.rules.statutory): never a silent guess, never a refusal.
Every result that depends on such a year says so: `provisional_years(a, b)`, or the `*_result` methods
returning a `CalendarResult(date, provisional, years)`. Only years outside what the law can compute
(before 2004, after 2100) raise CalendarUnknownYear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import chinese_calendar

from jiandu.rules import statutory

BUILTIN_FIRST_YEAR = 2004
BUILTIN_LAST_YEAR = max(d.year for d in chinese_calendar.holidays)
# The package's tables, read directly: chinese_calendar.is_workday() costs ~80 µs a call, a set lookup
# well under 1 µs (a test checks both agree on every day 2004–2026).
_BUILTIN_HOLIDAYS = frozenset(chinese_calendar.holidays)
_BUILTIN_WORKDAYS = frozenset(chinese_calendar.workdays)
ONE_DAY = dt.timedelta(days=1)
# A working-day count larger than this is certainly a typing mistake (≈ 40 years).
MAX_WORKING_DAYS = 10_000


class CalendarUnknownYear(LookupError):
    """The calendar can say nothing about this year: no notice, and outside the years the statutory
    holidays can be computed for."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"工作日历没有{year}年的节假日安排：请载入国务院办公厅关于{year}年部分节假日安排的通知"
            f"（jiandu calendar load FILE）后再计算。"
            f" The calendar does not know {year}: load the State Council's {year} notice."
        )


def provisional_note(years: Iterable[int]) -> str:
    """“暂定，待2027年放假安排公布后确定” — the words shown beside every provisional date."""
    ys = sorted(set(years))
    if not ys:
        return ""
    return f"暂定，待{'、'.join(str(y) for y in ys)}年放假安排公布后确定"


def provisional_text(day: dt.date | None, flag: Any = True) -> str:
    """The 暂定 words for a stored date and its provisional flag ('' when not provisional): for pages,
    exports, the API and messages. A stored date's provisional year is the date's own year."""
    if not flag or day is None:
        return ""
    return provisional_note([day.year])


@dataclass(frozen=True)
class CalendarResult:
    """A computed date and whether it rests on a year computed provisionally (no notice loaded)."""

    date: dt.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def note(self) -> str:
        return provisional_note(self.provisional_years)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "note": self.note,
        }


class OverlayError(ValueError):
    """An overlay file is malformed; the message says where, in Chinese."""


@dataclass(frozen=True)
class Overlay:
    """One published notice as data.

    kind "national": the State Council notice for `year` — makes that year known; weekends are rest
    days unless listed in `workdays` (调休), and `holidays` are rest days.
    kind "regional": a region's own holidays (and make-up days), applied on top for `region`
    (a 6-digit 行政区划代码; 640000 covers every code starting 64).
    """

    kind: str
    year: int
    label: str
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)
    region: str = ""
    source: str = ""
    test_data: bool = False

    def applies_to(self, region: str | None) -> bool:
        if self.kind == "national":
            return True
        if not region:
            return False
        prefix = self.region.rstrip("0") or self.region
        # 640000 → "64", 640100 → "6401": the overlay covers its own area and everything inside it.
        if len(prefix) % 2:
            prefix += "0"
        return region.startswith(prefix)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "region": self.region,
            "label": self.label,
            "source": self.source,
            "test_data": self.test_data,
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.holidays.items())],
            "workdays": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.workdays.items())],
        }


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise OverlayError(f"{where}：“{value}”不是有效日期（应为 YYYY-MM-DD）") from exc


def _days(items: Any, where: str, year: int) -> dict[dt.date, str]:
    out: dict[dt.date, str] = {}
    if items is None:
        return out
    if not isinstance(items, list):
        raise OverlayError(f"{where} 应为列表")
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if isinstance(item, str | dt.date):
            item = {"date": item}
        if not isinstance(item, dict):
            raise OverlayError(f"{here} 应为 {{date: YYYY-MM-DD, name: …}} 或 {{from: …, to: …, name: …}}")
        unknown = set(item) - {"date", "from", "to", "name"}
        if unknown:
            raise OverlayError(f"{here} 含未知字段：{', '.join(sorted(unknown))}")
        name = str(item.get("name") or "")
        if "date" in item:
            start = end = _date(item["date"], here)
        elif "from" in item and "to" in item:
            start, end = _date(item["from"], here), _date(item["to"], here)
        else:
            raise OverlayError(f"{here} 需要 date，或 from 与 to")
        if end < start:
            raise OverlayError(f"{here}：结束日期早于开始日期")
        if (end - start).days > 40:
            raise OverlayError(f"{here}：一段假期超过40天，请检查日期")
        day = start
        while day <= end:
            if day.year != year:
                raise OverlayError(f"{here}：{day.isoformat()} 不在 {year} 年内")
            out[day] = name
            day += ONE_DAY
    return out


def overlay_from_dict(data: Any) -> Overlay:
    """Validate an overlay (parsed from YAML/JSON). Raises OverlayError with a Chinese message."""
    if not isinstance(data, dict):
        raise OverlayError("日历文件应为键值对（kind, year, label, holidays, workdays …）")
    allowed = {"kind", "year", "region", "label", "source", "test_data", "holidays", "workdays"}
    unknown = set(data) - allowed
    if unknown:
        raise OverlayError(f"日历文件含未知字段：{', '.join(sorted(unknown))}")
    kind = data.get("kind")
    if kind not in ("national", "regional"):
        raise OverlayError("kind 应为 national（国务院通知）或 regional（地方假日）")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        raise OverlayError("year 应为年份，例如 2027")
    region = str(data.get("region") or "")
    if kind == "regional" and not (len(region) == 6 and region.isdigit()):
        raise OverlayError("地方假日须写 region：6位行政区划代码，例如 640000（宁夏）")
    if kind == "national" and region:
        raise OverlayError("国务院通知（national）不应写 region")
    label = str(data.get("label") or "").strip()
    if not label:
        raise OverlayError("label 不能为空：写明通知名称与文号")
    holidays = _days(data.get("holidays"), "holidays", year)
    workdays = _days(data.get("workdays"), "workdays", year)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise OverlayError(f"{both[0].isoformat()} 同时列为假日和调休工作日")
    if kind == "national" and not holidays:
        raise OverlayError("国务院通知应至少列出一个假日")
    return Overlay(
        kind=kind,
        year=year,
        label=label,
        holidays=holidays,
        workdays=workdays,
        region=region,
        source=str(data.get("source") or ""),
        test_data=bool(data.get("test_data", False)),
    )


class WorkCalendar:
    """Working days for one region (None = national), from chinesecalendar plus overlays."""

    def __init__(self, overlays: Iterable[Overlay] = (), region: str | None = None) -> None:
        self.region = region or None
        self.overlays = [o for o in overlays if o.applies_to(self.region)]
        self._national: dict[int, Overlay] = {}
        self._regional_holidays: dict[dt.date, str] = {}
        self._regional_workdays: dict[dt.date, str] = {}
        for overlay in self.overlays:
            if overlay.kind == "national":
                # A later overlay for the same year replaces the earlier one (a corrected notice).
                self._national[overlay.year] = overlay
            else:
                self._regional_holidays.update(overlay.holidays)
                self._regional_workdays.update(overlay.workdays)
        self._cache: dict[dt.date, bool] = {}

    # -- what the calendar knows ------------------------------------------------------------------
    def knows_year(self, year: int) -> bool:
        return year in self._national or BUILTIN_FIRST_YEAR <= year <= BUILTIN_LAST_YEAR

    def known_years(self) -> list[int]:
        return sorted(set(range(BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR + 1)) | set(self._national))

    def is_provisional_year(self, year: int) -> bool:
        """No notice for `year`: its days are computed from the statutory holidays (暂定)."""
        return not self.knows_year(year) and (
            statutory.STATUTORY_FIRST_YEAR <= year <= statutory.STATUTORY_LAST_YEAR
        )

    def provisional_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The provisional years among those from `start` to `end` (either order): a date computed by
        looking at days in that range is provisional exactly when this is not empty."""
        lo, hi = sorted((start.year, end.year))
        return tuple(y for y in range(lo, hi + 1) if self.is_provisional_year(y))

    def result(self, start: dt.date, date: dt.date) -> CalendarResult:
        return CalendarResult(date, self.provisional_years(start, date))

    def check_known(self, day: dt.date) -> None:
        """Raise CalendarUnknownYear when nothing can be said about `day`'s year (a provisional year
        is fine: it is computed from the statutory holidays)."""
        if not self.knows_year(day.year) and not self.is_provisional_year(day.year):
            raise CalendarUnknownYear(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        result = self._compute(day)
        self._cache[day] = result
        return result

    def _compute(self, day: dt.date) -> bool:
        self.check_known(day)
        if day in self._regional_holidays:
            return False
        if day in self._regional_workdays:
            return True
        national = self._national.get(day.year)
        if national is not None:
            if day in national.holidays:
                return False
            if day in national.workdays:
                return True
            return day.weekday() < 5
        if self.is_provisional_year(day.year):
            return day not in statutory.provisional_rest_days(day.year) and day.weekday() < 5
        if day in _BUILTIN_WORKDAYS:
            return True
        if day in _BUILTIN_HOLIDAYS:
            return False
        return day.weekday() < 5

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_working_day(day)

    def day_name(self, day: dt.date) -> str:
        """The holiday or 调休 name of a day, when the data gives one."""
        self.check_known(day)
        for table in (self._regional_holidays, self._regional_workdays):
            if day in table:
                return table[day]
        national = self._national.get(day.year)
        if national is not None:
            return national.holidays.get(day) or national.workdays.get(day) or ""
        if self.is_provisional_year(day.year):
            name = statutory.provisional_rest_days(day.year).get(day, "")
            return f"{name}（暂定）" if name else ""
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return str(name or "")

    # -- arithmetic -------------------------------------------------------------------------------
    @staticmethod
    def _check_count(n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"工作日数应为非负整数，当前为{n!r}")
        if n > MAX_WORKING_DAYS:
            raise ValueError(f"工作日数{n}过大（上限{MAX_WORKING_DAYS}）")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (`day` itself not counted). n = 0 returns `day`."""
        self._check_count(n)
        current = day
        while n > 0:
            current += ONE_DAY
            if self.is_working_day(current):
                n -= 1
        return current

    def subtract_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before `day` (`day` itself not counted). n = 0 returns `day`."""
        self._check_count(n)
        current = day
        while n > 0:
            current -= ONE_DAY
            if self.is_working_day(current):
                n -= 1
        return current

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def deadline(self, day: dt.date, days: int) -> dt.date:
        """Last day of a `days`-calendar-day period triggered on `day`: the trigger day is not counted
        (第二百零一条); if that last day is a rest day, the period ends on the next working day
        (第二百零三条)."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"期间天数应为正整数，当前为{days!r}")
        return self.next_working_day(day + dt.timedelta(days=days))

    # -- the same, saying whether the answer is provisional ----------------------------------------
    def is_working_day_result(self, day: dt.date) -> tuple[bool, tuple[int, ...]]:
        return self.is_working_day(day), self.provisional_years(day, day)

    def add_working_days_result(self, day: dt.date, n: int) -> CalendarResult:
        return self.result(day, self.add_working_days(day, n))

    def subtract_working_days_result(self, day: dt.date, n: int) -> CalendarResult:
        return self.result(day, self.subtract_working_days(day, n))

    def deadline_result(self, day: dt.date, days: int) -> CalendarResult:
        return self.result(day, self.deadline(day, days))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, current = 0, start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later; with no corresponding day, the month's last day
    (民法典 第二百零二条)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)
