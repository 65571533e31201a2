"""Stored provisional 公示 end dates, recomputed when their year's holiday notice is loaded
(jiandu.workdays.recompute states the rule). A running 公示 is extended when the published calendar
needs more days, never cut short: the public was told it runs until the stored date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jiandu.recruitment.models import PublicNotice, RoundStatus
from jiandu.recruitment.services import notice_period
from jiandu.workdays.recompute import UNCHANGED, DateChange, date_change_record, date_settle
from jiandu.workdays.recompute import provisional_dates_register as register


class NoticeEnds:
    name = "recruitment.notice_end"

    def _rows(self) -> Any:
        return PublicNotice.objects.filter(ends_provisional=True)

    def count(self) -> int:
        return self._rows().count()

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]:
        from jiandu.findings.selectors import bureau_staff_for

        for pk in self._rows().order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                notice = (
                    PublicNotice.objects.select_for_update(of=("self",))
                    .select_related("round__programme__organisation")
                    .get(pk=pk)
                )
                old = notice.ends_on
                computed, reason = notice_period(notice.round.programme, notice.starts_on)
                computed = computed or old
                if notice.round.status != RoundStatus.NOTICE:
                    new, outcome, note = old, UNCHANGED, gettext("公示已结束")
                else:
                    new, outcome, note = date_settle(old=old, computed=computed, today=today, shorten=False)
                notice.ends_on = new
                notice.ends_provisional = bool(reason.get("provisional")) and new == computed
                if new == computed and reason:
                    notice.period_reason = reason
                notice.save(update_fields=["ends_on", "ends_provisional", "period_reason"])
                change = DateChange(
                    source=self.name,
                    item=gettext("{name} 公示").format(name=notice.round.programme.name),
                    what=gettext("公示截止日"),
                    target=notice,
                    old=old,
                    computed=computed,
                    new=new,
                    outcome=outcome,
                    note=note,
                    provisional_years=(computed.year,) if notice.ends_provisional else (),
                    recipients=list(bureau_staff_for(notice.round.programme)),
                )
                date_change_record(change=change, actor=actor, year=computed.year)
            yield change


register(NoticeEnds())
