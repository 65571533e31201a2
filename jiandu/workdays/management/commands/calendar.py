"""`jiandu calendar is-working-day | add-working-days | subtract-working-days | deadline | load | list`
— the working-day calendar (chinesecalendar + overlays loaded into the database). JSON out.

The arithmetic needs no database: on a checkout that was never migrated (or with the database down)
it uses the built-in data and says so (`"database": false`). A date resting on a year whose notice is
not loaded carries `"provisional": true` and the years (`"provisional_years": [2027]`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from jiandu.rules.calendar import CalendarResult, CalendarUnknownYear, OverlayError, WorkCalendar
from jiandu.workdays.cli import parse_count, parse_date, read_data_file, to_json
from jiandu.workdays.models import CalendarOverlay
from jiandu.workdays.services import overlay_load, work_calendar


class Command(BaseCommand):
    help = "工作日历：判断工作日、加减工作日、计算期间、载入节假日安排（输出 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{is-working-day,add-working-days,subtract-working-days,deadline,load,list}",
        )
        p = sub.add_parser("is-working-day", help="某日是否为工作日（true/false）")
        p.add_argument("date", metavar="YYYY-MM-DD")
        p.add_argument("--region", help="6位行政区划代码，叠加地方假日（如 640000）")
        for name, text in (
            ("add-working-days", "D 之后第 N 个工作日"),
            ("subtract-working-days", "D 之前第 N 个工作日"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("date", metavar="YYYY-MM-DD")
            p.add_argument("n", metavar="N")
            p.add_argument("--region")
        p = sub.add_parser("deadline", help="D 起 N 日的期间末日（末日为休息日的顺延）")
        p.add_argument("date", metavar="YYYY-MM-DD")
        p.add_argument("--days", required=True, metavar="N")
        p.add_argument("--region")
        p = sub.add_parser("load", help="载入叠加数据（国务院节假日安排或地方假日，YAML/JSON）")
        p.add_argument("file", metavar="FILE")
        sub.add_parser("list", help="列出已载入的叠加数据")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except DatabaseError as exc:
            raise CommandError(
                f"无法读取工作日历数据（数据库未初始化？请先运行 jiandu migrate）：{exc}"
            ) from None

    def _handle(self, options: dict[str, Any]) -> None:
        action = options["action"]
        if action == "load":
            self._load(options["file"])
            return
        if action == "list":
            rows = [
                {
                    "kind": o.kind,
                    "year": o.year,
                    "region": o.region,
                    "label": o.label,
                    "test_data": o.test_data,
                    "loaded_at": o.loaded_at.isoformat(),
                    "content_hash": o.content_hash,
                }
                for o in CalendarOverlay.objects.all()
            ]
            self.stdout.write(to_json(rows))
            return
        region = options.get("region") or None
        if region is not None and not (len(region) == 6 and region.isdigit()):
            raise CommandError(f"地区代码“{region}”应为6位行政区划代码，例如 640000")
        day = parse_date(options["date"])
        calendar, database = self._calendar(region)
        try:
            out: dict[str, Any]
            if action == "is-working-day":
                working = calendar.is_working_day(day)
                result = calendar.result(day, day)
                out = {"date": day, "region": region, "working_day": working, "name": calendar.day_name(day)}
            elif action == "deadline":
                days = parse_count(options["days"], "期间天数")
                if days < 1:
                    raise CommandError("期间天数应至少为1")
                result = calendar.deadline_result(day, days)
                plain = day + dt.timedelta(days=days)
                out = {"from": day, "days": days, "region": region, "date": result.date}
                out["extended"] = result.date != plain
            else:
                n = parse_count(options["n"], "工作日数")
                if action == "add-working-days":
                    result = calendar.add_working_days_result(day, n)
                else:
                    result = calendar.subtract_working_days_result(day, n)
                out = {"from": day, "working_days": n, "region": region, "date": result.date}
            out.update(self._flags(result, database))
        except CalendarUnknownYear as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(to_json(out))

    @staticmethod
    def _calendar(region: str | None) -> tuple[WorkCalendar, bool]:
        """The calendar with the loaded overlays; without a usable database, the built-in one (pure
        arithmetic must work before `jiandu migrate`)."""
        try:
            return work_calendar(region), True
        except DatabaseError:
            return WorkCalendar(region=region), False

    @staticmethod
    def _flags(result: CalendarResult, database: bool) -> dict[str, Any]:
        return {
            "provisional": result.provisional,
            "provisional_years": list(result.provisional_years),
            "note": result.note,
            "database": database,
        }

    def _load(self, path: str) -> None:
        from jiandu.rules.calendar import overlay_from_dict

        data = read_data_file(path, "日历")
        try:
            overlay = overlay_from_dict(data)
        except OverlayError as exc:
            raise CommandError(f"日历文件有误：{exc}") from None
        row = overlay_load(actor=None, overlay=overlay)
        self.stdout.write(
            to_json(
                {
                    "loaded": True,
                    "kind": row.kind,
                    "year": row.year,
                    "region": row.region,
                    "label": row.label,
                    "test_data": row.test_data,
                    "holidays": len(overlay.holidays),
                    "workdays": len(overlay.workdays),
                    "content_hash": row.content_hash,
                }
            )
        )
