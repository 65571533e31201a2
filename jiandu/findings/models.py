"""Opinions and leads (监督意见 / 违法线索) followed until the agency answers and rectifies, and
complaints against supervisors (举报).

Reporter identity lives only on the Finding row (reporter, created_by) and on attachments
(uploaded_by, original_name). Agency-facing code never reads those columns: it goes through
jiandu.findings.selectors.AgencyFinding, a projection without them (威海 2022 第十四条).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField


class Source(models.TextChoices):
    OPINION = "opinion", gettext_noop("监督意见建议")  # 威海 2022 第十一条, 万州 第十六条第二款
    LEAD = "lead", gettext_noop("违法线索")  # 威海 2022 第十一条
    DUTY = "duty", gettext_noop("履职反馈意见")  # from a duty record
    INSPECTION = "inspection", gettext_noop("工作检查发现")  # found by bureau staff


class Status(models.TextChoices):
    SUBMITTED = "submitted", gettext_noop("待分办")
    FORWARDED = "forwarded", gettext_noop("已转送待答复")
    INVESTIGATING = "investigating", gettext_noop("本局调查中")
    RECTIFYING = "rectifying", gettext_noop("整改中")
    REPLIED = "replied", gettext_noop("已答复待核验")
    CLOSED = "closed", gettext_noop("已办结销号")
    DECLINED = "declined", gettext_noop("不予处理")
    MERGED = "merged", gettext_noop("已合并")


OPEN_STATUSES = (Status.SUBMITTED, Status.FORWARDED, Status.INVESTIGATING, Status.RECTIFYING, Status.REPLIED)
# What the agency may see at all: only what the bureau has forwarded to it.
AGENCY_STATUSES = (Status.FORWARDED, Status.RECTIFYING, Status.REPLIED, Status.CLOSED)


class Correction(models.TextChoices):
    """万州 第十六条第三款: a real problem is corrected at once, or a plan with a deadline is given."""

    IMMEDIATE = "immediate", gettext_noop("已立即纠正")
    PLAN = "plan", gettext_noop("制定整改计划")
    NONE = "none", gettext_noop("无需整改")


class Finding(models.Model):
    programme = models.ForeignKey(
        "roster.Programme",
        verbose_name=gettext_lazy("监督项目"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    agency = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("被监督单位"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    source = models.CharField(gettext_lazy("来源"), max_length=16, choices=Source.choices)
    # Reporter identity: never projected to the agency (see selectors.AgencyFinding).
    reporter = models.ForeignKey(
        "roster.Supervisor",
        verbose_name=gettext_lazy("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confidential = models.BooleanField(gettext_lazy("要求保密"), default=False)  # 威海 2022 第十四条
    # A reference to where it came from (e.g. "duties.dutyrecord:12"); hidden from the agency.
    source_ref = models.CharField(gettext_lazy("来源记录"), max_length=80, blank=True)
    title = models.CharField(gettext_lazy("标题"), max_length=120)
    text = models.TextField(gettext_lazy("意见内容"))
    occurred_on = models.DateField(gettext_lazy("发现日期"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_on = models.DateField(gettext_lazy("提出日期"))

    # Triage (万州 第十六条第二款).
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(gettext_lazy("不予处理理由"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    forwarded_on = models.DateField(gettext_lazy("转送日期"), null=True, blank=True)
    forward_note = models.TextField(gettext_lazy("转送说明"), blank=True)

    # The reply clock (威海 2022 第十二条: 30 days). reply_reason is the Reason (rulebook, article, facts).
    reply_days = models.PositiveSmallIntegerField(gettext_lazy("答复期限（日）"), null=True, blank=True)
    reply_due = models.DateField(gettext_lazy("答复截止日"), null=True, blank=True)
    # Computed in a year whose holiday notice was not loaded (暂定); recomputed when it is.
    reply_due_provisional = models.BooleanField(gettext_lazy("答复截止日为暂定"), default=False)
    reply_reason = models.JSONField(gettext_lazy("期限依据"), null=True, blank=True)
    reply_remind_on = models.DateField(null=True, blank=True, editable=False)

    # The agency's reply (万州 第十六条第三款).
    replied_on = models.DateField(gettext_lazy("答复日期"), null=True, blank=True)
    reply_text = models.TextField(gettext_lazy("答复内容"), blank=True)
    adopted = models.BooleanField(gettext_lazy("是否采纳"), null=True, blank=True)
    correction = models.CharField(
        gettext_lazy("整改方式"), max_length=16, choices=Correction.choices, blank=True
    )
    rectification_plan = models.TextField(gettext_lazy("整改计划"), blank=True)
    rectify_due = models.DateField(gettext_lazy("整改期限"), null=True, blank=True)
    rectify_remind_on = models.DateField(null=True, blank=True, editable=False)
    rectified_on = models.DateField(gettext_lazy("整改完成日期"), null=True, blank=True)
    rectification_report = models.TextField(gettext_lazy("整改情况"), blank=True)

    # Verification and the result fed back to the reporter (威海 2022 第十五条, 山西 第九条（三）).
    closed_on = models.DateField(gettext_lazy("销号日期"), null=True, blank=True)
    result_text = models.TextField(gettext_lazy("处理结果"), blank=True)
    rating = models.PositiveSmallIntegerField(gettext_lazy("满意度评价"), null=True, blank=True)
    rating_comment = models.CharField(gettext_lazy("评价说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("监督意见")
        verbose_name_plural = gettext_lazy("监督意见")
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"], name="finding_agency_status"),
            # The findings list reads this index backwards and stops at its page (docs/performance.md).
            # It carries what the staff and agency scopes and the list's status and overdue filters
            # test, so the page's ids come from the index alone (selectors.finding_page).
            models.Index(
                fields=["submitted_on", "id"],
                include=["programme", "agency", "status", "forwarded_on", "reply_due", "rectify_due"],
                name="finding_list_scope",
            ),
            # The deadline scan finds the clocks that reached a stage; which of them were already
            # reminded or escalated is in ScanStamp (narrow rows), so stamping never rewrites a finding.
            models.Index(fields=["status", "reply_remind_on"], name="finding_scan_reply_remind_on"),
            models.Index(fields=["status", "reply_due"], name="finding_scan_reply_due"),
            models.Index(fields=["status", "rectify_remind_on"], name="finding_scan_rect_remind_on"),
            models.Index(fields=["status", "rectify_due"], name="finding_scan_rect_due"),
            # The home page's work queue (docs/performance.md): each entry's rows in its date order,
            # so its oldest date is the first visible row and its capped count stops early. Each
            # carries the columns that decide who sees a finding (selectors.findings_for_staff), and
            # the overdue entry's other deadline, so the walk reads no table row.
            models.Index(
                fields=["submitted_on"],
                include=["programme", "agency"],
                name="finding_to_triage",
                condition=Q(status=Status.SUBMITTED),
            ),
            models.Index(
                fields=["reply_due"],
                include=["programme", "agency", "status", "rectify_due"],
                name="finding_open_reply_due",
                condition=Q(status__in=[Status.FORWARDED, Status.RECTIFYING]),
            ),
            models.Index(
                fields=["replied_on"],
                include=["programme", "agency"],
                name="finding_to_verify",
                condition=Q(status=Status.REPLIED),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="finding_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return gettext("第{pk}号 {title}").format(pk=self.pk, title=self.title)

    @property
    def number(self) -> str:
        return f"JD-{self.pk:06d}" if self.pk else ""

    def _stamped_on(self, stage: str) -> dt.date | None:
        return self.scan_stamps.filter(stage=stage).values_list("on", flat=True).first()

    @property
    def reply_escalated_on(self) -> dt.date | None:
        return self._stamped_on("reply_escalation")

    @property
    def rectify_escalated_on(self) -> dt.date | None:
        return self._stamped_on("rectify_escalation")

    def active_due(self) -> dt.date | None:
        if self.status == Status.FORWARDED:
            return self.reply_due
        if self.status == Status.RECTIFYING:
            return self.rectify_due
        return None

    def is_overdue(self, today: dt.date) -> bool:
        due = self.active_due()
        return due is not None and today > due

    def was_late(self, today: dt.date) -> bool:
        return finding_late(
            status=self.status,
            reply_due=self.reply_due,
            replied_on=self.replied_on,
            rectify_due=self.rectify_due,
            rectified_on=self.rectified_on,
            today=today,
        )


def finding_late(
    *,
    status: str,
    reply_due: dt.date | None,
    replied_on: dt.date | None,
    rectify_due: dt.date | None,
    rectified_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Late now, or late when it was done: a reply or a rectification after its due date stays late
    once it is in (an export of a reply fifteen days late said 是否逾期 = False)."""

    def late(due: dt.date | None, done_on: dt.date | None, waiting: bool) -> bool:
        if due is None:
            return False
        if done_on is not None:
            return done_on > due
        return waiting and today > due

    return late(reply_due, replied_on, status == Status.FORWARDED) or late(
        rectify_due, rectified_on, status == Status.RECTIFYING
    )


