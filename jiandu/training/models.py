"""Training (威海 人民监督员 第二十一条–第二十四条): sessions, who was invited, who came, exam results.

A passed initial training (exam passed, or attended where the rulebook asks for no exam) sets
`Supervisor.initial_training_on`, which the draw pool reads; the participation rows are the record
behind it and feed the ledger (第二十八条第（二）项).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop


class SessionKind(models.TextChoices):
    INITIAL = "initial", gettext_noop("初任培训")
    IN_TERM = "in_term", gettext_noop("任期培训")
    OTHER = "other", gettext_noop("其他培训")


def _token() -> str:
    return secrets.token_urlsafe(12)


class TrainingSession(models.Model):
    programme = models.ForeignKey(
        "roster.Programme", on_delete=models.PROTECT, related_name="training_sessions"
    )
    kind = models.CharField(gettext_lazy("培训类别"), max_length=12, choices=SessionKind.choices)
    # A code from the rulebook's training.modes (集中授课、网络学习 …); its label is read from there.
    mode = models.CharField(gettext_lazy("培训方式"), max_length=24)
    title = models.CharField(gettext_lazy("培训名称"), max_length=160)
    held_on = models.DateField(gettext_lazy("培训日期"))
    place = models.CharField(gettext_lazy("地点"), max_length=160, blank=True)
    # Set by the bureau per session; None = no exam (the rulebook names no mark).
    pass_mark = models.DecimalField(
        gettext_lazy("考核及格分数"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    # 补课并考核 (第二十二条第二款): a make-up session for those absent or failed in `makeup_of`.
    makeup_of = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("补课对应的培训"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="makeups",
    )
    materials = models.TextField(gettext_lazy("培训资料"), blank=True)
    # 网络学习: [{"q": …, "options": [...], "answer": index}] answered on the phone.
    quiz = models.JSONField(gettext_lazy("在线测验"), default=list, blank=True)
    checkin_token = models.CharField(max_length=24, default=_token, unique=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("培训")
        verbose_name_plural = gettext_lazy("培训")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["programme", "held_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def has_exam(self) -> bool:
        return self.pass_mark is not None


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", gettext_noop("已通知")
    ATTENDED = "attended", gettext_noop("已参加")
    ABSENT = "absent", gettext_noop("未参加")


class Participation(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participations")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="trainings")
    status = models.CharField(
        gettext_lazy("参加情况"),
        max_length=12,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.INVITED,
    )
    excused = models.BooleanField(gettext_lazy("缺席有正当理由"), default=False)
    absence_reason = models.CharField(gettext_lazy("缺席理由"), max_length=255, blank=True)
    checked_in_at = models.DateTimeField(gettext_lazy("签到时间"), null=True, blank=True)
    checked_in_via = models.CharField(
        gettext_lazy("签到方式"), max_length=12, blank=True
    )  # qr | staff | online
    score = models.DecimalField(
        gettext_lazy("考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    passed = models.BooleanField(gettext_lazy("考核合格"), null=True, blank=True)
    quiz_answers = models.JSONField(gettext_lazy("测验答案"), default=list, blank=True)

    class Meta:
        verbose_name = gettext_lazy("参训记录")
        verbose_name_plural = gettext_lazy("参训记录")
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "supervisor"], name="training_once_per_session")
        ]
        indexes = [models.Index(fields=["supervisor", "status"])]

    def __str__(self) -> str:
        return f"{self.session} · {self.supervisor}"


class Material(models.Model):
    """A file handed out with a session (slides, a reading): checked and stored under a random name by
    jiandu.core.untrusted; readable by staff and the invited supervisors."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="training/")
    name = models.CharField(gettext_lazy("文件名"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(gettext_lazy("大小"))
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("培训资料")
        verbose_name_plural = gettext_lazy("培训资料")
        ordering = ["session_id", "id"]

    def __str__(self) -> str:
        return self.name
