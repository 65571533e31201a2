from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiandu.accounts.roles import SECOND_FACTOR_ROLES, Role, role_has


class User(AbstractUser):
    """An account: one person, one role, one organisation (the root of what they may see)."""

    role = models.CharField(gettext_lazy("角色"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=gettext_lazy("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        related_name="users",
    )
    full_name = models.CharField(gettext_lazy("姓名"), max_length=60, blank=True)
    # Set whenever the password is chosen by its holder; None means "must change at next sign-in"
    # (a temporary password set by the security admin). The default covers accounts made outside
    # jiandu.accounts.services (fixtures, createsuperuser).
    password_changed_at = models.DateTimeField(
        gettext_lazy("密码修改时间"), null=True, blank=True, default=timezone.now
    )

    class Meta:
        verbose_name = gettext_lazy("账号")
        verbose_name_plural = gettext_lazy("账号")

    def __str__(self) -> str:
        return self.full_name or self.username

    def can(self, capability: str) -> bool:
        return self.is_active and role_has(self.role, capability)

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    @property
    def password_expired(self) -> bool:
        """Periodic change (等保 level 3, GB/T 22239-2019 8.1.4.1 a); JIANDU_PASSWORD_MAX_AGE_DAYS=0 turns
        the period off, a temporary password always expires."""
        if self.password_changed_at is None:
            return True
        max_age = settings.JIANDU_PASSWORD_MAX_AGE_DAYS
        return max_age > 0 and timezone.now() - self.password_changed_at > dt.timedelta(days=max_age)


class PasswordHistory(models.Model):
    """Hashes of an account's earlier passwords (jiandu.accounts.passwords.PasswordHistoryValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=256)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("历史密码")
        verbose_name_plural = gettext_lazy("历史密码")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.replaced_at:%Y-%m-%d}"
