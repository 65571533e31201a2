"""`jiandu roster export|import|expire`.

  jiandu roster export --programme ID --out FILE.xlsx [--full] [--user USERNAME]
  jiandu roster import FILE.xlsx --programme ID [--dry-run] [--user USERNAME]
  jiandu roster expire [--date YYYY-MM-DD]

--full writes the complete 身份证号 and phone numbers: with --user, that account must hold
VIEW_FULL_IDENTIFIERS; either way the export is audited (as the account, or as the console user).
Import writes nothing unless the whole file is clean and exits non-zero otherwise.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiandu.accounts.models import User
from jiandu.accounts.roles import Capability
from jiandu.roster.excel import roster_export, roster_import
from jiandu.roster.models import Programme
from jiandu.roster.services import terms_expire


class Command(BaseCommand):
    help = "监督员名册：导出、导入、期满处理"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="导出名册为 Excel")
        exp.add_argument("--programme", type=int, required=True)
        exp.add_argument("--out", required=True)
        exp.add_argument("--full", action="store_true", help="完整身份证号和手机号（须有权限，留痕）")
        exp.add_argument("--user", help="以该账号身份操作（检查权限）")
        imp = sub.add_parser("import", help="从 Excel 导入名册（整表无误才写入）")
        imp.add_argument("file")
        imp.add_argument("--programme", type=int, required=True)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--user")
        ex = sub.add_parser("expire", help="任期届满未续聘的自然解聘")
        ex.add_argument("--date", help="YYYY-MM-DD，默认今天")

    def _actor(self, username: str | None) -> tuple[Any, str]:
        if not username:
            return None, f"console:{getpass.getuser()}"
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"账号 {username} 不存在或已停用")
        return user, ""

    def _programme(self, pk: int) -> Programme:
        programme = Programme.objects.filter(pk=pk).first()
        if programme is None:
            raise CommandError(f"监督项目 {pk} 不存在（jiandu programme list 查看）")
        return programme

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "expire":
            on = dt.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
            self.stdout.write(f"自然解聘 {terms_expire(on=on)} 人")
            return
        actor, actor_name = self._actor(options.get("user"))
        programme = self._programme(options["programme"])
        if action == "export":
            if options["full"] and actor is not None and not actor.can(Capability.VIEW_FULL_IDENTIFIERS):
                raise CommandError(f"账号 {actor.username} 没有查看完整身份信息的权限")
            count = roster_export(
                actor=actor,
                actor_name=actor_name,
                programme=programme,
                out=options["out"],
                full=options["full"],
            )
            self.stdout.write(
                f"已导出 {count} 行 → {options['out']}{'（完整身份信息，已留痕）' if options['full'] else ''}"
            )
            return
        with open(options["file"], "rb") as fh:
            result = roster_import(
                actor=actor, actor_name=actor_name, programme=programme, file=fh, dry_run=options["dry_run"]
            )
        for error in result.errors:
            self.stderr.write(str(error))
        s = result.summary()
        self.stdout.write(
            f"共 {s['total']} 行：新增 {s['created']}，修改 {s['updated']}，未变化 {s['unchanged']}，错误 {len(result.errors)}；"
            + ("已写入" if result.written else "未写入")
        )
        if result.errors:
            raise CommandError(f"文件有 {len(result.errors)} 处错误，未写入任何数据")
