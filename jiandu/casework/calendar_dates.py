"""Stored provisional casework dates, recomputed when their year's holiday notice is loaded
(jiandu.workdays.recompute states the rule for moved and passed dates): the last day to complete a
暂予监外执行 case's medical records (a calendar-day period ending on a working day, 三（一）3), on the
programme's regional calendar. The officer in charge, the prison's staff and the bureau are told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from jiandu.casework import rules
from jiandu.casework.models import CaseFile
from jiandu.casework.services import _provisional
from jiandu.findings.selectors import agency_staff_for, bureau_staff_for
from jiandu.rules import casework as core
from jiandu.rules.calendar import provisional_note
from jiandu.workdays.recompute import MOVED, UNCHANGED, DateChange, date_change_record, date_settle
from jiandu.workdays.recompute import provisional_dates_register as register


class RecordsDueDates:
    name = "casework.records_due"

    def _rows(self) -> Any:
        return CaseFile.objects.filter(records_due_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                case = (
                    CaseFile.objects.select_for_update(of=("self",))
                    .select_related("programme__organisation", "prison", "officer")
                    .get(pk=pk)
                )
                change = self._one(case, today=today, actor=actor)
            yield change

    def _one(self, case: CaseFile, *, today: dt.date, actor: Any) -> DateChange:
        old, approved_on = case.records_due, case.approved_on
        assert old is not None and approved_on is not None
        cal = rules.calendar_for(case.programme)
        computed, reason = core.medical_records_due(rules.rulebook_for(case.programme), cal, approved_on)
        if case.records_supplemented_on is not None:
            # Supplemented already: the date is history; only the 暂定 mark goes.
            new, outcome, note = old, UNCHANGED, gettext("病历已补充")
        else:
            new, outcome, note = date_settle(old=old, computed=computed, today=today)
        if new == computed:
            case.records_reason = _provisional(reason, cal, approved_on, computed)
            case.records_due_provisional = bool(case.records_reason["facts"]["provisional_years"])
        else:
            case.records_reason = _settled(case.records_reason)
            case.records_due_provisional = False
        if outcome == MOVED:
            case.records_reminded_on = None  # remind again before the new day
        case.records_due = new
        case.save(
            update_fields=["records_due", "records_due_provisional", "records_reason", "records_reminded_on"]
        )
        recipients = [case.officer, *agency_staff_for(case.prison), *bureau_staff_for(case.programme)]
        change = DateChange(
            source=self.name,
            item=gettext("暂予监外执行案件 #{pk}").format(pk=case.pk),
            what=gettext("补充病历截止日"),
            target=case,
            old=old,
            computed=computed,
            new=new,
            outcome=outcome,
            note=note,
            provisional_years=(computed.year,) if case.records_due_provisional else (),
            link=reverse("casework:detail", args=[case.pk]),
            recipients=recipients,
        )
        date_change_record(change=change, actor=actor, year=computed.year)
        return change


def _settled(reason: dict[str, Any]) -> dict[str, Any]:
    """A kept date's reason without its 暂定 words: the date stands, no longer waiting for the notice."""
    facts = reason.get("facts") or {}
    note = f"（{provisional_note(facts.get('provisional_years') or [])}）"
    return {
        **reason,
        "facts": {**facts, "provisional": False, "provisional_years": []},
        "message": str(reason.get("message", "")).replace(note, ""),
    }


register(RecordsDueDates())
