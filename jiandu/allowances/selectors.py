"""Reads for money and proof, scoped to the user: bureau staff see the programmes their organisation
runs (or assists); a supervisor sees only their own lines, claims and proofs; the public sees a proof's
verification page by its token and nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from jiandu.accounts.roles import Capability
from jiandu.allowances.models import (
    ActivityPlan,
    ClaimStatus,
    ExpenseClaim,
    Rate,
    ServiceProof,
    Sheet,
    SheetKind,
    SheetLine,
    SheetStatus,
    on_a_sheet,
)
from jiandu.duties.models import Assignment, AssignmentStatus, DutyKind
from jiandu.roster.models import Programme, Supervisor
from jiandu.roster.rules import cited, rulebook_for
from jiandu.rules import allowances as law
from jiandu.rules.decision import Decision

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def is_staff(user: Any) -> bool:
    return bool(user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES))


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    org = getattr(user, "organisation", None)
    if not is_staff(user) or org is None:
        return Programme.objects.none()
    return Programme.objects.filter(organisation__path__startswith=org.path).select_related("organisation")


def programme_get_for(user: Any, pk: int) -> Programme:
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None:
        raise Http404(gettext("没有该监督项目"))
    return programme


def sheet_get_for(user: Any, pk: int) -> Sheet:
    sheet = (
        Sheet.objects.filter(pk=pk, programme__in=programmes_visible_to(user))
        .select_related("programme__organisation", "prepared_by", "approved_by", "generated_by")
        .first()
    )
    if sheet is None:
        raise Http404(gettext("没有该发放表"))
    return sheet


def claim_get_for(user: Any, pk: int) -> ExpenseClaim:
    own = Q(supervisor__user=user) if user.can(Capability.ACT_AS_SUPERVISOR) else Q(pk__in=[])
    scope = Q(programme__in=programmes_visible_to(user)) | own
    claim = (
        ExpenseClaim.objects.filter(scope, pk=pk)
        .select_related("supervisor", "programme__organisation", "checked_by", "second_by")
        .prefetch_related("lines", "receipts")
        .first()
    )
    if claim is None:
        raise Http404(gettext("没有该报销申请"))
    return claim


def proof_get_for(user: Any, pk: int) -> ServiceProof:
    own = Q(supervisor__user=user) if user.can(Capability.ACT_AS_SUPERVISOR) else Q(pk__in=[])
    scope = Q(supervisor__programme__in=programmes_visible_to(user)) | own
    proof = (
        ServiceProof.objects.filter(scope, pk=pk)
        .select_related("supervisor__programme__organisation")
        .first()
    )
    if proof is None:
        raise Http404(gettext("没有该履职证明"))
    return proof


def proof_by_token(token: str) -> ServiceProof | None:
    return (
        ServiceProof.objects.filter(token=token).select_related("supervisor__programme__organisation").first()
        if token
        else None
    )


@dataclass
class ProgrammePage:
    programme: Programme
    rates: list[Rate]
    sheets: list[Sheet]
    claims: list[ExpenseClaim]
    proofs: list[ServiceProof]
    budget: law.Budget
    plans: list[ActivityPlan]
    spend: Decimal
    this_year_budget: law.Budget
    # Whether the rulebook provides a duty allowance, expenses and proof of service, with its article.
    permits: dict[str, Decision]
    rulebook_title: str
    proof_allowed: bool
    plan_rows: list[tuple[str, str, int, int]]


def budget_for(
    programme: Programme, year: int, entries: list[law.RateEntry] | None = None
) -> tuple[law.Budget, list[ActivityPlan]]:
    from jiandu.allowances.services import rate_entries

    plans = list(ActivityPlan.objects.filter(programme=programme, year=year).select_related("agency"))
    items = [
        law.PlanItem(i["kind"], int(i["count"]), int(i["supervisors_each"])) for p in plans for i in p.items
    ]
    return law.budget_compute(
        items, entries if entries is not None else rate_entries(programme), year=year
    ), plans


def spend_for(programme: Programme, year: int) -> Decimal:
    """Approved and paid sheets whose period starts in `year` (the money committed)."""
    value = Sheet.objects.filter(
        programme=programme,
        period_start__year=year,
        status__in=(SheetStatus.APPROVED, SheetStatus.PAID),
    ).aggregate(s=Sum("total"))["s"]
    return law.money(value or 0)


PLAN_LABELS: dict[str, StrOrPromise] = {
    **dict(DutyKind.choices),
    "training": gettext_lazy("培训"),
    "meeting": gettext_lazy("会议"),
}


def programme_page(user: Any, programme: Programme, *, today: dt.date) -> ProgrammePage:
    from jiandu.allowances.services import rate_entries

    entries = rate_entries(programme)
    rb = rulebook_for(programme)
    permits = {item: law.rate_permitted(rb, item, today) for item in (law.DUTY, law.TRAVEL)}
    budget, plans = budget_for(programme, today.year + 1, entries)
    this_year, _ = budget_for(programme, today.year, entries)
    return ProgrammePage(
        programme=programme,
        rates=list(Rate.objects.filter(programme=programme)),
        sheets=list(
            Sheet.objects.filter(programme=programme).select_related("prepared_by", "approved_by")[:60]
        ),
        claims=list(
            ExpenseClaim.objects.filter(programme=programme)
            .exclude(status=ClaimStatus.PAID)
            .select_related("supervisor")[:100]
        ),
        proofs=list(
            ServiceProof.objects.filter(supervisor__programme=programme).select_related("supervisor")[:50]
        ),
        budget=budget,
        plans=plans,
        spend=spend_for(programme, today.year),
        this_year_budget=this_year,
        permits=permits,
        rulebook_title=rb.title,
        proof_allowed=proof_provided(programme, today),
        plan_rows=[
            (p.agency.name, PLAN_LABELS.get(i["kind"], i["kind"]), i["count"], i["supervisors_each"])
            for p in plans
            for i in p.items
        ],
    )


# --- the supervisor's own view ------------------------------------------------------------------------


def own_supervisor(user: Any) -> Supervisor | None:
    if not user.can(Capability.ACT_AS_SUPERVISOR):
        return None
    return Supervisor.objects.select_related("programme__organisation").filter(user=user).first()


@dataclass
class MyMoney:
    supervisor: Supervisor
    lines: list[SheetLine]
    waiting: list[dict[str, Any]]
    claims: list[ExpenseClaim]
    proofs: list[ServiceProof]
    proof_allowed: bool


def proof_provided(programme: Programme, on: dt.date) -> bool:
    """Whether the programme's rulebook provides proof of service (山西 第十五条); silent means no."""
    c = cited(rulebook_for(programme), "allowance.performance_certificate", on)
    return c is not None and c.value is True


