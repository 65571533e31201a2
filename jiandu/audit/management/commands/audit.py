"""`jiandu audit verify [--against CHECKPOINT]`, `jiandu audit checkpoint` and
`jiandu audit purge --before YYYY-MM-DD`."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.audit.chain import audit_chain_verify
from jiandu.audit.checkpoints import CheckpointError, checkpoint_publish, checkpoints_verified
from jiandu.audit.services import AuditPurgeRefused, audit_purge, audit_seal


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链；purge 清理超过保存期限的事件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="校验审计哈希链，指出最早一个被篡改或缺失的事件")
        verify.add_argument("--batch-size", type=int, default=2000)
        verify.add_argument(
            "--no-seal",
            action="store_true",
            help="不先封存已提交的事件（只读校验；未封存的事件照常计数并核对其草稿校验码）",
        )
        verify.add_argument(
            "--against",
            metavar="CHECKPOINT",
            help="检查点文件（一次写入文件的 JSON 行、syslog 摘录或门户下载的 JSON），逐一验签并核对",
        )
        verify.add_argument(
            "--public-key",
            action="append",
            default=[],
            help="签名公钥（base64）；密钥轮换后可多次给出旧公钥，默认用本机当前公钥",
        )
        sub.add_parser("checkpoint", help="签署当前链头并发布（门户、一次写入文件、syslog）")
        purge = sub.add_parser("purge", help="清理早于给定日期的审计事件（不得短于保存期限）")
        purge.add_argument("--before", required=True, help="YYYY-MM-DD（当地时间零点之前的事件）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "checkpoint":
            cp = checkpoint_publish()
            self.stdout.write(f"已签署检查点：{cp.seq} 条，链头 {cp.hash[:16]}…，{cp.at}")
            return
        if options["subcommand"] == "verify":
            against = None
            if options["against"]:
                try:
                    against = checkpoints_verified(options["against"], options["public_key"] or None)
                except CheckpointError as exc:
                    raise CommandError(str(exc), returncode=1) from exc
            if not options["no_seal"]:
                audit_seal(wait=True)
            report = audit_chain_verify(batch_size=options["batch_size"], against=against)
            if report.ok and against:
                self.stdout.write(
                    f"已核对 {len(against)} 个签名检查点，最新至第 {max(c.seq for c in against)} 条"
                )
            if not report.ok:
                raise CommandError(report.message, returncode=1)
            self.stdout.write(report.message)
            return
        before = _date(options["before"])
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = ""
        try:
            result = audit_purge(before=before, operator=f"cli:{operator}" if operator else "cli")
        except AuditPurgeRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if result.count == 0:
            self.stdout.write(f"{before.isoformat()} 之前没有可清理的审计事件")
        else:
            self.stdout.write(
                f"已清理 {result.count} 条审计事件（至第 {result.last_purged_seq} 条），"
                f"并记录清理锚点第 {result.anchor.seq if result.anchor else '?'} 条"
            )
