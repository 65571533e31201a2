"""Signed checkpoints of the audit chain's head, published where the database administrator cannot
reach them (issue 11 #3; docs/security.md "Audit trail").

A checkpoint says "the chain had N events and its head hash was H at time T", signed with an Ed25519
key from the environment (JIANDU_CHECKPOINT_SIGNING_KEY). Anyone can check the signature with the
public key shown on the portal. Each checkpoint goes to:
- the public portal (/audit/public/checkpoints/, and .json) — like a transparency log's signed tree
  head, it can be fetched and kept by anyone;
- an append-only file (JIANDU_AUDIT_CHECKPOINT_FILE; mount it write-once or `chattr +a`), one JSON
  line per checkpoint;
- a syslog server (JIANDU_AUDIT_SYSLOG, "host:port" or a socket path), i.e. another machine's log.

`jiandu audit verify --against FILE` reads such a file (JSON lines, or the portal's JSON), checks
every signature, then checks that each checkpointed (seq, hash) is still in the chain: truncation,
deletion and recomputation before a checkpoint are all caught, with or without the HMAC key.
"""

from __future__ import annotations

import base64
import json
import logging
import logging.handlers
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.models import AuditChainHead, AuditCheckpoint

logger = logging.getLogger("jiandu.audit.checkpoint")


class CheckpointError(Exception):
    """A checkpoint that cannot be read or whose signature is wrong (Chinese message)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str

    def body(self) -> bytes:
        return _body(self.seq, self.hash, self.at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


def _body(seq: int, hash_value: str, at: str) -> bytes:
    return json.dumps(
        {"seq": seq, "hash": hash_value, "at": at}, sort_keys=True, separators=(",", ":")
    ).encode()


def _private_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seed = base64.urlsafe_b64decode(settings.JIANDU_CHECKPOINT_SIGNING_KEY.encode() + b"==")[:32]
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64() -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = _private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(public_b64: str | None = None) -> str:
    import hashlib

    return hashlib.sha256((public_b64 or public_key_b64()).encode()).hexdigest()[:12]


def checkpoint_sign() -> Checkpoint:
    from jiandu.audit.services import audit_seal

    audit_seal(wait=True)  # deferred sealing: a checkpoint covers every event committed before it
    head = AuditChainHead.objects.filter(id=1).first()
    seq, hash_value = (head.seq, head.hash) if head else (0, "0" * 64)
    at = timezone.now().replace(microsecond=0).isoformat()
    signature = base64.b64encode(_private_key().sign(_body(seq, hash_value, at))).decode()
    return Checkpoint(seq=seq, hash=hash_value, at=at, key_id=key_id(), signature=signature)


def checkpoint_signature_ok(cp: Checkpoint, public_keys: list[str] | None = None) -> bool:
    """Check against the current public key, or the given ones (old keys after a rotation)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    for pub in public_keys or [public_key_b64()]:
        if key_id(pub) != cp.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(pub)).verify(
                base64.b64decode(cp.signature), cp.body()
            )
        except (InvalidSignature, ValueError):
            return False
        return True
    return False


def _syslog_handler(target: str) -> logging.Handler:
    if target.startswith("/"):
        return logging.handlers.SysLogHandler(address=target)
    host, _, port = target.rpartition(":")
    return logging.handlers.SysLogHandler(address=(host or target, int(port or 514)))


def checkpoint_publish() -> Checkpoint:
    """Sign the current head and publish it everywhere configured. The file and syslog copies are
    written after the portal's row commits; a failure to reach one is logged, never silent."""
    cp = checkpoint_sign()
    with transaction.atomic():
        AuditCheckpoint.objects.create(
            seq=cp.seq, hash=cp.hash, at=cp.at, key_id=cp.key_id, signature=cp.signature
        )
    line = cp.to_json()
    path = settings.JIANDU_AUDIT_CHECKPOINT_FILE
    if path:
        try:
            # O_APPEND only: works on a chattr +a file, which refuses every other kind of write.
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError:
            logger.exception("审计检查点写入文件失败：%s", path)
    if settings.JIANDU_AUDIT_SYSLOG:
        try:
            handler = _syslog_handler(settings.JIANDU_AUDIT_SYSLOG)
            record = logging.LogRecord(
                "jiandu.audit", logging.WARNING, __file__, 0, "jiandu-audit-checkpoint %s", (line,), None
            )
            handler.emit(record)
            handler.close()
        except OSError:
            logger.exception("审计检查点发送到 syslog 失败：%s", settings.JIANDU_AUDIT_SYSLOG)
    return cp


def checkpoints_read(path: str | Path) -> list[Checkpoint]:
    """Checkpoints from a file: JSON lines (the write-once file, or lines cut from syslog after the
    "jiandu-audit-checkpoint " marker) or the portal's JSON ({"checkpoints": [...]})."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CheckpointError(gettext("无法读取检查点文件：{path}").format(path=path)) from exc
    items: list[Any] = []
    stripped = text.strip()
    try:
        whole = json.loads(stripped) if stripped.startswith(("{", "[")) else None
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and isinstance(whole.get("checkpoints"), list):
        items = whole["checkpoints"]
    elif isinstance(whole, list):
        items = whole
    elif isinstance(whole, dict):
        items = [whole]
    else:
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.split("jiandu-audit-checkpoint ", 1)[-1].strip()
            if not line:
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CheckpointError(gettext("检查点文件第 {n} 行不是有效的 JSON").format(n=n)) from exc
    out = []
    for item in items:
        try:
            out.append(
                Checkpoint(
                    seq=int(item["seq"]),
                    hash=str(item["hash"]),
                    at=str(item["at"]),
                    key_id=str(item["key_id"]),
                    signature=str(item["signature"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(gettext("检查点缺少 seq、hash、at、key_id 或 signature")) from exc
    if not out:
        raise CheckpointError(gettext("检查点文件中没有检查点"))
    return out


def checkpoints_verified(path: str | Path, public_keys: list[str] | None = None) -> list[Checkpoint]:
    cps = checkpoints_read(path)
    for cp in cps:
        if not checkpoint_signature_ok(cp, public_keys):
            raise CheckpointError(
                gettext("检查点（第 {seq} 条，{at}）签名无效：该检查点不可信").format(seq=cp.seq, at=cp.at)
            )
    return cps
