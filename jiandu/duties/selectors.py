"""Reads for duties, each scoped to what the user may see (DESIGN.md "People who use it"): the bureau
its programmes' duties, an agency its own requests, a supervisor their own invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.core.keyset import date_id_cursor, date_id_cursor_parse, page_ids
from jiandu.core.request_context import request_memo
from jiandu.duties.models import (
    Assignment,
    AssignmentStatus,
    DrawCommitment,
    DrawRecord,
    Duty,
    DutyOpinion,
    DutyRecord,
    DutyStatus,
    MonthlySummary,
)
from jiandu.orgs.selectors import subtree_in
from jiandu.roster.models import Programme, Supervisor
from jiandu.roster.selectors import programme_ids_under
from jiandu.rules.decision import Reason


def duty_scope_q(user: Any, prefix: str = "") -> Q | None:
    """The duties `user` may see, as a filter on a duty's own columns (`prefix` "duty__" from a row
    that points to one), or None for none. Organisation and programme ids are resolved first (one
    query each, once per request), so a read filters its table's own columns and keeps its index
    order, never through joined `path LIKE`s or sub-selects."""
    org = getattr(user, "organisation", None)
    if not user.is_authenticated or org is None:
        return None
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        programmes = programme_ids_under(org)  # first: the subtree's ids come with them
        ids = subtree_in(org)
        return (
            Q(**{f"{prefix}programme_id__any_of": programmes})
            | Q(**{f"{prefix}agency_id__any_of": ids})
            | Q(**{f"{prefix}district_id__any_of": ids})
        )
    if user.can(Capability.REQUEST_DUTIES):
        return Q(**{f"{prefix}agency_id__any_of": subtree_in(org)})
    return None


def duties_visible_to(user: Any) -> QuerySet[Duty]:
    """The bureau its programmes' duties and those in its area, an agency its own requests
    (duty_scope_q)."""
    scope = duty_scope_q(user)
    if scope is None:
        return Duty.objects.none()
    return Duty.objects.select_related("programme", "agency", "district").filter(scope)


# What the duty list shows, and nothing else: no description, parties or JSON decisions. Read as
# values, not model instances: a page of 50 duties with their programme and agency was 150 instances,
# each initialising every field of its model, and the template reached each value through them.
LIST_COLUMNS = (
    "id",
    "title",
    "kind",
    "duty_on",
    "status",
    "supervisors_needed",
    "report_due_on",
    "reported_on",
    "programme__name",
    "agency__name",
)
PAGE_SIZE = 50


@dataclass(frozen=True)
class DutyPage:
    rows: list[dict[str, Any]]  # LIST_COLUMNS of each duty, by name
    # Keyset cursors ("YYYY-MM-DD.id"): the list walks the (duty_on, id) index and never counts.
    next_cursor: str | None
    first: bool


def duty_list_page(user: Any, *, after: str | None = None, size: int = PAGE_SIZE) -> DutyPage:
    """One page of the duties `user` may see, newest first, from the keyset cursor `after` (the last
    row of the previous page), as LIST_COLUMNS by name. One scoping query (the organisation and
    programme ids), then one for the page, whatever the data size.

    The page's ids are chosen in a sub-select that needs only the `duty_list_order_scope` index (its
    order, and the visibility columns it carries: an index-only walk, no table row read for the
    duties the user does not see), then only those rows are read, by primary key."""
    key = date_id_cursor_parse(after)
    ids = page_ids(duties_visible_to(user), field="duty_on", key=key, size=size)
    rows = list(Duty.objects.filter(id__in=ids).order_by("-duty_on", "-id").values(*LIST_COLUMNS))
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return DutyPage(
        rows=rows,
        next_cursor=date_id_cursor(last["duty_on"], last["id"]) if more and last else None,
        first=key is None,
    )


def report_overdue(row: dict[str, Any], today: dt.date) -> bool:
    """第二十条: held, report past its due date and not sent (reports_overdue, for one row of a
    DutyPage)."""
    due = row["report_due_on"]
    return row["status"] == DutyStatus.HELD and row["reported_on"] is None and due is not None and due < today


def duty_get(user: Any, pk: int) -> Duty:
    # The programme's organisation comes with it: the duty page names it (attendance, reports).
    duty = duties_visible_to(user).select_related("programme__organisation").filter(pk=pk).first()
    if duty is None:
        raise Http404(gettext("没有这项监督活动，或无权查看"))
    return duty


def programmes_managed_by(user: Any) -> QuerySet[Programme]:
    if not user.can(Capability.MANAGE_PROGRAMMES) or user.organisation is None:
        return Programme.objects.none()
    return Programme.objects.filter(organisation__path__startswith=user.organisation.path)


def supervisor_of(user: Any) -> Supervisor | None:
    """The signed-in supervisor's own record (once per GET request: the phone home page's entries
    each start from it)."""
    if not user.is_authenticated or not user.can(Capability.ACT_AS_SUPERVISOR):
        return None
    return request_memo(
        ("duties.supervisor_of", user.pk), lambda: Supervisor.objects.filter(user=user).first()
    )


def assignments_for_supervisor(user: Any) -> QuerySet[Assignment]:
    supervisor = supervisor_of(user)
    if supervisor is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(supervisor=supervisor)
        .exclude(duty__status=DutyStatus.CANCELLED)
        .select_related("duty", "duty__agency", "duty__programme")
        .order_by("-duty__duty_on", "-id")
    )


# What the supervisor's "my duties" list prints of each row (an active supervisor has a hundred or more
# over a few years): no agency or programme, none of the duty's JSON or texts.
MINE_COLUMNS = (
    "id",
    "status",
    "confirmed_at",
    "duty__id",
    "duty__duty_on",
    "duty__starts_at",
    "duty__title",
    "duty__place",
)


def my_duty_rows(user: Any) -> QuerySet[Assignment]:
    """assignments_for_supervisor with only what the "my duties" list prints (MINE_COLUMNS)."""
    return assignments_for_supervisor(user).select_related(None).select_related("duty").only(*MINE_COLUMNS)


def assignment_for_supervisor(user: Any, pk: int) -> Assignment:
    a = assignments_for_supervisor(user).filter(pk=pk).first()
    if a is None:
        raise Http404(gettext("没有这项邀请"))
    return a


def opinion_get(user: Any, pk: int) -> DutyOpinion:
    supervisor = supervisor_of(user)
    qs = DutyOpinion.objects.select_related("record__duty__agency", "supervisor")
    if supervisor is not None:
        qs = qs.filter(supervisor=supervisor)
    else:
        qs = qs.filter(record__duty__in=duties_visible_to(user))
    opinion = qs.filter(pk=pk).first()
    if opinion is None:
        raise Http404(gettext("没有这条意见"))
    return opinion


def record_opinions_for(user: Any, record: DutyRecord | None) -> list[DutyOpinion]:
    """The record's opinions as `user` may see them. Each carries `forwarding_visible`: whether the page
    may say it went on to the findings workflow (and as which finding). For an opinion sent as
    confidential, only bureau staff may (威海 2022 第十四条): the agency knows who said what at its
    duty, so "<name>：… 已转办 #N" would name the reporter of finding N."""
    if record is None:
        return []
    staff = user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES)
    own = getattr(supervisor_of(user), "pk", None)
    rows = list(record.opinions.select_related("supervisor"))
    for o in rows:
        o.forwarding_visible = bool(o.sent_at) and (  # type: ignore[attr-defined]
            staff or not o.sent_confidential or o.supervisor_id == own
        )
    return rows


# A draw's public record and pool can run to megabytes (an 18,749-candidate pool): pages that show a
# duty never load them whole; the database extracts the few keys they print.
DRAW_BULK = ("record", "commitment__pool", "commitment__requirements", "commitment__seed")


def contact_rows(duty: Duty) -> list[Assignment]:
    """The contacted supervisors in draw order (第十二条): each draw's positions, the first draw's before
    a redraw's. One query: the draw's number comes without its record or pool, the phone as its
    stored mask (nothing decrypted)."""
    return list(
        duty.assignments.select_related("supervisor", "draw__commitment")
        .defer(
            *(f"draw__{f}" for f in DRAW_BULK),
            "supervisor__id_number",
            "supervisor__phone",
            "supervisor__address",
        )
        .order_by("draw_id", "position")
    )


def draws_shown(duty: Duty) -> list[DrawRecord]:
    """The duty's draws for its page: number, commitment, seed, witnesses, pool counts and notes, each
    extracted from the record by the database (`head_*`), the record itself never loaded."""
    return list(
        duty.draws.select_related("commitment")
        .only("id", "duty_id", "commitment__id", "commitment__number")
        .annotate(
            head_commitment=F("record__commitment"),
            head_seed=F("record__seed"),
            head_witnesses=F("record__witnesses"),
            head_counts=F("record__pool__counts"),
            head_notes=F("record__result__notes"),
        )
        .order_by("id")
    )


def commitment_open(duty: Duty) -> DrawCommitment | None:
    """The duty's latest commitment if its draw has not happened yet, with the pool's counts and
    exclusions extracted (`pool_counts`, `pool_excluded`) instead of the pool itself."""
    latest = (
        duty.commitments.defer("pool", "requirements", "seed")
        .annotate(
            drawn=Exists(DrawRecord.objects.filter(commitment=OuterRef("pk"))),
            pool_counts=F("pool__counts"),
            pool_excluded=F("pool__excluded"),
        )
        .order_by("-number")
        .first()
    )
    return None if latest is None or latest.drawn else latest  # type: ignore[attr-defined]


def draws_public() -> QuerySet[DrawRecord]:
    """Every draw record is public (the pool carries ids, not names)."""
    return DrawRecord.objects.select_related("duty", "duty__programme", "commitment").order_by("-id")


def commitments_open() -> QuerySet[DrawCommitment]:
    """Published commitments whose draw has not happened yet."""
    return DrawCommitment.objects.filter(record__isnull=True).select_related("duty", "duty__programme")


def reports_overdue(user: Any, *, today: dt.date) -> QuerySet[Duty]:
    """第二十条: duties held whose report is past its due date and not sent."""
    return duties_visible_to(user).filter(
        status=DutyStatus.HELD, reported_on__isnull=True, report_due_on__lt=today
    )


@dataclass(frozen=True)
class SummaryRow:
    programme: Programme
    agency: Any
    year: int
    month: int
    duties: int
    due_on: dt.date | None
    sent: MonthlySummary | None
    overdue: bool


def monthly_summary_rows(user: Any, *, today: dt.date) -> list[SummaryRow]:
    """Months with duty records, per programme and agency, with their due date and whether sent."""
    from jiandu.duties.services import monthly_summary_due_on

    groups: dict[tuple[int, int, int, int], list[Duty]] = {}
    for duty in duties_visible_to(user).filter(record__isnull=False):
        key = (duty.programme_id, duty.agency_id, duty.duty_on.year, duty.duty_on.month)
        groups.setdefault(key, []).append(duty)
    sent = {
        (s.programme_id, s.agency_id, s.year, s.month): s
        for s in MonthlySummary.objects.filter(agency__in={d.agency_id for ds in groups.values() for d in ds})
    }
    rows = []
    for key, duties in sorted(groups.items(), key=lambda kv: (kv[0][2], kv[0][3]), reverse=True):
        due, _ = monthly_summary_due_on(duties[0].programme, key[2], key[3])
        done = sent.get(key)
        rows.append(
            SummaryRow(
                programme=duties[0].programme,
                agency=duties[0].agency,
                year=key[2],
                month=key[3],
                duties=len(duties),
                due_on=due,
                sent=done,
                overdue=done is None and due is not None and today > due,
            )
        )
    return rows


@dataclass(frozen=True)
class ProposedAction:
    supervisor: Supervisor
    reasons: list[Reason]


def attendance_of(supervisor: Supervisor) -> list[tuple[dt.date, bool, bool]]:
    """(date, attended, excused) for every duty the supervisor accepted and whose day has been marked."""
    rows = Assignment.objects.filter(
        supervisor=supervisor, status__in=(AssignmentStatus.ATTENDED, AssignmentStatus.ABSENT)
    ).values_list("duty__duty_on", "status", "excused")
    return [(on, status == AssignmentStatus.ATTENDED, excused) for on, status, excused in rows]


def dismissal_proposals(user: Any, *, today: dt.date) -> list[ProposedAction]:
    """Missed duties that meet a countable dismissal ground of the programme's rulebook
    (威海 2022 第十六条第（六）项: 连续两次以上; 万州 第十八条第（三）项: 一年内两次), as proposed
    actions for the bureau to examine — never applied automatically."""
    from jiandu.duties.services import rulebook_for
    from jiandu.rules.dismissal import missed_activity_reasons
    from jiandu.rules.rulebook import UnknownParameter

    out = []
    absent = (
        Assignment.objects.filter(
            status=AssignmentStatus.ABSENT,
            excused=False,
            supervisor__programme__in=programmes_managed_by(user),
        )
        .values_list("supervisor_id", flat=True)
        .distinct()
    )
    for supervisor in Supervisor.objects.filter(pk__in=list(absent)).select_related("programme"):
        book = rulebook_for(supervisor.programme)
        try:
            reasons = missed_activity_reasons(book, attendance_of(supervisor), on=today)
        except UnknownParameter:
            continue
        if reasons:
            out.append(ProposedAction(supervisor=supervisor, reasons=reasons))
    # A final 不合格 annual grade where the rulebook makes it a ground (威海 人民监督员 第八条第（五）项).
    from jiandu.assessment.selectors import failing_disqualifications

    out.extend(
        ProposedAction(supervisor=p.supervisor, reasons=p.reasons)
        for p in failing_disqualifications(user, on=today)
    )
    return out