def my_money(supervisor: Supervisor) -> MyMoney:
    """Own allowance lines by the sheet's status, duties not yet on a sheet (with what is missing),
    claims and proofs. Four queries however many rows."""
    lines = list(
        SheetLine.objects.filter(supervisor=supervisor)
        .exclude(sheet__kind=SheetKind.REIMBURSEMENT)
        .select_related("sheet")
        .order_by("-sheet__period_start", "position")[:50]
    )
    waiting = [
        {
            "date": duty_on,
            "title": title,
            "missing": [
                m
                for m, lacking in (
                    (gettext("未签字确认"), confirmed is None),
                    (gettext("未收到反馈函"), reported is None),
                )
                if lacking
            ],
        }
        for duty_on, title, confirmed, reported in Assignment.objects.filter(
            supervisor=supervisor, status=AssignmentStatus.ATTENDED
        )
        .filter(~on_a_sheet())
        .order_by("-duty__duty_on")
        .values_list("duty__duty_on", "duty__title", "confirmed_at", "duty__reported_on")[:50]
    ]
    claims = list(ExpenseClaim.objects.filter(supervisor=supervisor)[:50])
    proofs = list(ServiceProof.objects.filter(supervisor=supervisor)[:20])
    from django.utils import timezone

    allowed = proof_provided(supervisor.programme, timezone.localdate())
    return MyMoney(supervisor, lines, waiting, claims, proofs, allowed)
