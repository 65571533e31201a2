"""Writes of the knowledge base: staff maintain entries (one transaction, one audit event each)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.knowledge.models import Entry, EntryKind
from jiandu.roster.models import Programme
from jiandu.roster.selectors import programme_manageable_by


def _require_editor(actor: Any, programme: Programme, action: str) -> None:
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action=action, target=programme)
    if not programme_manageable_by(actor, programme):
        raise deny(actor, action=action, reason=gettext("只有本项目的管理员可以维护知识库"), target=programme)


def _snapshot(e: Entry) -> dict[str, Any]:
    return {"kind": e.kind, "title": e.title, "body": e.body, "published": e.published}


def entry_create(
    *, actor: Any, programme: Programme, kind: str, title: str, body: str, published: bool = True
) -> Entry:
    _require_editor(actor, programme, "knowledge.entry_create")
    with transaction.atomic():
        entry = Entry(
            programme=programme,
            kind=kind,
            title=(title or "").strip(),
            body=(body or "").strip(),
            published=published,
            created_by=actor,
            updated_by=actor,
        )
        entry.full_clean()
        entry.save()
        audit_record(actor=actor, action="knowledge.entry_create", target=entry, after=_snapshot(entry))
    return entry


def entry_update(*, actor: Any, entry: Entry, kind: str, title: str, body: str, published: bool) -> Entry:
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("programme__organisation")
            .get(pk=entry.pk)
        )
        _require_editor(actor, entry.programme, "knowledge.entry_update")
        before = _snapshot(entry)
        entry.kind, entry.title, entry.body, entry.published = (
            kind,
            (title or "").strip(),
            (body or "").strip(),
            published,
        )
        entry.updated_by = actor
        entry.full_clean()
        entry.save()
        audit_record(
            actor=actor, action="knowledge.entry_update", target=entry, before=before, after=_snapshot(entry)
        )
    return entry


__all__ = ["EntryKind", "entry_create", "entry_update"]
