"""Stored report artefacts: the annual work report staff edit, and exports built in the background."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop


class AnnualReport(models.Model):
    """年度工作情况: drafted from the data, then edited by staff and exported as PDF. The figures it was
    drafted from are kept beside the text, so an edited report still shows what the data said."""

    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(gettext_lazy("年度"))
    title = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("正文"))
    figures = models.JSONField(gettext_lazy("起草所依据的数据"), default=dict)
    drafted_at = models.DateTimeField(gettext_lazy("起草时间"))
    edited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(gettext_lazy("最后修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("年度工作情况")
        verbose_name_plural = gettext_lazy("年度工作情况")
        ordering = ["-year", "programme_id"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="annual_report_once")]

    def __str__(self) -> str:
        return self.title


class ExportStatus(models.TextChoices):
    PENDING = "pending", gettext_noop("排队中")
    RUNNING = "running", gettext_noop("生成中")
    FAILED = "failed", gettext_noop("生成失败")
    DONE = "done", gettext_noop("已完成")


class ReportExport(models.Model):
    """A long report built by the worker, with a progress row the page polls (as roster imports do)."""

    report_key = models.CharField(max_length=40)
    fmt = models.CharField(max_length=8)  # xlsx | pdf
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="report-exports/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("报表导出")
        verbose_name_plural = gettext_lazy("报表导出")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.report_key}.{self.fmt} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0
