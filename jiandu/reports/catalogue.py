"""The standard reports. Each is a function `(scope) -> Table` that reads only inside the scope
(jiandu.reports.scope) with grouped queries — a report costs the same few queries whatever the size
of the programme — and a `Report` entry naming it. Other apps add theirs with `report_register`.

A report never shows a reporter's identity or a personal identifier: rows carry names, organisations,
dates and counts only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiandu.duties.models import OPPORTUNITY, Assignment, AssignmentStatus, Duty, DutyStatus
from jiandu.findings.models import Complaint, Finding, Source, Status
from jiandu.portal.selectors import rate
from jiandu.recruitment.models import Application, ApplicationStatus
from jiandu.reports.scope import Scope
from jiandu.reports.tables import DATE, INT, PCT, Column, Table, sum_totals
from jiandu.roster.models import (
    Appointment,
    AppointmentKind,
    Departure,
    DepartureKind,
    Specialty,
    Supervisor,
    SupervisorStatus,
)

TOTAL = str(_("合计"))


@dataclass(frozen=True)
class ChartSpec:
    """How a report is drawn: bars of `values` (column keys) per row, labelled by `label`."""

    label: str
    values: tuple[str, ...]
    kind: str = "bar"  # bar | line


@dataclass(frozen=True)
class Report:
    key: str
    title: str | Promise
    group: str | Promise
    build: Callable[[Scope], Table]
    description: str | Promise = ""
    chart: ChartSpec | None = None
    # A long report is built by the background worker, with a progress row the page polls.
    long: bool = False


REPORTS: dict[str, Report] = {}


def report_register(report: Report) -> Report:
    REPORTS[report.key] = report
    return report


def report_get(key: str) -> Report | None:
    return REPORTS.get(key)


def _supervisors(scope: Scope) -> Any:
    return Supervisor.objects.filter(programme__in=scope.programmes.values("pk")).filter(
        scope.region_q("district__")
    )


def _duties(scope: Scope) -> Any:
    return Duty.objects.filter(
        programme__in=scope.programmes.values("pk"), duty_on__range=(scope.start, scope.end)
    ).filter(scope.region_q("district__") | scope.region_q("agency__") if scope.region else Q())


def _findings(scope: Scope) -> Any:
    return (
        Finding.objects.filter(
            programme__in=scope.programmes.values("pk"), submitted_on__range=(scope.start, scope.end)
        )
        .filter(scope.region_q("agency__"))
        .exclude(status=Status.MERGED)
    )


def _labels(choices: Any) -> dict[str, str]:
    return {k: str(v) for k, v in choices}


# --- roster --------------------------------------------------------------------------------------


def roster_by_status(scope: Scope) -> Table:
    cols = [Column("programme", _("项目")), Column("status", _("状态")), Column("count", _("人数"), INT)]
    labels = _labels(SupervisorStatus.choices)
    rows = [
        {"programme": r["programme__name"], "status": labels.get(r["status"], r["status"]), "count": r["n"]}
        for r in _supervisors(scope)
        .values("programme__name", "status")
        .annotate(n=Count("id"))
        .order_by("programme__name", "status")
    ]
    return Table(
        str(_("名册人数（按状态）")),
        cols,
        rows,
        sum_totals(rows, cols, "programme", TOTAL),
        notes=[str(_("名册为当前状态，不受统计期间限制。"))],
    )


def roster_by_district(scope: Scope) -> Table:
    cols = [Column("district", _("所在区县")), Column("count", _("在任人数"), INT)]
    rows = [
        {"district": r["district__name"] or str(_("未填写")), "count": r["n"]}
        for r in _supervisors(scope)
        .filter(status=SupervisorStatus.ACTIVE)
        .values("district__name")
        .annotate(n=Count("id"))
        .order_by("-n", "district__name")
    ]
    return Table(str(_("在任监督员（按区县）")), cols, rows, sum_totals(rows, cols, "district", TOTAL))


def roster_by_specialty(scope: Scope) -> Table:
    cols = [Column("specialty", _("专业领域")), Column("count", _("人数"), INT)]
    counts: Counter[str] = Counter()
    people = 0
    for specialties in (
        _supervisors(scope).filter(status=SupervisorStatus.ACTIVE).values_list("specialties", flat=True)
    ):
        people += 1
        counts.update(set(specialties) if specialties else {""})
    labels = _labels(Specialty.choices)
    rows = [
        {"specialty": labels.get(k, k) or str(_("未填写")), "count": n}
        for k, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    return Table(
        str(_("在任监督员（按专业领域）")),
        cols,
        rows,
        {"specialty": str(_("在任监督员人数")), "count": people},
        notes=[str(_("一人可有多个专业领域，各项之和可大于人数。"))],
    )


def terms_ending(scope: Scope) -> Table:
    cols = [
        Column("name", _("姓名")),
        Column("programme", _("项目")),
        Column("district", _("所在区县")),
        Column("term_start", _("任期开始"), DATE),
        Column("term_end", _("任期结束"), DATE),
        Column("terms", _("连续任职届数"), INT),
    ]
    rows = [
        {
            "name": s["full_name"],
            "programme": s["programme__name"],
            "district": s["district__name"] or "",
            "term_start": s["term_start"],
            "term_end": s["term_end"],
            "terms": s["consecutive_terms"],
        }
        for s in _supervisors(scope)
        .filter(status=SupervisorStatus.ACTIVE, term_end__range=(scope.start, scope.end))
        .values(
            "full_name", "programme__name", "district__name", "term_start", "term_end", "consecutive_terms"
        )
        .order_by("term_end", "id")
    ]
    return Table(str(_("期间内任期届满")), cols, rows, {"name": TOTAL, "programme": len(rows)})


def appointments(scope: Scope) -> Table:
    cols = (
        [Column("programme", _("项目"))]
        + [Column(k, label, INT) for k, label in AppointmentKind.choices]
        + [Column("total", _("合计"), INT)]
    )
    data: dict[str, dict[str, Any]] = {}
    for r in (
        Appointment.objects.filter(
            supervisor__in=_supervisors(scope).values("pk"), starts_on__range=(scope.start, scope.end)
        )
        .values("supervisor__programme__name", "kind")
        .annotate(n=Count("id"))
    ):
        row = data.setdefault(
            r["supervisor__programme__name"], {"programme": r["supervisor__programme__name"], "total": 0}
        )
        row[r["kind"]] = r["n"]
        row["total"] += r["n"]
    rows = [data[k] for k in sorted(data)]
    return Table(str(_("聘任、续聘、补聘")), cols, rows, sum_totals(rows, cols, "programme", TOTAL))


def departures(scope: Scope) -> Table:
    cols = [
        Column("name", _("姓名")),
        Column("programme", _("项目")),
        Column("kind", _("方式")),
        Column("ground", _("情形")),
        Column("article", _("依据条款")),
        Column("decided_on", _("决定日期"), DATE),
    ]
    labels = _labels(DepartureKind.choices)
    rows = [
        {
            "name": d["supervisor__full_name"],
            "programme": d["supervisor__programme__name"],
            "kind": labels.get(d["kind"], d["kind"]),
            "ground": d["ground_text"],
            "article": d["ground_article"],
            "decided_on": d["decided_on"],
        }
        for d in Departure.objects.filter(
            supervisor__in=_supervisors(scope).values("pk"), decided_on__range=(scope.start, scope.end)
        )
        .values(
            "supervisor__full_name",
            "supervisor__programme__name",
            "kind",
            "ground_text",
            "ground_article",
            "decided_on",
        )
        .order_by("decided_on", "id")
    ]
    by_kind = Counter(r["kind"] for r in rows)
    return Table(
        str(_("解聘、免除资格与辞聘")),
        cols,
        rows,
        {"name": TOTAL, "programme": len(rows)},
        notes=[f"{k}：{n}" for k, n in sorted(by_kind.items())],
    )


# --- duties --------------------------------------------------------------------------------------


def duties_by_month(scope: Scope) -> Table:
    cols = [
        Column("month", _("月份")),
        Column("duties", _("开展监督活动（次）"), INT),
        Column("attended", _("监督员出席（人次）"), INT),
    ]
    held = _duties(scope).filter(status=DutyStatus.HELD)
    months: dict[dt.date, dict[str, Any]] = {}
    for r in held.annotate(m=TruncMonth("duty_on")).values("m").annotate(n=Count("id")):
        months[r["m"]] = {"month": f"{r['m']:%Y-%m}", "duties": r["n"], "attended": 0}
    for r in (
        Assignment.objects.filter(duty__in=held.values("pk"), status=AssignmentStatus.ATTENDED)
        .annotate(m=TruncMonth("duty__duty_on"))
        .values("m")
        .annotate(n=Count("id"))
    ):
        months.setdefault(r["m"], {"month": f"{r['m']:%Y-%m}", "duties": 0, "attended": 0})["attended"] = r[
            "n"
        ]
    rows = [months[k] for k in sorted(months)]
    return Table(str(_("监督活动（按月）")), cols, rows, sum_totals(rows, cols, "month", TOTAL))


def duties_by_district(scope: Scope) -> Table:
    cols = [Column("district", _("活动所在区县")), Column("duties", _("开展监督活动（次）"), INT)]
    rows = [
        {"district": r["district__name"] or str(_("未填写")), "duties": r["n"]}
        for r in _duties(scope)
        .filter(status=DutyStatus.HELD)
        .values("district__name")
        .annotate(n=Count("id"))
        .order_by("-n", "district__name")
    ]
    return Table(str(_("监督活动（按区县）")), cols, rows, sum_totals(rows, cols, "district", TOTAL))


ATTENDANCE_COLUMNS = (
    ("asked", _("被邀请"), Q(status__in=OPPORTUNITY)),
    (
        "accepted",
        _("接受"),
        Q(status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.ATTENDED, AssignmentStatus.ABSENT)),
    ),
    ("declined", _("谢绝"), Q(status=AssignmentStatus.DECLINED)),
    ("recused", _("回避"), Q(status=AssignmentStatus.RECUSED)),
    ("attended", _("出席"), Q(status=AssignmentStatus.ATTENDED)),
    ("absent", _("缺席"), Q(status=AssignmentStatus.ABSENT)),
)


def attendance(scope: Scope) -> Table:
    cols = [Column("name", _("监督员")), Column("programme", _("项目"))] + [
        Column(k, label, INT) for k, label, _q in ATTENDANCE_COLUMNS
    ]
    qs = (
        Assignment.objects.filter(duty__in=_duties(scope).values("pk"))
        .values("supervisor_id", "supervisor__full_name", "supervisor__programme__name")
        .annotate(**{k: Count("id", filter=q) for k, _label, q in ATTENDANCE_COLUMNS})
        .order_by("supervisor__programme__name", "supervisor_id")
    )
    rows = [
        {
            "name": r["supervisor__full_name"],
            "programme": r["supervisor__programme__name"],
            **{k: r[k] for k, _label, _q in ATTENDANCE_COLUMNS},  # type: ignore[literal-required]
        }
        for r in qs
    ]
    return Table(str(_("履职出席与谢绝（按监督员）")), cols, rows, sum_totals(rows, cols, "name", TOTAL))


def declines(scope: Scope) -> Table:
    cols = [
        Column("duty_on", _("活动日期"), DATE),
        Column("duty", _("活动")),
        Column("name", _("监督员")),
        Column("status", _("情况")),
        Column("reason", _("理由")),
    ]
    labels = _labels(AssignmentStatus.choices)
    rows = [
        {
            "duty_on": a["duty__duty_on"],
            "duty": a["duty__title"],
            "name": a["supervisor__full_name"],
            "status": labels.get(a["status"], a["status"]),
            "reason": a["reason"],
        }
        for a in Assignment.objects.filter(
            duty__in=_duties(scope).values("pk"),
            status__in=(AssignmentStatus.DECLINED, AssignmentStatus.RECUSED, AssignmentStatus.ABSENT),
        )
        .values("duty__duty_on", "duty__title", "supervisor__full_name", "status", "reason")
        .order_by("duty__duty_on", "id")
    ]
    return Table(str(_("谢绝、回避与缺席明细")), cols, rows, {"duty_on": TOTAL, "duty": len(rows)})


def draw_fairness(scope: Scope) -> Table:
    """Every active supervisor, asked or not: the balance rule (机会均衡) is about who was left out."""
    cols = [
        Column("name", _("监督员")),
        Column("programme", _("项目")),
        Column("district", _("所在区县")),
        Column("asked", _("被抽中并联络（次）"), INT),
        Column("attended", _("出席（次）"), INT),
    ]
    period = Q(assignments__duty__duty_on__range=(scope.start, scope.end))
    rows = [
        {
            "name": s["full_name"],
            "programme": s["programme__name"],
            "district": s["district__name"] or "",
            "asked": s["asked"],
            "attended": s["attended"],
        }
        for s in _supervisors(scope)
        .filter(status=SupervisorStatus.ACTIVE)
        .values("id", "full_name", "programme__name", "district__name")
        .annotate(
            asked=Count("assignments", filter=period & Q(assignments__status__in=OPPORTUNITY)),
            attended=Count("assignments", filter=period & Q(assignments__status=AssignmentStatus.ATTENDED)),
        )
        .order_by("asked", "id")
    ]
    counts = [r["asked"] for r in rows]
    notes = []
    if counts:
        notes.append(
            str(_("最少 %(lo)s 次，最多 %(hi)s 次，平均 %(avg).2f 次"))
            % {"lo": min(counts), "hi": max(counts), "avg": sum(counts) / len(counts)}
        )
    return Table(str(_("抽选均衡（按监督员）")), cols, rows, sum_totals(rows, cols, "name", TOTAL), notes)


def draw_balance(scope: Scope) -> Table:
    """The distribution behind the fairness report: how many supervisors were asked 0, 1, 2 … times."""
    fairness = draw_fairness(scope)
    counts = Counter(r["asked"] for r in fairness.rows)
    cols = [Column("times", _("被抽中次数")), Column("supervisors", _("监督员人数"), INT)]
    rows = [{"times": str(k), "supervisors": counts[k]} for k in sorted(counts)]
    return Table(str(_("抽选次数分布")), cols, rows, sum_totals(rows, cols, "times", TOTAL), fairness.notes)


def records_pending(scope: Scope) -> Table:
    cols = [
        Column("duty_on", _("活动日期"), DATE),
        Column("duty", _("活动")),
        Column("agency", _("申请单位")),
        Column("name", _("待确认的监督员")),
    ]
    rows = [
        {
            "duty_on": a["duty__duty_on"],
            "duty": a["duty__title"],
            "agency": a["duty__agency__name"],
            "name": a["supervisor__full_name"],
        }
        for a in Assignment.objects.filter(
            duty__in=_duties(scope).values("pk"),
            status=AssignmentStatus.ATTENDED,
            confirmed_at__isnull=True,
            duty__record__isnull=False,
        )
        .values("duty__duty_on", "duty__title", "duty__agency__name", "supervisor__full_name")
        .order_by("duty__duty_on", "id")
    ]
    return Table(str(_("待签字确认的履职情况反馈表")), cols, rows, {"duty_on": TOTAL, "duty": len(rows)})


def duty_reports(scope: Scope) -> Table:
    cols = [
        Column("agency", _("申请单位")),
        Column("held", _("已履职活动"), INT),
        Column("reported", _("已通报"), INT),
        Column("on_time", _("按期通报"), INT),
        Column("on_time_rate", _("按期率"), PCT),
    ]
    rows = []
    for r in (
        _duties(scope)
        .filter(status=DutyStatus.HELD)
        .values("agency__name")
        .annotate(
            held=Count("id"),
            reported=Count("id", filter=Q(reported_on__isnull=False)),
            on_time=Count("id", filter=Q(reported_on__isnull=False, reported_on__lte=F("report_due_on"))),
        )
        .order_by("agency__name")
    ):
        rows.append(
            {
                "agency": r["agency__name"],
                "held": r["held"],
                "reported": r["reported"],
                "on_time": r["on_time"],
                "on_time_rate": rate(r["on_time"], r["reported"]),
            }
        )
    totals = sum_totals(rows, cols, "agency", TOTAL)
    totals["on_time_rate"] = rate(totals["on_time"], totals["reported"])
    return Table(str(_("履职情况通报（按单位）")), cols, rows, totals)


# --- opinions and leads --------------------------------------------------------------------------

FINDING_COUNTS = (
    ("received", _("收到"), Q()),
    ("forwarded", _("转送"), Q(forwarded_on__isnull=False)),
    ("replied", _("答复"), Q(replied_on__isnull=False)),
    ("on_time", _("按期答复"), Q(replied_on__isnull=False, replied_on__lte=F("reply_due"))),
    ("adopted", _("采纳"), Q(replied_on__isnull=False, adopted=True)),
    ("rectified", _("整改完成"), Q(rectified_on__isnull=False)),
    ("closed", _("办结销号"), Q(status=Status.CLOSED)),
)


def _finding_table(
    scope: Scope, group: str, label: str | Promise, title: str, labels: dict[str, str] | None = None
) -> Table:
    cols = [Column("group", label)] + [Column(k, lab, INT) for k, lab, _q in FINDING_COUNTS]
    cols += [Column("adoption_rate", _("采纳率"), PCT), Column("on_time_rate", _("按期答复率"), PCT)]
    rows = []
    for r in (
        _findings(scope)
        .values(group)
        .annotate(**{k: Count("id", filter=q) for k, _lab, q in FINDING_COUNTS})
        .order_by(group)
    ):
        row = {"group": (labels or {}).get(r[group], r[group]), **{k: r[k] for k, _l, _q in FINDING_COUNTS}}
        row["adoption_rate"] = rate(r["adopted"], r["replied"])
        row["on_time_rate"] = rate(r["on_time"], r["replied"])
        rows.append(row)
    totals = sum_totals(rows, cols, "group", TOTAL)
    totals["adoption_rate"] = rate(totals["adopted"], totals["replied"])
    totals["on_time_rate"] = rate(totals["on_time"], totals["replied"])
    return Table(
        title,
        cols,
        rows,
        totals,
        notes=[str(_("按提出日期统计；合并的重复意见不重复计算；采纳率、按期答复率以已答复件数为基数。"))],
    )


def findings_by_agency(scope: Scope) -> Table:
    return _finding_table(scope, "agency__name", _("被监督单位"), str(_("监督意见和线索（按单位）")))


def findings_by_source(scope: Scope) -> Table:
    return _finding_table(
        scope, "source", _("来源"), str(_("监督意见和线索（按来源）")), _labels(Source.choices)
    )


def overdue_replies(scope: Scope) -> Table:
    today = min(scope.end, scope.today)
    cols = [
        Column("number", _("编号")),
        Column("title", _("标题")),
        Column("agency", _("被监督单位")),
        Column("stage", _("环节")),
        Column("due", _("期限"), DATE),
        Column("days", _("逾期天数"), INT),
    ]
    rows = []
    qs = Finding.objects.filter(programme__in=scope.programmes.values("pk")).filter(
        scope.region_q("agency__")
    )
    overdue = Q(status=Status.FORWARDED, reply_due__lt=today) | Q(
        status=Status.RECTIFYING, rectify_due__lt=today
    )
    for f in (
        qs.filter(overdue)
        .values("id", "title", "agency__name", "status", "reply_due", "rectify_due")
        .order_by("reply_due", "id")
    ):
        due = f["reply_due"] if f["status"] == Status.FORWARDED else f["rectify_due"]
        assert due is not None  # the overdue filter compared it with today
        rows.append(
            {
                "number": f"JD-{f['id']:06d}",
                "title": f["title"],
                "agency": f["agency__name"],
                "stage": str(_("答复")) if f["status"] == Status.FORWARDED else str(_("整改")),
                "due": due,
                "days": (today - due).days,
            }
        )
    return Table(
        str(_("逾期未答复、未整改")),
        cols,
        rows,
        {"number": TOTAL, "title": len(rows)},
        notes=[str(_("截至 %(d)s，不受统计起始日期限制。")) % {"d": f"{today:%Y-%m-%d}"}],
    )


def overdue_trend(scope: Scope) -> Table:
    """Per month of the reply deadline: replies due, and of those late (answered after the deadline or
    not answered by it)."""
    today = scope.today
    cols = [
        Column("month", _("答复期限所在月")),
        Column("due", _("应答复"), INT),
        Column("late", _("逾期"), INT),
    ]
    qs = (
        Finding.objects.filter(
            programme__in=scope.programmes.values("pk"),
            reply_due__range=(scope.start, min(scope.end, today)),
        )
        .filter(scope.region_q("agency__"))
        .exclude(status=Status.MERGED)
    )
    late = Q(replied_on__gt=F("reply_due")) | Q(replied_on__isnull=True, reply_due__lt=today)
    rows = [
        {"month": f"{r['m']:%Y-%m}", "due": r["due"], "late": r["late"]}
        for r in qs.annotate(m=TruncMonth("reply_due"))
        .values("m")
        .annotate(due=Count("id"), late=Count("id", filter=late))
        .order_by("m")
    ]
    return Table(str(_("逾期趋势（按月）")), cols, rows, sum_totals(rows, cols, "month", TOTAL))


def complaints(scope: Scope) -> Table:
    from jiandu.findings.models import ComplaintStatus

    cols = [
        Column("code", _("查询码")),
        Column("programme", _("项目")),
        Column("supervisor", _("被举报监督员")),
        Column("received_on", _("受理日期"), DATE),
        Column("status", _("状态")),
        Column("concluded_on", _("办结日期"), DATE),
    ]
    labels = _labels(ComplaintStatus.choices)
    qs = Complaint.objects.filter(
        Q(programme__in=scope.programmes.values("pk"))
        | Q(supervisor__programme__in=scope.programmes.values("pk")),
        received_on__range=(scope.start, scope.end),
    )
    if scope.region is not None:
        qs = qs.filter(scope.region_q("supervisor__district__"))
    rows = [
        {
            "code": c["tracking_code"],
            "programme": c["programme__name"] or "",
            "supervisor": c["supervisor_name_given"],
            "received_on": c["received_on"],
            "status": labels.get(c["status"], c["status"]),
            "concluded_on": c["concluded_on"],
        }
        for c in qs.values(
            "tracking_code",
            "programme__name",
            "supervisor_name_given",
            "received_on",
            "status",
            "concluded_on",
        ).order_by("received_on", "id")
    ]
    by_status = Counter(r["status"] for r in rows)
    return Table(
        str(_("对监督员的举报")),
        cols,
        rows,
        {"code": TOTAL, "programme": len(rows)},
        notes=[f"{k}：{n}" for k, n in sorted(by_status.items())],
    )


def applications(scope: Scope) -> Table:
    cols = (
        [Column("round", _("选聘公告"))]
        + [Column(k, label, INT) for k, label in ApplicationStatus.choices]
        + [Column("total", _("合计"), INT)]
    )
    data: dict[str, dict[str, Any]] = {}
    qs = Application.objects.filter(
        round__programme__in=scope.programmes.values("pk"),
        submitted_at__date__range=(scope.start, scope.end),
    ).filter(scope.region_q("district__"))
    for r in qs.values("round__title", "status").annotate(n=Count("id")):
        row = data.setdefault(r["round__title"], {"round": r["round__title"], "total": 0})
        row[r["status"]] = r["n"]
        row["total"] += r["n"]
    rows = [data[k] for k in sorted(data)]
    return Table(str(_("报名与资格审查")), cols, rows, sum_totals(rows, cols, "round", TOTAL))


ROSTER, DUTIES, FINDINGS, RECRUITMENT = _("名册"), _("监督活动"), _("监督意见"), _("选聘")

for _report in (
    Report(
        "roster_status",
        _("名册人数（按状态）"),
        ROSTER,
        roster_by_status,
        chart=ChartSpec("status", ("count",)),
    ),
    Report(
        "roster_district",
        _("在任监督员（按区县）"),
        ROSTER,
        roster_by_district,
        chart=ChartSpec("district", ("count",)),
    ),
    Report(
        "roster_specialty",
        _("在任监督员（按专业领域）"),
        ROSTER,
        roster_by_specialty,
        chart=ChartSpec("specialty", ("count",)),
    ),
    Report("terms_ending", _("期间内任期届满"), ROSTER, terms_ending),
    Report("appointments", _("聘任、续聘、补聘"), ROSTER, appointments),
    Report("departures", _("解聘、免除资格与辞聘"), ROSTER, departures),
    Report(
        "duties_month",
        _("监督活动（按月）"),
        DUTIES,
        duties_by_month,
        chart=ChartSpec("month", ("duties", "attended"), "line"),
    ),
    Report(
        "duties_district",
        _("监督活动（按区县）"),
        DUTIES,
        duties_by_district,
        chart=ChartSpec("district", ("duties",)),
    ),
    Report("attendance", _("履职出席与谢绝（按监督员）"), DUTIES, attendance, long=True),
    Report("declines", _("谢绝、回避与缺席明细"), DUTIES, declines),
    Report("draw_fairness", _("抽选均衡（按监督员）"), DUTIES, draw_fairness, long=True),
    Report(
        "draw_balance", _("抽选次数分布"), DUTIES, draw_balance, chart=ChartSpec("times", ("supervisors",))
    ),
    Report("records_pending", _("待签字确认的履职情况反馈表"), DUTIES, records_pending),
    Report("duty_reports", _("履职情况通报（按单位）"), DUTIES, duty_reports),
    Report(
        "findings_agency",
        _("监督意见和线索（按单位）"),
        FINDINGS,
        findings_by_agency,
        chart=ChartSpec("group", ("received", "adopted", "on_time")),
    ),
    Report("findings_source", _("监督意见和线索（按来源）"), FINDINGS, findings_by_source),
    Report("overdue", _("逾期未答复、未整改"), FINDINGS, overdue_replies),
    Report(
        "overdue_trend",
        _("逾期趋势（按月）"),
        FINDINGS,
        overdue_trend,
        chart=ChartSpec("month", ("due", "late"), "line"),
    ),
    Report("complaints", _("对监督员的举报"), FINDINGS, complaints),
    Report("applications", _("报名与资格审查"), RECRUITMENT, applications),
):
    report_register(_report)
