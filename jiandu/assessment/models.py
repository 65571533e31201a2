"""The ledger's own entries and the annual assessment (威海 人民监督员 第二十五条–第三十九条; 山西 第十四条;
万州 第十三条第（五）项).

The ledger (台账, 第二十八条) is built from what Jiandu already records (duties, records, opinions,
training, complaints); only 第二十八条（三）（四） — conduct and other activities — are entered here.

A round is one programme's assessment of one year. A programme whose rulebook names grades proposes
and fixes one of them per supervisor; one that names none records a free-text evaluation (`mode`).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext, gettext_lazy, gettext_noop


class ActivityKind(models.TextChoices):
    CONDUCT = "conduct", gettext_noop("遵纪守法、遵守社会公德和职业道德情况")
    OTHER = "other", gettext_noop("参加其他活动情况")


class LedgerEntry(models.Model):
    supervisor = models.ForeignKey(
        "roster.Supervisor", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(gettext_lazy("类别"), max_length=12, choices=ActivityKind.choices)
    on = models.DateField(gettext_lazy("日期"))
    text = models.CharField(gettext_lazy("内容"), max_length=500)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("台账记录")
        verbose_name_plural = gettext_lazy("台账记录")
        ordering = ["supervisor_id", "on", "id"]
        indexes = [models.Index(fields=["supervisor", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.text[:20]}"


class RoundMode(models.TextChoices):
    GRADES = "grades", gettext_noop("评定等次")
    FREE_TEXT = "free_text", gettext_noop("文字评价")


class RoundStatus(models.TextChoices):
    OPEN = "open", gettext_noop("进行中")
    FINAL = "final", gettext_noop("已确定")


class AssessmentRound(models.Model):
    programme = models.ForeignKey(
        "roster.Programme", on_delete=models.PROTECT, related_name="assessment_rounds"
    )
    year = models.PositiveSmallIntegerField(gettext_lazy("考核年度"))
    mode = models.CharField(gettext_lazy("评价方式"), max_length=12, choices=RoundMode.choices)
    status = models.CharField(
        gettext_lazy("状态"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_on = models.DateField(gettext_lazy("开始日期"))
    # 陈述和申辩: the rulebook gives the right but no period; the bureau states one per round.
    defence_working_days = models.PositiveSmallIntegerField(gettext_lazy("陈述申辩期限（工作日）"), default=5)
    cap_decision = models.JSONField(gettext_lazy("优秀比例审查"), default=dict, blank=True)
    cap_exception = models.CharField(gettext_lazy("超出比例的理由"), max_length=500, blank=True)
    notice_starts_on = models.DateField(gettext_lazy("优秀公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(gettext_lazy("优秀公示结束"), null=True, blank=True)
    notice_announcement = models.ForeignKey(
        "roster.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_on = models.DateField(gettext_lazy("考核完成日期"), null=True, blank=True)
    # 第三十四条（六）: [{code: entry|filing, due, provisional, reason, done_on}]
    deadlines = models.JSONField(gettext_lazy("完成后期限"), default=list, blank=True)
    # Some deadline above lies in a year whose holiday notice is not loaded (暂定; recomputed on loading,
    # jiandu.assessment.calendar_dates).
    deadlines_provisional = models.BooleanField(gettext_lazy("完成后期限含暂定"), default=False)
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("考核")
        verbose_name_plural = gettext_lazy("考核")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="assessment_one_round_a_year")
        ]

    def __str__(self) -> str:
        return gettext("{programme} {year}年度考核").format(programme=self.programme, year=self.year)


def _letter_token() -> str:
    return secrets.token_urlsafe(12)


class Assessment(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assessments")
    supervisor = models.ForeignKey("roster.Supervisor", on_delete=models.PROTECT, related_name="assessments")
    # 第三十四条（一）: written by the supervisor on the phone.
    self_summary = models.TextField(gettext_lazy("个人总结"), blank=True)
    self_summary_at = models.DateTimeField(gettext_lazy("总结提交时间"), null=True, blank=True)
    # 第三十四条（二）2–3: recorded by staff.
    procuratorate_opinion = models.TextField(gettext_lazy("人民检察院（被监督机关）意见"), blank=True)
    community_opinion = models.TextField(gettext_lazy("所在单位或居住地基层组织意见"), blank=True)
    # 第三十四条（三）: the district bureau's suggestion.
    district_grade = models.CharField(gettext_lazy("区县建议等次"), max_length=12, blank=True)
    district_reason = models.CharField(gettext_lazy("区县建议理由"), max_length=500, blank=True)
    # 第三十四条（四）: the bureau's proposal, with the reasons the assessor gives.
    proposed_grade = models.CharField(gettext_lazy("拟定等次"), max_length=12, blank=True)
    proposed_reason = models.TextField(gettext_lazy("拟定理由"), blank=True)
    proposal_decision = models.JSONField(gettext_lazy("拟定审查"), default=dict, blank=True)
    excellent_conditions = models.JSONField(gettext_lazy("确认的优秀条件"), default=list, blank=True)
    failing_grounds = models.JSONField(
        gettext_lazy("不合格情形"), default=list, blank=True
    )  # [{code, article, text, facts}]
    # 第三十五条: told the reasons and basis, the right to state and defend, within a stated period.
    hearing_notified_on = models.DateField(gettext_lazy("告知日期"), null=True, blank=True)
    defence_due = models.DateField(gettext_lazy("陈述申辩截止"), null=True, blank=True)
    defence_due_provisional = models.BooleanField(gettext_lazy("陈述申辩截止为暂定"), default=False)
    defence_text = models.TextField(gettext_lazy("陈述和申辩"), blank=True)
    defence_at = models.DateTimeField(gettext_lazy("陈述申辩时间"), null=True, blank=True)
    defence_answer = models.TextField(gettext_lazy("对陈述申辩的答复"), blank=True)
    defence_answered_on = models.DateField(gettext_lazy("答复日期"), null=True, blank=True)
    # Free-text programmes (山西 第十四条, 万州 第十三条（五）): an evaluation, commendation for 表现突出.
    evaluation = models.TextField(gettext_lazy("综合评价"), blank=True)
    commended = models.BooleanField(gettext_lazy("表彰（通报表扬）"), default=False)
    final_grade = models.CharField(gettext_lazy("确定等次"), max_length=12, blank=True)
    letter_token = models.CharField(max_length=24, default=_letter_token, unique=True, editable=False)

    class Meta:
        verbose_name = gettext_lazy("考核结果")
        verbose_name_plural = gettext_lazy("考核结果")
        ordering = ["round_id", "supervisor__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "supervisor"], name="assessment_once_per_round")
        ]
        indexes = [models.Index(fields=["supervisor", "final_grade"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.supervisor}"
