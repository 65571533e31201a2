from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from jiandu.accounts.roles import SECOND_FACTOR_ROLES, Role, role_has


class User(AbstractUser):
    """An account: one person, one role, one organisation (the root of what they may see)."""

    role = models.CharField("角色", max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        related_name="users",
    )
    full_name = models.CharField("姓名", max_length=60, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.full_name or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and role_has(self.role, capability)

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES
