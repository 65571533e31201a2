"""Machine clients (issue 16): API tokens an agency issues for its own case system, and the
idempotency keys that make a retried create answer the first result instead of writing twice.

A token acts as the account that issued it, narrowed to the scopes chosen: the services see the same
actor, organisation and capabilities as on the pages, so there is no second set of rules. Only the
SHA-256 of the token is stored; the token itself is shown once, when it is issued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.roles import Capability


class Scope(models.TextChoices):
    DUTIES_READ = "duties:read", _("读取本单位的监督活动、抽选结果及参加人员名单")
    DUTIES_WRITE = "duties:write", _("提出、取消监督活动需求")
    FINDINGS_READ = "findings:read", _("读取转送本单位的监督意见")
    FINDINGS_REPLY = "findings:reply", _("答复监督意见、报送整改情况")


# A scope can only be granted by an account holding the capability behind it.
SCOPE_CAPABILITY: dict[str, str] = {
    Scope.DUTIES_READ: Capability.REQUEST_DUTIES,
    Scope.DUTIES_WRITE: Capability.REQUEST_DUTIES,
    Scope.FINDINGS_READ: Capability.ANSWER_FINDINGS,
    Scope.FINDINGS_REPLY: Capability.ANSWER_FINDINGS,
}


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    # Calls act as this account (the issuer): deactivating it or moving it to another organisation
    # stops the token.
    user = models.ForeignKey(
        "accounts.User", verbose_name="签发人", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称（对接的系统）", max_length=80)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField("授权范围", default=list)
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class IdempotencyKey(models.Model):
    """The answer given to the first POST with this key, replayed to every retry with the same body."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=201)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "operation", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
