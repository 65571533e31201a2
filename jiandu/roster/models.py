"""The roster: programmes and their supervisors.

A programme is one roster, run by one organisation, under one rulebook (DESIGN.md, "Words").
Duties (jiandu.duties) and findings (jiandu.findings) rely on the fields documented here; extend,
don't rename.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField


class ProgrammeKind(models.TextChoices):
    PRISON = "prison_supervisor", gettext_noop("执法监督员（监狱）")
    ADMINISTRATIVE = "administrative_supervisor", gettext_noop("行政执法（社会）监督员")
    PEOPLE = "peoples_supervisor", gettext_noop("人民监督员")


class Programme(models.Model):
    name = models.CharField(gettext_lazy("项目名称"), max_length=120)
    kind = models.CharField(gettext_lazy("类型"), max_length=40, choices=ProgrammeKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("主管单位"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    # The id of a folder under rulebooks/ (e.g. "weihai-people-2024"), resolved by jiandu.rules.
    rulebook_id = models.CharField(gettext_lazy("适用规则"), max_length=80)
    is_active = models.BooleanField(gettext_lazy("运行中"), default=True)
    # The current cohort (本届): a replenishment (补聘) ends with it (山西 第六条（三）).
    cohort_start = models.DateField(gettext_lazy("本届开始"), null=True, blank=True)
    cohort_end = models.DateField(gettext_lazy("本届结束"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("监督项目")
        verbose_name_plural = gettext_lazy("监督项目")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Specialty(models.TextChoices):
    LAW = "law", gettext_noop("法律")
    FINANCE = "finance", gettext_noop("金融")
    ACCOUNTING = "accounting", gettext_noop("财会")
    MEDICINE = "medicine", gettext_noop("医学")
    IT = "it", gettext_noop("信息技术")
    ENVIRONMENT = "environment", gettext_noop("生态环境")
    CONSTRUCTION = "construction", gettext_noop("建筑工程")
    FOOD_SAFETY = "food_safety", gettext_noop("食品药品")
    EDUCATION = "education", gettext_noop("教育")
    MEDIA = "media", gettext_noop("新闻媒体")
    OTHER = "other", gettext_noop("其他")


class SupervisorStatus(models.TextChoices):
    ACTIVE = "active", gettext_noop("在任")
    SUSPENDED = "suspended", gettext_noop("暂停履职")
    ENDED = "ended", gettext_noop("已离任")


class Supervisor(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=gettext_lazy("所属项目"), on_delete=models.PROTECT, related_name="supervisors"
    )
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=gettext_lazy("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisor",
    )
    full_name = models.CharField(gettext_lazy("姓名"), max_length=60)
    gender = models.CharField(gettext_lazy("性别"), max_length=8, blank=True)
    ethnicity = models.CharField(
        gettext_lazy("民族"), max_length=16, blank=True
    )  # a draw quota category (docs/draw.md)
    birth_date = models.DateField(gettext_lazy("出生日期"), null=True, blank=True)
    id_number = EncryptedTextField(gettext_lazy("身份证号"), blank=True)
    id_number_lookup = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(gettext_lazy("手机号码"), blank=True)
    address = EncryptedTextField(gettext_lazy("住址"), blank=True)  # personal: encrypted, kept to the bureau
    phone_lookup = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Stored masks (110105********002X, 138****5678), set with the encrypted value by whatever writes it
    # (services, the import), so lists show identifiers without decrypting a row (issue 18).
    id_number_masked = models.CharField(max_length=24, blank=True, editable=False)
    phone_masked = models.CharField(max_length=16, blank=True, editable=False)
    email = models.EmailField(gettext_lazy("电子邮箱"), blank=True)
    education = models.CharField(gettext_lazy("文化程度"), max_length=32, blank=True)
    political_status = models.CharField(gettext_lazy("政治面貌"), max_length=32, blank=True)
    employer = models.CharField(gettext_lazy("工作单位"), max_length=120, blank=True)
    employer_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("工作单位（系统内）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.CharField(gettext_lazy("职务"), max_length=60, blank=True)
    specialties = models.JSONField(gettext_lazy("专业领域"), default=list, blank=True)  # Specialty values
    # The district (an Organisation at district level) the supervisor lives and mostly serves in:
    # the basis of the local / cross-district mix in draws (威海 人民监督员 第十一条).
    district = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("所在区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=SupervisorStatus.choices, default=SupervisorStatus.ACTIVE
    )
    # 初任培训 (威海 人民监督员 第二十二条): no duty before it is done.
    initial_training_on = models.DateField(gettext_lazy("初任培训日期"), null=True, blank=True)
    certificate_no = models.CharField(gettext_lazy("证书编号"), max_length=40, blank=True, db_index=True)
    term_start = models.DateField(gettext_lazy("本届任期开始"), null=True, blank=True)
    term_end = models.DateField(gettext_lazy("本届任期结束"), null=True, blank=True)
    consecutive_terms = models.PositiveSmallIntegerField(gettext_lazy("连续任职届数"), default=1)
    # Who put the supervisor forward (单位推荐): told when the supervisor leaves (万州 第十八条).
    recommending_unit = models.CharField(gettext_lazy("推荐单位"), max_length=120, blank=True)
    source = models.CharField(
        gettext_lazy("产生方式"), max_length=16, blank=True
    )  # recruitment Channel value or "import"
    ended_on = models.DateField(gettext_lazy("离任日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("监督员")
        verbose_name_plural = gettext_lazy("监督员")
        ordering = ["programme_id", "id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            # The roster list's keyset order (docs/performance.md).
            models.Index(fields=["programme", "status", "id"], name="supervisor_roster_order"),
            # The home page's work queue: terms ending soon, and initial training still to do, each in
            # its date order (docs/performance.md), with the columns that decide who sees a supervisor
            # (selectors.supervisors_visible_to), so the walk reads no table row.
            models.Index(
                fields=["term_end"],
                include=["programme", "district"],
                name="supervisor_active_term_end",
                condition=models.Q(status=SupervisorStatus.ACTIVE),
            ),
            models.Index(
                fields=["term_start"],
                include=["programme"],
                name="supervisor_untrained",
                condition=models.Q(status=SupervisorStatus.ACTIVE, initial_training_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class RelationshipKind(models.TextChoices):
    OWN_EMPLOYER = "own_employer", gettext_noop("本人工作单位")
    RELATIVE_EMPLOYER = "relative_employer", gettext_noop("近亲属工作单位")
    INTEREST = "interest", gettext_noop("其他利害关系")


class Relationship(models.Model):
    """A declared tie that makes a supervisor recuse (回避) from cases involving that organisation."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(gettext_lazy("关系"), max_length=24, choices=RelationshipKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(gettext_lazy("单位或人员名称"), max_length=120, blank=True)
    note = models.CharField(gettext_lazy("说明"), max_length=255, blank=True)
    declared_on = models.DateField(gettext_lazy("申报日期"))

    class Meta:
        verbose_name = gettext_lazy("回避关系")
        verbose_name_plural = gettext_lazy("回避关系")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name or self.organisation}"


