"""Reads of training, scoped to the user: bureau staff see their programmes' sessions; a supervisor
sees only their own invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.roster.models import Programme, Supervisor, SupervisorStatus
from jiandu.rules.decision import Decision, Reason
from jiandu.training import rules
from jiandu.training.models import Material, Participation, ParticipationStatus, SessionKind, TrainingSession


def is_staff(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES))
        and user.organisation_id is not None
    )


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    if not is_staff(user):
        return Programme.objects.none()
    return Programme.objects.filter(organisation__path__startswith=user.organisation.path)


def sessions_visible_to(user: Any) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.select_related("programme")
    if is_staff(user):
        return qs.filter(programme__in=programmes_visible_to(user))
    return TrainingSession.objects.none()


def session_get_for(user: Any, pk: int) -> TrainingSession:
    s = sessions_visible_to(user).filter(pk=pk).first()
    if s is None:
        raise Http404(gettext("没有这次培训，或无权查看"))
    return s


def session_page(session: TrainingSession) -> dict[str, Any]:
    """The participants of a session with what staff need to act, in one query."""
    rows = list(session.participations.select_related("supervisor").order_by("supervisor__full_name", "id"))
    return {
        "rows": rows,
        "counts": {
            "invited": len(rows),
            "attended": sum(1 for p in rows if p.status == ParticipationStatus.ATTENDED),
            "absent": sum(1 for p in rows if p.status == ParticipationStatus.ABSENT),
            "passed": sum(1 for p in rows if p.passed),
            "failed": sum(1 for p in rows if p.passed is False),
        },
    }


def participation_get_for(user: Any, session: TrainingSession, pk: int) -> Participation:
    p = session.participations.select_related("supervisor", "session__programme").filter(pk=pk).first()
    if p is None:
        raise Http404(gettext("没有这条参训记录"))
    return p


def participations_of_supervisor(user: Any) -> QuerySet[Participation]:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.ACT_AS_SUPERVISOR):
        return Participation.objects.none()
    return (
        Participation.objects.filter(supervisor__user=user)
        .select_related("session__programme")
        .prefetch_related("session__files")
        .order_by("-session__held_on", "-id")
    )


def my_participation(user: Any, pk: int) -> Participation:
    p = participations_of_supervisor(user).filter(pk=pk).first()
    if p is None:
        raise Http404(gettext("没有这条培训记录"))
    return p


@dataclass(frozen=True)
class InitialRow:
    supervisor: Supervisor
    appointed_on: dt.date | None
    due: dt.date | None
    reason: Reason | None
    overdue: bool
    sessions_attended: int


def initial_training_pending(user: Any, *, today: dt.date) -> list[InitialRow]:
    """Serving supervisors without a passed initial training, each with the deadline counted from the
    appointment (第二十二条第一款) — the overdue list puts the late ones first."""
    qs = (
        Supervisor.objects.filter(
            programme__in=programmes_visible_to(user),
            status=SupervisorStatus.ACTIVE,
            initial_training_on__isnull=True,
        )
        .select_related("programme")
        .annotate(
            attended=Count(
                "trainings",
                filter=Q(
                    trainings__session__kind=SessionKind.INITIAL,
                    trainings__status=ParticipationStatus.ATTENDED,
                ),
            )
        )
        .order_by("term_start", "id")
    )
    out = []
    for s in qs:
        due_reason = rules.initial_due(s.programme, s.term_start) if s.term_start else None
        due, reason = due_reason if due_reason else (None, None)
        out.append(
            InitialRow(
                supervisor=s,
                appointed_on=s.term_start,
                due=due,
                reason=reason,
                overdue=due is not None and today > due,
                sessions_attended=s.attended,  # type: ignore[attr-defined]
            )
        )
    out.sort(key=lambda r: (not r.overdue, r.due or dt.date.max))
    return out


@dataclass(frozen=True)
class InTermRow:
    supervisor: Supervisor
    attended: int
    decision: Decision


def in_term_missing(user: Any, *, year: int) -> list[InTermRow]:
    """第二十三条 yearly check: serving supervisors with fewer in-term sessions than the minimum."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (
        Supervisor.objects.filter(programme__in=programmes_visible_to(user), status=SupervisorStatus.ACTIVE)
        .select_related("programme")
        .annotate(
            attended=Count(
                "trainings",
                filter=Q(
                    trainings__session__kind=SessionKind.IN_TERM,
                    trainings__status=ParticipationStatus.ATTENDED,
                    trainings__session__held_on__range=(start, end),
                ),
            )
        )
        .order_by("programme_id", "full_name", "id")
    )
    out = []
    for s in qs:
        d = rules.in_term_decide(s.programme, year, s.attended)  # type: ignore[attr-defined]
        if d is not None and d.outcome == "refused":
            out.append(InTermRow(supervisor=s, attended=s.attended, decision=d))  # type: ignore[attr-defined]
    return out


def material_get_for(user: Any, pk: int) -> Material:
    """A session's file for its bureau's staff or for a supervisor invited to the session."""
    m = Material.objects.select_related("session").filter(pk=pk).first()
    if m is None:
        raise Http404(gettext("没有这份资料"))
    if sessions_visible_to(user).filter(pk=m.session_id).exists():
        return m
    if participations_of_supervisor(user).filter(session_id=m.session_id).exists():
        return m
    raise Http404(gettext("没有这份资料，或无权查看"))
