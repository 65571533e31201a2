"""Reads of findings, scoped to the user and their role.

Three audiences, three shapes:
- bureau staff (MANAGE_PROGRAMMES / ASSIST_PROGRAMMES): Finding model instances of their subtree;
- the reporter (ACT_AS_SUPERVISOR): their own Finding instances;
- agency staff (ANSWER_FINDINGS): `AgencyFinding` projections only. The projection is built from a
  column list that does not contain the reporter, the person who registered it, the source record or an
  attachment's uploader and file name; for a confidential finding the reporter's name is blanked in the
  SQL itself (威海 2022 第十四条), so it never reaches Python, a template or a JSON encoder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, F, Min, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.models import User
from jiandu.accounts.roles import Capability, Role
from jiandu.core.keyset import date_id_cursor, date_id_cursor_parse, page_ids
from jiandu.findings.models import (
    AGENCY_STATUSES,
    Complaint,
    Correction,
    Finding,
    FindingAttachment,
    Source,
    Status,
    finding_late,
)
from jiandu.orgs.selectors import subtree_in
from jiandu.roster.selectors import programme_ids_under
from jiandu.rules.calendar import provisional_text

STAFF, AGENCY, REPORTER = "staff", "agency", "reporter"


def audience(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        return STAFF
    if user.can(Capability.ANSWER_FINDINGS):
        return AGENCY
    if user.can(Capability.ACT_AS_SUPERVISOR):
        return REPORTER
    return None


def _org_path(user: Any) -> str | None:
    org = getattr(user, "organisation", None)
    return org.path if org is not None else None


def ancestor_paths(path: str) -> list[str]:
    """'00000001.00000007.' → ['00000001.', '00000001.00000007.'] (the org and every org above)."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


# --- staff and reporter --------------------------------------------------------------------------


def findings_for_staff(user: Any) -> QuerySet[Finding]:
    """The subtree's organisation ids are resolved first (one indexed query), so findings are filtered
    on their own columns (`agency_id IN …`, programmes a sub-select) rather than joined `path LIKE`s."""
    if _org_path(user) is None or audience(user) != STAFF:
        return Finding.objects.none()
    programmes = programme_ids_under(user.organisation)  # first: the subtree's ids come with them
    ids = subtree_in(user.organisation)
    return Finding.objects.filter(
        Q(programme_id__any_of=programmes) | Q(agency_id__any_of=ids)
    ).select_related("agency", "programme", "reporter")


def findings_for_reporter(user: Any) -> QuerySet[Finding]:
    if audience(user) != REPORTER:
        return Finding.objects.none()
    return Finding.objects.filter(reporter__user=user).select_related("agency", "programme")


# What the staff and reporter lists show (templates/findings/list.html), and nothing else: no texts,
# no reporter (a Supervisor row would decrypt its identifiers), no JSON reasons.
LIST_COLUMNS = (
    "id",
    "title",
    "confidential",
    "status",
    "submitted_on",
    "reply_due",
    "reply_due_provisional",
    "rectify_due",
    "agency__id",
    "agency__name",
)
PAGE_SIZE = 30


@dataclass(frozen=True)
class FindingPage:
    rows: list[Any]
    # Keyset cursor "YYYY-MM-DD.id" of the last row: the list walks the (submitted_on, id) index and
    # never counts the rows it does not show.
    next_cursor: str | None
    first: bool


def finding_page(
    qs: QuerySet[Finding],
    *,
    after: str | None,
    read: Callable[[QuerySet[Finding]], QuerySet[Finding]] = lambda rows: rows,
    size: int = PAGE_SIZE,
) -> FindingPage:
    """One page of `qs` (already scoped and filtered), newest first, after the keyset cursor; its rows
    as `read` shapes them (`list_columns`, or only the ids for the agency's projection).

    The page's ids are chosen in a sub-select that needs only the `finding_list_scope` index (its
    order, and the columns the scopes and the list's filters test: an index-only walk, no table row
    read for the findings the user does not see or the filter drops), then only those rows are read,
    by primary key, without the scope's conditions again."""
    key = date_id_cursor_parse(after)
    ids = page_ids(qs, field="submitted_on", key=key, size=size)
    rows = list(read(Finding.objects.filter(id__in=ids)).order_by("-submitted_on", "-id"))
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return FindingPage(
        rows=rows,
        next_cursor=date_id_cursor(last.submitted_on, last.pk) if more and last else None,
        first=key is None,
    )