# --- Terms, certificates, leaving, profile history (issue #4) -------------------------------------


class AppointmentKind(models.TextChoices):
    INITIAL = "initial", gettext_noop("聘任")
    RENEWAL = "renewal", gettext_noop("续聘")
    REPLENISHMENT = "replenishment", gettext_noop("补聘")
    IMPORTED = "imported", gettext_noop("导入")


class TermEnd(models.TextChoices):
    EXPIRED = "expired", gettext_noop("任期届满（自然解聘）")
    RENEWED = "renewed", gettext_noop("已续聘")
    RESIGNED = "resigned", gettext_noop("辞聘")
    DISMISSED = "dismissed", gettext_noop("解聘")
    DISQUALIFIED = "disqualified", gettext_noop("免除资格")


class Appointment(models.Model):
    """One term of one supervisor: the history behind Supervisor.term_start / term_end.

    The decision that allowed it (eligibility for a first term, renewal_decide for a renewal) is kept
    with the rulebook's id and content hash, so it still explains itself after the rulebook changes.
    """

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(gettext_lazy("方式"), max_length=16, choices=AppointmentKind.choices)
    term_no = models.PositiveSmallIntegerField(gettext_lazy("连续第几届"), default=1)
    starts_on = models.DateField(gettext_lazy("任期开始"))
    ends_on = models.DateField(gettext_lazy("任期结束"))
    term_reason = models.JSONField(gettext_lazy("任期依据"), default=dict, blank=True)
    decision = models.JSONField(gettext_lazy("决定及理由"), default=dict, blank=True)
    rulebook_id = models.CharField(gettext_lazy("规则"), max_length=80, blank=True)
    rulebook_version = models.CharField(gettext_lazy("规则版本"), max_length=80, blank=True)
    ended_on = models.DateField(gettext_lazy("实际结束日期"), null=True, blank=True)
    end_kind = models.CharField(gettext_lazy("结束方式"), max_length=16, choices=TermEnd.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("任期")
        verbose_name_plural = gettext_lazy("任期")
        ordering = ["supervisor_id", "starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.supervisor} {self.starts_on}–{self.ends_on}"


class Certificate(models.Model):
    """聘书 / 监督员证. The token is the key of the public verification page (QR code)."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="certificates")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    number = models.CharField(gettext_lazy("证书编号"), max_length=40, unique=True)
    token = models.CharField(max_length=40, unique=True, editable=False)
    issued_on = models.DateField(gettext_lazy("颁发日期"))
    valid_until = models.DateField(gettext_lazy("有效期至"))
    revoked_on = models.DateField(gettext_lazy("收回日期"), null=True, blank=True)
    revoked_reason = models.CharField(gettext_lazy("收回原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("聘书")
        verbose_name_plural = gettext_lazy("聘书")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class DepartureKind(models.TextChoices):
    RESIGNATION = "resignation", gettext_noop("辞聘")
    DISMISSAL = "dismissal", gettext_noop("解聘")
    DISQUALIFICATION = "disqualification", gettext_noop("免除资格")


class Departure(models.Model):
    """A supervisor leaving before the end of the term, on a ground chosen from the rulebook's list."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="departures")
    appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(gettext_lazy("方式"), max_length=20, choices=DepartureKind.choices)
    ground_code = models.CharField(gettext_lazy("情形代码"), max_length=60)
    ground_article = models.CharField(gettext_lazy("依据条款"), max_length=60)
    ground_text = models.TextField(gettext_lazy("情形"))
    rulebook_id = models.CharField(max_length=80, blank=True)
    rulebook_version = models.CharField(max_length=80, blank=True)
    note = models.TextField(gettext_lazy("说明"), blank=True)
    decided_on = models.DateField(gettext_lazy("决定日期"))
    recommending_unit = models.CharField(gettext_lazy("推荐单位"), max_length=120, blank=True)
    unit_notice = models.TextField(gettext_lazy("告知推荐单位函"), blank=True)
    unit_notified_on = models.DateField(gettext_lazy("告知推荐单位日期"), null=True, blank=True)
    announcement = models.ForeignKey(
        "roster.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("离任")
        verbose_name_plural = gettext_lazy("离任")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.supervisor} {self.get_kind_display()}"


class AnnouncementKind(models.TextChoices):
    APPOINTMENT = "appointment", gettext_noop("聘任公告")
    DEPARTURE = "departure", gettext_noop("解聘公告")
    OTHER = "other", gettext_noop("其他公告")


class Announcement(models.Model):
    """A public announcement on the portal (the recruitment announcement itself is a Round)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(gettext_lazy("类型"), max_length=20, choices=AnnouncementKind.choices)
    title = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("正文"))
    article = models.CharField(gettext_lazy("依据条款"), max_length=60, blank=True)
    published_on = models.DateField(gettext_lazy("发布日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("公告")
        verbose_name_plural = gettext_lazy("公告")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EmployerChange(models.Model):
    """A change of employer (威海 人民监督员 第六条: to be reported within one month)."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="employer_changes")
    old_employer = models.CharField(gettext_lazy("原工作单位"), max_length=120, blank=True)
    new_employer = models.CharField(gettext_lazy("新工作单位"), max_length=120)
    changed_on = models.DateField(gettext_lazy("变动日期"))
    reported_on = models.DateField(gettext_lazy("报告日期"))
    report_due = models.DateField(gettext_lazy("应报告日期"), null=True, blank=True)
    due_reason = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("工作单位变动")
        verbose_name_plural = gettext_lazy("工作单位变动")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.supervisor}: {self.old_employer} → {self.new_employer}"

    @property
    def is_late(self) -> bool:
        return self.report_due is not None and self.reported_on > self.report_due


class ReportKind(models.TextChoices):
    ELIGIBILITY = "eligibility", gettext_noop("可能影响任职资格的变动")
    RESIGNATION = "resignation", gettext_noop("辞聘申请")


class ReportStatus(models.TextChoices):
    PENDING = "pending", gettext_noop("待审查")
    REVIEWED = "reviewed", gettext_noop("已审查")


class ProfileReport(models.Model):
    """What a supervisor reports on the phone for the bureau to decide: a change that may bear on
    eligibility (a new post, a new record), with the rulebook's criteria it touches, or a request to
    resign. The bureau reviews it; a resignation is then recorded through supervisor_leave."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(gettext_lazy("类别"), max_length=16, choices=ReportKind.choices)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    text = models.TextField(gettext_lazy("说明"), blank=True)
    criteria = models.JSONField(gettext_lazy("涉及的任职条件"), default=list, blank=True)
    submitted_on = models.DateField(gettext_lazy("报告日期"))
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_on = models.DateField(gettext_lazy("审查日期"), null=True, blank=True)
    outcome = models.TextField(gettext_lazy("审查意见"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("监督员报告事项")
        verbose_name_plural = gettext_lazy("监督员报告事项")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.supervisor} · {self.get_kind_display()}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", gettext_noop("排队中")
    RUNNING = "running", gettext_noop("处理中")
    FAILED = "failed", gettext_noop("有错误，未写入")
    DONE = "done", gettext_noop("已完成")


class RosterImport(models.Model):
    """One upload of a roster spreadsheet, processed by a background task with a progress row."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="roster-imports/")
    filename = models.CharField(max_length=200, blank=True)
    dry_run = models.BooleanField(gettext_lazy("仅校验"), default=False)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("名册导入")
        verbose_name_plural = gettext_lazy("名册导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def error_total(self) -> int:
        # The summary's count when the task wrote one (errors may be capped), else the listed errors;
        # a template filter chain (`error_count|default:errors|length`) took the length of the number.
        return int((self.summary or {}).get("error_count") or len(self.errors or []))

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0
