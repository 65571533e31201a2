"""Duties (监督活动 / 履职): the agency's request, the draw, contact in draw order, the day itself
(attendance and the 履职情况反馈表), and the reports that follow (威海 人民监督员 第十条–第二十条).

The draw is published and immutable: a DrawCommitment (the commitment, pool and requirements, published
when the draw is opened) and a DrawRecord (seed, witness values, result, record hash) refuse every
update, like the audit trail; `jiandu draw verify` replays a record with jiandu.rules.draw.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField

# ImmutableError is re-exported: duties code and tests catch it from here.
from jiandu.core.immutable import ImmutableError as ImmutableError
from jiandu.core.immutable import ImmutableModel


class DutyKind(models.TextChoices):
    HEARING = "hearing", gettext_noop("庭审或听证")
    REVIEW_MEETING = "review_meeting", gettext_noop("评审会（减刑、假释等）")
    INSPECTION = "inspection", gettext_noop("巡查检查")
    FILE_REVIEW = "file_review", gettext_noop("案卷评查")
    OTHER = "other", gettext_noop("其他")


class DutyStatus(models.TextChoices):
    REQUESTED = "requested", gettext_noop("待抽选")
    DRAW_OPEN = "draw_open", gettext_noop("已公布承诺，待抽选")
    CONTACTING = "contacting", gettext_noop("联络中")
    REDRAW_NEEDED = "redraw_needed", gettext_noop("名单已用尽，须重新抽选")
    STAFFED = "staffed", gettext_noop("人员已确定")
    HELD = "held", gettext_noop("已履职")
    CANCELLED = "cancelled", gettext_noop("已取消")


# The columns that decide who sees a duty (duties.selectors.duty_scope_q).
SCOPE_COLUMNS = ["programme", "agency", "district"]


class Duty(models.Model):
    programme = models.ForeignKey(
        "roster.Programme",
        verbose_name=gettext_lazy("监督项目"),
        on_delete=models.PROTECT,
        related_name="duties",
    )
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("申请单位"),
        on_delete=models.PROTECT,
        related_name="duties",
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=gettext_lazy("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(gettext_lazy("活动类型"), max_length=24, choices=DutyKind.choices)
    title = models.CharField(gettext_lazy("活动名称"), max_length=160)
    description = models.TextField(gettext_lazy("活动简要情况"), blank=True)
    duty_on = models.DateField(gettext_lazy("活动日期"))
    starts_at = models.TimeField(gettext_lazy("开始时间"), null=True, blank=True)
    place = models.CharField(gettext_lazy("地点"), max_length=160)
    # The duty's district: supervisors living there are "local" (就近), others cross-district (跨区).
    district = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("活动所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervisors_needed = models.PositiveSmallIntegerField(gettext_lazy("所需人数"))
    specialty_minimums = models.JSONField(
        gettext_lazy("专业要求"), default=dict, blank=True
    )  # {Specialty: minimum}
    local_min = models.PositiveSmallIntegerField(gettext_lazy("本区县至少"), default=0)
    cross_min = models.PositiveSmallIntegerField(gettext_lazy("跨区县至少"), default=0)
    # Further quotas for the draw (docs/draw.md part II): [{category, value, min, max}], max null = none;
    # category one of district / local / specialty / gender / ethnicity (jiandu.rules.draw_v2).
    quotas = models.JSONField(gettext_lazy("名额要求"), default=list, blank=True)
    # For recusal (第十三条): the case's parties by name, and organisations in the system involved in it.
    parties = models.JSONField(gettext_lazy("案件当事人及相关单位"), default=list, blank=True)
    related_orgs = models.ManyToManyField(
        "orgs.Organisation", verbose_name=gettext_lazy("相关单位（系统内）"), blank=True, related_name="+"
    )
    consent = models.BooleanField(gettext_lazy("已经司法局同意按特殊情况办理"), default=False)
    consent_note = models.CharField(gettext_lazy("同意情况说明"), max_length=255, blank=True)
    requested_on = models.DateField(gettext_lazy("通知日期"))
    lead_decision = models.JSONField(gettext_lazy("提前通知审查"), default=dict)
    # The lead-time check passed on a provisional calendar (a year whose notice was not loaded).
    lead_provisional = models.BooleanField(gettext_lazy("提前通知审查为暂定"), default=False)
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=DutyStatus.choices, default=DutyStatus.REQUESTED
    )
    # 第二十条: the agency reports on the duty within N working days after it.
    report_due_on = models.DateField(gettext_lazy("履职情况通报期限"), null=True, blank=True)
    report_due_provisional = models.BooleanField(gettext_lazy("通报期限为暂定"), default=False)
    reported_on = models.DateField(gettext_lazy("通报日期"), null=True, blank=True)
    # How long a drawn supervisor has to answer before the next in order is asked (set by the bureau;
    # the rulebooks name no period). None: no automatic move on.
    answer_hours = models.PositiveSmallIntegerField(gettext_lazy("答复期限（小时）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("监督活动")
        verbose_name_plural = gettext_lazy("监督活动")
        ordering = ["-duty_on", "-id"]
        indexes = [
            # The duty list reads this index backwards and stops at its page; it carries the columns
            # that decide who sees a duty, so the walk picks the page's ids from the index alone (a
            # province admin at national scale sees 1 duty in 31) and reads only the page's rows
            # (duties.selectors.duty_list_page, docs/performance.md). Also the order of every other
            # duty read that keeps the model's ordering (the API's list pages by created_at instead).
            models.Index(fields=["duty_on", "id"], include=SCOPE_COLUMNS, name="duty_list_order_scope"),
            # The home page's work queue counts (docs/performance.md): duties by status, and reports
            # still due (第二十条), a small part of all held duties.
            models.Index(fields=["status"], name="duty_status"),
            # The home page's work queue walks these partial indexes in date order (oldest date: the
            # first visible entry; capped count: the first COUNT_CAP visible). They carry the columns
            # that decide who sees a duty (duties.selectors.duty_scope_q), so the walk reads no table
            # row: a province admin at national scale sees 1 entry in 31 (docs/performance.md).
            models.Index(
                fields=["report_due_on"],
                include=SCOPE_COLUMNS,
                name="duty_report_due",
                condition=models.Q(status=DutyStatus.HELD, reported_on__isnull=True),
            ),
            models.Index(
                fields=["requested_on"],
                include=SCOPE_COLUMNS,
                name="duty_to_draw",
                condition=models.Q(
                    status__in=[DutyStatus.REQUESTED, DutyStatus.DRAW_OPEN, DutyStatus.REDRAW_NEEDED]
                ),
            ),
            # Who sees a duty, by id: the work queue's assignment entries (unanswered invitations)
            # check each assignment's duty here, without reading the duty's row.
            models.Index(fields=["id"], include=SCOPE_COLUMNS, name="duty_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.duty_on:%Y-%m-%d} {self.title}"


class DrawCommitment(ImmutableModel):
    """Published when a draw is opened: SHA-256 of the secret seed, the pool and requirements (and
    their hash). The seed stays encrypted here until the draw reveals it in the DrawRecord."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="commitments")
    number = models.PositiveSmallIntegerField(gettext_lazy("第几次抽选"))
    redraw_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The published algorithm this draw follows (docs/draw.md): v1 records keep verifying as v1.
    algorithm = models.CharField(gettext_lazy("抽选算法"), max_length=24, default="jiandu-draw-v1")
    commitment = models.CharField(gettext_lazy("承诺值 SHA-256(种子)"), max_length=64)
    pool = models.JSONField(gettext_lazy("候选池"))
    requirements = models.JSONField(gettext_lazy("抽选要求"))
    pool_hash = models.CharField(gettext_lazy("候选池哈希"), max_length=64)
    seed = EncryptedTextField(gettext_lazy("种子（抽选前保密）"))
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(gettext_lazy("公布时间"))

    class Meta:
        verbose_name = gettext_lazy("抽选承诺")
        verbose_name_plural = gettext_lazy("抽选承诺")
        ordering = ["duty_id", "number"]
        constraints = [models.UniqueConstraint(fields=["duty", "number"], name="draw_commitment_number")]

    def __str__(self) -> str:
        return gettext("{duty} 第{number}次抽选").format(duty=self.duty, number=self.number)


