"""The knowledge base demo: FAQs, a material and both blank forms for Weihai, once however often built."""

from __future__ import annotations

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.knowledge import demo
from jiandu.knowledge.models import Entry, EntryKind
from jiandu.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


def test_the_demo_is_built_through_the_services_once(world) -> None:  # type: ignore[no-untyped-def]
    roster_demo.build(world)
    demo.build(world)
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert kinds == set(EntryKind.values)
    assert Entry.objects.filter(kind=EntryKind.FORM).count() == 2
    count, events = Entry.objects.count(), AuditEvent.objects.filter(action="knowledge.entry_create").count()
    assert events == count
    demo.build(world)
    assert Entry.objects.count() == count
    assert AuditEvent.objects.filter(action="knowledge.entry_create").count() == events
