"""Stored provisional reply dates, recomputed when their year's holiday notice is loaded
(jiandu.workdays.recompute: the rule for dates that moved or have passed is stated there)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from jiandu.findings import deadlines
from jiandu.findings.models import Finding, Status
from jiandu.findings.selectors import agency_staff_for, bureau_staff_for
from jiandu.workdays.recompute import MOVED, UNCHANGED, DateChange, date_change_record, date_settle
from jiandu.workdays.recompute import provisional_dates_register as register
from jiandu.workdays.services import programme_region


class ReplyDueDates:
    name = "findings.reply_due"

    def _rows(self) -> Any:
        return Finding.objects.filter(reply_due_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                f = (
                    Finding.objects.select_for_update(of=("self",))
                    .select_related("agency", "programme__organisation", "reporter__user")
                    .get(pk=pk)
                )
                change = self._one(f, today=today, actor=actor)
            yield change

    def _one(self, f: Finding, *, today: dt.date, actor: Any) -> DateChange:
        old = f.reply_due
        assert old is not None and f.forwarded_on is not None
        clock = deadlines.rulebook_reply_clock(
            f.programme.rulebook_id, forwarded_on=f.forwarded_on, region=programme_region(f.programme)
        )
        computed = clock.due if clock is not None else old
        if f.status != Status.FORWARDED:
            # Answered (or closed) already: the date is history; only the 暂定 mark goes.
            new, outcome, note = old, UNCHANGED, gettext("已答复")
        else:
            new, outcome, note = date_settle(old=old, computed=computed, today=today)
        still = clock.provisional_years if (clock is not None and new == computed) else ()
        f.reply_due, f.reply_due_provisional = new, bool(still)
        if outcome == MOVED and clock is not None:
            f.reply_reason = clock.reason
            f.reply_remind_on = deadlines.remind_on(new)
        f.save(update_fields=["reply_due", "reply_due_provisional", "reply_reason", "reply_remind_on"])
        recipients: list[Any] = [*agency_staff_for(f.agency), *bureau_staff_for(f.programme)]
        if f.reporter_id and f.reporter and f.reporter.user_id:
            recipients.append(f.reporter.user)  # the reporter's own finding: nothing to hide from them
        change = DateChange(
            source=self.name,
            item=gettext("监督意见 {number}").format(number=f.number),
            what=gettext("答复截止日"),
            target=f,
            old=old,
            computed=computed,
            new=new,
            outcome=outcome,
            note=note,
            provisional_years=tuple(still),
            link=reverse("findings:detail", args=[f.pk]),
            recipients=recipients,
        )
        date_change_record(change=change, actor=actor, year=computed.year)
        return change


register(ReplyDueDates())
