"""Machine clients (issue 16): API tokens an agency issues for its own case system, and the
idempotency keys that make a retried create answer the first result instead of writing twice.

A token acts as the account that issued it, narrowed to the scopes chosen: the services see the same
actor, organisation and capabilities as on the pages, so there is no second set of rules. Only the
SHA-256 of the token is stored; the token itself is shown once, when it is issued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.roles import Capability
from jiandu.core.fields import EncryptedTextField


class Scope(models.TextChoices):
    DUTIES_READ = "duties:read", _("读取本单位的监督活动、抽选结果及参加人员名单")
    DUTIES_WRITE = "duties:write", _("提出、取消监督活动需求")
    FINDINGS_READ = "findings:read", _("读取转送本单位的监督意见")
    FINDINGS_REPLY = "findings:reply", _("答复监督意见、报送整改情况")
    # The bureau's systems (programme admins and regional staff).
    DRAWS_WRITE = "draws:write", _("发起、实施抽选，登记监督员答复，查看联络情况")
    FINDINGS_TRIAGE = "findings:triage", _("分办监督意见：转送、调查、不予处理、合并、核验销号、退回")


_BUREAU = (Capability.MANAGE_PROGRAMMES, Capability.ASSIST_PROGRAMMES)

# A scope can only be granted by an account holding one of the capabilities behind it; the services
# then apply that account's own role (a regional staff token with draws:write still cannot draw).
SCOPE_CAPABILITY: dict[str, tuple[str, ...]] = {
    Scope.DUTIES_READ: (Capability.REQUEST_DUTIES, *_BUREAU),
    Scope.DUTIES_WRITE: (Capability.REQUEST_DUTIES,),
    Scope.FINDINGS_READ: (Capability.ANSWER_FINDINGS, *_BUREAU),
    Scope.FINDINGS_REPLY: (Capability.ANSWER_FINDINGS,),
    Scope.DRAWS_WRITE: (Capability.MANAGE_PROGRAMMES,),
    Scope.FINDINGS_TRIAGE: _BUREAU,
}


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    # Calls act as this account (the issuer): deactivating it or moving it to another organisation
    # stops the token.
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("签发人"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称（对接的系统）"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("授权范围"), default=list)
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
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


# --- Webhooks (issue 16 §3) --------------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    DUTY_DRAWN = "duty.drawn", _("监督活动已抽选")
    PARTICIPANT_CONFIRMED = "participant.confirmed", _("监督员已确认参加")
    RECORD_CONFIRMED = "record.confirmed", _("监督员已确认履职情况反馈表")
    OPINION_FORWARDED = "opinion.forwarded", _("监督意见已转送本单位")
    REPLY_OVERDUE = "reply.overdue", _("监督意见答复已逾期")
    RECTIFICATION_VERIFIED = "rectification.verified", _("监督意见已核验销号")
    CALENDAR_RECOMPUTED = "calendar.recomputed", _("节假日安排载入后暂定期限已重新计算")


class WebhookEndpoint(models.Model):
    """An HTTPS address of one of the organisation's systems, told of the events it chose. The signing
    secret is shown once and stored encrypted (it must be read back to sign each delivery)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称（接收的系统）"), max_length=80)
    url = models.CharField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅的事件"), default=list)
    secret = EncryptedTextField(_("签名密钥"), editable=False)
    created_at = models.DateTimeField(_("登记时间"))
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("停用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事件推送地址")
        verbose_name_plural = _("事件推送地址")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.url}）"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待投递")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("已放弃")


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the same transaction as the change it reports (so it
    exists exactly when the change does), then POSTed by the task worker until it is answered with a
    2xx or runs out of attempts. `history` keeps every attempt; a replay is a new row."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("事件编号"))  # the same on a replay, so a receiver can drop duplicates
    payload = models.JSONField(_("内容"), default=dict)
    state = models.CharField(
        _("状态"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("投递次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次投递"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近投递"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容（截断）"), blank=True, default="")
    error = models.CharField(_("错误"), max_length=500, blank=True, default="")
    history = models.JSONField(_("投递记录"), default=list)
    created_at = models.DateTimeField(_("生成时间"))
    replay_of = models.ForeignKey(
        "self", verbose_name=_("重放自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replayed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("重放人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事件推送记录")
        verbose_name_plural = _("事件推送记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
