"""`jiandu restore DIR --yes [--against CHECKPOINTS]`: replace the database with a backup, then verify
the audit chain against the backup's signed checkpoint (and published ones), and the keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.audit.chain import audit_chain_verify
from jiandu.audit.checkpoints import CheckpointError, checkpoints_verified
from jiandu.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份恢复数据库（会替换现有数据），并校验审计链、检查点和密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="jiandu backup 生成的文件夹")
        parser.add_argument("--yes", action="store_true", help="确认替换当前数据库中的全部数据")
        parser.add_argument("--against", help="另行核对的已发布检查点文件（一次写入文件或门户 JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("恢复会替换当前数据库中的全部数据；确认请加 --yes")
        try:
            result = backup_restore(source=options["source"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(f"已恢复 {result.manifest['created_at']} 的备份；{result.chain_message}")
        if options["against"]:
            try:
                published = checkpoints_verified(options["against"])
            except CheckpointError as exc:
                raise CommandError(str(exc), returncode=1) from exc
            # Checkpoints published after the backup lie beyond its head: only earlier ones apply.
            seq = result.manifest["audit_head"]["seq"]
            report = audit_chain_verify(against=[c for c in published if c.seq <= seq])
            if not report.ok:
                raise CommandError(f"与已发布检查点不符：{report.message}", returncode=1)
            self.stdout.write("与已发布的检查点一致")
        if result.missing_keys:
            raise CommandError(
                "数据已恢复，但本机缺少备份时使用的密钥："
                + "、".join(result.missing_keys)
                + "。请从密钥托管处取回后再启动服务（docs/security.md）",
                returncode=2,
            )