class DrawRecord(ImmutableModel):
    """The public record of a draw (docs/draw.md §5), written once."""

    commitment = models.OneToOneField(DrawCommitment, on_delete=models.PROTECT, related_name="record")
    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="draws")
    record = models.JSONField(gettext_lazy("公开记录"))
    record_hash = models.CharField(gettext_lazy("记录哈希"), max_length=64)
    drawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(gettext_lazy("抽选时间"))

    class Meta:
        verbose_name = gettext_lazy("抽选记录")
        verbose_name_plural = gettext_lazy("抽选记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("抽选记录 #{pk}").format(pk=self.pk)

    @property
    def order(self) -> list[str]:
        return list(self.record["result"]["order"])


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", gettext_noop("待答复")
    ACCEPTED = "accepted", gettext_noop("已接受")
    DECLINED = "declined", gettext_noop("已谢绝")
    RECUSED = "recused", gettext_noop("已回避")
    ATTENDED = "attended", gettext_noop("已出席")
    ABSENT = "absent", gettext_noop("未出席")
    TIMED_OUT = "timed_out", gettext_noop("逾期未答复")


# Asked and still counted on: pending or accepted (and, after the day, attended).
ENGAGED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.ATTENDED)
# What counts as an opportunity for the balance rule (机会均衡): asked, and not recused.
OPPORTUNITY = (
    AssignmentStatus.INVITED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.DECLINED,
    AssignmentStatus.ATTENDED,
    AssignmentStatus.ABSENT,
    AssignmentStatus.TIMED_OUT,
)


