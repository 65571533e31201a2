"""Writes to the organisation tree. Each is one transaction with one audit event."""

from __future__ import annotations

from django.db import transaction

from jiandu.audit.services import audit_record
from jiandu.orgs.models import Organisation


def _segment(pk: int) -> str:
    # Fixed width keeps the path ordering equal to a depth-first walk and makes prefixes unambiguous.
    return f"{pk:08d}."


@transaction.atomic
def organisation_create(
    *,
    actor: object | None,
    name: str,
    kind: str,
    level: str,
    region_code: str,
    parent: Organisation | None = None,
    uscc: str | None = None,
    short_name: str = "",
) -> Organisation:
    org = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        level=level,
        region_code=region_code,
        uscc=(uscc or None) and uscc.strip().upper(),
        parent=parent,
        path="",
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + _segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit_record(
        actor=actor,
        action="organisation.create",
        target=org,
        after={"name": name, "kind": kind, "level": level, "region_code": region_code, "uscc": org.uscc},
    )
    return org
