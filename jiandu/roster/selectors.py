"""Reads of the roster, scoped to the user's organisation subtree and role.

For other parts (duties, findings): `active_supervisors(programme, on=date)` is the roster a draw or
an assignment may pick from — active, within the term, and (where the rulebook requires it,
威海 人民监督员 第二十二条) with initial training done is left to the caller to filter on
`initial_training_on`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from jiandu.accounts.roles import Capability
from jiandu.audit.models import AuditEvent
from jiandu.core.request_context import request_memo
from jiandu.orgs.models import Organisation
from jiandu.orgs.selectors import ancestor_ids, subtree_ids_remember, subtree_in
from jiandu.roster.models import EmployerChange, Programme, Supervisor, SupervisorStatus


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return Programme.objects.none()
    if not (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES)):
        return Programme.objects.none()
    # A programme is visible to staff of its organisation and of the organisations above it.
    org = user.organisation
    return (
        Programme.objects.select_related("organisation")
        .filter(Q(organisation__path__startswith=org.path) | Q(organisation__in=ancestor_ids(org)))
        .annotate(active_count=Count("supervisors", filter=Q(supervisors__status=SupervisorStatus.ACTIVE)))
    )


def _programme_ids(org: Any) -> tuple[list[int], list[int]]:
    """(programmes run at or under `org`, programmes run above it): ids, once per request, read with
    `org`'s subtree ids in one statement (subtree_ids then does not ask again)."""

    def read() -> tuple[list[int], list[int]]:
        subtree, own, higher = _scope_ids_read(org)
        subtree_ids_remember(org, subtree)
        return own, higher

    return request_memo(("roster.programme_ids", org.path), read)


def _scope_ids_read(org: Any) -> tuple[list[int], list[int], list[int]]:
    """(organisation ids at or under `org`, programme ids run there, programme ids run above it), each
    list of programme ids in id order: one raw statement, where the two ORM queries it replaces cost
    every scoped page twice the Python (each query's compilation) and a second round trip."""
    quote = connection.ops.quote_name
    orgs, programmes = quote(Organisation._meta.db_table), quote(Programme._meta.db_table)
    above = ancestor_ids(org)
    # A path is fixed-width digits and dots (orgs.services): nothing in it for LIKE to escape. Table
    # names come from the models; every value is a parameter.
    prefix = org.path + "%"
    sql = (
        f"SELECT 0, o.id, NULL FROM {orgs} o WHERE o.path LIKE %s "  # noqa: S608
        f"UNION ALL SELECT 1, p.id, o.path FROM {programmes} p "
        f"JOIN {orgs} o ON o.id = p.organisation_id WHERE o.path LIKE %s"
    )
    params: list[Any] = [prefix, prefix]
    if above:
        sql += f" OR p.organisation_id IN ({', '.join(['%s'] * len(above))})"
        params += above
    subtree: list[int] = []
    own: list[int] = []
    higher: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk, path in cursor.fetchall():
            if kind == 0:
                subtree.append(pk)
            else:
                (own if path.startswith(org.path) else higher).append(pk)
    return subtree, sorted(own), sorted(higher)


def programme_ids_under(org: Any) -> list[int]:
    """Ids of the programmes run by `org` or an organisation under it (ids first: lists filter their
    own `programme_id` column with them instead of a sub-select joining the organisation tree)."""
    return _programme_ids(org)[0] if org is not None else []