def list_columns(qs: QuerySet[Finding]) -> QuerySet[Finding]:
    return qs.select_related(None).select_related("agency").only(*LIST_COLUMNS)


# --- the agency's projection ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyAttachment:
    id: int
    label: str
    content_type: str
    size: int


@dataclass(frozen=True)
class AgencyFinding:
    id: int
    number: str
    title: str
    text: str
    source_label: str
    reporter_label: str
    confidential: bool
    agency_id: int
    agency_name: str
    programme_name: str
    status: str
    status_label: str
    occurred_on: dt.date | None
    forwarded_on: dt.date | None
    forward_note: str
    reply_days: int | None
    reply_due: dt.date | None
    reply_article: str
    reply_message: str
    replied_on: dt.date | None
    reply_text: str
    adopted: bool | None
    correction: str
    correction_label: str
    rectification_plan: str
    rectify_due: dt.date | None
    rectified_on: dt.date | None
    rectification_report: str
    closed_on: dt.date | None
    overdue: bool
    late: bool  # late now or when it was done (the export's 是否逾期)
    attachments: list[AgencyAttachment] = field(default_factory=list)
    # The programme's rulebook, so the page cites that text's own articles.
    rulebook_id: str = ""
    # A reply date computed in a year whose holiday notice was not loaded (暂定) and the words shown.
    reply_due_provisional: bool = False
    reply_due_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# The only Finding columns agency code ever reads. Adding one here is a confidentiality decision.
AGENCY_COLUMNS = (
    "id",
    "title",
    "text",
    "source",
    "confidential",
    "agency_id",
    "status",
    "occurred_on",
    "forwarded_on",
    "forward_note",
    "reply_days",
    "reply_due",
    "reply_due_provisional",
    "reply_reason",
    "replied_on",
    "reply_text",
    "adopted",
    "correction",
    "rectification_plan",
    "rectify_due",
    "rectified_on",
    "rectification_report",
    "closed_on",
)


def agency_findings_queryset(user: Any) -> QuerySet[Finding]:
    if _org_path(user) is None or audience(user) != AGENCY:
        return Finding.objects.none()
    return Finding.objects.filter(
        agency_id__any_of=subtree_in(user.organisation),
        status__in=AGENCY_STATUSES,
        forwarded_on__isnull=False,
    )


def _project(rows: list[dict[str, Any]], today: dt.date) -> list[AgencyFinding]:
    ids = [r["id"] for r in rows]
    attachments: dict[int, list[AgencyAttachment]] = {}
    for a in FindingAttachment.objects.filter(finding_id__in=ids).values(
        "id", "finding_id", "content_type", "size"
    ):
        items = attachments.setdefault(a["finding_id"], [])
        items.append(
            AgencyAttachment(
                a["id"], gettext("附件{value}").format(value=len(items) + 1), a["content_type"], a["size"]
            )
        )
    statuses, sources, corrections = dict(Status.choices), dict(Source.choices), dict(Correction.choices)
    out = []
    for r in rows:
        reason = r["reply_reason"] or {}
        due = r["reply_due"] if r["status"] == Status.FORWARDED else None
        if r["status"] == Status.RECTIFYING:
            due = r["rectify_due"]
        name = r["reporter_name"]
        out.append(
            AgencyFinding(
                id=r["id"],
                number=f"JD-{r['id']:06d}",
                title=r["title"],
                text=r["text"],
                # A duty-record source would hint at who was there; a confidential one says less.
                source_label=gettext("监督意见") if r["confidential"] else sources.get(r["source"], ""),
                reporter_label=gettext("提出人要求保密")
                if r["confidential"]
                else (gettext("监督员 {name}").format(name=name) if name else gettext("司法行政机关")),
                confidential=r["confidential"],
                agency_id=r["agency_id"],
                agency_name=r["agency_name"],
                programme_name=r["programme_name"],
                status=r["status"],
                status_label=statuses.get(r["status"], r["status"]),
                occurred_on=r["occurred_on"],
                forwarded_on=r["forwarded_on"],
                forward_note=r["forward_note"],
                reply_days=r["reply_days"],
                reply_due=r["reply_due"],
                reply_article=reason.get("article", ""),
                reply_message=reason.get("message", ""),
                replied_on=r["replied_on"],
                reply_text=r["reply_text"],
                adopted=r["adopted"],
                correction=r["correction"],
                correction_label=corrections.get(r["correction"], ""),
                rectification_plan=r["rectification_plan"],
                rectify_due=r["rectify_due"],
                rectified_on=r["rectified_on"],
                rectification_report=r["rectification_report"],
                closed_on=r["closed_on"],
                overdue=due is not None and today > due,
                late=finding_late(
                    status=r["status"],
                    reply_due=r["reply_due"],
                    replied_on=r["replied_on"],
                    rectify_due=r["rectify_due"],
                    rectified_on=r["rectified_on"],
                    today=today,
                ),
                attachments=attachments.get(r["id"], []),
                rulebook_id=r["rulebook_id"],
                reply_due_provisional=r["reply_due_provisional"],
                reply_due_note=provisional_text(r["reply_due"], r["reply_due_provisional"]),
            )
        )
    return out


