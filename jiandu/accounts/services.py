"""Writes to accounts. Each is one transaction with one audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from jiandu.accounts.models import User
from jiandu.audit.services import audit_record


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    organisation: Any,
    full_name: str = "",
    email: str = "",
) -> User:
    user = User(username=username, role=role, organisation=organisation, full_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="account.create",
        target=user,
        after={"username": username, "role": role, "organisation_id": getattr(organisation, "pk", None)},
    )
    return user
