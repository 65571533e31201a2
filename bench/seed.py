"""A reproducible dataset at city or national scale, on the database in `DATABASE_URL`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu_bench .venv/bin/python -m bench.seed --scale city
    .venv/bin/python -m bench.seed --scale national  # 100,000 supervisors, 2.5M duties: not for a shared box

Builds, from a fixed random seed (the same rows every time on an empty database):
  - a national root, provinces, and districts, each district with its justice bureau and one
    supervised agency (prison, procuratorate or enforcement agency in turn);
  - in each province one programme per programme rulebook (all of rulebooks/ but the calendar), with a
    programme admin account;
  - supervisors, identifiers and phone numbers encrypted with their lookup hashes as the model requires;
  - duties in every status, each drawn from a small pool by the real draw code (jiandu.rules.draw), with
    its commitment, sealed public record, and the assignments in draw order;
  - findings in every state (with their clocks where the state has one);
  - a year of chained audit events (the real hash function, the chain head moved to the end).

Rows are written in batches (COPY on PostgreSQL, bulk_create on SQLite) with ids assigned here, so memory
stays bounded by the batch whatever the scale. Bench data only: it does not go through the services (a
national dataset through them would take days); the app's own demo (`jiandu demo`) does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bench._db import is_postgresql, max_rss_mib, setup_django, timed

RULEBOOKS = (
    ("shanxi-prison-2023", "prison_supervisor"),
    ("ningxia-prison-2020", "prison_supervisor"),
    ("wanzhou-admin-2024", "administrative_supervisor"),
    ("weihai-admin-2022", "administrative_supervisor"),
    ("weihai-people-2024", "peoples_supervisor"),
    ("national-people-2021", "peoples_supervisor"),
)
SPECIALTIES = ("law", "finance_accounting", "medicine", "it", "environment", "construction", "other")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass(frozen=True)
class Scale:
    provinces: int
    districts: int
    supervisors: int
    duties: int
    findings: int
    audit_events: int
    pool: int = 12  # candidates per draw


SCALES = {
    "tiny": Scale(provinces=1, districts=3, supervisors=40, duties=30, findings=60, audit_events=50),
    "city": Scale(
        provinces=1, districts=30, supervisors=3_000, duties=15_000, findings=20_000, audit_events=20_000
    ),
    "national": Scale(
        provinces=31,
        districts=3_000,
        supervisors=100_000,
        duties=2_500_000,
        findings=1_000_000,
        audit_events=1_000_000,
    ),
}
BATCH = 5_000
TODAY = dt.date(2026, 11, 16)  # the dataset's "today": a year of history ends here


# ---------------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, bulk_create elsewhere
# ---------------------------------------------------------------------------------------------------


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _write(model: Any, objs: list[Any]) -> None:
    """Insert model instances whose pk is already set."""
    from django.db import connection, models

    if not objs:
        return
    if not is_postgresql():
        model.objects.bulk_create(objs, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for obj in objs:
            row = []
            for f in fields:
                value = f.pre_save(obj, True)
                if isinstance(f, models.JSONField):
                    row.append(None if value is None else json.dumps(value, ensure_ascii=False))
                else:
                    row.append(f.get_db_prep_save(value, connection))
            copy.write_row(row)


def _reset_sequences(models_: Iterable[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    if not is_postgresql():
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def _batched(items: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Progress:
    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.timing_cm = timed()
        self.timing = self.timing_cm.__enter__()

    def add(self, n: int) -> None:
        self.done += n
        print(f"\r  {self.label}: {self.done:,}/{self.total:,}", end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        self.timing_cm.__exit__(None, None, None)
        print(f"\r  {self.label}: {self.done:,} rows in {self.timing}", flush=True)


# ---------------------------------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------------------------------


def _orgs(scale: Scale, rng: random.Random) -> tuple[list[Any], list[Any], list[int]]:
    """Returns (district bureaus, agencies, province index of each district)."""
    from jiandu.orgs.models import Level, Organisation, OrgKind

    pk = _next_id(Organisation)

    def org(name: str, kind: str, level: str, region: str, parent: Any) -> Any:
        nonlocal pk
        o = Organisation(id=pk, name=name, kind=kind, level=level, region_code=region, parent=parent)
        o.path = (parent.path if parent else "") + f"{pk:08d}."
        o.depth = parent.depth + 1 if parent else 0
        pk += 1
        return o

    progress = Progress("organisations", 1 + scale.provinces + 2 * scale.districts)
    root = org(f"基准司法部{pk}", OrgKind.JUSTICE_BUREAU, Level.NATIONAL, "100000", None)
    provinces = [
        org(f"基准省{p + 1:02d}司法厅", OrgKind.JUSTICE_BUREAU, Level.PROVINCE, f"{11 + p:02d}0000", root)
        for p in range(scale.provinces)
    ]
    _write(Organisation, [root, *provinces])
    progress.add(1 + len(provinces))
    districts, agencies, province_of = [], [], []
    agency_kinds = (OrgKind.PRISON, OrgKind.PROCURATORATE, OrgKind.ENFORCEMENT_AGENCY)
    for d in range(scale.districts):
        p = d % scale.provinces
        region = f"{11 + p:02d}{(d // scale.provinces) % 100:02d}{d % 100:02d}"
        bureau = org(
            f"基准区县{d + 1:04d}司法局", OrgKind.JUSTICE_BUREAU, Level.DISTRICT, region, provinces[p]
        )
        agency = org(f"基准区县{d + 1:04d}执法单位", agency_kinds[d % 3], Level.DISTRICT, region, bureau)
        districts.append(bureau)
        agencies.append(agency)
        province_of.append(p)
    for chunk in range(0, len(districts), BATCH):
        _write(Organisation, districts[chunk : chunk + BATCH])
        _write(Organisation, agencies[chunk : chunk + BATCH])
        progress.add(2 * len(districts[chunk : chunk + BATCH]))
    progress.end()
    return districts, agencies, province_of


def _programmes(
    scale: Scale, districts: list[Any], province_of: list[int]
) -> tuple[list[list[Any]], list[Any]]:
    """One programme per rulebook in each province, run by the province's bureau; and one admin account
    per province (made through the accounts service: it hashes the password and audits the creation)."""
    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.orgs.models import Organisation
    from jiandu.roster.models import Programme

    provinces: list[Any] = [None] * scale.provinces
    for d, p in zip(districts, province_of, strict=True):
        provinces[p] = provinces[p] or d.parent
    programmes, admins = [], []
    for p, bureau in enumerate(provinces):
        bureau = Organisation.objects.get(pk=bureau.pk)
        row = [
            Programme.objects.create(
                name=f"{bureau.name}·{rulebook_id}",
                kind=kind,
                organisation=bureau,
                rulebook_id=rulebook_id,
                cohort_start=TODAY - dt.timedelta(days=700),
                cohort_end=TODAY + dt.timedelta(days=395),
            )
            for rulebook_id, kind in RULEBOOKS
        ]
        programmes.append(row)
        admins.append(
            user_create(
                actor=None,
                username=f"bench_admin_{bureau.pk}",
                # Unknown to anyone: benchmarks sign these accounts in with force_login.
                password=secrets.token_urlsafe(18) + "aA1-",  # every class the password policy counts
                role=Role.PROGRAMME_ADMIN,
                organisation=bureau,
                full_name=f"基准管理员{p + 1}",
            )
        )
    print(
        f"  programmes: {scale.provinces * len(RULEBOOKS)} ({len(RULEBOOKS)} rulebooks × {scale.provinces})"
    )
    return programmes, admins


def _id_number(rng: random.Random, region: str, born: dt.date) -> str:
    from jiandu.rules.identifiers import id_number_check_char

    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def _supervisors(
    scale: Scale,
    rng: random.Random,
    districts: list[Any],
    province_of: list[int],
    programmes: list[list[Any]],
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Returns, per (province, rulebook index), the (supervisor id, district index) of its members."""
    from jiandu.core.crypto import lookup_hash
    from jiandu.roster.models import Supervisor, SupervisorStatus
    from jiandu.rules.identifiers import id_number_mask, mobile_mask

    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    start = _next_id(Supervisor)
    statuses = [SupervisorStatus.ACTIVE] * 18 + [s for s in SupervisorStatus if s != SupervisorStatus.ACTIVE]
    progress = Progress("supervisors", scale.supervisors)

    def rows() -> Iterator[Any]:
        for i in range(scale.supervisors):
            d = i % scale.districts
            p = province_of[d]
            r = (i // scale.districts) % len(RULEBOOKS)
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
            idn = _id_number(rng, districts[d].region_code, born)
            phone = f"13{rng.randrange(10**9):09d}"
            pk = start + i
            members.setdefault((p, r), []).append((pk, d))
            yield Supervisor(
                id=pk,
                programme=programmes[p][r],
                full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender=rng.choice(("男", "女")),
                birth_date=born,
                id_number=idn,
                id_number_lookup=lookup_hash("id_number", idn),
                id_number_masked=id_number_mask(idn),
                phone=phone,
                phone_lookup=lookup_hash("phone", phone),
                phone_masked=mobile_mask(phone),
                education=rng.choice(("本科", "硕士研究生", "大学专科")),
                employer=f"基准单位{rng.randrange(500)}",
                specialties=rng.sample(SPECIALTIES, rng.randint(1, 2)),
                district=districts[d],
                status=rng.choice(statuses),
                term_start=TODAY - dt.timedelta(days=700),
                term_end=TODAY + dt.timedelta(days=395),
                source="import",
            )

    for batch in _batched(rows()):
        _write(Supervisor, batch)
        progress.add(len(batch))
    progress.end()
    return members


def _duties(
    scale: Scale,
    rng: random.Random,
    districts: list[Any],
    agencies: list[Any],
    province_of: list[int],
    programmes: list[list[Any]],
    admins: list[Any],
    members: dict[tuple[int, int], list[tuple[int, int]]],
) -> None:
    """Duties over the past year and the next month; the drawn ones with their commitment, record and
    assignments, each draw computed by the real draw code over a small pool."""
    from jiandu.duties.models import (
        Assignment,
        AssignmentStatus,
        DrawCommitment,
        DrawRecord,
        Duty,
        DutyKind,
        DutyStatus,
    )
    from jiandu.rules import draw as d

    duty_pk, commit_pk, record_pk, assign_pk = (
        _next_id(m) for m in (Duty, DrawCommitment, DrawRecord, Assignment)
    )
    kinds = list(DutyKind)
    past = (DutyStatus.HELD,) * 6 + (DutyStatus.STAFFED, DutyStatus.CANCELLED)
    future = (DutyStatus.REQUESTED, DutyStatus.DRAW_OPEN, DutyStatus.CONTACTING, DutyStatus.STAFFED)
    progress = Progress("duties (+ commitments, records, assignments)", scale.duties)
    for start in range(0, scale.duties, BATCH):
        duties, commitments, records, assignments = [], [], [], []
        for j in range(start, min(start + BATCH, scale.duties)):
            di = rng.randrange(scale.districts)
            p, r = province_of[di], rng.randrange(len(RULEBOOKS))
            duty_on = TODAY + dt.timedelta(days=rng.randint(-365, 30))
            status = rng.choice(past if duty_on < TODAY else future)
            k = rng.choice((2, 3, 3, 5))
            duty = Duty(
                id=duty_pk,
                programme=programmes[p][r],
                agency=agencies[di],
                requested_by=admins[p],
                kind=rng.choice(kinds),
                title=f"基准活动{j + 1}",
                duty_on=duty_on,
                place=f"{districts[di].name}第{rng.randint(1, 9)}法庭",
                district=districts[di],
                supervisors_needed=k,
                local_min=1 if k > 2 else 0,
                requested_on=duty_on - dt.timedelta(days=rng.randint(5, 20)),
                lead_decision={"ok": True, "reasons": []},
                status=status,
                report_due_on=duty_on + dt.timedelta(days=14) if status == DutyStatus.HELD else None,
                reported_on=duty_on + dt.timedelta(days=7)
                if status == DutyStatus.HELD and rng.random() < 0.8
                else None,
                answer_hours=48,
            )
            duties.append(duty)
            duty_pk += 1
            group = members.get((p, r), [])
            if status in (DutyStatus.REQUESTED, DutyStatus.CANCELLED) or len(group) < k:
                continue
            pool_members = rng.sample(group, min(scale.pool, len(group)))
            pool = {
                "candidates": [
                    {"id": str(sid), "prior": rng.randint(0, 4), "specialties": [], "local": sd == di}
                    for sid, sd in pool_members
                ],
                "excluded": [],
                "counts": {"candidates": len(pool_members), "excluded": 0},
            }
            requirements = {"k": k, "specialty_minimums": {}, "local_min": 0, "cross_min": 0}
            seed = rng.randbytes(32)
            pool_out, req_out, sealed = d.pool_seal(pool, requirements)
            opened_at = dt.datetime.combine(duty.requested_on, dt.time(9), tzinfo=dt.UTC)
            commitments.append(
                DrawCommitment(
                    id=commit_pk,
                    duty=duty,
                    number=1,
                    commitment=d.commitment(seed),
                    pool=pool_out,
                    requirements=req_out,
                    pool_hash=sealed,
                    seed=seed.hex(),
                    opened_by=admins[p],
                    opened_at=opened_at,
                )
            )
            if status == DutyStatus.DRAW_OPEN:
                commit_pk += 1
                continue
            witnesses = [{"name": "见证人甲", "role": "", "value": f"{rng.randrange(10000):04d}"}]
            record = d.record_build(pool=pool, requirements=requirements, seed=seed, witnesses=witnesses,
                                    meta={"duty": duty.pk, "number": 1})  # fmt: skip
            records.append(
                DrawRecord(
                    id=record_pk,
                    commitment_id=commit_pk,
                    duty=duty,
                    record=record,
                    record_hash=record["record_hash"],
                    drawn_by=admins[p],
                    drawn_at=opened_at + dt.timedelta(hours=1),
                )
            )
            invited_at = opened_at + dt.timedelta(hours=2)
            for position, sid in enumerate(record["result"]["selected"], start=1):
                if status == DutyStatus.HELD:
                    a_status = AssignmentStatus.ATTENDED if rng.random() < 0.9 else AssignmentStatus.ABSENT
                elif status == DutyStatus.CONTACTING:
                    a_status = rng.choice((AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED))
                else:
                    a_status = AssignmentStatus.ACCEPTED
                assignments.append(
                    Assignment(
                        id=assign_pk,
                        duty=duty,
                        supervisor_id=int(sid),
                        draw_id=record_pk,
                        position=position,
                        status=a_status,
                        invited_at=invited_at,
                        notified_at=invited_at,
                        responded_at=None
                        if a_status == AssignmentStatus.INVITED
                        else invited_at + dt.timedelta(hours=3),
                        confirm_token=f"b{assign_pk:x}",
                    )
                )
                assign_pk += 1
            commit_pk += 1
            record_pk += 1
        _write(Duty, duties)
        _write(DrawCommitment, commitments)
        _write(DrawRecord, records)
        _write(Assignment, assignments)
        progress.add(len(duties))
    progress.end()


def _findings(
    scale: Scale,
    rng: random.Random,
    agencies: list[Any],
    province_of: list[int],
    programmes: list[list[Any]],
    members: dict[tuple[int, int], list[tuple[int, int]]],
) -> None:
    from jiandu.findings.deadlines import remind_on
    from jiandu.findings.models import Finding, Source, Status

    pk = _next_id(Finding)
    states = list(Status)
    sources = list(Source)
    progress = Progress("findings", scale.findings)
    for start in range(0, scale.findings, BATCH):
        batch = []
        for j in range(start, min(start + BATCH, scale.findings)):
            di = rng.randrange(scale.districts)
            p, r = province_of[di], rng.randrange(len(RULEBOOKS))
            group = members.get((p, r))
            status = states[j % len(states)]
            submitted = TODAY - dt.timedelta(days=rng.randint(0, 365))
            f = Finding(
                id=pk, programme=programmes[p][r], agency=agencies[di], source=rng.choice(sources),
                reporter_id=rng.choice(group)[0] if group else None, confidential=rng.random() < 0.05,
                title=f"基准意见{j + 1}", text="基准数据：监督意见内容。", status=status, submitted_on=submitted,
            )  # fmt: skip
            forwarded_on = submitted + dt.timedelta(days=3)
            reply_due = forwarded_on + dt.timedelta(days=30)
            replied_on = reply_due - dt.timedelta(days=5)
            if status in (Status.FORWARDED, Status.RECTIFYING, Status.REPLIED, Status.CLOSED):
                f.forwarded_on, f.reply_days, f.reply_due = forwarded_on, 30, reply_due
                f.reply_remind_on = remind_on(reply_due)
            if status == Status.RECTIFYING:
                f.rectify_due = reply_due + dt.timedelta(days=60)
                f.rectify_remind_on = remind_on(f.rectify_due)
            if status in (Status.REPLIED, Status.CLOSED):
                f.replied_on, f.reply_text, f.adopted = replied_on, "已研究处理。", True
            if status == Status.CLOSED:
                f.closed_on, f.result_text, f.rating = replied_on + dt.timedelta(days=10), "已办结。", 4
            if status == Status.DECLINED:
                f.decline_reason = "不属于监督范围。"
            batch.append(f)
            pk += 1
        _write(Finding, batch)
        progress.add(len(batch))
    progress.end()


def _audit(scale: Scale, rng: random.Random) -> None:
    """A year of events, chained from the current head with the real hash and keyed MACs, so
    `jiandu audit verify` passes over the seeded trail."""
    from django.db import transaction

    from jiandu.audit.hashing import event_hash, event_mac, event_payload, head_mac
    from jiandu.audit.models import AuditChainHead, AuditEvent

    actions = (
        "supervisor.update",
        "duty.create",
        "draw.open",
        "draw.perform",
        "finding.forward",
        "account.sign_in",
    )
    progress = Progress("audit events", scale.audit_events)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        pk, seq, prev = _next_id(AuditEvent), head.seq, head.hash
        last = AuditEvent.objects.order_by("-seq").values_list("occurred_at", flat=True).first()
        start = max(
            dt.datetime.combine(TODAY - dt.timedelta(days=365), dt.time(), tzinfo=dt.UTC),
            last or dt.datetime.min.replace(tzinfo=dt.UTC),
        )
        step = dt.timedelta(days=365) / max(scale.audit_events, 1)
        for begin in range(0, scale.audit_events, BATCH):
            batch = []
            for i in range(begin, min(begin + BATCH, scale.audit_events)):
                seq += 1
                e = AuditEvent(
                    id=pk, seq=seq, occurred_at=start + step * (i + 1), actor_name=f"bench{rng.randrange(500)}",
                    role="programme_admin", action=rng.choice(actions), target_type="roster.supervisor",
                    target_id=str(rng.randrange(1, scale.supervisors + 1)), target_repr="基准",
                    before={"status": "active"}, after={"status": "active", "n": i}, ip="10.0.0.1",
                    outcome="success", prev_hash=prev,
                )  # fmt: skip
                e.hash = prev = event_hash(prev, event_payload(e))
                e.mac = event_mac(e.hash)
                batch.append(e)
                pk += 1
            _write(AuditEvent, batch)
            progress.add(len(batch))
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev, mac=head_mac(seq, prev))
    progress.end()


