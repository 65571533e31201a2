"""The ledger (台账, 威海 人民监督员 第二十八条; 山西 第十四条): per supervisor and year, built from what
Jiandu already records — never typed twice. Only conduct and other activities (第二十八条（三）（四）)
are entered by staff (LedgerEntry).

`ledger_for` reads one supervisor (a fixed number of queries); `ledger_figures` reads a whole
programme in one grouped query per source, for the Excel export and the assessment proposals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from jiandu.assessment.models import LedgerEntry
from jiandu.duties.models import Adoption, Assignment, AssignmentStatus, DutyOpinion, DutyRecord
from jiandu.findings.models import Complaint, ComplaintStatus, Finding
from jiandu.roster.models import Supervisor
from jiandu.training.models import Participation, ParticipationStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# The figures of one supervisor's year, in the order of the export's columns.
FIGURES: tuple[tuple[str, StrOrPromise], ...] = (
    ("duties_invited", gettext_lazy("受邀监督活动")),
    ("duties_attended", gettext_lazy("参加监督活动")),
    ("duties_declined", gettext_lazy("谢绝")),
    ("duties_recused", gettext_lazy("回避")),
    ("duties_absent_excused", gettext_lazy("缺席（有正当理由）")),
    ("duties_absent_unexcused", gettext_lazy("缺席（无正当理由）")),
    ("unanswered_invitations", gettext_lazy("联络后未答复")),
    ("records", gettext_lazy("履职情况反馈表")),
    ("opinions", gettext_lazy("提出监督意见")),
    ("opinions_adopted", gettext_lazy("意见被采纳（含部分）")),
    ("findings", gettext_lazy("提交违法线索")),
    ("training_invited", gettext_lazy("培训通知")),
    ("training_attended", gettext_lazy("参加培训")),
    ("training_absent_unexcused", gettext_lazy("培训缺席（无正当理由）")),
    ("exams_passed", gettext_lazy("考核合格")),
    ("exams_failed", gettext_lazy("考核不合格")),
    ("complaints_proven", gettext_lazy("被举报查证属实")),
    ("entries", gettext_lazy("其他记录")),
    ("unexcused_absences", gettext_lazy("无正当理由缺席合计")),
)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def ledger_figures(supervisor_ids: Iterable[int], year: int, *, today: dt.date) -> dict[int, dict[str, int]]:
    """Counts per supervisor for `year`: one grouped query per source, whatever the number of people."""
    ids = list(supervisor_ids)
    start, end = _year(year)
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((k for k, _ in FIGURES), 0))
    for sid in ids:
        out[sid] = dict.fromkeys((k for k, _ in FIGURES), 0)
    a = AssignmentStatus
    for row0 in (
        Assignment.objects.filter(supervisor_id__in=ids, duty__duty_on__range=(start, end))
        .values("supervisor_id")
        .annotate(
            invited=Count("id"),
            attended=Count("id", filter=Q(status=a.ATTENDED)),
            declined=Count("id", filter=Q(status=a.DECLINED)),
            recused=Count("id", filter=Q(status=a.RECUSED)),
            absent_excused=Count("id", filter=Q(status=a.ABSENT, excused=True)),
            absent_unexcused=Count("id", filter=Q(status=a.ABSENT, excused=False)),
            unanswered=Count("id", filter=Q(status=a.INVITED, duty__duty_on__lt=today)),
        )
    ):
        f = out[row0["supervisor_id"]]
        f["duties_invited"] = row0["invited"]
        f["duties_attended"] = row0["attended"]
        f["duties_declined"] = row0["declined"]
        f["duties_recused"] = row0["recused"]
        f["duties_absent_excused"] = row0["absent_excused"]
        f["duties_absent_unexcused"] = row0["absent_unexcused"]
        f["unanswered_invitations"] = row0["unanswered"]
    for row1 in (
        DutyRecord.objects.filter(
            duty__duty_on__range=(start, end),
            duty__assignments__supervisor_id__in=ids,
            duty__assignments__status=a.ATTENDED,
        )
        .values("duty__assignments__supervisor_id")
        .annotate(n=Count("id", distinct=True))
    ):
        out[row1["duty__assignments__supervisor_id"]]["records"] = row1["n"]
    for row2 in (
        DutyOpinion.objects.filter(supervisor_id__in=ids, record__duty__duty_on__range=(start, end))
        .values("supervisor_id")
        .annotate(
            n=Count("id"), adopted=Count("id", filter=Q(adoption__in=(Adoption.ADOPTED, Adoption.PARTLY)))
        )
    ):
        out[row2["supervisor_id"]]["opinions"] = row2["n"]
        out[row2["supervisor_id"]]["opinions_adopted"] = row2["adopted"]
    for row3 in (
        Finding.objects.filter(reporter_id__in=ids, submitted_on__range=(start, end))
        .values("reporter_id")
        .annotate(n=Count("id"))
    ):
        out[row3["reporter_id"]]["findings"] = row3["n"]
    p = ParticipationStatus
    for row4 in (
        Participation.objects.filter(supervisor_id__in=ids, session__held_on__range=(start, end))
        .values("supervisor_id")
        .annotate(
            invited=Count("id"),
            attended=Count("id", filter=Q(status=p.ATTENDED)),
            absent_unexcused=Count("id", filter=Q(status=p.ABSENT, excused=False)),
            n_passed=Count("id", filter=Q(passed=True)),
            n_failed=Count("id", filter=Q(passed=False)),
        )
    ):
        f = out[row4["supervisor_id"]]
        f["training_invited"] = row4["invited"]
        f["training_attended"] = row4["attended"]
        f["training_absent_unexcused"] = row4["absent_unexcused"]
        f["exams_passed"] = row4["n_passed"]
        f["exams_failed"] = row4["n_failed"]
    for row5 in (
        Complaint.objects.filter(
            supervisor_id__in=ids, status=ComplaintStatus.SUBSTANTIATED, concluded_on__range=(start, end)
        )
        .values("supervisor_id")
        .annotate(n=Count("id"))
    ):
        out[row5["supervisor_id"]]["complaints_proven"] = row5["n"]
    for row6 in (
        LedgerEntry.objects.filter(supervisor_id__in=ids, on__range=(start, end))
        .values("supervisor_id")
        .annotate(n=Count("id"))
    ):
        out[row6["supervisor_id"]]["entries"] = row6["n"]
    for f in out.values():
        f["unexcused_absences"] = f["duties_absent_unexcused"] + f["training_absent_unexcused"]
    return dict(out)


@dataclass
class Ledger:
    supervisor: Supervisor
    year: int
    figures: dict[str, int]
    duties: list[Any] = field(default_factory=list)
    opinions: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    training: list[Any] = field(default_factory=list)
    complaints: list[Any] = field(default_factory=list)
    entries: list[Any] = field(default_factory=list)

    @property
    def figure_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.figures[key]) for key, label in FIGURES]


def ledger_for(supervisor: Supervisor, year: int, *, today: dt.date) -> Ledger:
    """One supervisor's ledger page: the figures and the rows behind them."""
    start, end = _year(year)
    return Ledger(
        supervisor=supervisor,
        year=year,
        figures=ledger_figures([supervisor.pk], year, today=today)[supervisor.pk],
        duties=list(
            Assignment.objects.filter(supervisor=supervisor, duty__duty_on__range=(start, end))
            .select_related("duty__agency")
            .order_by("duty__duty_on", "id")
        ),
        opinions=list(
            DutyOpinion.objects.filter(supervisor=supervisor, record__duty__duty_on__range=(start, end))
            .select_related("record__duty")
            .order_by("record__duty__duty_on", "id")
        ),
        findings=list(
            Finding.objects.filter(reporter=supervisor, submitted_on__range=(start, end))
            .select_related("agency")
            .order_by("submitted_on", "id")
        ),
        training=list(
            Participation.objects.filter(supervisor=supervisor, session__held_on__range=(start, end))
            .select_related("session")
            .order_by("session__held_on", "id")
        ),
        complaints=list(
            Complaint.objects.filter(
                supervisor=supervisor, status=ComplaintStatus.SUBSTANTIATED, concluded_on__range=(start, end)
            ).order_by("concluded_on", "id")
        ),
        entries=list(
            LedgerEntry.objects.filter(supervisor=supervisor, on__range=(start, end)).order_by("on", "id")
        ),
    )
