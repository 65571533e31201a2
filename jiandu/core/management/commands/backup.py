"""`jiandu backup DIR [--media]`: the database (pg_dump / SQLite online backup) and a manifest with a
signed checkpoint of the audit chain and the fingerprints of the keys it needs (jiandu.core.backup)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.core.backup import BackupError, backup_copy_media, backup_create


class Command(BaseCommand):
    help = "备份数据库（含审计链检查点和密钥指纹）到一个空文件夹"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="空文件夹（不存在则新建）")
        parser.add_argument("--media", action="store_true", help="同时复制上传的附件（MEDIA_ROOT）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(target=options["target"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["media"]:
            backup_copy_media(target=result.path)
        head = result.manifest["audit_head"]
        self.stdout.write(
            f"已备份到 {result.path}（{result.manifest['engine']}，审计链 {head['seq']} 条）。"
            "密钥不在备份中：请确认已按 docs/security.md 托管 JIANDU_ENCRYPTION_KEY、JIANDU_LOOKUP_KEY、"
            "JIANDU_AUDIT_KEY 和 JIANDU_CHECKPOINT_SIGNING_KEY。"
        )
