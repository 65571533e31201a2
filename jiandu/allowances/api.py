"""Money over the HTTP API (/api/allowances/), read-only: a sheet is changed only through its services
(prepare, approve, pay, adjust), and once approved not at all. Amounts are strings to the 分, never
floats. Scoped like the pages: bureau staff their programmes, a supervisor their own lines."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from jiandu.allowances import selectors

router = Router(tags=["allowances"])


class LineOut(Schema):
    position: int
    supervisor_id: int
    full_name: str
    units: str
    dates: str
    amount: str
    note: str


class SheetOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    period_start: str
    period_end: str
    total: str
    prepared_by: str | None
    approved_by: str | None
    paid_on: str | None
    rates: list[dict[str, object]]
    pending: list[dict[str, object]]
    lines: list[LineOut]


class MyLineOut(Schema):
    sheet: str
    period_start: str
    status: str
    amount: str
    dates: str


@router.get("/sheets/{sheet_id}", response=SheetOut, summary="发放表（含明细、适用标准、待核实）")
def sheet_detail(request: HttpRequest, sheet_id: int) -> SheetOut:
    if not selectors.is_staff(request.user):
        raise Http404
    s = selectors.sheet_get_for(request.user, sheet_id)
    return SheetOut(
        id=s.pk,
        number=s.number,
        kind=s.kind,
        status=s.status,
        period_start=s.period_start.isoformat(),
        period_end=s.period_end.isoformat(),
        total=f"{s.total:.2f}",
        prepared_by=s.prepared_by.full_name if s.prepared_by else None,
        approved_by=s.approved_by.full_name if s.approved_by else None,
        paid_on=s.paid_on.isoformat() if s.paid_on else None,
        rates=s.rates,
        pending=s.pending,
        lines=[
            LineOut(
                position=ln.position,
                supervisor_id=ln.supervisor_id,
                full_name=ln.full_name,
                units=f"{ln.units}",
                dates=ln.dates,
                amount=f"{ln.amount:.2f}",
                note=ln.note,
            )
            for ln in s.lines.order_by("position")
        ],
    )


@router.get("/mine", response=list[MyLineOut], summary="本人的履职补助")
def mine(request: HttpRequest) -> list[MyLineOut]:
    supervisor = selectors.own_supervisor(request.user)
    if supervisor is None:
        raise Http404
    return [
        MyLineOut(
            sheet=ln.sheet.number,
            period_start=ln.sheet.period_start.isoformat(),
            status=ln.sheet.status,
            amount=f"{ln.amount:.2f}",
            dates=ln.dates,
        )
        for ln in selectors.my_money(supervisor).lines
    ]