def seed(scale_name: str, *, random_seed: int = 18) -> dict[str, int]:
    """Build the dataset on the configured database (Django already set up). Returns the row counts."""
    from django.db import transaction

    from jiandu.audit.models import AuditEvent
    from jiandu.duties.models import Assignment, DrawCommitment, DrawRecord, Duty
    from jiandu.findings.models import Finding
    from jiandu.orgs.models import Organisation
    from jiandu.roster.models import Supervisor

    scale = SCALES[scale_name]
    rng = random.Random(random_seed)
    models_ = (Organisation, Supervisor, Duty, DrawCommitment, DrawRecord, Assignment, Finding, AuditEvent)
    with timed() as total:
        with transaction.atomic():
            districts, agencies, province_of = _orgs(scale, rng)
            programmes, admins = _programmes(scale, districts, province_of)
            members = _supervisors(scale, rng, districts, province_of, programmes)
        # Each table's batches commit as they go: a national run stopped half-way keeps what it wrote.
        _duties(scale, rng, districts, agencies, province_of, programmes, admins, members)
        _findings(scale, rng, agencies, province_of, programmes, members)
        _reset_sequences(
            models_
        )  # before the audit trail: the admin accounts' events were written by the service
        _audit(scale, rng)
        _reset_sequences(models_)
        if is_postgresql():
            # Fresh statistics, as autovacuum would give a live site: the planner otherwise plans
            # the pages' queries on the empty tables' defaults (docs/performance.md).
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    counts = {m._meta.label: m.objects.count() for m in models_}
    print(f"seeded scale {scale_name} in {total} · peak RSS {max_rss_mib():.0f} MiB")
    for label, n in counts.items():
        print(f"  {label:<24} {n:>12,}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=18, help="random seed (fixed: the same data every time)")
    args = parser.parse_args()
    setup_django()
    seed(args.scale, random_seed=args.seed)


if __name__ == "__main__":
    main()