def _token() -> str:
    return secrets.token_urlsafe(18)


class Assignment(models.Model):
    """One supervisor asked for one duty, in draw order (第十二条)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="assignments")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="assignments")
    draw = models.ForeignKey(DrawRecord, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveIntegerField(gettext_lazy("抽选顺位"))  # 1-based, in that draw's order
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.INVITED,
    )
    reason = models.CharField(gettext_lazy("理由"), max_length=255, blank=True)
    excused = models.BooleanField(gettext_lazy("缺席有正当理由"), default=False)
    invited_at = models.DateTimeField(gettext_lazy("联络时间"))
    responded_at = models.DateTimeField(gettext_lazy("答复时间"), null=True, blank=True)
    # The invitation by SMS and in-app (第十二条 联络), and the answer deadline it carried.
    notified_at = models.DateTimeField(gettext_lazy("邀请发送时间"), null=True, blank=True)
    answer_due_at = models.DateTimeField(gettext_lazy("答复截止时间"), null=True, blank=True)
    # Confirmation of the duty record (第十七条 现场签字确认): on the phone, or a signed printed form.
    confirm_token = models.CharField(max_length=32, default=_token, unique=True, editable=False)
    confirmed_at = models.DateTimeField(gettext_lazy("确认时间"), null=True, blank=True)
    confirmed_via = models.CharField(gettext_lazy("确认方式"), max_length=12, blank=True)  # phone | paper
    confirmed_hash = models.CharField(gettext_lazy("确认时记录哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = gettext_lazy("人员联络")
        verbose_name_plural = gettext_lazy("人员联络")
        ordering = ["duty_id", "invited_at", "id"]
        # The work queue's unanswered invitations: few among all assignments ever made.
        indexes = [
            models.Index(
                fields=["duty"],
                name="assignment_invited",
                condition=models.Q(status=AssignmentStatus.INVITED),
            ),
            # The same, oldest invitation first (the home page's oldest date and capped count), with
            # the duty to check who sees it against (Duty's index duty_scope).
            models.Index(
                fields=["invited_at"],
                include=["duty"],
                name="assignment_invited_at",
                condition=models.Q(status=AssignmentStatus.INVITED),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["duty", "supervisor"], name="assignment_once_per_duty")
        ]

    def __str__(self) -> str:
        return f"{self.duty} · {self.supervisor}"


class AttendanceCorrection(ImmutableModel):
    """A correction to recorded attendance, by the bureau (issue 11 #2): attendance is frozen once
    recorded; a change is this new row, audited, and the supervisor is told."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="corrections")
    before_status = models.CharField(gettext_lazy("更正前"), max_length=12, choices=AssignmentStatus.choices)
    before_excused = models.BooleanField(gettext_lazy("更正前有正当理由"))
    after_status = models.CharField(gettext_lazy("更正后"), max_length=12, choices=AssignmentStatus.choices)
    after_excused = models.BooleanField(gettext_lazy("更正后有正当理由"))
    reason = models.CharField(gettext_lazy("更正理由"), max_length=500)
    corrected_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(gettext_lazy("更正时间"))

    class Meta:
        verbose_name = gettext_lazy("出席情况更正")
        verbose_name_plural = gettext_lazy("出席情况更正")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("更正 {assignment}：{before_status} → {after_status}").format(
            assignment=self.assignment, before_status=self.before_status, after_status=self.after_status
        )


class DutyRecord(models.Model):
    """《履职情况反馈表》(第十七条): what happened, each supervisor's opinion and whether it was adopted.
    Editable until the first supervisor confirms it; a confirmation stores the record's hash."""

    duty = models.OneToOneField(Duty, on_delete=models.CASCADE, related_name="record")
    summary = models.TextField(gettext_lazy("办案活动简要情况"))
    filled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField(gettext_lazy("填写时间"))

    class Meta:
        verbose_name = gettext_lazy("履职情况反馈表")
        verbose_name_plural = gettext_lazy("履职情况反馈表")

    def __str__(self) -> str:
        return gettext("反馈表：{duty}").format(duty=self.duty)

    @property
    def duty_on(self) -> Any:  # read by jiandu.findings as the date the opinion arose
        return self.duty.duty_on


class Adoption(models.TextChoices):
    PENDING = "pending", gettext_noop("待研究")
    ADOPTED = "adopted", gettext_noop("采纳")
    PARTLY = "partly", gettext_noop("部分采纳")
    NOT_ADOPTED = "not_adopted", gettext_noop("未采纳")


class DutyOpinion(models.Model):
    record = models.ForeignKey(DutyRecord, on_delete=models.CASCADE, related_name="opinions")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(gettext_lazy("监督意见"))
    adoption = models.CharField(
        gettext_lazy("采纳情况"), max_length=12, choices=Adoption.choices, default=Adoption.PENDING
    )
    adoption_reason = models.CharField(gettext_lazy("采纳或不采纳的理由"), max_length=500, blank=True)
    # Set when the opinion is sent on to the findings workflow (jiandu.findings).
    finding_ref = models.CharField(gettext_lazy("转办编号"), max_length=40, blank=True)
    sent_at = models.DateTimeField(gettext_lazy("转办时间"), null=True, blank=True)
    # Sent on as confidential (威海 2022 第十四条): the agency's pages never show that this opinion
    # became a finding, nor which one (jiandu.duties.selectors.record_opinions_for).
    sent_confidential = models.BooleanField(gettext_lazy("保密转办"), default=False)

    class Meta:
        verbose_name = gettext_lazy("监督意见")
        verbose_name_plural = gettext_lazy("监督意见")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.supervisor}：{self.text[:20]}"


class MonthlySummary(models.Model):
    """第二十条: each month's feedback forms, summarised and forwarded by the N-th of the next month."""

    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(gettext_lazy("年"))
    month = models.PositiveSmallIntegerField(gettext_lazy("月"))
    due_on = models.DateField(gettext_lazy("截止日期"))
    sent_on = models.DateField(gettext_lazy("转送日期"))
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    duty_ids = models.JSONField(gettext_lazy("所含活动"), default=list)

    class Meta:
        verbose_name = gettext_lazy("月度汇总")
        verbose_name_plural = gettext_lazy("月度汇总")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "agency", "year", "month"], name="monthly_summary_once"
            )
        ]

    def __str__(self) -> str:
        return gettext("{year}年{month}月 履职情况汇总").format(year=self.year, month=self.month)