class ScanStamp(models.Model):
    """A reminder or an escalation the deadline scan sent for one clock of one finding (jiandu.findings.
    scan). Insert-only and narrow on purpose: the first scan of a migrated backlog stamps most of a
    million findings, and writing these small rows (one index) costs a fraction of rewriting every wide
    finding row with its dozen indexes. A clock that starts again (a new forward, a new rectification
    deadline) deletes its stamps, so it is reminded again."""

    # The primary key is the pair the scan looks up and that must be unique: no surrogate id, so a
    # stamp is one heap row and one index entry, with no sequence to draw from (docs/performance.md).
    pk = models.CompositePrimaryKey("finding_id", "stage")
    # No database foreign key (db_constraint=False): PostgreSQL checks one per inserted row, locking the
    # finding's row (FOR KEY SHARE: a write to the wide finding's page) — 43% of the stamp insert at a
    # million findings (docs/performance.md). The scan stamps only ids it has just read; deleting a
    # finding through Django still deletes its stamps (on_delete=CASCADE is Django's).
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="scan_stamps", db_index=False, db_constraint=False
    )
    stage = models.CharField(max_length=24)  # a jiandu.findings.scan.STAGES name
    on = models.DateField()

    class Meta:
        verbose_name = gettext_lazy("期限提醒记录")
        verbose_name_plural = gettext_lazy("期限提醒记录")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.stage} {self.on}"


