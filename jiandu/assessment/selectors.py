"""Reads of the ledger and the assessment, scoped to the user: bureau staff see their programmes; a
supervisor sees only their own assessment; the public sees a letter only through its QR token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.assessment import rules
from jiandu.assessment.ledger import Ledger, ledger_figures, ledger_for
from jiandu.assessment.models import Assessment, AssessmentRound, RoundStatus
from jiandu.roster.models import Programme, Supervisor, SupervisorStatus
from jiandu.rules.decision import Reason


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


def programme_get_for(user: Any, pk: int) -> Programme:
    p = programmes_visible_to(user).filter(pk=pk).first()
    if p is None:
        raise Http404(gettext("没有这个项目，或无权查看"))
    return p


def rounds_visible_to(user: Any) -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.filter(programme__in=programmes_visible_to(user)).select_related(
        "programme"
    )


def round_get_for(user: Any, pk: int) -> AssessmentRound:
    r = rounds_visible_to(user).filter(pk=pk).first()
    if r is None:
        raise Http404(gettext("没有这次考核，或无权查看"))
    return r


def assessment_get_for(user: Any, pk: int) -> Assessment:
    a = (
        Assessment.objects.filter(pk=pk, round__programme__in=programmes_visible_to(user))
        .select_related("round__programme__organisation", "supervisor")
        .first()
    )
    if a is None:
        raise Http404(gettext("没有这条考核记录，或无权查看"))
    return a


def district_assessments(user: Any) -> QuerySet[Assessment]:
    """第三十四条（三）: a district bureau sees the open assessments of the supervisors of its district."""
    if not is_staff(user):
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            round__status=RoundStatus.OPEN,
            supervisor__district__path__startswith=user.organisation.path,
        )
        .select_related("round__programme", "supervisor")
        .order_by("round__year", "supervisor__full_name", "id")
    )


def district_assessment_get(user: Any, pk: int) -> Assessment:
    a = district_assessments(user).filter(pk=pk).first()
    if a is None:
        raise Http404(gettext("没有这条考核记录，或不属于本区县"))
    return a


def supervisor_get_for(user: Any, pk: int) -> Supervisor:
    s = (
        Supervisor.objects.filter(pk=pk, programme__in=programmes_visible_to(user))
        .select_related("programme__organisation")
        .first()
    )
    if s is None:
        raise Http404(gettext("没有这名监督员，或无权查看"))
    return s


@dataclass(frozen=True)
class RoundRow:
    assessment: Assessment
    figures: dict[str, int]
    offered: list[Reason]

    @property
    def label(self) -> str:
        a = self.assessment
        return rules.GRADE_LABELS.get(a.final_grade or a.proposed_grade, "")


PER_PAGE = 100


def round_page(r: AssessmentRound, *, today: dt.date, page: int = 1) -> dict[str, Any]:
    """One page of the round's supervisors with their ledger figures and the countable 不合格 grounds
    the ledger offers (第三十二条), plus the grade counts of the whole round against the 优秀 cap — a
    fixed number of queries whatever the size of the programme."""
    qs = r.assessments.select_related("supervisor").order_by("supervisor__full_name", "id")
    total = qs.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE])
    figures = ledger_figures([a.supervisor_id for a in rows], r.year, today=today)
    rb = rules.rulebook_for(r.programme)
    out = [
        RoundRow(
            a,
            figures[a.supervisor_id],
            rules.core.failing_grounds_offered(rb, figures[a.supervisor_id], today),
        )
        for a in rows
    ]
    counts = dict.fromkeys((code for code, _ in rules.grade_choices(r.programme, r.opened_on)), 0)
    graded = Coalesce(NullIf("final_grade", Value("")), "proposed_grade")
    for g, n in r.assessments.annotate(g=graded).values_list("g").annotate(n=Count("id")).order_by():
        if g in counts:
            counts[g] = n
    cap = rules.excellent_cap(rb, total, today)[0] if counts and _has_cap(rb, today) else None
    return {
        "rows": out,
        "counts": [(rules.GRADE_LABELS[g], n) for g, n in counts.items()],
        "participants": total,
        "cap": cap,
        "summaries": r.assessments.exclude(self_summary="").count(),
        "page": page,
        "pages": pages,
    }


def unproposed_ids(r: AssessmentRound) -> list[int]:
    return list(r.assessments.filter(proposed_grade="").values_list("pk", flat=True))


def _has_cap(rb: Any, on: dt.date) -> bool:
    return rules.cited(rb, "assessment.excellent_max_share", on) is not None


def my_assessments(user: Any) -> QuerySet[Assessment]:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.ACT_AS_SUPERVISOR):
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(supervisor__user=user)
        .select_related("round__programme__organisation", "supervisor")
        .order_by("-round__year", "-id")
    )


def my_assessment(user: Any, pk: int) -> Assessment:
    a = my_assessments(user).filter(pk=pk).first()
    if a is None:
        raise Http404(gettext("没有这条考核记录"))
    return a


def letter_by_token(token: str) -> Assessment:
    a = (
        Assessment.objects.filter(letter_token=token, round__status=RoundStatus.FINAL)
        .select_related("round__programme__organisation", "supervisor")
        .first()
    )
    if a is None:
        raise Http404(gettext("未找到该考核结果通知书"))
    return a


def ledger_get_for(user: Any, supervisor_pk: int, year: int, *, today: dt.date) -> Ledger:
    return ledger_for(supervisor_get_for(user, supervisor_pk), year, today=today)


def ledger_export_rows(
    programme: Programme, year: int, *, today: dt.date
) -> tuple[list[Supervisor], dict[int, dict[str, int]]]:
    people = list(
        Supervisor.objects.filter(programme=programme)
        .exclude(status=SupervisorStatus.ENDED, ended_on__lt=dt.date(year, 1, 1))
        .order_by("full_name", "id")
        .only("id", "full_name", "employer", "status")
    )
    return people, ledger_figures([s.pk for s in people], year, today=today)


@dataclass(frozen=True)
class TermView:
    grades: list[tuple[int, str]]
    decision: Any

    @property
    def labels(self) -> list[tuple[int, str]]:
        return [(y, rules.GRADE_LABELS.get(g, g)) for y, g in self.grades]


def annual_grades(supervisor: Supervisor, *, since: dt.date | None = None) -> list[tuple[int, str]]:
    qs = Assessment.objects.filter(supervisor=supervisor, round__status=RoundStatus.FINAL).exclude(
        final_grade=""
    )
    if since is not None:
        qs = qs.filter(round__year__gte=since.year)
    return list(qs.order_by("round__year").values_list("round__year", "final_grade"))


def term_view(supervisor: Supervisor, *, on: dt.date) -> TermView:
    """For the renewal screen (第三十七条): this term's annual grades and what they allow for the term
    grade (第三十六条)."""
    grades = annual_grades(supervisor, since=supervisor.term_start)
    return TermView(
        grades, rules.term_decide(supervisor.programme, [g for _, g in grades], on) if grades else None
    )


@dataclass(frozen=True)
class FailingProposal:
    supervisor: Supervisor
    reasons: list[Reason]


def failing_disqualifications(user: Any, *, on: dt.date) -> list[FailingProposal]:
    """Serving supervisors whose annual grade is 不合格, with the rulebook's dismissal ground for it
    (威海 人民监督员 第八条第（五）项) — proposed to the bureau, never applied by itself."""
    from jiandu.roster.rules import rulebook_for
    from jiandu.rules.dismissal import dismissal_grounds

    rows = (
        Assessment.objects.filter(
            final_grade="failing",
            round__programme__in=Programme.objects.filter(
                organisation__path__startswith=user.organisation.path
            )
            if user.can(Capability.MANAGE_PROGRAMMES) and user.organisation_id
            else Programme.objects.none(),
            supervisor__status=SupervisorStatus.ACTIVE,
        )
        .select_related("supervisor__programme", "round")
        .order_by("round__year", "supervisor__full_name")
    )
    out = []
    for a in rows:
        ground = next(
            (
                g
                for g in dismissal_grounds(rulebook_for(a.supervisor.programme), on)
                if g.code == "annual_failing"
            ),
            None,
        )
        if ground is None:
            continue
        out.append(
            FailingProposal(
                a.supervisor,
                [
                    Reason(
                        "dismissal.annual_failing",
                        ground.rulebook,
                        ground.article,
                        gettext("{text}：{year}年度考核确定为不合格").format(
                            text=ground.text, year=a.round.year
                        ),
                        {"year": a.round.year, "assessment": a.pk},
                    )
                ],
            )
        )
    return out
