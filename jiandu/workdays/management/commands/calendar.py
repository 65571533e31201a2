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
from jiandu.workdays.cli import parse_count, parse_date, to_json
from jiandu.workdays.models import CalendarOverlay
from jiandu.workdays.services import programme_region, work_calendar


class Command(BaseCommand):
    help = "工作日历：判断工作日、加减工作日、计算期间、载入节假日安排（输出 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="{is-working-day,add-working-days,subtract-working-days,deadline,load,list,recompute}",
        )
        p = sub.add_parser("is-working-day", help="某日是否为工作日（true/false）")
        p.add_argument("date", metavar="YYYY-MM-DD")
        p.add_argument("--region", help="6位行政区划代码，叠加地方假日（如 640000）")
        p.add_argument(
            "--programme", metavar="ID", help="按该项目主管单位所在地区的日历计算（代替 --region）"
        )
        for name, text in (
            ("add-working-days", "D 之后第 N 个工作日"),
            ("subtract-working-days", "D 之前第 N 个工作日"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("date", metavar="YYYY-MM-DD")
            p.add_argument("n", metavar="N")
            p.add_argument("--region")
            p.add_argument("--programme", metavar="ID")
        p = sub.add_parser("deadline", help="D 起 N 日的期间末日（末日为休息日的顺延）")
        p.add_argument("date", metavar="YYYY-MM-DD")
        p.add_argument("--days", required=True, metavar="N")
        p.add_argument("--region")
        p.add_argument("--programme", metavar="ID")
        p = sub.add_parser(
            "load",
            help="载入节假日安排：通知原文（与网页粘贴的相同），或 YAML/JSON 叠加数据；随后重新计算暂定日期",
        )
        p.add_argument("file", metavar="FILE", help="文件路径，- 为标准输入")
        p.add_argument("--kind", choices=["national", "regional"], default="national")
        p.add_argument("--region", default="", help="地方假日的6位行政区划代码（如 640000）")
        p.add_argument("--year", type=int, default=None, help="年份（通知标题中没有时）")
        p.add_argument("--test-data", action="store_true", help="标记为测试数据（虚构通知）")
        p.add_argument("--dry-run", action="store_true", help="只解析、预览，不载入")
        sub.add_parser("list", help="列出已载入的叠加数据")
        p = sub.add_parser("recompute", help="重新计算所有暂定日期（载入后自动进行；失败后可重跑）")
        p.add_argument("--year", type=int, required=True, help="刚载入通知的年份（记入审计）")

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
            self._load(options)
            return
        if action == "recompute":
            from jiandu.workdays.models import CalendarRecompute
            from jiandu.workdays.tasks import calendar_recompute_task

            job = CalendarRecompute.objects.create(year=options["year"])
            calendar_recompute_task.enqueue(job.pk)
            job.refresh_from_db()
            fields = ("id", "year", "status", "moved", "kept", "unchanged")
            self.stdout.write(to_json({f: getattr(job, f) for f in fields}))
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
        programme = options.get("programme")
        if programme:
            if region is not None:
                raise CommandError("--programme 与 --region 只能给出一个")
            region = self._programme_region(programme)
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
            if programme:
                out["programme"] = int(programme)
            out.update(self._flags(result, database))
        except CalendarUnknownYear as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(to_json(out))

    @staticmethod
    def _programme_region(programme: str) -> str | None:
        """The region whose calendar the programme's dates follow (its organisation's 行政区划代码: the
        same helper the services use). Needs the database."""
        from jiandu.roster.models import Programme

        if not programme.isdigit():
            raise CommandError(f"项目编号“{programme}”应为数字")
        try:
            row = Programme.objects.select_related("organisation").filter(pk=int(programme)).first()
        except DatabaseError:
            raise CommandError("按项目计算须连接数据库（jiandu migrate 之后）") from None
        if row is None:
            raise CommandError(f"项目 {programme} 不存在")
        return programme_region(row)

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

    def _load(self, options: dict[str, Any]) -> None:
        import sys
        from pathlib import Path

        from jiandu.rules.calendar import overlay_from_dict
        from jiandu.rules.rulebook import yaml_load
        from jiandu.workdays.services import calendar_load, notice_preview

        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取日历文件 {path}：{exc}") from None
        try:
            data = yaml_load(text)
        except Exception:
            data = None
        if isinstance(data, dict):  # an overlay file (YAML/JSON)
            try:
                overlay = overlay_from_dict(data)
            except OverlayError as exc:
                raise CommandError(f"日历文件有误：{exc}") from None
            lines: list[dict[str, Any]] = []
        else:  # the notice's text, as pasted on the calendar page
            parsed = notice_preview(
                text=text,
                kind=options["kind"],
                region=options["region"],
                year=options["year"],
                test_data=options["test_data"],
            )
            lines = [ln.to_dict() for ln in parsed.lines if ln.status != "ignored"]
            if not parsed.ok or parsed.overlay is None:
                raise CommandError("通知有误，未载入：\n" + "\n".join(parsed.problems))
            overlay = parsed.overlay
        summary = {
            "kind": overlay.kind,
            "year": overlay.year,
            "region": overlay.region,
            "label": overlay.label,
            "test_data": overlay.test_data,
            "holidays": len(overlay.holidays),
            "workdays": len(overlay.workdays),
            "lines": lines,
        }
        if options["dry_run"]:
            self.stdout.write(to_json({"loaded": False, **summary, "overlay": overlay.to_dict()}))
            return
        row, job = calendar_load(actor=None, overlay=overlay)
        job.refresh_from_db()
        self.stdout.write(
            to_json(
                {
                    "loaded": True,
                    **summary,
                    "content_hash": row.content_hash,
                    "recompute": {"id": job.pk, "status": job.status, "moved": job.moved, "kept": job.kept},
                }
            )
        )