def attachment_path(instance: FindingAttachment, filename: str) -> str:
    # The stored name is random: the uploader's file name (often a phone's "IMG_…" or a person's
    # name) never reaches the disk or a URL.
    return f"findings/{instance.token}{instance.extension}"


class FindingAttachment(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, blank=True)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Uploader identity: staff only, never projected to the agency.
    original_name = models.CharField(gettext_lazy("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("附件")
        verbose_name_plural = gettext_lazy("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("附件 {pk}").format(pk=self.pk)


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", gettext_noop("已受理")
    INVESTIGATING = "investigating", gettext_noop("调查中")
    SUBSTANTIATED = "substantiated", gettext_noop("查证属实")
    UNSUBSTANTIATED = "unsubstantiated", gettext_noop("查无实据")


class ComplainantKind(models.TextChoices):
    AGENCY = "agency", gettext_noop("行政执法机关")  # 威海 2022 第十三条, 万州 第十七条
    PUBLIC = "public", gettext_noop("社会公众")  # 万州 第十七条


class Complaint(models.Model):
    """举报 against a supervisor (万州 第十七条; 威海 2022 第十三条), investigated by the bureau,
    whose result goes back to the complainant; a proven one can ground a dismissal."""

    tracking_code = models.CharField(gettext_lazy("查询码"), max_length=12, unique=True)
    complainant_kind = models.CharField(
        gettext_lazy("举报人类型"), max_length=16, choices=ComplainantKind.choices
    )
    complainant_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complainant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    complainant_name = models.CharField(gettext_lazy("举报人姓名"), max_length=60, blank=True)
    complainant_phone = EncryptedTextField(gettext_lazy("联系电话"), blank=True)
    programme = models.ForeignKey(
        "roster.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    supervisor = models.ForeignKey(
        "roster.Supervisor", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    supervisor_name_given = models.CharField(gettext_lazy("被举报监督员"), max_length=60)
    certificate_no_given = models.CharField(gettext_lazy("证件编号"), max_length=40, blank=True)
    text = models.TextField(gettext_lazy("举报内容"))
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    received_on = models.DateField(gettext_lazy("受理日期"))
    outcome = models.TextField(gettext_lazy("调查结果"), blank=True)
    concluded_on = models.DateField(gettext_lazy("办结日期"), null=True, blank=True)
    # When proven: the dismissal ground it supports (jiandu.rules.dismissal Ground code and article).
    dismissal_ground = models.CharField(gettext_lazy("对应解聘情形"), max_length=60, blank=True)
    dismissal_article = models.CharField(gettext_lazy("条款"), max_length=40, blank=True)
    referred_to = models.CharField(gettext_lazy("移送单位"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("举报")
        verbose_name_plural = gettext_lazy("举报")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return gettext("举报 {tracking_code}").format(tracking_code=self.tracking_code)
