"""The in-app inbox: one row per recipient per message. E-mail and SMS are delivered alongside it
(jiandu.notifications.services); the inbox is the record every role can always see."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("内容"), blank=True)
    link = models.CharField(gettext_lazy("链接"), max_length=255, blank=True)
    # What kind of message this is (e.g. "finding.reminder"), so a page or test can pick its own.
    kind = models.CharField(gettext_lazy("类别"), max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True)
    read_at = models.DateTimeField(gettext_lazy("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("通知")
        verbose_name_plural = gettext_lazy("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
