"""Calendar overlays loaded by staff or `jiandu calendar load FILE`: a newly published year's State
Council holiday notice, or a region's own holidays. The rules core (jiandu.rules.calendar) turns
them into a WorkCalendar together with the chinesecalendar package."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop


class CalendarOverlay(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", gettext_noop("国务院节假日安排")
        REGIONAL = "regional", gettext_noop("地方假日")

    kind = models.CharField(gettext_lazy("类型"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(gettext_lazy("年份"))
    # 6-digit 行政区划代码 for regional overlays; empty for national ones.
    region = models.CharField(gettext_lazy("地区代码"), max_length=6, blank=True, default="")
    label = models.CharField(gettext_lazy("名称"), max_length=255)
    source = models.CharField(gettext_lazy("来源"), max_length=500, blank=True, default="")
    test_data = models.BooleanField(gettext_lazy("测试数据"), default=False)
    # The validated overlay as data (jiandu.rules.calendar.Overlay.to_dict()).
    data = models.JSONField(gettext_lazy("内容"))
    content_hash = models.CharField(gettext_lazy("内容哈希"), max_length=64)
    loaded_at = models.DateTimeField(gettext_lazy("载入时间"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("载入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = gettext_lazy("日历叠加数据")
        verbose_name_plural = gettext_lazy("日历叠加数据")
        constraints = [
            # One notice per (kind, region, year): loading a corrected notice replaces the old one.
            models.UniqueConstraint(fields=["kind", "region", "year"], name="workdays_overlay_unique"),
        ]
        ordering = ["year", "kind", "region"]

    def __str__(self) -> str:
        where = f" {self.region}" if self.region else ""
        return f"{self.year} {self.get_kind_display()}{where}：{self.label}"


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", gettext_noop("排队中")
    RUNNING = "running", gettext_noop("重新计算中")
    DONE = "done", gettext_noop("已完成")
    FAILED = "failed", gettext_noop("失败")


class CalendarRecompute(models.Model):
    """One pass over every stored provisional date after a notice was loaded (a background task with
    a progress row the page polls)."""

    overlay = models.ForeignKey(
        CalendarOverlay, null=True, blank=True, on_delete=models.SET_NULL, related_name="recomputes"
    )
    year = models.PositiveSmallIntegerField(gettext_lazy("年份"))
    status = models.CharField(
        gettext_lazy("状态"), max_length=16, choices=RecomputeStatus.choices, default=RecomputeStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(gettext_lazy("已变更"), default=0)
    kept = models.PositiveIntegerField(gettext_lazy("保留原期限"), default=0)
    unchanged = models.PositiveIntegerField(gettext_lazy("无变化"), default=0)
    # The first changes, for the page (the audit trail holds every one).
    changes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("暂定日期重新计算")
        verbose_name_plural = gettext_lazy("暂定日期重新计算")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 100
