"""Reads of the organisation tree, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiandu.orgs.models import Organisation


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not user.is_authenticated or user.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=user.organisation.path)
