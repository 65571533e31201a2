"""Password rules beyond Django's own validators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class CharacterClassValidator:
    """At least `min_classes` of: lower-case, upper-case, digits, symbols (等保 level 3 complexity)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < self.min_classes:
            raise ValidationError(
                gettext("密码须至少包含小写字母、大写字母、数字、符号中的{min_classes}类").format(
                    min_classes=self.min_classes
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return gettext("密码须至少包含小写字母、大写字母、数字、符号中的{min_classes}类。").format(
            min_classes=self.min_classes
        )


class PasswordHistoryValidator:
    """The new password may not be the current one nor any of the last `remember` (等保 level 3:
    password history). Hashes, never passwords, are kept (accounts.PasswordHistory)."""

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from django.contrib.auth.hashers import check_password

        from jiandu.accounts.models import PasswordHistory, User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        earlier = PasswordHistory.objects.filter(user_id=user.pk).order_by("-id")[: self.remember]
        for encoded in [current, *(h.password for h in earlier)]:
            if encoded and check_password(password, encoded):
                raise ValidationError(
                    gettext("新密码不能与当前密码或最近 {remember} 次使用过的密码相同").format(
                        remember=self.remember
                    ),
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return gettext("新密码不能与最近 {remember} 次使用过的密码相同。").format(remember=self.remember)


def password_history_keep(user: Any, *, remember: int = 5) -> None:
    """Called just before a password change is saved: remember the outgoing hash, keep `remember`."""
    from jiandu.accounts.models import PasswordHistory, User

    outgoing = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if not outgoing:
        return
    PasswordHistory.objects.create(user_id=user.pk, password=outgoing)
    keep = list(
        PasswordHistory.objects.filter(user_id=user.pk)
        .order_by("-id")
        .values_list("id", flat=True)[:remember]
    )
    PasswordHistory.objects.filter(user_id=user.pk).exclude(id__in=keep).delete()
