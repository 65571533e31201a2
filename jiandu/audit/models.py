"""The audit trail: append-only, hash-chained events.

Each event stores the hash of the one before it, so altering or removing any event breaks the chain
from that point on; `jiandu audit verify` names the first break. The ORM refuses updates and deletes,
and the only removal path is the retention purge (jiandu.audit.services.audit_purge), which refuses
anything younger than the retention period and leaves an anchor event behind.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.immutable import ImmutableError, ImmutableModel

AppendOnlyError = ImmutableError  # the audit trail's name for the same refusal


class Outcome(models.TextChoices):
    SUCCESS = "success", gettext_noop("成功")
    FAILURE = "failure", gettext_noop("失败")
    DENIED = "denied", gettext_noop("拒绝")


class AuditEvent(ImmutableModel):
    # seq, prev_hash and hash are NULL from the INSERT until the sealer links the event into the chain
    # (deferred sealing, jiandu.audit.services.audit_seal); meanwhile `mac` holds its draft MAC.
    seq = models.BigIntegerField(gettext_lazy("序号"), unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField(gettext_lazy("时间"), db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=gettext_lazy("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(gettext_lazy("操作人"), max_length=150, blank=True)
    role = models.CharField(gettext_lazy("角色"), max_length=32, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(gettext_lazy("操作"), max_length=80, db_index=True)
    # No index of their own (each was two on PostgreSQL, with varchar_pattern_ops, written by every
    # append and again by its sealing UPDATE): a lookup by object goes through (target_type, target_id,
    # seq) below, and the /audit/ filter ORs them with a substring match, which no index serves.
    target_type = models.CharField(gettext_lazy("对象类型"), max_length=80, blank=True)
    target_id = models.CharField(gettext_lazy("对象编号"), max_length=64, blank=True)
    target_repr = models.CharField(gettext_lazy("对象"), max_length=255, blank=True)
    before = models.JSONField(gettext_lazy("修改前"), null=True, blank=True)
    after = models.JSONField(gettext_lazy("修改后"), null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    outcome = models.CharField(
        gettext_lazy("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)
    # HMAC of `hash` under a key kept outside the database ("kid:hex"; jiandu.audit.hashing).
    mac = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        verbose_name = gettext_lazy("审计事件")
        verbose_name_plural = gettext_lazy("审计事件")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "seq"]),
            # The sealer's queue: the unsealed events in id order (a partial index, empty when idle).
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq if self.seq is not None else '-'} {self.action}"


class AuditChainHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends on every database."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=80, blank=True, default="")  # HMAC of (seq, hash)
    # When a seal last moved the head (the database's clock): a writer's after-commit seal skips when
    # one ran within JIANDU_AUDIT_SEAL_COALESCE_MS in any process. A scheduling hint, not part of the
    # chain: the MAC does not cover it, and a wrong value only makes a seal run early or wait.
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain head (count, head hash, time), like a transparency log's
    signed tree head. This table is only the portal's copy: the copies that count are the ones
    outside the database (the write-once file, syslog, anyone who downloaded them), against which
    `jiandu audit verify --against FILE` checks the chain."""

    seq = models.BigIntegerField(gettext_lazy("事件数（链头序号）"))
    hash = models.CharField(gettext_lazy("链头哈希"), max_length=64)
    at = models.DateTimeField(gettext_lazy("签署时间"))
    key_id = models.CharField(gettext_lazy("签名公钥编号"), max_length=16)
    signature = models.CharField(gettext_lazy("签名"), max_length=128)

    class Meta:
        verbose_name = gettext_lazy("审计链检查点")
        verbose_name_plural = gettext_lazy("审计链检查点")
        ordering = ["-seq", "-id"]

    def __str__(self) -> str:
        return gettext("检查点 #{seq}").format(seq=self.seq)