def programme_ids_visible_to(user: Any) -> list[int]:
    """programmes_visible_to's ids as a list (one query, once per request), without its per-programme
    count of active supervisors: for filters (`round__programme_id__in=…`)."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return []
    if not (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES)):
        return []
    own, above = _programme_ids(user.organisation)
    return [*own, *above]


# The roster list's columns: the stored masks, never the encrypted identifiers.
ROSTER_COLUMNS = (
    "id",
    "full_name",
    "id_number_masked",
    "phone_masked",
    "employer",
    "term_start",
    "term_end",
    "certificate_no",
    "status",
)
ROSTER_PAGE = 100


@dataclass(frozen=True)
class RosterPage:
    rows: list[Supervisor]
    # Keyset cursor "status.id" of the last row: the page walks the (programme, status, id) index.
    next_cursor: str | None
    first: bool


def programme_rows_for(user: Any, programme: Programme) -> QuerySet[Supervisor]:
    """supervisors_visible_to's rule for one programme the caller has already found visible: the
    whole roster when the programme is run at or under the user's organisation, otherwise only the
    supervisors whose district is under it (ids resolved first, no joined `path LIKE`)."""
    qs = Supervisor.objects.filter(programme=programme)
    org = getattr(user, "organisation", None)
    if org is None:
        return qs.none()
    if not programme.organisation.path.startswith(org.path):
        return qs.filter(district_id__any_of=subtree_in(org))
    return qs


def roster_page(
    user: Any, programme: Programme, *, after: str | None = None, size: int = ROSTER_PAGE
) -> RosterPage:
    """One page of `programme`'s roster as `user` reads it (a programme the caller has already found
    visible), in (status, id) order after the keyset cursor `after` (programme_rows_for's rows)."""
    qs = programme_rows_for(user, programme).only(*ROSTER_COLUMNS).order_by("status", "id")
    status, _, pk = (after or "").partition(".")
    key = (status, int(pk)) if status in SupervisorStatus.values and pk.isdigit() else None
    if key is not None:
        qs = qs.filter(Q(status__gt=key[0]) | Q(status=key[0], id__gt=key[1]))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return RosterPage(
        rows=rows, next_cursor=f"{last.status}.{last.pk}" if more and last else None, first=key is None
    )


def programme_manageable_by(user: Any, programme: Programme) -> bool:
    """Only a programme admin of the running organisation (or above it) changes a programme."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.can(Capability.MANAGE_PROGRAMMES)
        and user.organisation_id is not None
        and programme.organisation.path.startswith(user.organisation.path)
    )


def supervisors_visible_to(user: Any) -> QuerySet[Supervisor]:
    """The whole roster of the programmes run by the user's organisation or below it; of a programme
    run above it (a city programme seen from a district bureau), only the supervisors whose district
    is in the user's subtree (docs/security.md, "Who reads what"). Pages, exports, certificate PDFs
    and the work queue all read supervisors through here."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or not (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES)):
        return Supervisor.objects.none()
    # Ids first (docs/performance.md): the supervisor table filtered on its own columns.
    own, above = _programme_ids(org)
    return Supervisor.objects.filter(
        Q(programme_id__any_of=own) | Q(programme_id__any_of=above, district_id__any_of=subtree_in(org))
    )


def active_supervisors(programme: Programme, on: dt.date | None = None) -> QuerySet[Supervisor]:
    """The supervisors of `programme` in office on `on` (default today): status active and the date
    within their current term. A term that has ended counts as ended even before `jiandu roster
    expire` has recorded it (万州 第七条: 自然解聘)."""
    on = on or dt.date.today()
    return (
        Supervisor.objects.filter(programme=programme, status=SupervisorStatus.ACTIVE)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .filter(Q(term_start__isnull=True) | Q(term_start__lte=on))
        .select_related("district")
        .order_by("id")
    )


def late_employer_reports(programme: Programme, user: Any) -> list[EmployerChange]:
    """Employer changes reported after the rulebook's period (威海 人民监督员 第六条: 一个月内), of the
    supervisors the user reads."""
    return list(
        EmployerChange.objects.filter(
            supervisor__in=programme_rows_for(user, programme).values("pk"),
            report_due__isnull=False,
            reported_on__gt=F("report_due"),  # EmployerChange.is_late, in SQL
        )
        .select_related("supervisor")
        # The name only: a Supervisor row loaded whole would decrypt its identifiers.
        .only(
            "id",
            "supervisor_id",
            "changed_on",
            "reported_on",
            "report_due",
            "due_reason",
            "supervisor__id",
            "supervisor__full_name",
        )
        .order_by("-changed_on")
    )


def supervisor_timeline(supervisor: Supervisor) -> list[dict[str, Any]]:
    """Every audited change to the supervisor, newest first, plus the roster import that created
    them (recorded once for the whole file)."""
    events = list(
        AuditEvent.objects.filter(target_type="roster.supervisor", target_id=str(supervisor.pk)).order_by(
            "-seq"
        )
    )
    items = [
        {
            "at": e.occurred_at,
            "action": e.action,
            "label": ACTION_LABELS.get(e.action, e.action),
            "actor": e.actor_name,
            "outcome": e.outcome,
            "after": e.after or {},
        }
        for e in events
    ]
    imported = supervisor.appointments.filter(kind="imported").first()
    if imported is not None:
        items.append(
            {
                "at": imported.created_at,
                "action": "roster.import",
                "label": ACTION_LABELS["roster.import"],
                "actor": "",
                "outcome": "success",
                "after": {},
            }
        )
    return items


ACTION_LABELS = {
    "supervisor.appoint": gettext_lazy("聘任"),
    "supervisor.replenish": gettext_lazy("补聘"),
    "supervisor.renew": gettext_lazy("续聘"),
    "supervisor.resignation": gettext_lazy("辞聘"),
    "supervisor.dismissal": gettext_lazy("解聘"),
    "supervisor.disqualification": gettext_lazy("免除资格"),
    "supervisor.expire": gettext_lazy("任期届满，自然解聘"),
    "supervisor.update_profile": gettext_lazy("修改个人信息"),
    "supervisor.employer_change": gettext_lazy("工作单位变动"),
    "supervisor.relationship_add": gettext_lazy("申报回避关系"),
    "supervisor.relationship_remove": gettext_lazy("撤销回避关系"),
    "supervisor.reveal_identifiers": gettext_lazy("查看完整身份信息"),
    "supervisor.initial_training": gettext_lazy("完成初任培训"),
    "supervisor.link_account": gettext_lazy("关联账号"),
    "roster.import": gettext_lazy("名册导入"),
}


def county_shortfalls(programme: Programme, on: dt.date) -> list[dict[str, Any]]:
    """Counties (区县) under the programme with fewer supervisors in office than the rulebook's
    per-county minimum (人民监督员选任管理办法 第十一条: 不少于三名) — a warning on the roster, not a
    refusal. Empty where the rulebook sets no such minimum. One grouped query."""
    from jiandu.orgs.models import Level
    from jiandu.orgs.selectors import districts_within
    from jiandu.roster.rules import article_label, programme_cite

    minimum = programme_cite(programme, "roster.min_per_county", on)
    if minimum is None:
        return []
    # The minimum may come from the text this one extends: name it, its article numbers differ.
    article = article_label(minimum, programme.rulebook_id)
    counts = dict(
        active_supervisors(programme, on)
        .filter(district__isnull=False)
        .order_by()
        .values("district_id")
        .annotate(n=Count("id"))
        .values_list("district_id", "n")
    )
    return [
        {
            "district": d.name,
            "count": counts.get(d.pk, 0),
            "message": gettext("{name}在任{pk}人，少于每个县（市、区）{value}名").format(
                name=d.name, pk=counts.get(d.pk, 0), value=minimum.value
            ),
            "article": article,
            "rulebook": minimum.rulebook,
        }
        for d in districts_within([programme.organisation], levels=(Level.DISTRICT,))
        if counts.get(d.pk, 0) < minimum.value
    ]
