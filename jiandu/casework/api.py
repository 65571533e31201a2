"""Casework over the HTTP API (/api/casework/), scoped like the pages: anonymised per-prison figures
for anyone who may see them, the problem list for the prison and its administration. No prisoner
data leaves through the API."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from jiandu.casework.selectors import compliance_figures, prisons_for_figures, problems_visible_to

router = Router(tags=["casework"])


class FigureOut(Schema):
    prison: str
    cases: int
    complete: int
    complete_share: str
    publications: int
    on_time: int
    on_time_share: str
    open: int
    overdue: int


class ProblemOut(Schema):
    id: int
    prison: str
    source: str
    title: str
    responsible: str
    due_on: dt.date | None
    status: str
    overdue: bool


@router.get("/figures", response=list[FigureOut], summary="各监狱执法合规数据（匿名汇总）")
def figures(request: HttpRequest) -> list[FigureOut]:
    rows = compliance_figures(prisons_for_figures(request.user), timezone.localdate())
    return [FigureOut(**{k: r[k] for k in FigureOut.model_fields}) for r in rows]


@router.get("/problems", response=list[ProblemOut], summary="问题清单（逾期在前）")
def problems(request: HttpRequest) -> list[ProblemOut]:
    return [
        ProblemOut(
            id=p.pk,
            prison=p.prison.name,
            source=p.source,
            title=p.title,
            responsible=p.responsible,
            due_on=p.due_on,
            status=p.status,
            overdue=bool(getattr(p, "overdue", False)),
        )
        for p in problems_visible_to(request.user, timezone.localdate())
    ]
