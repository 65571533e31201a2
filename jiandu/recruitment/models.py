"""A recruitment round: announcement → applications → screening → public notice (公示) with objections
→ appointment. The rule values (notice period, term length, the one-month lead before recruitment)
come from the programme's rulebook; every automated check is stored as a Decision with its rulebook
version so it still explains itself later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField


class RoundStatus(models.TextChoices):
    DRAFT = "draft", gettext_noop("草稿")
    PUBLISHED = "published", gettext_noop("已发布，接受报名")
    NOTICE = "notice", gettext_noop("公示中")
    APPOINTED = "appointed", gettext_noop("已聘任")
    CLOSED = "closed", gettext_noop("已结束")


class Round(models.Model):
    """One recruitment round; its announcement (聘任公告) is what the public portal shows."""

    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(gettext_lazy("公告标题"), max_length=200)
    quota = models.PositiveSmallIntegerField(gettext_lazy("拟聘名额"))
    # [{"text": ..., "article": "第五条第（一）项", "rulebook": ...}] generated from the rulebook.
    conditions = models.JSONField(gettext_lazy("聘任条件"), default=list, blank=True)
    procedure = models.TextField(gettext_lazy("程序及其他事项"), blank=True)
    applications_open = models.DateField(gettext_lazy("报名开始"))
    applications_close = models.DateField(gettext_lazy("报名截止"))
    recruitment_starts_on = models.DateField(gettext_lazy("聘任工作开始日期"))
    term_start = models.DateField(gettext_lazy("任期开始"))
    term_end = models.DateField(gettext_lazy("任期结束"))
    term_reason = models.JSONField(default=dict, blank=True)
    # 补聘: appointees join the current cohort and leave with it (山西 第六条（三）).
    is_replenishment = models.BooleanField(gettext_lazy("补聘"), default=False)
    timing_reason = models.JSONField(gettext_lazy("发布时间依据"), default=dict, blank=True)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    published_on = models.DateField(gettext_lazy("发布日期"), null=True, blank=True)
    appointed_on = models.DateField(gettext_lazy("聘任日期"), null=True, blank=True)
    appointment_announcement = models.ForeignKey(
        "roster.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("选聘批次")
        verbose_name_plural = gettext_lazy("选聘批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_accepting(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class Channel(models.TextChoices):
    SELF = "self", gettext_noop("个人自荐")
    UNIT = "unit", gettext_noop("单位推荐")
    INVITATION = "invitation", gettext_noop("定向邀请")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", gettext_noop("已提交")
    SCREENED = "screened", gettext_noop("已初审，待复核")
    SHORTLISTED = "shortlisted", gettext_noop("审查通过，拟聘")
    REJECTED = "rejected", gettext_noop("未通过审查")
    IN_NOTICE = "in_notice", gettext_noop("公示中")
    BLOCKED = "blocked", gettext_noop("公示异议成立，不予聘任")
    APPOINTED = "appointed", gettext_noop("已聘任")


class Application(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="applications")
    receipt_no = models.CharField(gettext_lazy("受理编号"), max_length=24, unique=True)
    channel = models.CharField(gettext_lazy("报名方式"), max_length=12, choices=Channel.choices)
    full_name = models.CharField(gettext_lazy("姓名"), max_length=60)
    gender = models.CharField(gettext_lazy("性别"), max_length=8, blank=True)
    id_number = EncryptedTextField(gettext_lazy("身份证号"))
    id_number_lookup = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(gettext_lazy("出生日期"))
    phone = EncryptedTextField(gettext_lazy("手机号码"))
    phone_lookup = models.CharField(max_length=64, blank=True, editable=False)
    email = models.EmailField(gettext_lazy("电子邮箱"), blank=True)
    education = models.CharField(gettext_lazy("文化程度"), max_length=32)
    political_status = models.CharField(gettext_lazy("政治面貌"), max_length=32, blank=True)
    employer = models.CharField(gettext_lazy("工作单位"), max_length=120, blank=True)
    position = models.CharField(gettext_lazy("职务"), max_length=60, blank=True)
    specialties = models.JSONField(gettext_lazy("专业领域"), default=list, blank=True)
    district = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # Declarations the rules core checks (criminal record, enforcement post …): {fact: bool}.
    declarations = models.JSONField(gettext_lazy("本人声明"), default=dict, blank=True)
    statement = models.TextField(gettext_lazy("个人简介及报名理由"), blank=True)
    recommending_unit = models.CharField(gettext_lazy("推荐单位"), max_length=120, blank=True)
    entered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    # The rules core's Decision.to_dict() and the rulebook it was made under.
    decision = models.JSONField(gettext_lazy("规则审查结果"), default=dict, blank=True)
    rulebook_id = models.CharField(max_length=80, blank=True)
    rulebook_version = models.CharField(max_length=80, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    review_criteria = models.TextField(gettext_lazy("审查标准及意见"), blank=True)
    rejection_reason = models.TextField(gettext_lazy("不予通过理由（报名人可见）"), blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    supervisor = models.ForeignKey(
        "roster.Supervisor", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("报名")
        verbose_name_plural = gettext_lazy("报名")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "id_number_lookup"], name="one_application_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.receipt_no}）"

    @property
    def outcome(self) -> str:
        return str(self.decision.get("outcome", "")) if self.decision else ""


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="applications/")
    name = models.CharField(gettext_lazy("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("附件")
        verbose_name_plural = gettext_lazy("附件")

    def __str__(self) -> str:
        return self.name


class PublicNotice(models.Model):
    """公示 of a round's shortlist; the period comes from the rulebook (万州 第六条（二）: ≥ 5 working days)."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="notice")
    starts_on = models.DateField(gettext_lazy("公示开始"))
    ends_on = models.DateField(gettext_lazy("公示截止"))
    # The minimum period's end was computed in a year whose holiday notice was not loaded (暂定).
    ends_provisional = models.BooleanField(gettext_lazy("公示截止为暂定"), default=False)
    period_reason = models.JSONField(default=dict, blank=True)
    body = models.TextField(gettext_lazy("公示内容"), blank=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("公示")
        verbose_name_plural = gettext_lazy("公示")

    def __str__(self) -> str:
        return gettext("{round} 公示").format(round=self.round)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", gettext_noop("已受理，待核查")
    INVESTIGATING = "investigating", gettext_noop("核查中")
    UPHELD = "upheld", gettext_noop("异议成立")
    DISMISSED = "dismissed", gettext_noop("异议不成立")


UNRESOLVED_OBJECTIONS = (ObjectionStatus.OPEN, ObjectionStatus.INVESTIGATING)


class Objection(models.Model):
    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections")
    receipt_no = models.CharField(gettext_lazy("受理编号"), max_length=24, unique=True)
    text = models.TextField(gettext_lazy("异议内容"))
    submitter_name = models.CharField(gettext_lazy("异议人"), max_length=60, blank=True)
    submitter_contact = EncryptedTextField(gettext_lazy("联系方式"), blank=True)
    status = models.CharField(max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    investigation = models.TextField(gettext_lazy("核查情况"), blank=True)
    resolution = models.TextField(gettext_lazy("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("公示异议")
        verbose_name_plural = gettext_lazy("公示异议")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("异议 {receipt_no}").format(receipt_no=self.receipt_no)

    @property
    def is_unresolved(self) -> bool:
        return self.status in UNRESOLVED_OBJECTIONS
