"""Reads of accounts, scoped to the reader's organisation subtree."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jiandu.accounts.models import User


def accounts_visible_to(user: Any) -> QuerySet[User]:
    if not user.is_authenticated or user.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation__path__startswith=user.organisation.path).order_by("username")


def accounts_filter(accounts: QuerySet[User], *, q: str = "", role: str = "") -> QuerySet[User]:
    q = q.strip()
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        accounts = accounts.filter(role=role)
    return accounts
