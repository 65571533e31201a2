"""Stored provisional duty dates, recomputed when their year's holiday notice is loaded
(jiandu.workdays.recompute states the rule for moved and passed dates):
- the report due date (第二十条: N working days after the duty);
- the lead-time check (第十条): re-decided on the published calendar and stored. A request accepted
  provisionally stands even if the published calendar would have made it late (it was in time on the
  only calendar there was); the audit trail records the re-check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.duties import services
from jiandu.duties.models import Duty, DutyStatus
from jiandu.findings.selectors import agency_staff_for, bureau_staff_for
from jiandu.workdays.recompute import MOVED, UNCHANGED, DateChange, date_change_record, date_settle
from jiandu.workdays.recompute import provisional_dates_register as register


def _recipients(duty: Duty) -> list[Any]:
    return [duty.requested_by, *agency_staff_for(duty.agency), *bureau_staff_for(duty.programme)]


class ReportDueDates:
    name = "duties.report_due"

    def _rows(self) -> Any:
        return Duty.objects.filter(report_due_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                duty = (
                    Duty.objects.select_for_update(of=("self",))
                    .select_related("programme__organisation", "agency", "requested_by")
                    .get(pk=pk)
                )
                old = duty.report_due_on
                assert old is not None
                computed, provisional = services.report_due_for(
                    duty.programme, services.rulebook_for(duty.programme), duty.duty_on
                )
                computed = computed or old
                if duty.reported_on is not None or duty.status == DutyStatus.CANCELLED:
                    new, outcome, note = old, UNCHANGED, gettext("已通报或已取消")
                else:
                    new, outcome, note = date_settle(old=old, computed=computed, today=today)
                duty.report_due_on = new
                duty.report_due_provisional = provisional and new == computed
                duty.save(update_fields=["report_due_on", "report_due_provisional"])
                change = DateChange(
                    source=self.name,
                    item=gettext("监督活动 {duty_on:%Y-%m-%d}《{title}》").format(
                        duty_on=duty.duty_on, title=duty.title
                    ),
                    what=gettext("履职情况通报期限"),
                    target=duty,
                    old=old,
                    computed=computed,
                    new=new,
                    outcome=outcome,
                    note=note,
                    provisional_years=(computed.year,) if duty.report_due_provisional else (),
                    link=reverse("duties:detail", args=[duty.pk]),
                    recipients=_recipients(duty),
                )
                date_change_record(change=change, actor=actor, year=computed.year)
            yield change


class LeadChecks:
    name = "duties.lead_check"

    def _rows(self) -> Any:
        return Duty.objects.filter(lead_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                duty = Duty.objects.select_for_update(of=("self",)).select_related("programme").get(pk=pk)
                decision = services.lead_time_decide(
                    programme=duty.programme,
                    requested_on=duty.requested_on,
                    duty_on=duty.duty_on,
                    consent=duty.consent,
                )
                before = duty.lead_decision
                old_latest = _latest(before) or duty.requested_on
                new_latest = _latest(decision.to_dict()) or old_latest
                duty.lead_decision = decision.to_dict()
                duty.lead_provisional = any(r.facts.get("provisional") for r in decision.reasons)
                duty.save(update_fields=["lead_decision", "lead_provisional"])
                audit_record(
                    actor=actor,
                    action="calendar.lead_recheck",
                    target=duty,
                    before={"lead_decision": before},
                    after={"lead_decision": duty.lead_decision, "request_stands": True},
                )
                outcome = UNCHANGED if new_latest == old_latest else MOVED
                change = DateChange(
                    source=self.name,
                    item=gettext("监督活动 {duty_on:%Y-%m-%d}《{title}》").format(
                        duty_on=duty.duty_on, title=duty.title
                    ),
                    what=gettext("最晚通知日"),
                    target=duty,
                    old=old_latest,
                    computed=new_latest,
                    new=new_latest,
                    outcome=outcome,
                    note=gettext("按正式安排重新审查：{outcome}；已受理的需求不撤销").format(
                        outcome=decision.outcome
                    ),
                )
            yield change


def _latest(decision: dict[str, Any]) -> dt.date | None:
    for r in decision.get("reasons", []):
        value = (r.get("facts") or {}).get("latest_allowed")
        if value:
            return dt.date.fromisoformat(value)
    return None


register(ReportDueDates())
register(LeadChecks())
