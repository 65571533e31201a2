"""`jiandu backup DIR` / `jiandu restore DIR` (issue 11 #7; docs/security.md "Backup and restore").

A backup is a folder:
- `database.dump` — pg_dump's custom format on PostgreSQL, or `database.sqlite3` — SQLite's online
  backup API (a consistent copy of a live file, or of an in-memory test database);
- `manifest.json` — when, which engine, the audit chain head at the time, a signed checkpoint of it
  (jiandu.audit.checkpoints), and fingerprints (never the values) of the keys the data needs.

Restore loads the database, then verifies the audit chain against the manifest's checkpoint, and
checks that this machine holds the same encryption, lookup and audit keys. Without them a dump is
useless (personal identifiers stay ciphertext, lookups miss, the chain's MACs cannot be checked):
that is why the keys are escrowed separately (docs/security.md "Key escrow").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that could not be done or checked; the message is Chinese."""


def _fingerprint(value: str) -> str:
    return hashlib.sha256(f"jiandu-key-fingerprint:{value}".encode()).hexdigest()[:16]


def key_fingerprints() -> dict[str, list[str]]:
    return {
        "JIANDU_ENCRYPTION_KEY": [_fingerprint(k) for k in settings.JIANDU_ENCRYPTION_KEYS],
        "JIANDU_LOOKUP_KEY": [_fingerprint(settings.JIANDU_LOOKUP_KEY)],
        "JIANDU_AUDIT_KEY": [_fingerprint(k) for k in settings.JIANDU_AUDIT_KEYS],
    }


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            gettext("找不到 {cmd}：请安装与数据库版本一致的 PostgreSQL 客户端").format(cmd=cmd[0])
        ) from exc
    if done.returncode != 0:
        raise BackupError(gettext("{cmd} 失败：{strip}").format(cmd=cmd[0], strip=done.stderr.strip()[:500]))


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def backup_create(*, target: str | Path) -> BackupResult:
    from jiandu.audit.checkpoints import checkpoint_sign
    from jiandu.audit.models import AuditChainHead

    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise BackupError(gettext("目标文件夹不为空：{out}").format(out=out))
    vendor = connection.vendor
    connection.ensure_connection()
    checkpoint = checkpoint_sign()  # seals the committed events first (deferred sealing)
    head = AuditChainHead.objects.filter(id=1).first()
    if vendor == "postgresql":
        env, args = _pg_env_and_args()
        name = str(connection.settings_dict["NAME"])
        _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(out / "database.dump"), name], env)
        data = "database.dump"
    elif vendor == "sqlite":
        dest = sqlite3.connect(out / "database.sqlite3")
        try:
            connection.connection.backup(dest)  # type: ignore[union-attr]
        finally:
            dest.close()
        data = "database.sqlite3"
    else:
        raise BackupError(gettext("不支持的数据库：{vendor}").format(vendor=vendor))
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "data": data,
        "sha256": hashlib.sha256((out / data).read_bytes()).hexdigest(),
        "audit_head": {"seq": head.seq if head else 0, "hash": head.hash if head else "0" * 64},
        "checkpoint": json.loads(checkpoint.to_json()),
        "key_fingerprints": key_fingerprints(),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BackupResult(out, manifest)


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    chain_message: str
    missing_keys: list[str]


def backup_restore(*, source: str | Path) -> RestoreResult:
    """Load the backup into the configured database (replacing its content), then verify."""
    from jiandu.audit.chain import audit_chain_verify
    from jiandu.audit.checkpoints import Checkpoint, checkpoint_signature_ok

    src = Path(source)
    try:
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BackupError(gettext("无法读取备份清单：{value}").format(value=src / "manifest.json")) from exc
    data = src / manifest["data"]
    if hashlib.sha256(data.read_bytes()).hexdigest() != manifest["sha256"]:
        raise BackupError(gettext("备份文件的 SHA-256 与清单不符：文件已损坏或被改动"))
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            gettext("备份来自 {engine}，当前数据库是 {vendor}").format(
                engine=manifest["engine"], vendor=connection.vendor
            )
        )
    checkpoint = Checkpoint(**manifest["checkpoint"])
    if not checkpoint_signature_ok(checkpoint):
        raise BackupError(gettext("备份清单中的检查点签名无效（或本机的签名密钥不同）"))
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        name = str(connection.settings_dict["NAME"])
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                name,
                str(data),
            ],
            env,
        )
    else:
        source_db = sqlite3.connect(data)
        try:
            source_db.backup(connection.connection)  # type: ignore[arg-type]
        finally:
            source_db.close()
    report = audit_chain_verify(against=[checkpoint])
    if not report.ok:
        raise BackupError(gettext("恢复后审计链校验失败：{message}").format(message=report.message))
    mine = key_fingerprints()
    missing = [
        name
        for name, prints in manifest.get("key_fingerprints", {}).items()
        if not set(prints) & set(mine.get(name, []))
    ]
    return RestoreResult(manifest, report.message, missing)


def backup_copy_media(*, target: str | Path) -> None:
    """Uploaded files (attachments) beside the database, when MEDIA_ROOT is a local folder."""
    media = Path(getattr(settings, "MEDIA_ROOT", "") or "")
    if media.is_dir():
        shutil.copytree(media, Path(target) / "media", dirs_exist_ok=True)
