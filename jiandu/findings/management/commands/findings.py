"""`jiandu findings list|scan|schedule` — the findings from the command line.

- `list [--json] [--as USERNAME] [--status S] [--overdue]`: staff see their scope (all with no --as);
  --as shows what that account may see, through the same selectors as the pages (an agency account
  gets the redacted projection).
- `scan [--on YYYY-MM-DD]`: one deadline pass now (reminders, escalations).
- `schedule`: start the hourly scan chain in the task queue (idempotent; `jiandu serve` calls it).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiandu.accounts.models import User
from jiandu.findings.exports import export_rows
from jiandu.findings.models import Finding
from jiandu.findings.scan import findings_deadline_scan
from jiandu.findings.tasks import findings_schedule

LIST_COLUMNS = ("id", "agency", "status", "forwarded_on", "reply_days", "reply_due", "replied_on", "overdue")


class Command(BaseCommand):
    help = "监督意见：list 列表 / scan 执行一次期限扫描 / schedule 启动定时扫描"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="列出监督意见")
        ls.add_argument("--json", action="store_true", help="JSON 输出")
        ls.add_argument("--as", dest="as_user", default="", help="以该账号的可见范围列出")
        ls.add_argument("--status", default="")
        ls.add_argument("--overdue", action="store_true")
        scan = sub.add_parser("scan", help="执行一次期限扫描（提醒、逾期督办）")
        scan.add_argument("--on", default="", help="按该日期扫描 (YYYY-MM-DD)，默认今天")
        sub.add_parser("schedule", help="在任务队列中启动每小时一次的期限扫描（可重复执行）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "scan":
            on = _date(options["on"]) if options["on"] else None
            self.stdout.write(json.dumps(findings_deadline_scan(today=on), ensure_ascii=False))
        elif action == "schedule":
            self.stdout.write(findings_schedule())
        else:
            self._list(options)

    def _list(self, options: dict[str, Any]) -> None:
        user = None
        if options["as_user"]:
            user = User.objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(f"没有账号 {options['as_user']}")
        rows = export_rows(
            user, qs_all=Finding.objects.all(), status=options["status"], overdue=options["overdue"]
        )
        rows = [{k: r.get(k) for k in LIST_COLUMNS} | r for r in rows]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
            return
        today = timezone.localdate()
        self.stdout.write(f"{len(rows)} 件（{today}）")
        for r in rows:
            flag = " 逾期" if r["overdue"] else ""
            due = r["rectify_due"] if r["status"] == "rectifying" else r["reply_due"]
            self.stdout.write(f"{r['id']:>7}  {r['status']:<13} {r['agency']:<20} 截止 {due or '-'}{flag}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError("日期格式应为 YYYY-MM-DD") from exc
