"""Prison casework under oversight (宁夏监狱管理局 执法规范化 2020; 山西 2023 第八条（三）、第九条).

Case files for 减刑 / 假释 / 暂予监外执行 through the review steps the programme's rulebook lists, their
publicity, the medical-parole checks, the recurring compliance records (points publication,
isolation, trusties, grading, penalty objections), the problem list and the quarterly report.

Prisoners are personal data of the most sensitive kind: only the 罪犯编号 and the name (encrypted,
shown in full only to the prison's own case handlers; see jiandu.casework.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jiandu.core.fields import EncryptedTextField
from jiandu.core.immutable import ImmutableModel


class Prisoner(models.Model):
    prison = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("监狱"),
        on_delete=models.PROTECT,
        related_name="prisoners",
    )
    number = models.CharField(gettext_lazy("罪犯编号"), max_length=32)
    name = EncryptedTextField(gettext_lazy("姓名"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("罪犯")
        verbose_name_plural = gettext_lazy("罪犯")
        ordering = ["prison_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["prison", "number"], name="prisoner_number_per_prison")
        ]

    def __str__(self) -> str:
        return self.number  # never the name: __str__ lands in audit rows and logs


class CaseKind(models.TextChoices):
    COMMUTATION = "commutation", gettext_noop("减刑")
    PAROLE = "parole", gettext_noop("假释")
    MEDICAL_PAROLE = "medical_parole", gettext_noop("暂予监外执行")


class CaseStatus(models.TextChoices):
    PREPARING = "preparing", gettext_noop("材料准备")
    IN_REVIEW = "in_review", gettext_noop("审查中")
    DEFERRED = "deferred", gettext_noop("暂缓（重新调查核实）")
    STOPPED = "stopped", gettext_noop("不予提请")
    PUBLICITY = "publicity", gettext_noop("公示中")
    PROPOSED = "proposed", gettext_noop("已提请")


class CaseFile(models.Model):
    programme = models.ForeignKey(
        "roster.Programme",
        verbose_name=gettext_lazy("监督项目"),
        on_delete=models.PROTECT,
        related_name="case_files",
    )
    prison = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("监狱"),
        on_delete=models.PROTECT,
        related_name="case_files",
    )
    prisoner = models.ForeignKey(
        Prisoner, verbose_name=gettext_lazy("罪犯"), on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(gettext_lazy("案件类型"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.PREPARING
    )
    # 谁承办谁负责 (三（一）1 二是): the officer carries direct responsibility.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("承办警察"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.TextField(gettext_lazy("提请建议"))
    points_result = models.CharField(gettext_lazy("计分考核结果"), max_length=255, blank=True)
    significant = models.BooleanField(gettext_lazy("有重大影响或社会关注度较高"), default=False)
    opened_on = models.DateField(gettext_lazy("立案日期"))
    # The review order in force when the file was opened (the rulebook's steps, frozen with the file).
    steps = models.JSONField(gettext_lazy("审查步骤"), default=list)
    rulebook_version = models.CharField(max_length=64, blank=True)
    next_step = models.PositiveSmallIntegerField(gettext_lazy("下一步骤序号"), default=0)
    # 暂予监外执行 (三（一）3).
    records_complete = models.BooleanField(gettext_lazy("病历资料完整"), default=False)
    records_explanation = models.TextField(gettext_lazy("病历不完整的书面说明"), blank=True)
    tumour_without_pathology = models.BooleanField(gettext_lazy("无法病理确诊的恶性肿瘤"), default=False)
    disease_category = models.CharField(gettext_lazy("疾病类别"), max_length=60, blank=True)
    specialty_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    specialty_confirmed_at = models.DateTimeField(gettext_lazy("专业对口确认时间"), null=True, blank=True)
    medical_decision = models.JSONField(gettext_lazy("医学材料审查"), default=dict, blank=True)
    approved_on = models.DateField(gettext_lazy("审批完备日期"), null=True, blank=True)
    records_due = models.DateField(gettext_lazy("补充病历截止日"), null=True, blank=True)
    records_due_provisional = models.BooleanField(gettext_lazy("补充病历截止日为暂定"), default=False)
    records_reason = models.JSONField(gettext_lazy("期限依据"), default=dict, blank=True)
    records_reminded_on = models.DateField(null=True, blank=True, editable=False)
    records_supplemented_on = models.DateField(gettext_lazy("病历补充完成日期"), null=True, blank=True)
    # Review meetings and hearings supervisors are invited to (山西 第八条（三）), through jiandu.duties.
    duties = models.ManyToManyField(
        "duties.Duty", verbose_name=gettext_lazy("邀请监督员列席"), blank=True, related_name="case_files"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("减刑假释暂予监外执行案件")
        verbose_name_plural = gettext_lazy("减刑假释暂予监外执行案件")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["prison", "status"], name="case_prison_status"),
            models.Index(
                fields=["records_due"],
                name="case_records_open",
                condition=Q(records_due__isnull=False, records_supplemented_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return gettext("{get_kind_display}案件 #{pk}").format(
            get_kind_display=self.get_kind_display(), pk=self.pk
        )


class GroundKind(models.TextChoices):
    POINTS = "points", gettext_noop("计分考核")
    REPENTANCE = "repentance", gettext_noop("确有悔改表现")
    MERIT = "merit", gettext_noop("立功表现")
    MAJOR_MERIT = "major_merit", gettext_noop("重大立功表现")
    MEDICAL = "medical", gettext_noop("病情诊断")


class Ground(models.Model):
    """A fact the proposal rests on, with its evidence and who provided it (谁提供谁负责, 三（一）1)."""

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="grounds")
    kind = models.CharField(gettext_lazy("类别"), max_length=16, choices=GroundKind.choices)
    facts = models.TextField(gettext_lazy("具体事实"))
    evidence = models.TextField(gettext_lazy("证据材料"))
    provided_by = models.CharField(gettext_lazy("证据提供人（单位）"), max_length=120)
    # 暂予监外执行: the diagnosing hospital, and whether it is government-designated.
    hospital = models.CharField(gettext_lazy("诊断医院"), max_length=120, blank=True)
    designated_hospital = models.BooleanField(gettext_lazy("政府指定医院"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("事实与证据")
        verbose_name_plural = gettext_lazy("事实与证据")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("{get_kind_display}（案件 #{case_id}）").format(
            get_kind_display=self.get_kind_display(), case_id=self.case_id
        )


class CaseDocument(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(gettext_lazy("材料名称"), max_length=120)
    file = models.FileField(upload_to="casework/%Y/%m/")
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("案件材料")
        verbose_name_plural = gettext_lazy("案件材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class StepOutcome(models.TextChoices):
    ALLOWED = "allowed", gettext_noop("同意")
    REFUSED = "refused", gettext_noop("不同意")
    DEFERRED = "deferred", gettext_noop("较大分歧，暂缓")
    UNDECIDED = "undecided", gettext_noop("未形成决定")


class ReviewStep(models.Model):
    """One sitting of one review step. A deferred or undecided collective step sits again (sitting + 1)."""

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="reviews")
    order = models.PositiveSmallIntegerField(gettext_lazy("步骤序号"))  # index into case.steps
    sitting = models.PositiveSmallIntegerField(gettext_lazy("第几次"), default=1)
    code = models.CharField(max_length=32)
    name = models.CharField(gettext_lazy("审查步骤"), max_length=60)
    collective = models.BooleanField(default=False)
    held_on = models.DateField(gettext_lazy("日期"))
    # 谁签字谁负责: who signed this step (the officer, the deputy, the head, or the chair of the meeting).
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("签字人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsibility = models.CharField(gettext_lazy("责任"), max_length=40, blank=True)
    should_attend = models.PositiveSmallIntegerField(gettext_lazy("应参会人数"), null=True, blank=True)
    outcome = models.CharField(gettext_lazy("结果"), max_length=16, choices=StepOutcome.choices)
    opinion = models.TextField(gettext_lazy("意见"))
    decision = models.JSONField(gettext_lazy("决定依据"), default=dict)
    changes_earlier = models.BooleanField(gettext_lazy("变更前一级决定"), default=False)
    overrides_refusal = models.BooleanField(gettext_lazy("前一级不同意仍提交"), default=False)
    legal_basis = models.TextField(gettext_lazy("法律依据"), blank=True)
    statutory_reason = models.TextField(gettext_lazy("法定理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("审查记录")
        verbose_name_plural = gettext_lazy("审查记录")
        ordering = ["case_id", "order", "sitting"]
        constraints = [
            models.UniqueConstraint(fields=["case", "order", "sitting"], name="review_step_sitting_once")
        ]

    def __str__(self) -> str:
        return gettext("{name}（案件 #{case_id}，第{sitting}次）").format(
            name=self.name, case_id=self.case_id, sitting=self.sitting
        )


class Vote(models.TextChoices):
    FOR = "for", gettext_noop("同意")
    AGAINST = "against", gettext_noop("不同意")
    ABSTAIN = "abstain", gettext_noop("弃权")
    ABSENT = "absent", gettext_noop("缺席")


class ReviewVote(models.Model):
    """Attendance and each member's vote at a collective step; dissent is kept in full (三（一）2 四是)."""

    step = models.ForeignKey(ReviewStep, on_delete=models.CASCADE, related_name="votes")
    member = models.CharField(gettext_lazy("参会人员"), max_length=60)
    vote = models.CharField(gettext_lazy("表决"), max_length=8, choices=Vote.choices)
    opinion = models.TextField(gettext_lazy("发表意见"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("表决")
        verbose_name_plural = gettext_lazy("表决")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.member}：{self.get_vote_display()}"


class Publicity(ImmutableModel):
    """The proposal published inside the prison: the text frozen and hashed, the period from the rulebook
    (or, where the rulebook leaves it to another document, the administration's recorded setting)."""

    case = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="publicities")
    text = models.TextField(gettext_lazy("公示内容"))
    sha256 = models.CharField(gettext_lazy("内容哈希"), max_length=64)
    starts_on = models.DateField(gettext_lazy("公示开始"))
    ends_on = models.DateField(gettext_lazy("公示截止"))
    reason = models.JSONField(gettext_lazy("期间依据"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = gettext_lazy("狱内公示")
        verbose_name_plural = gettext_lazy("狱内公示")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("公示（案件 #{case_id}）").format(case_id=self.case_id)


class PublicityPolicy(models.Model):
    """Where the rulebook leaves the publicity period to another document, the administration records
    the period and the document once for the programme; prisons cannot shorten it."""

    programme = models.OneToOneField("roster.Programme", on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(gettext_lazy("公示期间（工作日）"))
    basis = models.CharField(gettext_lazy("依据"), max_length=200)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("公示期间设定")
        verbose_name_plural = gettext_lazy("公示期间设定")

    def __str__(self) -> str:
        return gettext("公示{working_days}个工作日").format(working_days=self.working_days)


class Observation(models.Model):
    """What an invited supervisor observed at a review meeting or hearing; it goes on as a finding."""

    case = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="observations")
    step = models.ForeignKey(ReviewStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(gettext_lazy("观察意见"))
    date = models.DateField(gettext_lazy("日期"))
    finding = models.ForeignKey(
        "findings.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("监督员列席意见")
        verbose_name_plural = gettext_lazy("监督员列席意见")
        ordering = ["id"]

    def __str__(self) -> str:
        return gettext("列席意见（案件 #{case_id}）").format(case_id=self.case_id)

    @property
    def duty_on(self) -> object:  # read by jiandu.findings as the date the opinion arose
        return self.date


# --- compliance records (三（二）5–9, 三（四）16) -----------------------------------------------------


class PointsPublication(models.Model):
    """A month's 计分考核 result published to the units (by the 20th, 三（二）5)."""

    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    due_on = models.DateField(gettext_lazy("截止日期"))
    published_on = models.DateField(gettext_lazy("公布日期"), null=True, blank=True)
    awards_copied_on = models.DateField(gettext_lazy("奖励决定抄送检察日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("计分考核月度公布")
        verbose_name_plural = gettext_lazy("计分考核月度公布")
        constraints = [
            models.UniqueConstraint(fields=["prison", "year", "month"], name="points_publication_once")
        ]

    def __str__(self) -> str:
        return gettext("{year}年{month}月计分考核公布").format(year=self.year, month=self.month)


class Isolation(models.Model):
    """隔离审查 (三（四）16): two months, plus one with the administration's approval, then other measures."""

    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="isolations")
    starts_on = models.DateField(gettext_lazy("开始日期"))
    limit_on = models.DateField(gettext_lazy("期限届满"))
    extended = models.BooleanField(gettext_lazy("经批准延长"), default=False)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField(gettext_lazy("结束日期"), null=True, blank=True)
    alerted_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = gettext_lazy("隔离审查")
        verbose_name_plural = gettext_lazy("隔离审查")
        indexes = [
            models.Index(fields=["limit_on"], name="isolation_open", condition=Q(ended_on__isnull=True))
        ]

    def __str__(self) -> str:
        return gettext("隔离审查 #{pk}").format(pk=self.pk)


class Trusty(models.Model):
    """事务犯 (三（二）8): re-approved every 12 months, evaluated every half-year."""

    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="trusty_posts")
    post = models.CharField(gettext_lazy("岗位"), max_length=60)
    approved_on = models.DateField(gettext_lazy("审批日期"))
    evaluated_on = models.DateField(gettext_lazy("最近测评"), null=True, blank=True)
    ended_on = models.DateField(gettext_lazy("撤换日期"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("事务犯")
        verbose_name_plural = gettext_lazy("事务犯")
        indexes = [
            models.Index(fields=["approved_on"], name="trusty_open", condition=Q(ended_on__isnull=True))
        ]

    def __str__(self) -> str:
        return gettext("事务犯 #{pk}（{post}）").format(pk=self.pk, post=self.post)


class Grading(models.Model):
    """分级处遇 (三（二）9): each prisoner's latest quarterly assessment."""

    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    prisoner = models.OneToOneField(Prisoner, on_delete=models.PROTECT, related_name="grading")
    level = models.CharField(gettext_lazy("处遇级别"), max_length=16)
    assessed_on = models.DateField(gettext_lazy("评定日期"))

    class Meta:
        verbose_name = gettext_lazy("分级处遇评定")
        verbose_name_plural = gettext_lazy("分级处遇评定")
        indexes = [models.Index(fields=["prison", "assessed_on"], name="grading_prison_assessed")]

    def __str__(self) -> str:
        return gettext("处遇评定 #{pk}").format(pk=self.pk)


class PenaltyObjection(models.Model):
    """An objection to an administrative penalty: 二级复议 (三（二）7)."""

    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    prisoner = models.ForeignKey(Prisoner, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(gettext_lazy("提出异议日期"))
    levels_done = models.PositiveSmallIntegerField(gettext_lazy("已复议级数"), default=0)
    concluded_on = models.DateField(gettext_lazy("复议终结日期"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("行政处罚复议")
        verbose_name_plural = gettext_lazy("行政处罚复议")

    def __str__(self) -> str:
        return gettext("行政处罚复议 #{pk}").format(pk=self.pk)


# --- problem list (四（二）（三）) and quarterly report (五（五）) ------------------------------------------


class ProblemSource(models.TextChoices):
    PRISON = "prison", gettext_noop("监狱自查")
    ADMINISTRATION = "administration", gettext_noop("监狱管理局检查")
    SUPERVISOR = "supervisor", gettext_noop("监督员意见")
    CHECK = "check", gettext_noop("系统核查")


class ProblemStatus(models.TextChoices):
    OPEN = "open", gettext_noop("整改中")
    RECTIFIED = "rectified", gettext_noop("已整改待核验")
    CLOSED = "closed", gettext_noop("已对账销号")


class Problem(models.Model):
    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(gettext_lazy("来源"), max_length=16, choices=ProblemSource.choices)
    # A check's item carries what it found ("isolation:12:overdue"), so the daily pass adds it once.
    source_ref = models.CharField(max_length=80, blank=True)
    title = models.CharField(gettext_lazy("问题"), max_length=160)
    description = models.TextField(gettext_lazy("具体情况"), blank=True)
    reason = models.JSONField(gettext_lazy("依据"), default=dict, blank=True)
    found_on = models.DateField(gettext_lazy("发现日期"))
    responsible = models.CharField(gettext_lazy("责任人"), max_length=60, blank=True)
    due_on = models.DateField(gettext_lazy("整改期限"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    evidence = models.TextField(gettext_lazy("整改情况及佐证"), blank=True)
    rectified_on = models.DateField(gettext_lazy("整改完成日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification = models.TextField(gettext_lazy("核验意见"), blank=True)
    closed_on = models.DateField(gettext_lazy("销号日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("问题清单")
        verbose_name_plural = gettext_lazy("问题清单")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "source_ref"], name="problem_once_per_ref", condition=~Q(source_ref="")
            )
        ]
        indexes = [models.Index(fields=["prison", "status"], name="problem_prison_status")]

    def __str__(self) -> str:
        return self.title


class QuarterlyReport(models.Model):
    prison = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    due_on = models.DateField(gettext_lazy("报送期限"), null=True, blank=True)
    figures = models.JSONField(gettext_lazy("数据"), default=dict)
    text = models.TextField(gettext_lazy("报告正文"))
    submitted_on = models.DateField(gettext_lazy("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("季度工作报告")
        verbose_name_plural = gettext_lazy("季度工作报告")
        constraints = [
            models.UniqueConstraint(fields=["prison", "year", "quarter"], name="quarterly_report_once")
        ]

    def __str__(self) -> str:
        return gettext("{year}年第{quarter}季度工作报告").format(year=self.year, quarter=self.quarter)
