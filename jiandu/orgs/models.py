"""Organisations: a tree (province → city → district) of bureaus, prisons, procuratorates and agencies.

Each organisation keeps its materialised path, so "this organisation and everything under it" is one
indexed prefix query whatever the depth of the tree.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop

from jiandu.rules.identifiers import uscc_error


class OrgKind(models.TextChoices):
    JUSTICE_BUREAU = "justice_bureau", gettext_noop("司法行政机关")
    PRISON_ADMINISTRATION = "prison_administration", gettext_noop("监狱管理局")
    PRISON = "prison", gettext_noop("监狱")
    PROCURATORATE = "procuratorate", gettext_noop("人民检察院")
    COURT = "court", gettext_noop("人民法院")
    ENFORCEMENT_AGENCY = "enforcement_agency", gettext_noop("行政执法机关")
    OTHER = "other", gettext_noop("其他单位")


class Level(models.TextChoices):
    NATIONAL = "national", gettext_noop("全国")
    PROVINCE = "province", gettext_noop("省级")
    CITY = "city", gettext_noop("市级")
    DISTRICT = "district", gettext_noop("县区级")


def validate_uscc(value: str) -> None:
    error = uscc_error(value)
    if error:
        raise ValidationError(error, code="uscc")


class Organisation(models.Model):
    name = models.CharField(gettext_lazy("名称"), max_length=120)
    short_name = models.CharField(gettext_lazy("简称"), max_length=40, blank=True)
    kind = models.CharField(gettext_lazy("类型"), max_length=32, choices=OrgKind.choices)
    level = models.CharField(gettext_lazy("层级"), max_length=16, choices=Level.choices)
    # 行政区划代码 (GB/T 2260) of the area the organisation serves.
    region_code = models.CharField(gettext_lazy("行政区划代码"), max_length=6)
    uscc = models.CharField(
        gettext_lazy("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(gettext_lazy("启用"), default=True)

    class Meta:
        verbose_name = gettext_lazy("组织机构")
        verbose_name_plural = gettext_lazy("组织机构")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_q(self, prefix: str = "") -> models.Q:
        """A filter matching this organisation and all below it, for a model related by `prefix`."""
        return models.Q(**{f"{prefix}path__startswith": self.path})

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)
