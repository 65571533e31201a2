"""Reading the text of a holiday notice as published, e.g. the State Council's
“国务院办公厅关于2026年部分节假日安排的通知”, whose items have a fixed form:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    一、元旦：1月1日（周三）放假1天，不调休。

A regional notice (宁夏 开斋节 …) is read the same way, numbered or not (“开斋节：3月20日放假1天。”).

Each line is reported: used (with the days it gave), ignored (the preamble, the closing words), or
failed (an item line it could not read, a weekday in brackets that does not match the date, a
“共N天” that does not match the range, a date outside the year). A notice with any failed line is not
loaded: `NoticeParse.ok` is False and nothing may be written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from jiandu.rules.calendar import ONE_DAY, Overlay, OverlayError, overlay_from_dict

WEEKDAYS = "一二三四五六日"
_NUM = "一二三四五六七八九十"
_TITLE_YEAR = re.compile(r"关于(\d{4})年[^\n]{0,20}?(?:节假日|放假)安排")
_ITEM = re.compile(rf"^\s*(?:[{_NUM}]+[、.．]\s*)?(?P<name>[^：:，。\d]{{1,24}})[：:](?P<rest>.+)$")
# 1月1日（周四）  2024年12月29日（周日）  3日（周六）  with any bracketed note that may hold 周X
_DATE = (
    r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日(?:[（(](?P<{p}n>[^）)]*)[）)])?"
)
_RANGE = re.compile(_DATE.format(p="a") + r"(?:\s*(?:至|—|-|－|~)\s*" + _DATE.format(p="b") + r")?")
_ONE = re.compile(_DATE.format(p="a"))
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_DAYS = re.compile(r"放假\s*(\d+)\s*天")


class NoticeLineError(ValueError):
    pass


@dataclass
class NoticeLine:
    number: int  # 1-based line number in the pasted text
    text: str
    status: str = "ignored"  # "used" | "ignored" | "failed"
    message: str = ""
    name: str = ""
    holidays: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "status": self.status,
            "message": self.message,
            "name": self.name,
            "holidays": [d.isoformat() for d in self.holidays],
            "workdays": [d.isoformat() for d in self.workdays],
        }


@dataclass
class NoticeParse:
    year: int | None
    kind: str
    region: str
    label: str
    lines: list[NoticeLine]
    overlay: Overlay | None = None
    error: str = ""  # a problem with the notice as a whole (no year, no item …)

    @property
    def failed(self) -> list[NoticeLine]:
        return [line for line in self.lines if line.status == "failed"]

    @property
    def ok(self) -> bool:
        return self.overlay is not None and not self.failed and not self.error

    @property
    def problems(self) -> list[str]:
        out = [self.error] if self.error else []
        out += [f"第{line.number}行：{line.message}（{line.text.strip()[:60]}）" for line in self.failed]
        return out


def _weekday_check(day: dt.date, note: str | None) -> None:
    if not note:
        return
    m = re.search(r"(?:周|星期)([一二三四五六日天])", note)
    if m:
        said = "日" if m.group(1) == "天" else m.group(1)
        actual = WEEKDAYS[day.weekday()]
        if said != actual:
            raise NoticeLineError(f"{day.month}月{day.day}日是周{actual}，通知写作“周{said}”")


def _make(year: int, y: str | None, m: str | None, d: str, default_month: int | None) -> dt.date:
    month = int(m) if m else default_month
    if month is None:
        raise NoticeLineError("日期缺少月份")
    try:
        return dt.date(int(y) if y else year, month, int(d))
    except ValueError:
        raise NoticeLineError(f"{month}月{d}日不是有效日期") from None


def _holiday_sentence(sentence: str, year: int) -> list[dt.date]:
    m = _RANGE.search(sentence)
    if m is None:
        raise NoticeLineError("没有读到放假日期")
    g = m.groupdict()
    start = _make(year, g["ay"], g["am"], g["ad"], None)
    _weekday_check(start, g["an"])
    end = start
    if g["bd"]:
        # “1月1日至3日”: the end takes the start's year and month unless it names its own
        end = _make(start.year, g["by"], g["bm"], g["bd"], start.month)
        _weekday_check(end, g["bn"])
    if end < start:
        raise NoticeLineError("放假结束日期早于开始日期")
    if (end - start).days > 40:
        raise NoticeLineError("一段假期超过40天，请检查日期")
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    total = _TOTAL.search(sentence) or _DAYS.search(sentence)
    if total and int(total.group(1)) != len(days):
        raise NoticeLineError(
            f"写明共{total.group(1)}天，但{start.month}月{start.day}日至{end.month}月{end.day}日是{len(days)}天"
        )
    return days


def _work_sentence(sentence: str, year: int) -> list[dt.date]:
    out: list[dt.date] = []
    month: int | None = None
    for m in _ONE.finditer(sentence):
        g = m.groupdict()
        day = _make(year, g["ay"], g["am"], g["ad"], month)
        _weekday_check(day, g["an"])
        month = day.month
        out.append(day)
    if not out:
        raise NoticeLineError("没有读到上班日期")
    return out


def _item(line: NoticeLine, year: int) -> None:
    m = _ITEM.match(line.text)
    if m is None:
        raise NoticeLineError("无法识别：应为“节日名称：日期……放假……”")
    line.name = m.group("name").strip()
    for sentence in re.split(r"[。；;]", m.group("rest")):
        if not sentence.strip():
            continue
        has_date = bool(_ONE.search(sentence))
        if "放假" in sentence and has_date:
            line.holidays += _holiday_sentence(sentence, year)
        elif "上班" in sentence and has_date:
            line.workdays += _work_sentence(sentence, year)
        elif has_date:
            raise NoticeLineError(f"“{sentence.strip()}”有日期，但未说明放假还是上班")
        # a sentence with no date (“不调休”) says nothing the calendar needs
    if not line.holidays and not line.workdays:
        raise NoticeLineError("没有读到放假或上班日期")
    # “2022年12月31日至2023年1月2日”: a day of another year belongs to that year's calendar (its own
    # notice); it is left out here and the line says so.
    other = sorted(d for d in line.holidays + line.workdays if d.year != year)
    if any(abs(d.year - year) > 1 for d in other):
        raise NoticeLineError(f"{other[0].isoformat()} 不在{year}年前后")
    if other:
        line.holidays = [d for d in line.holidays if d.year == year]
        line.workdays = [d for d in line.workdays if d.year == year]
        line.message = "、".join(d.isoformat() for d in other) + " 不在本年，按该年的安排计算，此处不载入"
    for day in line.workdays:
        if day.weekday() < 5:
            raise NoticeLineError(f"{day.month}月{day.day}日本是工作日，不是调休上班日")


def notice_parse(
    text: str,
    *,
    year: int | None = None,
    kind: str = "national",
    region: str = "",
    label: str = "",
    test_data: bool = False,
) -> NoticeParse:
    """Read a pasted notice. `year` is taken from the title (“关于2027年部分节假日安排”) when not given."""
    raw_lines = (text or "").splitlines()
    lines = [NoticeLine(i + 1, t) for i, t in enumerate(raw_lines)]
    title = next((ln.text.strip() for ln in lines if _TITLE_YEAR.search(ln.text)), "")
    if year is None and title:
        year = int(_TITLE_YEAR.search(title).group(1))  # type: ignore[union-attr]
    result = NoticeParse(year=year, kind=kind, region=region, label=label or title, lines=lines)
    if not text.strip():
        result.error = "通知内容为空"
        return result
    if year is None:
        result.error = "未找到年份：标题应为“国务院办公厅关于YYYY年部分节假日安排的通知”，或另行填写年份"
        return result
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for line in lines:
        body = line.text.strip()
        if not body or line.text.strip() == title:
            continue
        looks_like_item = bool(re.match(rf"^[{_NUM}]+[、.．]", body)) or (
            ("放假" in body or "上班" in body) and bool(_ONE.search(body)) and bool(re.search(r"[：:]", body))
        )
        if not looks_like_item:
            continue  # preamble, closing words, signature, date of issue
        try:
            _item(line, year)
        except NoticeLineError as exc:
            line.status, line.message = "failed", str(exc)
            continue
        clash = sorted((set(line.holidays) & set(workdays)) | (set(line.workdays) & set(holidays)))
        if clash:
            line.status, line.message = "failed", f"{clash[0].isoformat()} 同时列为放假和上班"
            continue
        line.status = "used"
        for d in line.holidays:
            holidays[d] = line.name
        for d in line.workdays:
            workdays[d] = f"{line.name}调休上班"
    if result.failed:
        return result
    if not holidays:
        result.error = "没有读到任何放假安排"
        return result
    if not result.label:  # a regional notice's heading has no fixed form: its first line that is not an item
        result.label = next(
            (
                ln.text.strip()[:200]
                for ln in lines
                if ln.status == "ignored" and ln.text.strip()[:1] not in ("", "#")
            ),
            "",
        )
    if not result.label:
        result.label = (
            f"国务院办公厅关于{year}年部分节假日安排的通知" if kind == "national" else f"{year}年地方假日"
        )
    # A text that calls itself fictitious or a test is stored as test data, whatever the checkbox says.
    test_data = test_data or any(w in result.label for w in ("虚构", "测试", "示例"))
    try:
        result.overlay = overlay_from_dict(
            {
                "kind": kind,
                "year": year,
                "region": region,
                "label": result.label,
                "source": "pasted notice text",
                "test_data": test_data,
                "holidays": [{"date": d, "name": n} for d, n in sorted(holidays.items())],
                "workdays": [{"date": d, "name": n} for d, n in sorted(workdays.items())],
            }
        )
    except OverlayError as exc:
        result.error = str(exc)
    return result


def month_grid(year: int, is_working: Any, names: dict[dt.date, str]) -> list[dict[str, Any]]:
    """Twelve months of weeks (Monday first) for a preview: each cell a day with its kind —
    "holiday", "workday" (a make-up working weekend day), "weekend", "work" — or None outside the month."""
    months = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        day = first - dt.timedelta(days=first.weekday())
        weeks = []
        while day.month == month or day < first:
            week: list[dict[str, Any] | None] = []
            for _ in range(7):
                if day.month != month:
                    week.append(None)
                else:
                    working = is_working(day)
                    if not working:
                        kind = "holiday" if day in names else "weekend"
                    else:
                        kind = "workday" if day.weekday() >= 5 else "work"
                    week.append({"date": day, "day": day.day, "kind": kind, "name": names.get(day, "")})
                day += ONE_DAY
            weeks.append(week)
        months.append({"month": month, "weeks": weeks})
    return months
