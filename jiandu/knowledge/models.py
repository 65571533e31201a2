"""The knowledge base (知识库): staff-written entries beside each programme's rulebook. The rulebook's
articles themselves are not copied here: they are read from rulebooks/<id>/, so the knowledge base
always shows the text the rules engine applies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop


class EntryKind(models.TextChoices):
    FAQ = "faq", gettext_noop("常见问题")
    MATERIAL = "material", gettext_noop("培训资料")
    FORM = "form", gettext_noop("表格范本")


class Entry(models.Model):
    programme = models.ForeignKey("roster.Programme", on_delete=models.PROTECT, related_name="knowledge")
    kind = models.CharField(gettext_lazy("类别"), max_length=12, choices=EntryKind.choices)
    title = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("内容"))
    published = models.BooleanField(gettext_lazy("发布"), default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("知识库条目")
        verbose_name_plural = gettext_lazy("知识库条目")
        ordering = ["kind", "title", "id"]
        indexes = [models.Index(fields=["programme", "kind"])]

    def __str__(self) -> str:
        return self.title
