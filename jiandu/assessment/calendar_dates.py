"""Stored provisional assessment dates, recomputed when their year's holiday notice is loaded
(jiandu.workdays.recompute states the rule for moved and passed dates):
- the last day to state and defend before a 不合格 grade (第三十五条: the round's working days after the
  supervisor is told) — the supervisor and the bureau are told when it moves;
- the five/ten working-day deadlines after completion (第三十四条（六）), stored on the round — the
  bureau is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from jiandu.assessment import rules
from jiandu.assessment.models import Assessment, AssessmentRound, RoundStatus
from jiandu.findings.selectors import bureau_staff_for
from jiandu.rules.calendar import provisional_note
from jiandu.workdays.recompute import (
    MOVED,
    UNCHANGED,
    DateChange,
    date_change_notify,
    date_change_record,
    date_settle,
)
from jiandu.workdays.recompute import provisional_dates_register as register

# What each 第三十四条（六） deadline is called in the audit trail and the notification.
DEADLINE_NAMES = {
    "entry": gettext_lazy("录入考核结果期限"),
    "filing": gettext_lazy("上报考核工作情况备案期限"),
}


class DefenceDueDates:
    name = "assessment.defence_due"

    def _rows(self) -> Any:
        return Assessment.objects.filter(defence_due_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                a = (
                    Assessment.objects.select_for_update(of=("self",))
                    .select_related("round__programme__organisation", "supervisor__user")
                    .get(pk=pk)
                )
                change = self._one(a, today=today, actor=actor)
            yield change

    def _one(self, a: Assessment, *, today: dt.date, actor: Any) -> DateChange:
        old, notified = a.defence_due, a.hearing_notified_on
        assert old is not None and notified is not None
        r = a.round
        due = rules.defence_due(r, notified)
        if a.defence_text or r.status != RoundStatus.OPEN:
            # Defended already, or the round is final: the date is history; only the 暂定 mark goes.
            new, outcome, note = old, UNCHANGED, gettext("已陈述申辩或考核已确定")
        else:
            new, outcome, note = date_settle(old=old, computed=due.date, today=today)
        still = due.provisional_years if new == due.date else ()
        a.defence_due, a.defence_due_provisional = new, bool(still)
        a.save(update_fields=["defence_due", "defence_due_provisional"])
        change = DateChange(
            source=self.name,
            # No name: the recompute page that lists the moves is the system admin's, and a defence
            # period means a proposed 不合格. The link leads the bureau to the person.
            item=gettext("{name}{year}年度考核 陈述申辩 #{pk}").format(
                name=r.programme.name, year=r.year, pk=a.pk
            ),
            what=gettext("陈述申辩截止日"),
            target=a,
            old=old,
            computed=due.date,
            new=new,
            outcome=outcome,
            note=note,
            provisional_years=tuple(still),
            link=reverse("assessment:detail", args=[a.pk]),
            recipients=list(bureau_staff_for(r.programme)),
        )
        date_change_record(change=change, actor=actor, year=due.date.year)
        if a.supervisor.user_id:
            # The supervisor defends on their own page, not the bureau's.
            date_change_notify(
                change=change,
                year=due.date.year,
                recipients=[a.supervisor.user],
                link=reverse("assessment:mine"),
            )
        return change


class ResultsDeadlines:
    name = "assessment.results_deadlines"

    def _rows(self) -> Any:
        return AssessmentRound.objects.filter(deadlines_provisional=True)

    def count(self) -> int:
        # One per provisional deadline (a round has at most two): the progress counts them.
        return sum(
            sum(1 for d in items if d.get("provisional"))
            for items in self._rows().values_list("deadlines", flat=True)
        )

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                r = (
                    AssessmentRound.objects.select_for_update(of=("self",))
                    .select_related("programme__organisation")
                    .get(pk=pk)
                )
                changes = self._round(r, today=today, actor=actor)
            yield from changes

    def _round(self, r: AssessmentRound, *, today: dt.date, actor: Any) -> list[DateChange]:
        assert r.completed_on is not None
        fresh = {d["code"]: d for d in rules.results_deadlines(r.programme, r.completed_on)}
        items = [dict(d) for d in r.deadlines]
        pending: list[DateChange] = []
        for d in items:
            if not d.get("provisional"):
                continue
            old = dt.date.fromisoformat(d["due"])
            f = fresh.get(d["code"])
            computed = dt.date.fromisoformat(f["due"]) if f else old
            if d.get("done_on"):
                new, outcome, note = old, UNCHANGED, gettext("已完成")
            else:
                new, outcome, note = date_settle(old=old, computed=computed, today=today)
            if f is not None and new == computed:
                d.update(due=f["due"], provisional=f["provisional"], reason=f["reason"])
            else:
                d["provisional"] = False
                d["reason"] = _settled(d["reason"], old.year)
            if outcome == MOVED:
                d.pop("reminded", None)  # a reminder sent for the old day is sent again for the new one
            pending.append(
                DateChange(
                    source=self.name,
                    item=gettext("{name}{year}年度考核").format(name=r.programme.name, year=r.year),
                    what=str(DEADLINE_NAMES.get(str(d["code"]), str(d["code"]))),
                    target=r,
                    old=old,
                    computed=computed,
                    new=new,
                    outcome=outcome,
                    note=note,
                    provisional_years=(new.year,) if d["provisional"] else (),
                    link=reverse("assessment:round", args=[r.pk]),
                    recipients=list(bureau_staff_for(r.programme)),
                )
            )
        r.deadlines = items
        r.deadlines_provisional = any(d.get("provisional") for d in items)
        r.save(update_fields=["deadlines", "deadlines_provisional"])
        for change in pending:
            date_change_record(change=change, actor=actor, year=change.computed.year)
        return pending


def _settled(reason: dict[str, Any], year: int) -> dict[str, Any]:
    """A kept date's reason without its 暂定 words: the date stands, no longer waiting for the notice."""
    facts = reason.get("facts") or {}
    note = provisional_note(facts.get("provisional_years") or [year])
    out = {**reason, "facts": {**facts, "provisional_years": []}}
    out["message"] = str(reason.get("message", "")).replace(f"（{note}）", "")
    return out


register(DefenceDueDates())
register(ResultsDeadlines())
