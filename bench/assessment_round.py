"""The ledger and an annual assessment round of a large people's-supervisor programme, on PostgreSQL.

    .venv/bin/python -m bench.assessment_round [--supervisors 20000] \
        [--database-url postgres://postgres@127.0.0.1:5432/jiandu_bench_assessment] [--keep]

Builds a scratch database (dropped afterwards unless --keep): the demo organisations, one Weihai
people's-supervisor programme (weihai-people-2024) with `--supervisors` serving supervisors, a year of
duties (one per five supervisors, five asked each: attended 80%, declined 10%, absent 5% — a third of
them excused — and 5% never answered), two training sessions for everyone (2% absent without reason)
and a ledger line for one in ten. Then times, wall seconds and this process's CPU seconds (the
database server's CPU is not in the second figure; the machine is shared):
  1. opening the round (one row per supervisor, through the service);
  2. ledger figures for everyone (what the Excel export and the grounds offered read), and one page of
     the round (100 rows with their figures, the grade counts of the whole round);
  3. proposing 合格 / 基本合格 for everyone (grades_propose_many, one transaction);
  4. ten individual 优秀 proposals (each checks the conditions and the share);
  5. one supervisor's ledger page over HTTP (median and worst of 20, rendered template included);
  6. the programme's ledger as Excel.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import _db

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiandu_bench_assessment"
YEAR = 2026
TODAY = dt.date(2026, 12, 14)


def setup_django() -> None:
    """Django on the scratch database that main made (`DATABASE_URL`), with the schema and cheap
    passwords."""
    _db.setup_django(migrate=True)
    _db.fast_passwords()


def generate(n: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.assessment.models import ActivityKind, LedgerEntry
    from jiandu.core.demo import DEMO_PASSWORD, World
    from jiandu.duties.models import (
        Assignment,
        AssignmentStatus,
        DrawCommitment,
        DrawRecord,
        Duty,
        DutyStatus,
    )
    from jiandu.orgs import demo as orgs_demo
    from jiandu.roster.models import Programme, ProgrammeKind, Supervisor
    from jiandu.training.models import Participation, ParticipationStatus, SessionKind, TrainingSession

    world = World()
    orgs_demo.build(world)
    bureau = world.orgs["weihai_justice"]
    admin = user_create(
        actor=None,
        username="bench_admin",
        password=DEMO_PASSWORD,
        role=Role.PROGRAMME_ADMIN,
        organisation=bureau,
        full_name="bench",
    )
    programme = Programme.objects.create(
        name="bench", kind=ProgrammeKind.PEOPLE, organisation=bureau, rulebook_id="weihai-people-2024"
    )
    rng = random.Random(13)
    now = timezone.now()
    with transaction.atomic():
        people = Supervisor.objects.bulk_create(
            [
                Supervisor(
                    programme=programme,
                    full_name=f"监督员{i:05d}",
                    employer=f"单位{i % 300}",
                    term_start=dt.date(2025, 1, 1),
                    initial_training_on=dt.date(2025, 2, 1),
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        ids = [s.pk for s in people]
        agency = world.orgs.get("weihai_procuratorate") or bureau
        duties = Duty.objects.bulk_create(
            [
                Duty(
                    programme=programme,
                    agency=agency,
                    requested_by=admin,
                    kind="hearing",
                    title=f"活动{d}",
                    duty_on=dt.date(YEAR, 1, 5) + dt.timedelta(days=d % 330),
                    place="某地",
                    supervisors_needed=5,
                    requested_on=dt.date(YEAR, 1, 1),
                    lead_decision={},
                    status=DutyStatus.REQUESTED,
                )
                for d in range(max(1, n // 5))
            ],
            batch_size=5000,
        )
        commitments = DrawCommitment.objects.bulk_create(
            [
                DrawCommitment(
                    duty=d,
                    number=1,
                    commitment="0" * 64,
                    pool=[],
                    requirements={},
                    pool_hash="0" * 64,
                    seed="",
                    opened_by=admin,
                    opened_at=now,
                )
                for d in duties
            ],
            batch_size=5000,
        )
        records = DrawRecord.objects.bulk_create(
            [
                DrawRecord(
                    commitment=c,
                    duty_id=c.duty_id,
                    record={},
                    record_hash="0" * 64,
                    drawn_by=admin,
                    drawn_at=now,
                )
                for c in commitments
            ],
            batch_size=5000,
        )
        rows = []
        for k, rec in enumerate(records):
            for j in range(5):
                x = rng.random()
                status = (
                    AssignmentStatus.ATTENDED
                    if x < 0.8
                    else AssignmentStatus.DECLINED
                    if x < 0.9
                    else AssignmentStatus.ABSENT
                    if x < 0.95
                    else AssignmentStatus.INVITED
                )
                rows.append(
                    Assignment(
                        duty_id=rec.duty_id,
                        supervisor_id=ids[(k * 5 + j) % n],
                        draw=rec,
                        position=j + 1,
                        status=status,
                        excused=status == AssignmentStatus.ABSENT and rng.random() < 0.33,
                        invited_at=now,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=5000)
        for t, held in enumerate((dt.date(YEAR, 3, 10), dt.date(YEAR, 9, 15))):
            session = TrainingSession.objects.create(
                programme=programme,
                kind=SessionKind.IN_TERM,
                mode="lecture",
                title=f"任期培训{t}",
                held_on=held,
                created_by=admin,
            )
            Participation.objects.bulk_create(
                [
                    Participation(
                        session=session,
                        supervisor_id=sid,
                        status=ParticipationStatus.ABSENT
                        if rng.random() < 0.02
                        else ParticipationStatus.ATTENDED,
                    )
                    for sid in ids
                ],
                batch_size=5000,
            )
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    supervisor_id=sid,
                    kind=ActivityKind.OTHER,
                    on=dt.date(YEAR, 6, 1),
                    text="参加开放日",
                    recorded_by=admin,
                )
                for sid in ids[::10]
            ],
            batch_size=5000,
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"admin": admin, "programme": programme, "ids": ids, "assignments": len(rows)}


def timed(label: str, fn: Callable[[], Any]) -> Any:
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label:44s} wall {time.perf_counter() - w0:7.2f} s  cpu {time.process_time() - c0:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supervisors", type=int, default=20_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with _db.scratch_database(args.database_url, keep=args.keep):
        setup_django()
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from jiandu.accounts.testing import client_sign_in
    from jiandu.assessment import services as sv
    from jiandu.assessment.ledger import ledger_figures
    from jiandu.assessment.models import Assessment
    from jiandu.assessment.selectors import round_page

    setup_test_environment()  # the test client's host is allowed; nothing else changes
    reverse("assessment:list")  # load the URLconf now: a one-off import cost the worker pays at start
    t0 = time.perf_counter()
    g = generate(args.supervisors)
    print(
        f"generated {args.supervisors:,} supervisors, {g['assignments']:,} duty invitations in {time.perf_counter() - t0:.1f} s"
    )
    admin, programme = g["admin"], g["programme"]
    r = timed(
        "1. open the round",
        lambda: sv.round_open(actor=admin, programme=programme, year=YEAR, today=TODAY),
    )
    figures = timed(
        "2a. ledger figures for everyone",
        lambda: ledger_figures(g["ids"], YEAR, today=TODAY),
    )
    offered = sum(1 for f in figures.values() if f["unexcused_absences"] or f["unanswered_invitations"])
    print(f"   {len(figures):,} supervisors; {offered:,} with a countable 不合格 ground to offer")
    timed("2b. round page data (100 rows + whole-round counts)", lambda: round_page(r, today=TODAY))
    pks = list(Assessment.objects.filter(round=r).order_by("pk").values_list("pk", flat=True))
    grades = {pk: ("basic" if i % 10 == 9 else "competent") for i, pk in enumerate(pks[10:])}
    timed(
        "3. propose 合格/基本合格 for everyone (bulk)",
        lambda: sv.grades_propose_many(actor=admin, round=r, grades=grades, reason="区县建议", today=TODAY),
    )
    cond = ["political", "ethics", "many_activities", "quality_opinions", "training"]

    def excellent() -> None:
        for pk in pks[:10]:
            sv.grade_propose(
                actor=admin,
                assessment=Assessment.objects.get(pk=pk),
                grade="excellent",
                reason="优秀",
                conditions=cond,
                today=TODAY,
            )

    timed("4. ten individual 优秀 proposals", excellent)
    client = Client()
    client_sign_in(client, admin)
    rng = random.Random(5)
    times = []
    for sid in rng.sample(g["ids"], 20):
        w0 = time.perf_counter()
        resp = client.get(reverse("assessment:ledger", args=[sid]) + f"?year={YEAR}")
        times.append((time.perf_counter() - w0) * 1000)
        assert resp.status_code == 200, resp.status_code
    print(
        f"{'5. one ledger page over HTTP (20 pages)':44s} median {statistics.median(times):6.1f} ms  worst {max(times):6.1f} ms"
    )

    def export() -> int:
        resp = client.get(reverse("assessment:ledger_export", args=[programme.pk, YEAR]))
        return len(b"".join(resp.streaming_content))

    size = timed("6. programme ledger as Excel", export)
    print(f"   {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
