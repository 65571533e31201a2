"""Reads of casework, scoped to who may see a prisoner's file.

Three audiences and nobody else (issue 15; 个人信息保护法 第二十八条 sensitive personal information):
- HANDLER: staff of the prison itself (agency staff whose organisation is the prison or below it):
  the whole file, the prisoner's name in full;
- ADMINISTRATION: programme staff of an organisation above the prison (the prison administration):
  the whole file, the name masked;
- SUPERVISOR: a supervisor invited (through jiandu.duties) to a review meeting or hearing of this
  case: the non-secret facts (山西 第九条（一）), the votes and the outcome; the name masked, no
  documents, no evidence text, no medical detail.
Opening a file is audited (`casework.case_view`); a refusal is a 403 and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.casework import rules
from jiandu.casework.models import (
    CaseFile,
    CaseStatus,
    PointsPublication,
    Problem,
    ProblemStatus,
    Publicity,
)
from jiandu.core.permissions import deny
from jiandu.duties.models import ENGAGED, Assignment
from jiandu.orgs.models import Organisation, OrgKind

HANDLER, ADMINISTRATION, SUPERVISOR = "handler", "administration", "supervisor"


def name_mask(name: str) -> str:
    """张三丰 → 张**: the first character only, and always two stars (the length is not shown)."""
    name = (name or "").strip()
    return name[:1] + "**" if name else ""


def _org(user: Any) -> Organisation | None:
    return getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None


def is_handler_of(user: Any, prison: Organisation) -> bool:
    org = _org(user)
    return bool(
        org is not None
        and user.can(Capability.REQUEST_DUTIES)
        and org.is_within(prison)
        and prison.kind == OrgKind.PRISON
    )


def is_administration_of(user: Any, prison: Organisation) -> bool:
    org = _org(user)
    return bool(
        org is not None
        and (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES))
        and prison.is_within(org)
        and org.pk != prison.pk
    )


def _supervisor_of(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.ACT_AS_SUPERVISOR):
        return None
    return getattr(user, "supervisor", None)


def _invited_q(supervisor: Any) -> Q:
    return Q(
        Exists(
            Assignment.objects.filter(
                duty__case_files=OuterRef("pk"), supervisor=supervisor, status__in=ENGAGED
            )
        )
    )


def case_role(user: Any, case: CaseFile) -> str | None:
    if is_handler_of(user, case.prison):
        return HANDLER
    if is_administration_of(user, case.prison):
        return ADMINISTRATION
    supervisor = _supervisor_of(user)
    if supervisor is not None and CaseFile.objects.filter(_invited_q(supervisor), pk=case.pk).exists():
        return SUPERVISOR
    return None


def cases_visible_to(user: Any) -> QuerySet[CaseFile]:
    org = _org(user)
    base = CaseFile.objects.select_related("prisoner", "prison", "officer")
    if org is None:
        return base.none()
    if user.can(Capability.REQUEST_DUTIES):
        return base.filter(_handler_prison_q(user))
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        return base.filter(prison__path__startswith=org.path).exclude(prison=org)
    supervisor = _supervisor_of(user)
    if supervisor is not None:
        return base.filter(_invited_q(supervisor))
    return base.none()


def _handler_prison_q(user: Any) -> Q:
    # A handler's own prison: their organisation is the prison or a unit (监区) below it.
    org = _org(user)
    assert org is not None
    from jiandu.findings.selectors import ancestor_paths

    return Q(prison__path__in=ancestor_paths(org.path), prison__kind=OrgKind.PRISON)


def case_list_for(user: Any) -> list[dict[str, Any]]:
    """The case list with the name masked except for the prison's own handlers."""
    qs = cases_visible_to(user)
    show_name = bool(_org(user) and user.can(Capability.REQUEST_DUTIES))
    rows = []
    for c in qs.order_by("-opened_on", "-id")[:200]:
        rows.append(
            {
                "case": c,
                "number": c.prisoner.number,
                "name": c.prisoner.name if show_name else name_mask(c.prisoner.name),
            }
        )
    return rows


@dataclass
class CaseView:
    case: CaseFile
    role: str
    prisoner_name: str
    reviews: list[Any]
    grounds: list[Any]
    documents: list[Any]
    publicity: Publicity | None
    publicity_end: Any  # casework.rules.PublicityEnd: the end as the calendar published now says
    observations: list[Any]
    duties: list[Any]


