"""The roster: programmes and their supervisors.

A programme is one roster, run by one organisation, under one rulebook (DESIGN.md, "Words").
Duties (jiandu.duties) and findings (jiandu.findings) rely on the fields documented here; extend,
don't rename.
"""

from __future__ import annotations

from django.db import models

from jiandu.core.fields import EncryptedTextField


class ProgrammeKind(models.TextChoices):
    PRISON = "prison_supervisor", "执法监督员（监狱）"
    ADMINISTRATIVE = "administrative_supervisor", "行政执法（社会）监督员"
    PEOPLE = "peoples_supervisor", "人民监督员"


class Programme(models.Model):
    name = models.CharField("项目名称", max_length=120)
    kind = models.CharField("类型", max_length=40, choices=ProgrammeKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="主管单位", on_delete=models.PROTECT, related_name="programmes"
    )
    # The id of a folder under rulebooks/ (e.g. "weihai-people-2024"), resolved by jiandu.rules.
    rulebook_id = models.CharField("适用规则", max_length=80)
    is_active = models.BooleanField("运行中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督项目"
        verbose_name_plural = "监督项目"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Specialty(models.TextChoices):
    LAW = "law", "法律"
    FINANCE = "finance", "金融"
    ACCOUNTING = "accounting", "财会"
    MEDICINE = "medicine", "医学"
    IT = "it", "信息技术"
    ENVIRONMENT = "environment", "生态环境"
    CONSTRUCTION = "construction", "建筑工程"
    FOOD_SAFETY = "food_safety", "食品药品"
    EDUCATION = "education", "教育"
    MEDIA = "media", "新闻媒体"
    OTHER = "other", "其他"


class SupervisorStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    SUSPENDED = "suspended", "暂停履职"
    ENDED = "ended", "已离任"


class Supervisor(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name="所属项目", on_delete=models.PROTECT, related_name="supervisors"
    )
    user = models.OneToOneField(
        "accounts.User",
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisor",
    )
    full_name = models.CharField("姓名", max_length=60)
    gender = models.CharField("性别", max_length=8, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    id_number = EncryptedTextField("身份证号", blank=True)
    id_number_lookup = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True)
    phone_lookup = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = models.EmailField("电子邮箱", blank=True)
    education = models.CharField("文化程度", max_length=32, blank=True)
    political_status = models.CharField("政治面貌", max_length=32, blank=True)
    employer = models.CharField("工作单位", max_length=120, blank=True)
    employer_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="工作单位（系统内）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.CharField("职务", max_length=60, blank=True)
    specialties = models.JSONField("专业领域", default=list, blank=True)  # Specialty values
    # The district (an Organisation at district level) the supervisor lives and mostly serves in:
    # the basis of the local / cross-district mix in draws (威海 人民监督员 第十一条).
    district = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=SupervisorStatus.choices, default=SupervisorStatus.ACTIVE
    )
    # 初任培训 (威海 人民监督员 第二十二条): no duty before it is done.
    initial_training_on = models.DateField("初任培训日期", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=40, blank=True, db_index=True)
    term_start = models.DateField("本届任期开始", null=True, blank=True)
    term_end = models.DateField("本届任期结束", null=True, blank=True)
    consecutive_terms = models.PositiveSmallIntegerField("连续任职届数", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督员"
        verbose_name_plural = "监督员"
        ordering = ["programme_id", "id"]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return self.full_name


class RelationshipKind(models.TextChoices):
    OWN_EMPLOYER = "own_employer", "本人工作单位"
    RELATIVE_EMPLOYER = "relative_employer", "近亲属工作单位"
    INTEREST = "interest", "其他利害关系"


class Relationship(models.Model):
    """A declared tie that makes a supervisor recuse (回避) from cases involving that organisation."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField("关系", max_length=24, choices=RelationshipKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("单位或人员名称", max_length=120, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    declared_on = models.DateField("申报日期")

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name or self.organisation}"