def agency_findings(
    user: Any, *, qs: QuerySet[Finding] | None = None, limit: int | None = None
) -> list[AgencyFinding]:
    qs = agency_findings_queryset(user) if qs is None else qs
    values = qs.annotate(
        agency_name=F("agency__name"),
        programme_name=F("programme__name"),
        rulebook_id=F("programme__rulebook_id"),
        # Redacted in SQL: a confidential finding's reporter name is never selected.
        reporter_name=Case(
            When(confidential=False, then=F("reporter__full_name")),
            default=Value(""),
            output_field=CharField(),
        ),
    ).values(*AGENCY_COLUMNS, "agency_name", "programme_name", "rulebook_id", "reporter_name")
    rows = list(values[:limit] if limit else values)
    return _project(rows, timezone.localdate())


def agency_finding(user: Any, pk: int) -> AgencyFinding | None:
    found = agency_findings(user, qs=agency_findings_queryset(user).filter(pk=pk))
    return found[0] if found else None


# --- overdue -------------------------------------------------------------------------------------


def overdue_q(today: dt.date) -> Q:
    return Q(status=Status.FORWARDED, reply_due__lt=today) | Q(
        status=Status.RECTIFYING, rectify_due__lt=today
    )


def overdue_by_agency(qs: QuerySet[Finding], today: dt.date) -> list[dict[str, Any]]:
    """Overdue counts per agency, oldest due first: the bureau's 督办 list."""
    rows = (
        qs.filter(overdue_q(today))
        .values("agency_id", "agency__name")
        .annotate(count=Count("id"), oldest_reply=Min("reply_due"), oldest_rectify=Min("rectify_due"))
        .order_by("-count", "agency__name")
    )
    return [dict(r) for r in rows]


# --- who is told ---------------------------------------------------------------------------------


def agency_staff_for(agency: Any) -> QuerySet[User]:
    """Agency staff whose organisation subtree holds `agency` (the agency itself or one above it)."""
    return User.objects.filter(
        role=Role.AGENCY_STAFF, is_active=True, organisation__path__in=ancestor_paths(agency.path)
    )


def bureau_staff_for(programme: Any) -> QuerySet[User]:
    """The programme admins of the bureau running `programme` (or of a bureau above it)."""
    return User.objects.filter(
        role=Role.PROGRAMME_ADMIN,
        is_active=True,
        organisation__path__in=ancestor_paths(programme.organisation.path),
    )


# --- complaints ----------------------------------------------------------------------------------


def complaints_for_staff(user: Any) -> QuerySet[Complaint]:
    path = _org_path(user)
    if path is None or audience(user) != STAFF:
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(programme__organisation__path__startswith=path)
        | Q(supervisor__programme__organisation__path__startswith=path)
    ).select_related("programme", "supervisor", "complainant_org")


def complaints_by_user(user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.filter(complainant_user=user)
