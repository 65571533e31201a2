"""A reproducible dataset at city or national scale, on the database in `DATABASE_URL`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu_bench .venv/bin/python -m bench.seed --scale city
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu_national .venv/bin/python -m bench.seed --scale national

Builds, from a fixed random seed (the same rows every time on an empty database, whatever the number
of worker processes):
  - a national root, provinces, and districts, each district with its justice bureau and one
    supervised agency (prison, procuratorate or enforcement agency in turn);
  - in each province one programme per programme rulebook (all of rulebooks/ but the calendar), with a
    programme admin account;
  - supervisors, identifiers and phone numbers encrypted with their lookup hashes as the model requires;
  - duties in every status; each drawn one with its commitment, sealed public record and assignments in
    draw order, drawn from a small pool by the real draw code: draw v2 (jiandu.rules.draw_v2, what the
    app uses for new draws) for most, v1 (jiandu.rules.draw) for one in `V1_EVERY`, as a site that
    switched keeps its old records; every record verifies (`jiandu draw verify --all`);
  - findings in every state (with their clocks where the state has one);
  - a year of chained audit events (the real hash function, the chain head moved to the end).

Rows are written as tuples (COPY on PostgreSQL, executemany elsewhere) with ids assigned here from
disjoint ranges, never as model instances: the 2.5M-duty dataset is mostly row building. Duties and
findings are made in chunks, each from its own random stream derived from the seed and the chunk
number, so `--workers N` (default 2 on PostgreSQL) processes build them side by side with the audit
trail and give the same rows. At national size the secondary indexes of the bulk-loaded tables are
dropped for the load and rebuilt after it, and foreign-key triggers are off in the loading
transactions (ids are consistent by construction). The run ends with VACUUM ANALYZE of what it
loaded (autovacuum may be off: the planner must see the real tables), and records its own timing in
the table `bench_seed_run`, which `python -m bench` prints.

Bench data only: it does not go through the services (a national dataset through them would take
days); the app's own demo (`jiandu demo`) does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import multiprocessing as mp
import os
import random
import resource
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from bench._db import Timing, is_postgresql, max_rss_mib, server_cpu_seconds, setup_django, timed

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
BATCH = 5_000  # rows of a table per write; also the duties and findings of one chunk
TODAY = dt.date(2026, 11, 16)  # the dataset's "today": a year of history ends here
V1_EVERY = 25  # one drawn duty in 25 keeps a jiandu-draw-v1 record
MAX_K = 5  # most supervisors a seeded duty needs: assignment ids are duty index × MAX_K + position
DROP_INDEXES_FROM = 100_000  # duties: at this size the bulk-loaded tables load without their indexes


# ---------------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, executemany elsewhere
# ---------------------------------------------------------------------------------------------------


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _write(model: Any, objs: list[Any]) -> None:
    """Insert model instances whose pk is already set (the few organisations only)."""
    if objs:
        model.objects.bulk_create(objs, batch_size=500)


class Table:
    """A model's table written from tuples: `columns` in the order a row gives them; every other
    column gets its model default (None where nullable). `raw` columns hold values already in their
    database form (JSON text, ciphertext); the others are Python values psycopg adapts (or, elsewhere,
    the field prepares)."""

    def __init__(self, model: Any, columns: Sequence[str], *, raw: Iterable[str] = ()) -> None:
        from django.db import models

        by_column = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_column)
        if unknown:
            raise ValueError(f"{model._meta.label}: no columns {sorted(unknown)}")
        self.model = model
        self.raw = set(raw)
        tail_cols, tail = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns:
                continue
            value = f.get_default()  # "" for text without a default, None for the rest
            if value is None and not f.null:
                raise ValueError(f"{model._meta.label}.{f.column}: give a value (no default, not null)")
            if isinstance(value, enum.Enum):
                value = value.value
            if isinstance(f, models.JSONField) and value is not None:
                value = json.dumps(value)
                self.raw.add(str(f.column))
            tail_cols.append(f.column)
            tail.append(value)
        self.columns = [*columns, *tail_cols]
        self.tail = tuple(tail)
        self.fields = [by_column[c] for c in self.columns]
        self._tail_text: str | None = None

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        from django.db import connection

        if not rows:
            return
        q = connection.ops.quote_name
        table, cols = q(self.model._meta.db_table), ", ".join(q(c) for c in self.columns)
        tail = self.tail
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if self._tail_text is None:
                    self._tail_text = "".join("\t" + _copy_value(v) for v in tail)
                data = _copy_text(rows, self._tail_text)
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    copy.write(data)
                return

            def prep(f: Any) -> Callable[[Any], Any]:
                if f.column in self.raw:
                    return lambda v: v
                return lambda v: f.get_db_prep_save(v, connection)

            preps = [prep(f) for f in self.fields]
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608
                [[p(v) for p, v in zip(preps, row + tail, strict=True)] for row in rows],
            )


# COPY's text format, built here rather than by psycopg's write_row (12% of a duty chunk's CPU, this
# half that): the values are of a handful of types, and the timestamps repeat (a duty's are those of
# its day), so each is formatted once.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ISO: dict[Any, str] = {}


def _copy_str(v: str) -> str:
    # Four scans in C: a regular expression costs 25 times as much over a record's JSON (not ASCII).
    if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
        return v.translate(_COPY_ESCAPES)
    return v


def _copy_iso(v: dt.date) -> str:
    text = _ISO.get(v)
    if text is None:
        if len(_ISO) > 50_000:  # an audit trail's timestamps never repeat
            _ISO.clear()
        text = _ISO[v] = v.isoformat()
    return text


_COPY_FORMAT: dict[type, Callable[[Any], str]] = {
    str: _copy_str,
    int: int.__repr__,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: "\\N",
    dt.datetime: _copy_iso,
    dt.date: _copy_iso,
    float: float.__repr__,
    Decimal: str,
    UUID: str,
}


def _copy_value(v: Any) -> str:
    try:
        return _COPY_FORMAT[type(v)](v)
    except KeyError:
        raise TypeError(f"bench.seed COPY: no text form for {type(v).__name__}") from None


def _copy_text(rows: Iterable[tuple[Any, ...]], tail: str) -> str:
    """Rows in COPY's text format (tab-separated, \\N for NULL, backslash escapes), each ending in
    `tail` (the columns every row gives the same value, already formatted)."""
    fmt = _COPY_FORMAT
    try:
        lines = ["\t".join([fmt[type(v)](v) for v in row]) for row in rows]
    except KeyError:
        for row in rows:
            for v in row:
                _copy_value(v)  # names the type
        raise
    end = tail + "\n"
    return end.join(lines) + end


def _json_encoder() -> Callable[[Any], str]:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")), the same text, from one encoder made
    once: dumps with arguments builds a JSONEncoder and its C encoder on every call, which cost more than
    encoding the small documents here (four per drawn duty)."""
    python = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)  # None where the C accelerator is missing
    if make is None:
        return python.encode
    c = make(None, python.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(c(value, 0))


_jdump = _json_encoder()


class FernetBatch:
    """Fernet tokens for many values at once, in the format `jiandu.core.crypto.decrypt` reads (version
    0x80, timestamp, IV, AES-128-CBC of the PKCS7-padded UTF-8, HMAC-SHA256; urlsafe base64), under the
    first of the configured keys as `crypto.encrypt` would.

    Why not `crypto.encrypt` per value: with OpenSSL 3, cryptography's Fernet spends most of its 20 µs
    a token making a cipher context and an HMAC (fetching the algorithms each time), and the seed wants
    2.2M of them. Here one AES context in ECB mode encrypts block b of every token in one call, the CBC
    chaining done as one XOR over the whole column; the HMAC runs from precomputed inner and outer
    SHA-256 states. Bench data only: the app encrypts through `crypto.encrypt`."""

    def __init__(self, key: str) -> None:
        import base64
        import hashlib

        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        raw = base64.urlsafe_b64decode(key)
        if len(raw) != 32:
            raise ValueError("a Fernet key is 32 bytes, urlsafe base64")
        signing, encryption = raw[:16], raw[16:]
        self._ecb = Cipher(algorithms.AES(encryption), modes.ECB()).encryptor()  # noqa: S305 (CBC below)
        block = signing.ljust(64, b"\0")  # HMAC: the key padded to SHA-256's block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._b64 = base64.urlsafe_b64encode

    @classmethod
    def from_settings(cls) -> FernetBatch:
        from django.conf import settings

        return cls(settings.JIANDU_ENCRYPTION_KEYS[0])

    def encrypt(self, values: Sequence[str]) -> list[str]:
        out = [""] * len(values)
        padded: list[bytes] = []
        by_blocks: dict[int, list[int]] = {}  # tokens of equal length are chained side by side
        for i, value in enumerate(values):
            raw = value.encode("utf-8")
            n = 16 - len(raw) % 16
            padded.append(raw + bytes((n,)) * n)
            by_blocks.setdefault(len(raw) // 16 + 1, []).append(i)
        head = b"\x80" + int(time.time()).to_bytes(8, "big")
        inner, outer, b64 = self._inner, self._outer, self._b64
        for blocks, members in by_blocks.items():
            size = 16 * len(members)
            ivs = os.urandom(size)
            previous, columns = ivs, []
            for b in range(blocks):  # C_b = AES(P_b xor C_(b-1)), C_(-1) = IV, for every token at once
                column = b"".join([padded[i][16 * b : 16 * b + 16] for i in members])
                mixed = int.from_bytes(column, "big") ^ int.from_bytes(previous, "big")
                previous = self._ecb.update(mixed.to_bytes(size, "big"))
                columns.append(previous)
            for pos, i in enumerate(members):
                lo, hi = 16 * pos, 16 * pos + 16
                body = head + ivs[lo:hi] + b"".join([column[lo:hi] for column in columns])
                h = inner.copy()
                h.update(body)
                mac = outer.copy()
                mac.update(h.digest())
                out[i] = b64(body + mac.digest()).decode("ascii")
        return out


def _reset_sequences(models_: Iterable[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    if not is_postgresql():
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def _bulk_session() -> None:
    """Inside a loading transaction on PostgreSQL: no wait for the WAL flush (a crash loses the chunk,
    and the bench reruns), and, where the role may, no foreign-key triggers (every id written here
    refers to a row written before it; a per-row lookup in the referenced table would double the load)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT current_setting('is_superuser')")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SET LOCAL session_replication_role = replica")


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
    _reset_sequences([Organisation])  # the programmes' admin accounts are made through the service
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

    table = Table(
        Supervisor,
        ["id", "programme_id", "full_name", "gender", "birth_date", "id_number_lookup", "id_number_masked",
         "phone_lookup", "phone_masked", "education", "employer", "specialties", "district_id", "status",
         "term_start", "term_end", "source", "created_at", "id_number", "phone"],
        raw=("id_number", "phone", "specialties"),
    )  # fmt: skip
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    start = _next_id(Supervisor)
    active = SupervisorStatus.ACTIVE.value
    statuses = [active] * 18 + [s.value for s in SupervisorStatus if s != SupervisorStatus.ACTIVE]
    term_start, term_end = TODAY - dt.timedelta(days=700), TODAY + dt.timedelta(days=395)
    created = dt.datetime.combine(term_start, dt.time(9), tzinfo=dt.UTC)
    regions = [d.region_code for d in districts]
    district_ids = [d.pk for d in districts]
    programme_ids = [[p.pk for p in row] for row in programmes]
    progress = Progress("supervisors", scale.supervisors)
    fernet = FernetBatch.from_settings()
    for begin in range(0, scale.supervisors, BATCH):
        rows: list[tuple[Any, ...]] = []
        secrets_: list[str] = []
        for i in range(begin, min(begin + BATCH, scale.supervisors)):
            d = i % scale.districts
            p = province_of[d]
            r = (i // scale.districts) % len(RULEBOOKS)
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
            idn = _id_number(rng, regions[d], born)
            phone = f"13{rng.randrange(10**9):09d}"
            pk = start + i
            members.setdefault((p, r), []).append((pk, d))
            secrets_ += (idn, phone)
            rows.append((
                pk, programme_ids[p][r], rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice(("男", "女")), born, lookup_hash("id_number", idn),
                id_number_mask(idn), lookup_hash("phone", phone), mobile_mask(phone),
                rng.choice(("本科", "硕士研究生", "大学专科")), f"基准单位{rng.randrange(500)}",
                _jdump(rng.sample(SPECIALTIES, rng.randint(1, 2))), district_ids[d], rng.choice(statuses),
                term_start, term_end, "import", created,
            ))  # fmt: skip
        sealed = fernet.encrypt(secrets_)  # identifier and phone of each, in turn
        table.write([(*row, sealed[2 * n], sealed[2 * n + 1]) for n, row in enumerate(rows)])
        progress.add(len(rows))
    progress.end()
    return members


# ---------------------------------------------------------------------------------------------------
# Duties, findings and the audit trail: chunks that any process can build
# ---------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a chunk needs, as plain data (a forked worker inherits it), with the first id of each
    table: chunk c's duty j has id duty0 + j, its commitment commit0 + j, its record record0 + j and
    its assignments assign0 + j × MAX_K + position − 1, so chunks never collide, whoever writes them."""

    scale: Scale
    key: str  # chunk c's random stream is Random(f"{key}:{kind}:{c}")
    district_ids: list[int]
    district_names: list[str]
    agency_ids: list[int]
    province_of: list[int]
    programmes: list[list[tuple[int, str, str]]]  # [province][rulebook] → (id, name, rulebook id)
    admin_ids: list[int]
    members: dict[tuple[int, int], list[tuple[int, int]]]
    first: dict[str, int] = field(default_factory=dict)


def context(
    scale: Scale,
    rng: random.Random,
    districts: list[Any],
    agencies: list[Any],
    province_of: list[int],
    programmes: list[list[Any]],
    admins: list[Any],
    members: dict[tuple[int, int], list[tuple[int, int]]],
) -> Context:
    from jiandu.duties.models import Assignment, DrawCommitment, DrawRecord, Duty
    from jiandu.findings.models import Finding

    firsts = {
        "duty": _next_id(Duty),
        "commitment": _next_id(DrawCommitment),
        "record": _next_id(DrawRecord),
        "assignment": _next_id(Assignment),
        "finding": _next_id(Finding),
    }
    return Context(
        scale=scale,
        key=f"{rng.getrandbits(64):016x}",
        district_ids=[d.pk for d in districts],
        district_names=[d.name for d in districts],
        agency_ids=[a.pk for a in agencies],
        province_of=list(province_of),
        programmes=[[(p.pk, p.name, p.rulebook_id) for p in row] for row in programmes],
        admin_ids=[a.pk for a in admins],
        members=members,
        first=firsts,
    )


def chunks(total: int) -> int:
    return (total + BATCH - 1) // BATCH


_TABLES: dict[str, Table] = {}


def _tables() -> dict[str, Table]:
    """The tables chunks write, built once per process."""
    if _TABLES:
        return _TABLES
    from jiandu.audit.models import AuditEvent
    from jiandu.duties.models import Assignment, DrawCommitment, DrawRecord, Duty
    from jiandu.findings.models import Finding

    _TABLES["duty"] = Table(
        Duty,
        ["id", "programme_id", "agency_id", "requested_by_id", "kind", "title", "duty_on", "place",
         "district_id", "supervisors_needed", "local_min", "requested_on", "lead_decision", "status",
         "report_due_on", "reported_on", "answer_hours", "created_at"],
        raw=("lead_decision",),
    )  # fmt: skip
    _TABLES["commitment"] = Table(
        DrawCommitment,
        ["id", "duty_id", "number", "algorithm", "commitment", "pool", "requirements", "pool_hash",
         "opened_by_id", "opened_at", "seed"],
        raw=("pool", "requirements", "seed"),
    )  # fmt: skip
    _TABLES["record"] = Table(
        DrawRecord,
        ["id", "commitment_id", "duty_id", "record", "record_hash", "drawn_by_id", "drawn_at"],
        raw=("record",),
    )
    _TABLES["assignment"] = Table(
        Assignment,
        ["id", "duty_id", "supervisor_id", "draw_id", "position", "status", "invited_at", "notified_at",
         "responded_at", "confirm_token"],
    )  # fmt: skip
    _TABLES["finding"] = Table(
        Finding,
        ["id", "programme_id", "agency_id", "source", "reporter_id", "confidential", "title", "text",
         "status", "submitted_on", "forwarded_on", "reply_days", "reply_due", "reply_remind_on",
         "rectify_due", "rectify_remind_on", "replied_on", "reply_text", "adopted", "closed_on",
         "result_text", "rating", "decline_reason", "created_at", "updated_at"],
    )  # fmt: skip
    _TABLES["audit"] = Table(
        AuditEvent,
        ["id", "seq", "occurred_at", "actor_name", "role", "action", "target_type", "target_id",
         "target_repr", "before", "after", "ip", "outcome", "prev_hash", "hash", "mac"],
        raw=("before", "after"),
    )  # fmt: skip
    return _TABLES


def pool_file(
    ids: Sequence[str], priors: Sequence[int], local: Sequence[bool], *, quota: bool
) -> dict[str, Any]:
    """The v2 pool file `draw_v2.pool_seal` makes of these candidates for requirements with (`quota`)
    or without a local-district quota, built directly: pool_seal is general (any categories) and
    cost more than the draw itself. tests/test_bench_seed.py checks the two agree."""
    from jiandu.rules import draw_v2

    groups: dict[tuple[int, bool], list[str]] = {}
    for cid, prior, lo in zip(ids, priors, local, strict=True):
        groups.setdefault((prior, quota and lo), []).append(cid)
    out = []
    # pool_seal orders groups by (prior, canonical JSON of their categories): {"local":["local"]}
    # sorts before {"local":[]} ('"' < ']').
    for prior, lo in sorted(groups, key=lambda g: (g[0], not g[1])):
        categories = {"local": ["local"] if lo else []} if quota else {}
        out.append({"prior": prior, "categories": categories, "ids": sorted(groups[(prior, lo)])})
    return {
        "algorithm": draw_v2.ALGORITHM,
        "groups": out,
        "excluded": [],
        "counts": {"candidates": len(ids), "excluded": 0},
    }


LOCAL_QUOTA = {"category": "local", "value": "local", "min": 1, "max": None}


def _draw(
    ctx: Context, rng: random.Random, j: int, di: int, group: list[tuple[int, int]], k: int
) -> tuple[str, dict[str, Any], dict[str, Any], int]:
    """A pool of up to `scale.pool` members of the programme and the requirements, in the form the
    app publishes them (v2, or v1 for one duty in V1_EVERY). Returns (algorithm, pool,
    requirements, local_min). The duties needing five ask for one of them from the duty's district,
    where the pool has one (a quota the pool cannot meet refuses the draw)."""
    from jiandu.rules import draw as d

    below = _below(rng)
    picked = rng.sample(group, min(ctx.scale.pool, len(group)))
    local = [sd == di for _, sd in picked]
    priors = [below(5) for _ in picked]  # rng.randint(0, 4), the same number
    ids = [f"S{sid}" for sid, _ in picked]
    local_min = 1 if k == MAX_K and any(local) else 0
    if j % V1_EVERY == 0:
        pool = {
            "candidates": [
                {"id": cid, "prior": pr, "specialties": [], "local": lo}
                for cid, pr, lo in zip(ids, priors, local, strict=True)
            ],
            "excluded": [],
            "counts": {"candidates": len(ids), "excluded": 0},
        }
        req = {"k": k, "specialty_minimums": {}, "local_min": local_min, "cross_min": 0}
        pool_out, req_out, _ = d.pool_seal(pool, req)
        return d.ALGORITHM, pool_out, req_out, local_min
    req = {"k": k, "quotas": [LOCAL_QUOTA] if local_min else []}
    return "jiandu-draw-v2", pool_file(ids, priors, local, quota=bool(local_min)), req, local_min


def _below(rng: random.Random) -> Callable[[int], int]:
    """rng's own uniform integer in [0, n): randrange(n) is below(n), randint(a, b) is a + below(b − a + 1)
    and choice(s) is s[below(len(s))], the same numbers from the same stream, without the argument
    checks that cost more than the number (some twenty a duty)."""
    return rng._randbelow  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class _Day:
    """A day a draw was opened (09:00 UTC) and what the duty rows derive from it, made once per day."""

    opened_at: dt.datetime
    drawn_at: dt.datetime
    invited_at: dt.datetime
    answered_at: dt.datetime
    opened_iso: str
    drawn_iso: str


_DAYS: dict[dt.date, _Day] = {}
_DATES: dict[int, tuple[dt.date, str]] = {}  # TODAY + n days, and its ISO form


def _day(on: dt.date) -> _Day:
    day = _DAYS.get(on)
    if day is None:
        opened_at = dt.datetime.combine(on, dt.time(9), tzinfo=dt.UTC)
        drawn_at = opened_at + dt.timedelta(hours=1)
        day = _DAYS[on] = _Day(
            opened_at,
            drawn_at,
            opened_at + dt.timedelta(hours=2),
            opened_at + dt.timedelta(hours=5),
            opened_at.isoformat(),
            drawn_at.isoformat(),
        )
    return day


def _date(offset: int) -> tuple[dt.date, str]:
    """TODAY + offset days (and its ISO form), from a table: a year of duties has 396 dates."""
    out = _DATES.get(offset)
    if out is None:
        on = TODAY + dt.timedelta(days=offset)
        out = _DATES[offset] = (on, on.isoformat())
    return out


def duty_chunk(ctx: Context, c: int) -> int:
    """Chunk c of the duties (BATCH of them) with their commitments, records and assignments."""
    from jiandu.duties.models import AssignmentStatus, DutyKind, DutyStatus
    from jiandu.rules import draw as d
    from jiandu.rules import draw_v2

    t = _tables()
    rng = random.Random(f"{ctx.key}:duties:{c}")
    below, uniform = _below(rng), rng.random
    first = ctx.first
    kinds = [k.value for k in DutyKind]
    held, staffed, cancelled = DutyStatus.HELD.value, DutyStatus.STAFFED.value, DutyStatus.CANCELLED.value
    requested, draw_open = DutyStatus.REQUESTED.value, DutyStatus.DRAW_OPEN.value
    contacting = DutyStatus.CONTACTING.value
    past = (held,) * 6 + (staffed, cancelled)
    future = (requested, draw_open, contacting, staffed)
    sizes = (2, 3, 3, 5)
    attended, absent = AssignmentStatus.ATTENDED.value, AssignmentStatus.ABSENT.value
    invited, accepted = AssignmentStatus.INVITED.value, AssignmentStatus.ACCEPTED.value
    lead = _jdump({"ok": True, "reasons": []})
    n_rulebooks, n_districts = len(RULEBOOKS), ctx.scale.districts
    duties: list[tuple[Any, ...]] = []
    commitments: list[tuple[Any, ...]] = []
    seeds: list[str] = []  # each commitment's seed, encrypted for the whole chunk at the end
    records: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    begin = c * BATCH
    # The same calls on rng, in the same order, as rng.randrange/randint/choice made (see _below).
    for j in range(begin, min(begin + BATCH, ctx.scale.duties)):
        di = below(n_districts)
        p, r = ctx.province_of[di], below(n_rulebooks)
        programme_id, programme_name, rulebook_id = ctx.programmes[p][r]
        admin = ctx.admin_ids[p]
        offset = below(396) - 365  # randint(-365, 30)
        duty_on, duty_iso = _date(offset)
        status = past[below(8)] if offset < 0 else future[below(4)]
        k = sizes[below(4)]
        kind = kinds[below(len(kinds))]
        requested_on = _date(offset - 5 - below(16))[0]  # randint(5, 20) days before
        place = f"{ctx.district_names[di]}第{1 + below(9)}法庭"
        reported_on = _date(offset + 7)[0] if status == held and uniform() < 0.8 else None
        duty_pk = first["duty"] + j
        day = _day(requested_on)
        group = ctx.members.get((p, r), [])
        local_min = 0
        if status not in (requested, cancelled) and len(group) >= k:
            algorithm, pool, req, local_min = _draw(ctx, rng, j, di, group, k)
            seed = rng.randbytes(32)
            commit_pk = first["commitment"] + j
            if status == draw_open:  # opened, not drawn yet
                v2 = algorithm == draw_v2.ALGORITHM
                sealed = draw_v2.pool_file_hash(pool) if v2 else d.pool_hash(pool, req)
            else:
                witnesses = [{"name": "见证人甲", "role": "", "value": f"{below(10000):04d}"}]
                meta = {
                    "number": 1,
                    "redraw_of": None,
                    "duty": {"id": duty_pk, "programme": programme_name, "rulebook": rulebook_id,
                             "kind": kind, "date": duty_iso, "supervisors_needed": k},
                    "opened_at": day.opened_iso,
                    "drawn_at": day.drawn_iso,
                }  # fmt: skip
                if algorithm == draw_v2.ALGORITHM:
                    record = draw_v2.record_build(
                        pool_doc=pool, requirements=req, seed=seed, witnesses=witnesses, meta=meta
                    )
                else:
                    record = d.record_build(
                        pool=pool, requirements=req, seed=seed, witnesses=witnesses, meta=meta
                    )
                sealed = record["pool_hash"]  # as published with the commitment
                record_pk = first["record"] + j
                text = _jdump(record)
                records.append(
                    (record_pk, commit_pk, duty_pk, text, record["record_hash"], admin, day.drawn_at)
                )
                invited_at, answered_at = day.invited_at, day.answered_at
                for position, cid in enumerate(record["result"]["selected"], start=1):
                    if status == held:
                        a_status = attended if uniform() < 0.9 else absent
                    elif status == contacting:
                        a_status = (invited, accepted)[below(2)]
                    else:
                        a_status = accepted
                    assign_pk = first["assignment"] + j * MAX_K + position - 1
                    assignments.append((
                        assign_pk, duty_pk, int(cid[1:]), record_pk, position, a_status,
                        invited_at, invited_at, None if a_status == invited else answered_at,
                        f"b{assign_pk:012x}",  # ascending: the unique index grows at its right edge
                    ))  # fmt: skip
            commitments.append((
                commit_pk, duty_pk, 1, algorithm, d.commitment(seed), _jdump(pool), _jdump(req), sealed,
                admin, day.opened_at,
            ))  # fmt: skip
            seeds.append(seed.hex())
        duties.append((
            duty_pk, programme_id, ctx.agency_ids[di], admin, kind, f"基准活动{j + 1}", duty_on, place,
            ctx.district_ids[di], k, local_min, requested_on, lead, status,
            _date(offset + 14)[0] if status == held else None, reported_on, 48, day.opened_at,
        ))  # fmt: skip
    sealed_seeds = _fernet().encrypt(seeds)
    t["duty"].write(duties)
    t["commitment"].write([(*row, s) for row, s in zip(commitments, sealed_seeds, strict=True)])
    t["record"].write(records)
    t["assignment"].write(assignments)
    return len(duties)


_FERNET: list[FernetBatch] = []


def _fernet() -> FernetBatch:
    if not _FERNET:
        _FERNET.append(FernetBatch.from_settings())
    return _FERNET[0]


def finding_chunk(ctx: Context, c: int) -> int:
    from jiandu.findings.deadlines import remind_on
    from jiandu.findings.models import Source, Status

    t = _tables()
    rng = random.Random(f"{ctx.key}:findings:{c}")
    states = [s.value for s in Status]
    sources = [s.value for s in Source]
    forwarded = {Status.FORWARDED.value, Status.RECTIFYING.value, Status.REPLIED.value, Status.CLOSED.value}
    rectifying, declined = Status.RECTIFYING.value, Status.DECLINED.value
    replied = {Status.REPLIED.value, Status.CLOSED.value}
    closed = Status.CLOSED.value
    rows = []
    begin = c * BATCH
    for j in range(begin, min(begin + BATCH, ctx.scale.findings)):
        di = rng.randrange(ctx.scale.districts)
        p, r = ctx.province_of[di], rng.randrange(len(RULEBOOKS))
        group = ctx.members.get((p, r))
        status = states[j % len(states)]
        submitted = TODAY - dt.timedelta(days=rng.randint(0, 365))
        source = rng.choice(sources)
        reporter = rng.choice(group)[0] if group else None
        confidential = rng.random() < 0.05
        forwarded_on = submitted + dt.timedelta(days=3)
        reply_due = forwarded_on + dt.timedelta(days=30)
        replied_on = reply_due - dt.timedelta(days=5)
        fwd = status in forwarded
        rect_due = reply_due + dt.timedelta(days=60) if status == rectifying else None
        rep = status in replied
        done = status == closed
        created = dt.datetime.combine(submitted, dt.time(10), tzinfo=dt.UTC)
        rows.append((
            ctx.first["finding"] + j, ctx.programmes[p][r][0], ctx.agency_ids[di], source, reporter,
            confidential, f"基准意见{j + 1}", "基准数据：监督意见内容。", status, submitted,
            forwarded_on if fwd else None, 30 if fwd else None, reply_due if fwd else None,
            remind_on(reply_due) if fwd else None, rect_due, remind_on(rect_due),
            replied_on if rep else None, "已研究处理。" if rep else "", True if rep else None,
            replied_on + dt.timedelta(days=10) if done else None, "已办结。" if done else "",
            4 if done else None, "不属于监督范围。" if status == declined else "", created, created,
        ))  # fmt: skip
    t["finding"].write(rows)
    return len(rows)


def audit_trail(scale: Scale, key: str, progress: Callable[[int], None] | None = None) -> int:
    """A year of events, chained from the current head with the real hash and keyed MACs, so
    `jiandu audit verify` passes over the seeded trail. One chain: one process, one transaction."""
    from types import SimpleNamespace

    from django.db import transaction

    from jiandu.audit.hashing import event_hash, event_mac, event_payload, head_mac
    from jiandu.audit.models import AuditChainHead, AuditEvent

    t = _tables()
    rng = random.Random(f"{key}:audit")
    actions = (
        "supervisor.update",
        "duty.create",
        "draw.open",
        "draw.perform",
        "finding.forward",
        "account.sign_in",
    )
    with transaction.atomic():
        _bulk_session()
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        pk, seq, prev = _next_id(AuditEvent), head.seq, head.hash
        last = AuditEvent.objects.order_by("-seq").values_list("occurred_at", flat=True).first()
        start = max(
            dt.datetime.combine(TODAY - dt.timedelta(days=365), dt.time(), tzinfo=dt.UTC),
            last or dt.datetime.min.replace(tzinfo=dt.UTC),
        )
        step = dt.timedelta(days=365) / max(scale.audit_events, 1)
        before = {"status": "active"}
        for begin in range(0, scale.audit_events, BATCH):
            rows = []
            for i in range(begin, min(begin + BATCH, scale.audit_events)):
                seq += 1
                e = SimpleNamespace(
                    seq=seq, occurred_at=start + step * (i + 1), actor_id=None,
                    actor_name=f"bench{rng.randrange(500)}", role="programme_admin", organisation_id=None,
                    action=rng.choice(actions), target_type="roster.supervisor",
                    target_id=str(rng.randrange(1, scale.supervisors + 1)), target_repr="基准",
                    before=before, after={"status": "active", "n": i}, ip="10.0.0.1", outcome="success",
                )  # fmt: skip
                h = event_hash(prev, event_payload(e))
                rows.append((
                    pk, seq, e.occurred_at, e.actor_name, e.role, e.action, e.target_type, e.target_id,
                    e.target_repr, _jdump(e.before), _jdump(e.after), e.ip, e.outcome, prev, h, event_mac(h),
                ))  # fmt: skip
                prev = h
                pk += 1
            t["audit"].write(rows)
            if progress:
                progress(len(rows))
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev, mac=head_mac(seq, prev))
    return scale.audit_events


def _in_chunks(label: str, total: int, fn: Callable[[int], int]) -> None:
    from django.db import transaction

    progress = Progress(label, total)
    for c in range(chunks(total)):
        with transaction.atomic():
            _bulk_session()
            progress.add(fn(c))
    progress.end()


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
    """Duties over the past year and the next month, in this process; the drawn ones with their
    commitment, record and assignments."""
    ctx = context(scale, rng, districts, agencies, province_of, programmes, admins, members)
    _in_chunks("duties (+ commitments, records, assignments)", scale.duties, lambda c: duty_chunk(ctx, c))


def _findings(
    scale: Scale,
    rng: random.Random,
    agencies: list[Any],
    province_of: list[int],
    programmes: list[list[Any]],
    members: dict[tuple[int, int], list[tuple[int, int]]],
) -> None:
    ctx = context(scale, rng, [], agencies, province_of, programmes, [], members)
    _in_chunks("findings", scale.findings, lambda c: finding_chunk(ctx, c))


def _audit(scale: Scale, rng: random.Random) -> None:
    progress = Progress("audit events", scale.audit_events)
    audit_trail(scale, f"{rng.getrandbits(64):016x}", progress.add)
    progress.end()


# ---------------------------------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------------------------------

_CTX: Context | None = None  # set before the workers fork; they inherit it


@dataclass
class TaskResult:
    kind: str
    rows: int
    cpu: float  # this worker's CPU seconds on the task
    server_cpu: float  # its PostgreSQL backend's


def _task(task: tuple[str, Any]) -> TaskResult:
    from django.db import connection, transaction

    kind, arg = task
    assert _CTX is not None
    c0, s0 = time.process_time(), server_cpu_seconds() or 0.0
    if kind == "audit":
        rows = audit_trail(_CTX.scale, _CTX.key)
    elif kind == "sql":  # index builds, VACUUM: outside a transaction
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(arg)
        rows = 0
    else:
        with transaction.atomic():
            _bulk_session()
            rows = duty_chunk(_CTX, arg) if kind == "duties" else finding_chunk(_CTX, arg)
    return TaskResult(kind, rows, time.process_time() - c0, (server_cpu_seconds() or 0.0) - s0)


def _run(tasks: list[tuple[str, Any]], workers: int, label: str, totals: dict[str, int]) -> list[TaskResult]:
    """Run the tasks in `workers` forked processes (in this one when workers ≤ 1), printing progress."""
    from django.db import connections

    done: dict[str, int] = dict.fromkeys(totals, 0)
    results: list[TaskResult] = []
    started = time.perf_counter()
    last_print = 0.0

    def report(r: TaskResult, final: bool = False) -> None:
        nonlocal last_print
        results.append(r)
        done[r.kind] = done.get(r.kind, 0) + r.rows
        now = time.perf_counter()
        if final or now - last_print > 10:
            last_print = now
            parts = " · ".join(f"{k} {done[k]:,}/{n:,}" for k, n in totals.items())
            print(f"  {label} [{now - started:6.0f} s] {parts}", flush=True)

    if workers <= 1:
        for task in tasks:
            report(_task(task))
    else:
        connections.close_all()  # each worker opens its own connection
        ctx = mp.get_context("fork")
        with ctx.Pool(workers, maxtasksperchild=None) as pool:
            for r in pool.imap_unordered(_task, tasks):
                report(r)
            pool.close()
            pool.join()
    if results:
        report(TaskResult("", 0, 0.0, 0.0), final=True)
        results.pop()
    return results


# ---------------------------------------------------------------------------------------------------
# Indexes, statistics and the run's own record
# ---------------------------------------------------------------------------------------------------

LOADED = (
    "duties_duty",
    "duties_drawcommitment",
    "duties_drawrecord",
    "duties_assignment",
    "findings_finding",
    "audit_auditevent",
)


def _secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the indexes no constraint owns (neither primary key nor unique)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                ORDER BY t.relname, c.relname""",
            [list(tables)],
        )
        return [(name, sql) for name, sql in cursor.fetchall()]


def _drop_indexes(indexes: list[tuple[str, str]]) -> None:
    from django.db import connection

    # Kept where a failed run can find them: rebuild with `psql -f var/bench-seed-indexes.sql`.
    from jiandu import config

    (config.data_dir() / "bench-seed-indexes.sql").write_text(
        "".join(f"{sql.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS', 1)};\n" for _, sql in indexes)
    )
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


RUN_TABLE = "bench_seed_run"


def run_record(row: dict[str, Any]) -> None:
    """The run's figures in `bench_seed_run` (made here: bench data, not an app model)."""
    from django.db import connection

    serial = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {RUN_TABLE} (id {serial} PRIMARY KEY, scale VARCHAR(16) NOT NULL, "
            "finished_at VARCHAR(40) NOT NULL, figures TEXT NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {RUN_TABLE} (scale, finished_at, figures) VALUES (%s, %s, %s)",  # noqa: S608
            [row["scale"], dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), json.dumps(row)],
        )


def run_latest(scale: str) -> dict[str, Any] | None:
    """The figures of the last recorded run at `scale` on this database, or None."""
    from django.db import connection

    if RUN_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT finished_at, figures FROM {RUN_TABLE} WHERE scale = %s ORDER BY id DESC",  # noqa: S608
            [scale],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return {**json.loads(row[1]), "finished_at": row[0]}


# ---------------------------------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------------------------------


def seed(scale_name: str, *, random_seed: int = 18, workers: int | None = None) -> dict[str, int]:
    """Build the dataset on the configured database (Django already set up). Returns the row counts."""
    global _CTX
    from django.db import connection, transaction

    from jiandu.audit.models import AuditEvent
    from jiandu.duties.models import Assignment, DrawCommitment, DrawRecord, Duty
    from jiandu.findings.models import Finding
    from jiandu.orgs.models import Organisation
    from jiandu.roster.models import Supervisor

    scale = SCALES[scale_name]
    pg = is_postgresql()
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if pg else 1
    if not pg:
        workers = 1  # one SQLite file, one writer
    rng = random.Random(random_seed)
    models_ = (Organisation, Supervisor, Duty, DrawCommitment, DrawRecord, Assignment, Finding, AuditEvent)
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server0 = server_cpu_seconds() or 0.0
    server_cpu = 0.0
    steps: dict[str, Timing] = {}
    with timed() as total:
        with timed() as steps["organisations, programmes, supervisors"], transaction.atomic():
            districts, agencies, province_of = _orgs(scale, rng)
            programmes, admins = _programmes(scale, districts, province_of)
            members = _supervisors(scale, rng, districts, province_of, programmes)
        server_cpu += (server_cpu_seconds() or 0.0) - server0
        _CTX = context(scale, rng, districts, agencies, province_of, programmes, admins, members)
        indexes = _secondary_indexes(LOADED) if pg and scale.duties >= DROP_INDEXES_FROM else []
        if indexes:
            _drop_indexes(indexes)
            print(f"  dropped {len(indexes)} secondary indexes for the load (var/bench-seed-indexes.sql)")
        tasks: list[tuple[str, Any]] = [("audit", 0)]  # the longest single task first
        n_d, n_f = chunks(scale.duties), chunks(scale.findings)
        for c in range(max(n_d, n_f)):  # interleaved: both workers share the server's work evenly
            if c < n_d:
                tasks.append(("duties", c))
            if c < n_f:
                tasks.append(("findings", c))
        totals = {"duties": scale.duties, "findings": scale.findings, "audit": scale.audit_events}
        with timed() as steps[f"duties, findings, audit ({workers} workers)"]:
            results = _run(tasks, workers, "loading", totals)
        if indexes:
            with timed() as steps["secondary indexes rebuilt"]:
                results += _run([("sql", sql) for _, sql in indexes], workers, "indexes", {"sql": 0})
        _reset_sequences(models_)
        if pg:
            # Fresh statistics and visibility maps, as autovacuum would give a live site (it is off
            # on some machines): the planner otherwise plans on the empty tables' defaults.
            loaded = ["roster_supervisor", "orgs_organisation", *LOADED]
            with timed() as steps["VACUUM ANALYZE"]:
                results += _run(
                    [("sql", f"VACUUM ANALYZE {t}") for t in loaded], workers, "vacuum", {"sql": 0}
                )
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        server_cpu += sum(r.server_cpu for r in results)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (children.ru_utime + children.ru_stime) - (children0.ru_utime + children0.ru_stime)
        worker_cpu = max(worker_cpu, sum(r.cpu for r in results) if workers <= 1 else 0.0)
    cpu = total.cpu + worker_cpu if workers > 1 else total.cpu  # this process, and the workers beside it
    counts = {m._meta.label: m.objects.count() for m in models_}
    rss = max_rss_mib()
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if workers > 1 else 0.0
    print(
        f"seeded scale {scale_name} in {total.wall:.1f} s wall ({total.wall / 60:.1f} min), "
        f"{cpu:.1f} s CPU (this process {total.cpu:.1f} + workers {cpu - total.cpu:.1f}), "
        f"PostgreSQL backends {server_cpu:.1f} s CPU · peak RSS {rss:.0f} MiB"
        + (f", largest worker {worker_rss:.0f} MiB" if workers > 1 else "")
    )
    for name, t in steps.items():
        print(f"  {name}: {t}")
    by_kind: dict[str, list[float]] = {}
    for r in results:
        cell = by_kind.setdefault(r.kind, [0.0, 0.0])
        cell[0] += r.cpu
        cell[1] += r.server_cpu
    for kind, (client, server) in by_kind.items():
        print(f"  CPU in {kind} tasks: {client:.1f} s workers, {server:.1f} s PostgreSQL")
    for label, n in counts.items():
        print(f"  {label:<24} {n:>12,}")
    run_record(
        {
            "scale": scale_name,
            "random_seed": random_seed,
            "workers": workers,
            "wall_s": round(total.wall, 1),
            "cpu_s": round(cpu, 1),
            "server_cpu_s": round(server_cpu, 1),
            "peak_rss_mib": round(max(rss, worker_rss)),
            "steps": {name: [round(t.wall, 1), round(t.cpu, 1)] for name, t in steps.items()},
            "counts": counts,
            "load_average": list(os.getloadavg()),
        }
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=18, help="random seed (fixed: the same data every time)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes for duties, findings and audit (default: 2 on PostgreSQL)",
    )
    args = parser.parse_args()
    setup_django()
    seed(args.scale, random_seed=args.seed, workers=args.workers)


if __name__ == "__main__":
    main()
