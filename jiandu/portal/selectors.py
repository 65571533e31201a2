"""Public reads: what anyone may see of a programme. Names, employers and terms — never an identifier,
a phone number or a reporter. Each read is a fixed number of queries, whatever the programme's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiandu.duties.models import Duty, DutyStatus
from jiandu.findings.models import Finding, Status
from jiandu.roster.models import Announcement, Certificate, Programme, Supervisor, SupervisorStatus

# The first year the open statistics answer for; earlier years are a clean 404.
FIRST_YEAR = 2000


def public_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).select_related("organisation")


def public_programme_get(pk: int) -> Programme | None:
    return public_programmes().filter(pk=pk).first()


def public_roster(programme: Programme, *, on: dt.date) -> QuerySet[Supervisor]:
    """The supervisors in office on `on`: name, employer and term only (a projection, so nothing
    else is even read)."""
    return (
        Supervisor.objects.filter(programme=programme, status=SupervisorStatus.ACTIVE)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=on))
        .filter(Q(term_start__isnull=True) | Q(term_start__lte=on))
        .only("full_name", "employer", "term_start", "term_end", "certificate_no")
        .order_by("id")
    )


@dataclass(frozen=True)
class CertificateCheck:
    number: str
    name: str
    programme: str
    token: str
    state: str  # valid | expired | revoked | pending
    label: str


def certificate_check(cert: Certificate, *, today: dt.date) -> CertificateCheck:
    """Validity, name and programme only: what the QR page and the check by number both show."""
    s = cert.supervisor
    if cert.revoked_on is not None:
        state, label = (
            "revoked",
            _("已于%(d)s收回，证书无效") % {"d": cert.revoked_on.strftime(_("%Y年%m月%d日"))},
        )
    elif today > cert.valid_until or s.status == SupervisorStatus.ENDED:
        state, label = (
            "expired",
            _("已于%(d)s期满，证书无效") % {"d": cert.valid_until.strftime(_("%Y年%m月%d日"))},
        )
    elif today < cert.issued_on:
        state, label = "pending", _("尚未生效")
    else:
        state, label = (
            "valid",
            _("有效（有效期至%(d)s）") % {"d": cert.valid_until.strftime(_("%Y年%m月%d日"))},
        )
    return CertificateCheck(cert.number, s.full_name, s.programme.name, cert.token, state, label)


def certificate_by_number(number: str) -> Certificate | None:
    raw = number.strip()
    if not raw:
        return None
    # Exact matches only (the unique index answers at any size): as typed, or upper-cased, since
    # numbers are issued in capitals and people type them in lower case on a phone.
    return (
        Certificate.objects.select_related("supervisor__programme")
        .filter(number__in={raw, raw.upper()})
        .first()
    )


def certificate_by_token(token: str) -> Certificate | None:
    return Certificate.objects.select_related("supervisor__programme").filter(token=token).first()


@dataclass(frozen=True)
class OpenStatistics:
    """第…年 公开统计: what a citizen can check of a programme's year."""

    programme: str
    year: int
    supervisors: int
    duties: int
    opinions: int
    replied: int
    replied_on_time: int
    adopted: int
    adoption_rate: str
    on_time_rate: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


STATISTIC_LABELS = {
    "supervisors": gettext_lazy("年末在任监督员"),
    "duties": gettext_lazy("开展监督活动（次）"),
    "opinions": gettext_lazy("收到监督意见和线索（件）"),
    "replied": gettext_lazy("已答复（件）"),
    "replied_on_time": gettext_lazy("按期答复（件）"),
    "adopted": gettext_lazy("采纳（件）"),
    "adoption_rate": gettext_lazy("采纳率"),
    "on_time_rate": gettext_lazy("按期答复率"),
}


def rate(part: int, whole: int) -> str:
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def open_statistics(programme: Programme, *, year: int, today: dt.date) -> OpenStatistics:
    """Three queries: duties held in the year, opinions received in the year (merged duplicates not
    counted twice) with their replies, and the roster at the year's end (or today in the current year)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    duties = Duty.objects.filter(
        programme=programme, status=DutyStatus.HELD, duty_on__range=(start, end)
    ).count()
    f = (
        Finding.objects.filter(programme=programme, submitted_on__range=(start, end))
        .exclude(status=Status.MERGED)
        .aggregate(
            opinions=Count("id"),
            replied=Count("id", filter=Q(replied_on__isnull=False)),
            on_time=Count("id", filter=Q(replied_on__isnull=False, replied_on__lte=F("reply_due"))),
            adopted=Count("id", filter=Q(replied_on__isnull=False, adopted=True)),
        )
    )
    supervisors = public_roster(programme, on=min(end, today)).count()
    return OpenStatistics(
        programme=programme.name,
        year=year,
        supervisors=supervisors,
        duties=duties,
        opinions=f["opinions"],
        replied=f["replied"],
        replied_on_time=f["on_time"],
        adopted=f["adopted"],
        adoption_rate=rate(f["adopted"], f["replied"]),
        on_time_rate=rate(f["on_time"], f["replied"]),
    )


def public_announcements() -> QuerySet[Announcement]:
    """The portal's announcements (appointments, departures, 优秀 公示, others), newest first."""
    return Announcement.objects.select_related("programme")