def case_get_for(user: Any, pk: int, *, audit: bool = True) -> CaseView:
    """The case file as `user` may see it. Refusal: 403, audited. Opening: audited."""
    case = CaseFile.objects.select_related("prisoner", "prison", "officer", "programme").filter(pk=pk).first()
    if case is None:
        from django.http import Http404

        raise Http404(gettext("案件不存在"))
    role = case_role(user, case)
    if role is None:
        raise deny(
            user,
            action="casework.case_view",
            reason=gettext("只有本监狱、监狱管理局和受邀监督员可以查看该案件"),
            target=case,
        )
    if audit:
        audit_record(actor=user, action="casework.case_view", target=case, after={"role": role})
    reviews = list(case.reviews.select_related("signed_by").prefetch_related("votes"))
    full = role in (HANDLER, ADMINISTRATION)
    publicity = case.publicities.order_by("-id").first()
    return CaseView(
        case=case,
        role=role,
        prisoner_name=case.prisoner.name if role == HANDLER else name_mask(case.prisoner.name),
        reviews=reviews,
        grounds=list(case.grounds.all()) if full else [],
        documents=list(case.documents.all()) if full else [],
        publicity=publicity,
        publicity_end=rules.publicity_end_now(publicity) if publicity is not None else None,
        observations=list(case.observations.select_related("supervisor"))
        if role != SUPERVISOR
        else [o for o in case.observations.select_related("supervisor") if o.supervisor.user_id == user.pk],
        duties=list(case.duties.all()),
    )


# --- problem lists and figures -------------------------------------------------------------------


def problems_visible_to(user: Any, today: dt.date) -> list[Problem]:
    """The prison sees its own list; the administration every prison's under it, overdue first."""
    org = _org(user)
    if org is None:
        return []
    if user.can(Capability.REQUEST_DUTIES):
        from jiandu.findings.selectors import ancestor_paths

        qs = Problem.objects.filter(prison__path__in=ancestor_paths(org.path))
    elif user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        qs = Problem.objects.filter(prison__path__startswith=org.path)
    else:
        return []
    rows = list(qs.select_related("prison").order_by("due_on", "id")[:500])
    for p in rows:
        p.overdue = bool(p.status != ProblemStatus.CLOSED and p.due_on and p.due_on < today)  # type: ignore[attr-defined]
    rows.sort(key=lambda p: (not p.overdue, p.status == ProblemStatus.CLOSED, p.due_on or dt.date.max))  # type: ignore[attr-defined]
    return rows


def problem_get_for(user: Any, pk: int) -> Problem:
    p = Problem.objects.select_related("prison").filter(pk=pk).first()
    if p is None:
        from django.http import Http404

        raise Http404(gettext("问题不存在"))
    if not (is_handler_of(user, p.prison) or is_administration_of(user, p.prison)):
        raise deny(user, action="casework.problem_view", reason=gettext("该问题不属于本单位"), target=p)
    return p


def compliance_figures(prisons: QuerySet[Organisation], today: dt.date) -> list[dict[str, Any]]:
    """Per prison, anonymised: share of case files with complete evidence (every ground with a
    provider and evidence, and at least one ground), on-time monthly publications, overdue problems.
    No prisoner, officer or case appears; counts only. One query per figure, not per prison."""
    ids = list(prisons.values_list("pk", flat=True))
    names = dict(prisons.values_list("pk", "name"))
    cases = (
        CaseFile.objects.filter(prison_id__in=ids)
        .values("prison_id")
        .annotate(
            total=Count("id", distinct=True),
            complete=Count(
                "id",
                distinct=True,
                filter=Q(grounds__isnull=False)
                & ~Q(
                    pk__in=CaseFile.objects.filter(
                        Q(grounds__evidence="") | Q(grounds__provided_by="")
                    ).values("pk")
                ),
            ),
        )
    )
    pub = (
        PointsPublication.objects.filter(prison_id__in=ids, due_on__lt=today)
        .values("prison_id")
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=Q(published_on__isnull=False, published_on__lte=models_f("due_on"))),
        )
    )
    probs = (
        Problem.objects.filter(prison_id__in=ids)
        .exclude(status=ProblemStatus.CLOSED)
        .values("prison_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )
    out: dict[int, dict[str, Any]] = {
        pid: {
            "prison": names[pid],
            "cases": 0,
            "complete": 0,
            "publications": 0,
            "on_time": 0,
            "open": 0,
            "overdue": 0,
        }
        for pid in ids
    }
    for r in cases:
        out[r["prison_id"]].update(cases=r["total"], complete=r["complete"])
    for p in pub:
        out[p["prison_id"]].update(publications=p["total"], on_time=p["on_time"])
    for q in probs:
        out[q["prison_id"]].update(open=q["open"], overdue=q["overdue"])
    rows = []
    for row in out.values():
        row["complete_share"] = _pct(row["complete"], row["cases"])
        row["on_time_share"] = _pct(row["on_time"], row["publications"])
        rows.append(row)
    return sorted(rows, key=lambda r: r["prison"])


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def _pct(n: int, d: int) -> str:
    return f"{round(100 * n / d)}%" if d else "—"


def prisons_for_figures(user: Any) -> QuerySet[Organisation]:
    """Which prisons' figures a user may see: the administration and the prison their own subtree;
    a supervisor the prisons under their programme's organisation (anonymised counts only)."""
    org = _org(user)
    if org is None:
        return Organisation.objects.none()
    supervisor = _supervisor_of(user)
    if supervisor is not None:
        org = supervisor.programme.organisation
    return Organisation.objects.filter(path__startswith=org.path, kind=OrgKind.PRISON)


OPEN_CASE_STATUSES = (CaseStatus.PREPARING, CaseStatus.IN_REVIEW, CaseStatus.DEFERRED, CaseStatus.PUBLICITY)
