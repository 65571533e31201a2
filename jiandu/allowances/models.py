"""Money and proof (经费): rates from finance documents, the 履职补助发放表 and reimbursement sheets,
expense claims with receipts, next year's activity plans for the budget, and proof of service.

A sheet is frozen once approved: its lines refuse every save and delete (`SheetLine.save`), and the
services refuse every change of an approved sheet other than marking it paid. A correction is an
adjusting line on a new sheet, never an edit (威海 人民监督员 2024 第四十二条第二款 makes the sheet the
record the bureau pays from).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField


class Item(models.TextChoices):
    DUTY = "duty", gettext_noop("履职补助")
    TRAVEL = "travel", gettext_noop("交通费")
    LODGING = "lodging", gettext_noop("住宿费")
    MEAL = "meal", gettext_noop("伙食费")


class Unit(models.TextChoices):
    PER_DUTY = "per_duty", gettext_noop("每次")
    PER_HALF_DAY = "per_half_day", gettext_noop("每半天")
    PER_DAY = "per_day", gettext_noop("每天")
    PER_NIGHT = "per_night", gettext_noop("每晚")
    PER_TRIP = "per_trip", gettext_noop("每趟")


class Rate(models.Model):
    """One dated bracket: an amount for an item, from a finance document, valid from–to."""

    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="rates")
    item = models.CharField(gettext_lazy("项目"), max_length=12, choices=Item.choices)
    unit = models.CharField(gettext_lazy("计发单位"), max_length=16, choices=Unit.choices)
    amount = models.DecimalField(gettext_lazy("金额（元）"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(gettext_lazy("执行起始日"))
    valid_to = models.DateField(gettext_lazy("执行截止日"), null=True, blank=True)
    source_name = models.CharField(gettext_lazy("依据文件名称"), max_length=200)
    source_number = models.CharField(gettext_lazy("文号"), max_length=80)
    source_effective_from = models.DateField(gettext_lazy("文件施行日期"))
    decision = models.JSONField(gettext_lazy("规则审查"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("补助与报销标准")
        verbose_name_plural = gettext_lazy("补助与报销标准")
        ordering = ["programme_id", "item", "-valid_from"]

    def __str__(self) -> str:
        return gettext("{get_item_display} {amount}元/{get_unit_display}").format(
            get_item_display=self.get_item_display(),
            amount=self.amount,
            get_unit_display=self.get_unit_display(),
        )

    @property
    def source(self) -> str:
        return f"{self.source_name}（{self.source_number}）"


class SheetKind(models.TextChoices):
    ALLOWANCE = "allowance", gettext_noop("履职补助发放表")
    REIMBURSEMENT = "reimbursement", gettext_noop("差旅费报销表")
    ADJUSTMENT = "adjustment", gettext_noop("补助调整表")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", gettext_noop("草稿")
    PREPARED = "prepared", gettext_noop("已制表待审核")
    APPROVED = "approved", gettext_noop("已审核")
    PAID = "paid", gettext_noop("已发放")


FROZEN = (SheetStatus.APPROVED, SheetStatus.PAID)


class SheetFrozen(RuntimeError):
    """An approved sheet cannot be changed; a correction is an adjusting line on a new sheet."""


class Sheet(models.Model):
    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="sheets")
    kind = models.CharField(gettext_lazy("类型"), max_length=16, choices=SheetKind.choices)
    number = models.CharField(gettext_lazy("编号"), max_length=40, unique=True)
    period_start = models.DateField(gettext_lazy("期间起"))
    period_end = models.DateField(gettext_lazy("期间止"))
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    total = models.DecimalField(gettext_lazy("合计（元）"), max_digits=12, decimal_places=2, default=0)
    # Rates used (with their source documents) and duties still 待核实, as they stood when generated.
    rates = models.JSONField(gettext_lazy("适用标准"), default=list)
    pending = models.JSONField(gettext_lazy("待核实"), default=list)
    decision = models.JSONField(gettext_lazy("规则依据"), default=dict)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(gettext_lazy("生成时间"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(gettext_lazy("制表时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(gettext_lazy("审核时间"), null=True, blank=True)
    paid_on = models.DateField(gettext_lazy("发放日期"), null=True, blank=True)
    payment_reference = models.CharField(gettext_lazy("支付凭证号"), max_length=80, blank=True)

    class Meta:
        verbose_name = gettext_lazy("发放表")
        verbose_name_plural = gettext_lazy("发放表")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("prepared_by")),
                name="sheet_two_people",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN


class SheetLine(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField(gettext_lazy("序号"))
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(gettext_lazy("姓名"), max_length=60)
    units = models.DecimalField(gettext_lazy("次数/天数"), max_digits=8, decimal_places=1, default=0)
    dates = models.CharField(gettext_lazy("履职日期"), max_length=500, blank=True)
    duties = models.JSONField(gettext_lazy("履职明细"), default=list)  # [{duty, date, title}]
    amount = models.DecimalField(gettext_lazy("金额（元）"), max_digits=12, decimal_places=2)
    claim = models.ForeignKey(
        "ExpenseClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="sheet_lines"
    )
    adjusts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    note = models.CharField(gettext_lazy("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = gettext_lazy("发放明细")
        verbose_name_plural = gettext_lazy("发放明细")
        ordering = ["sheet_id", "position"]

    def __str__(self) -> str:
        return f"{self.full_name} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_open()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_open()
        return super().delete(*args, **kwargs)

    def _check_open(self) -> None:
        status = Sheet.objects.filter(pk=self.sheet_id).values_list("status", flat=True).first()
        if status in FROZEN:
            raise SheetFrozen(gettext("发放表已审核，不能修改；更正请另行生成调整行"))


class SheetDuty(models.Model):
    """One duty (one supervisor's attendance) counted on one sheet line. Unique: a duty is paid once."""

    line = models.ForeignKey(SheetLine, on_delete=models.CASCADE, related_name="counted")
    assignment = models.OneToOneField("duties.Assignment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("计发的履职")
        verbose_name_plural = gettext_lazy("计发的履职")

    def __str__(self) -> str:
        return f"{self.line_id}:{self.assignment_id}"


def on_a_sheet() -> models.Exists:
    """Whether an assignment (the outer query's row) is already counted on a sheet, as an anti-join
    through SheetDuty's unique assignment index. Not `pk NOT IN (SELECT assignment_id …)`: PostgreSQL
    hashes that subquery only while it fits in work_mem; past that (a few hundred thousand counted
    duties) it rescans the subquery for every assignment."""
    return models.Exists(SheetDuty.objects.filter(assignment_id=models.OuterRef("pk")))


class ClaimPurpose(models.TextChoices):
    DUTY = "duty", gettext_noop("履职")
    TRAINING = "training", gettext_noop("培训")
    MEETING = "meeting", gettext_noop("会议")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", gettext_noop("待审核")
    SECOND = "second", gettext_noop("待第二人审核（超标准）")
    RETURNED = "returned", gettext_noop("已退回")
    APPROVED = "approved", gettext_noop("已审核")
    ON_SHEET = "on_sheet", gettext_noop("已列入报销表")
    PAID = "paid", gettext_noop("已报销")


class ExpenseClaim(models.Model):
    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="claims")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="claims")
    purpose = models.CharField(gettext_lazy("事由类型"), max_length=12, choices=ClaimPurpose.choices)
    duty = models.ForeignKey("duties.Duty", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(gettext_lazy("事由"), max_length=200)
    occurred_on = models.DateField(gettext_lazy("发生日期"))
    # Personal data: encrypted at rest, shown masked, revealed only through personal_reveal (audited).
    bank_name = models.CharField(gettext_lazy("开户行"), max_length=80)
    bank_account = EncryptedTextField(gettext_lazy("银行账号"))
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    total = models.DecimalField(gettext_lazy("合计（元）"), max_digits=12, decimal_places=2, default=0)
    over_limit = models.BooleanField(gettext_lazy("含超标准项目"), default=False)
    decision = models.JSONField(gettext_lazy("标准审查"), default=dict)
    submitted_at = models.DateTimeField(gettext_lazy("提交时间"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(gettext_lazy("初审时间"), null=True, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_at = models.DateTimeField(gettext_lazy("复审时间"), null=True, blank=True)
    return_reason = models.CharField(gettext_lazy("退回理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = gettext_lazy("费用报销申请")
        verbose_name_plural = gettext_lazy("费用报销申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_by__isnull=True) | ~models.Q(second_by=models.F("checked_by")),
                name="claim_two_people",
            )
        ]

    def __str__(self) -> str:
        return gettext("报销 #{pk} {description}").format(pk=self.pk, description=self.description)


class ClaimLine(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(gettext_lazy("项目"), max_length=12, choices=Item.choices)
    quantity = models.DecimalField(
        gettext_lazy("数量（趟/晚/天）"), max_digits=6, decimal_places=1, default=1
    )
    amount = models.DecimalField(gettext_lazy("金额（元）"), max_digits=10, decimal_places=2)
    limit = models.DecimalField(
        gettext_lazy("标准限额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    over_limit = models.BooleanField(gettext_lazy("超标准"), default=False)
    reason = models.CharField(gettext_lazy("超标准理由"), max_length=255, blank=True)

    class Meta:
        verbose_name = gettext_lazy("报销明细")
        verbose_name_plural = gettext_lazy("报销明细")
        ordering = ["claim_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.amount}"


def receipt_path(instance: ClaimReceipt, filename: str) -> str:
    return f"receipts/{instance.claim_id}/{instance.token}{instance.extension}"


class ClaimReceipt(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="receipts")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, blank=True)
    file = models.FileField(upload_to=receipt_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("票据")
        verbose_name_plural = gettext_lazy("票据")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("票据 {pk}").format(pk=self.pk)


class ActivityPlan(models.Model):
    """第四十一条第二款: the agency's written plan of next year's activities, for the budget request."""

    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="activity_plans")
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(gettext_lazy("年度"))
    items = models.JSONField(gettext_lazy("活动计划"))  # [{kind, count, supervisors_each}]
    note = models.CharField(gettext_lazy("说明"), max_length=255, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(gettext_lazy("提交时间"))

    class Meta:
        verbose_name = gettext_lazy("年度监督活动计划")
        verbose_name_plural = gettext_lazy("年度监督活动计划")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "agency", "year"], name="activity_plan_once")
        ]

    def __str__(self) -> str:
        return gettext("{year}年 {agency} 活动计划").format(year=self.year, agency=self.agency)


def _proof_token() -> str:
    return secrets.token_urlsafe(18)


class ServiceProof(models.Model):
    """履职证明 for the supervisor's employer (山西 第十五条), verifiable by QR code, revocable."""

    supervisor = models.ForeignKey(
        "roster.Supervisor", on_delete=models.PROTECT, related_name="service_proofs"
    )
    number = models.CharField(gettext_lazy("编号"), max_length=40, unique=True)
    token = models.CharField(max_length=40, unique=True, default=_proof_token, editable=False)
    period_start = models.DateField(gettext_lazy("期间起"))
    period_end = models.DateField(gettext_lazy("期间止"))
    addressee = models.CharField(gettext_lazy("致（所在单位）"), max_length=120)
    entries = models.JSONField(gettext_lazy("履职情况"), default=list)  # [{date, kind, title}]
    decision = models.JSONField(gettext_lazy("规则依据"), default=dict)
    issued_on = models.DateField(gettext_lazy("出具日期"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_on = models.DateField(gettext_lazy("撤销日期"), null=True, blank=True)
    revoked_reason = models.CharField(gettext_lazy("撤销原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = gettext_lazy("履职证明")
        verbose_name_plural = gettext_lazy("履职证明")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number
