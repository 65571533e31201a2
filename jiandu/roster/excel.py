"""The roster as a spreadsheet (issue #4 §9): export (masked identifiers unless full view is granted),
a template, and an all-or-nothing import.

Import rules: every row is validated before anything is written; each bad row is reported with its
spreadsheet row number and the reason in Chinese; an exported file re-imports unchanged (a masked
身份证号 or phone that matches the stored one means "unchanged"). New rows create supervisors; existing
rows (by 编号) may update profile fields only — terms, status and certificates change through their
own services (renewal, leaving), and a change of employer through its own form, which keeps the date.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from jiandu.audit.services import audit_record
from jiandu.core.crypto import lookup_hash
from jiandu.core.untrusted import spreadsheet_open, xlsx_row
from jiandu.orgs.models import Level, Organisation
from jiandu.orgs.selectors import districts_within
from jiandu.roster import rules
from jiandu.roster.models import (
    Appointment,
    AppointmentKind,
    Certificate,
    Programme,
    Specialty,
    Supervisor,
    SupervisorStatus,
)
from jiandu.rules.catalogue import EDUCATION_LABELS
from jiandu.rules.identifiers import (
    id_number_birth_date,
    id_number_error,
    id_number_mask,
    mobile_error,
    mobile_mask,
    normalise_id_number,
)

COLUMNS = (  # i18n: zh-only (the import template's headings: an exported file is read back by them)
    ("id", "编号"),
    ("full_name", "姓名"),
    ("gender", "性别"),
    ("id_number", "身份证号"),
    ("phone", "手机号码"),
    ("email", "电子邮箱"),
    ("education", "文化程度"),
    ("political_status", "政治面貌"),
    ("employer", "工作单位"),
    ("position", "职务"),
    ("specialties", "专业领域"),
    ("district", "所在区县"),
    ("recommending_unit", "推荐单位"),
    ("initial_training_on", "初任培训日期"),
    ("certificate_no", "证书编号"),
    ("term_start", "本届任期开始"),
    ("term_end", "本届任期结束"),
    ("consecutive_terms", "连续任职届数"),
    ("status", "状态"),
)
HEADERS = tuple(label for _, label in COLUMNS)
KEYS = tuple(key for key, _ in COLUMNS)
SHEET = "监督员名册"  # i18n: zh-only (the sheet name of the import template)
SEPARATORS = ("、", "，", ",", ";", "；", "/")
EDUCATION_BY_LABEL = {label: code for code, label in EDUCATION_LABELS.items()}
SPECIALTY_BY_LABEL = {label: value for value, label in Specialty.choices}
STATUS_BY_LABEL = {label: value for value, label in SupervisorStatus.choices}
# Profile fields an import may change on an existing supervisor.
UPDATABLE = (
    "full_name",
    "gender",
    "phone",
    "email",
    "education",
    "political_status",
    "position",
    "specialties",
    "district_id",
    "recommending_unit",
    "initial_training_on",
)
# Fields that change only through their own service (with their own audit event and rule check).
GUARDED = {
    "employer": gettext_lazy("工作单位变动请在监督员页面登记（须记录变动日期）"),
    "certificate_no": gettext_lazy("证书编号不能通过导入修改"),
    "term_start": gettext_lazy("任期须通过聘任、续聘办理，不能通过导入修改"),
    "term_end": gettext_lazy("任期须通过聘任、续聘办理，不能通过导入修改"),
    "consecutive_terms": gettext_lazy("连续任职届数须通过续聘办理，不能通过导入修改"),
    "status": gettext_lazy("状态须通过辞聘、解聘、免除资格或期满办理，不能通过导入修改"),
}


def _district_choices(programme: Programme) -> dict[str, Organisation]:
    orgs = districts_within([programme.organisation], levels=(Level.DISTRICT, Level.CITY))
    return {o.name: o for o in orgs}


def _fmt_date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def supervisor_row(s: Supervisor, *, full: bool, districts: dict[int, str]) -> list[Any]:
    return [
        s.pk,
        s.full_name,
        s.gender,
        (s.id_number if full else id_number_mask(s.id_number)) if s.id_number else "",
        (s.phone if full else mobile_mask(s.phone)) if s.phone else "",
        s.email,
        EDUCATION_LABELS.get(s.education, s.education),
        s.political_status,
        s.employer,
        s.position,
        "、".join(Specialty(v).label for v in s.specialties or [] if v in Specialty.values),
        districts.get(s.district_id or 0, ""),
        s.recommending_unit,
        _fmt_date(s.initial_training_on),
        s.certificate_no,
        _fmt_date(s.term_start),
        _fmt_date(s.term_end),
        s.consecutive_terms,
        s.get_status_display(),
    ]


def _header_cells(ws: Any) -> list[Any]:
    cells = []
    for label in HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _write_help(wb: Workbook, programme: Programme) -> None:
    ws = wb.create_sheet(gettext("填写说明"))
    ws.append([gettext("列"), gettext("说明")])
    ws.append([gettext("编号"), gettext("系统生成；新增人员留空，修改已有人员时保留原编号")])
    ws.append(
        [gettext("身份证号"), gettext("18位，校验码须正确（GB 11643-1999）；导出文件中的打码值表示“不修改”")]
    )
    ws.append([gettext("手机号码"), gettext("11位手机号码")])
    ws.append([gettext("文化程度"), "、".join(EDUCATION_LABELS.values())])
    ws.append(
        [
            gettext("专业领域"),
            gettext("可填多个，用“、”分隔：") + "、".join(label for _, label in Specialty.choices),
        ]
    )
    ws.append([gettext("所在区县"), "、".join(_district_choices(programme))])
    ws.append([gettext("日期"), gettext("格式 YYYY-MM-DD，如 2025-03-01")])
    ws.append([gettext("本届任期结束"), gettext("新增人员可留空，按本项目规则的聘期计算")])
    ws.append([gettext("状态"), gettext("新增人员填“在任”或留空；状态变化须通过辞聘、解聘等办理")])


def roster_export(
    *,
    actor: Any,
    programme: Programme,
    out: IO[bytes] | str,
    full: bool = False,
    actor_name: str = "",
    supervisors: QuerySet[Supervisor] | None = None,
) -> int:
    """Write the roster (or the part of it in `supervisors`: a page passes what its user may read);
    full identifiers only when asked (the caller checks the permission) and always leaves an audit
    event saying which."""
    districts = dict(
        Organisation.objects.filter(programme.organisation.subtree_q()).values_list("id", "name")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(_header_cells(ws))
    count = 0
    rows = programme.supervisors.all() if supervisors is None else supervisors.filter(programme=programme)
    for s in rows.order_by("id").iterator(chunk_size=2000):
        # xlsx_row: a profile field typed as "=…" stays text, never a live formula (OWASP).
        ws.append(xlsx_row(ws, supervisor_row(s, full=full, districts=districts)))
        count += 1
    _write_help(wb, programme)
    wb.save(out)
    audit_record(
        actor=actor,
        actor_name=actor_name,
        action="roster.export_full" if full else "roster.export",
        target=programme,
        after={"rows": count, "full_identifiers": full},
    )
    return count


def roster_template(*, programme: Programme, out: IO[bytes] | str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(_header_cells(ws))
    _write_help(wb, programme)
    wb.save(out)


# --- import -------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return gettext("第{row}行：{message}").format(row=self.row, message=self.message)


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "written": self.written,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            gettext("{label}“{text}”不是有效日期（应为 YYYY-MM-DD）").format(label=label, text=_text(value))
        ) from None


def _split(value: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, SEPARATORS[0])
    return [v.strip() for v in value.split(SEPARATORS[0]) if v.strip()]


MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # a national roster is well below this; a bigger sheet is refused, not parsed


def _rows(file: IO[bytes] | str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Read-only, values not formulas, with a byte and a declared-row cap (jiandu.core.untrusted); the
    # loop below also stops at MAX_ROWS in case the sheet's declared dimension lies.
    if isinstance(file, str):
        with open(file, "rb") as handle:
            wb = spreadsheet_open(handle, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 1)
    else:
        wb = spreadsheet_open(file, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 1)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = tuple(_text(v) for v in next(it, ()))
        if header[: len(HEADERS)] != HEADERS:
            missing = [h for h in HEADERS if h not in header]
            raise HeaderError(
                gettext("表头与模板不一致")
                + (
                    gettext("，缺少列：{value}").format(value="、".join(missing))
                    if missing
                    else gettext("，列的顺序不同")
                )
                + gettext("。请下载模板后填写。")
            )
        for number, row in enumerate(it, start=2):
            if number > MAX_ROWS + 1:
                raise ValidationError(gettext("名册超过 {MAX_ROWS} 行，请分批导入").format(MAX_ROWS=MAX_ROWS))
            if row is None or all(v is None or _text(v) == "" for v in row):
                continue
            yield number, tuple(row[: len(HEADERS)]) + (None,) * (len(HEADERS) - len(row))
    finally:
        wb.close()


class HeaderError(ValueError):
    pass


@dataclass
class _Parsed:
    row: int
    existing: Supervisor | None
    values: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)


def roster_import(
    *,
    actor: Any,
    programme: Programme,
    file: IO[bytes] | str,
    dry_run: bool = False,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor_name: str = "",
) -> ImportResult:
    on = on or dt.date.today()
    result = ImportResult()
    try:
        raw = list(_rows(file))
    except HeaderError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    except ValidationError as exc:  # too large, too many rows, not an .xlsx by content
        result.errors.append(RowError(0, "；".join(exc.messages)))
        return result
    except Exception as exc:  # not a spreadsheet openpyxl can read
        result.errors.append(
            RowError(
                0, gettext("无法读取文件：请上传 .xlsx 格式的名册（{name}）").format(name=type(exc).__name__)
            )
        )
        return result
    result.total = len(raw)
    districts = _district_choices(programme)
    existing_by_id = {s.pk: s for s in programme.supervisors.all()}
    existing_by_lookup = {s.id_number_lookup: s for s in existing_by_id.values() if s.id_number_lookup}
    taken_certs = set(Certificate.objects.values_list("number", flat=True))
    seen_ids: dict[int, int] = {}
    seen_lookup: dict[str, int] = {}
    seen_certs: dict[str, int] = {}
    parsed: list[_Parsed] = []
    rb = rules.rulebook_for(programme)

    for i, (number, row) in enumerate(raw, start=1):
        if progress and i % 500 == 0:
            progress(i, result.total)
        cells = dict(zip(KEYS, row, strict=True))
        problems: list[str] = []
        try:
            item = _parse_row(
                number,
                cells,
                problems,
                existing_by_id=existing_by_id,
                existing_by_lookup=existing_by_lookup,
                districts=districts,
                today=on,
            )
        except ValueError as exc:
            problems.append(str(exc))
            item = None
        if item is not None and not problems:
            lookup = item.values.get("id_number_lookup", "")
            if item.existing is not None:
                if item.existing.pk in seen_ids:
                    problems.append(
                        gettext("编号{pk}与第{seen_ids}行重复").format(
                            pk=item.existing.pk, seen_ids=seen_ids[item.existing.pk]
                        )
                    )
                seen_ids[item.existing.pk] = number
            if lookup:
                if lookup in seen_lookup:
                    problems.append(
                        gettext("身份证号与第{seen_lookup}行重复").format(seen_lookup=seen_lookup[lookup])
                    )
                seen_lookup[lookup] = number
            cert = item.values.get("certificate_no", "")
            if item.existing is None and cert:
                if cert in taken_certs:
                    problems.append(gettext("证书编号{cert}已被使用").format(cert=cert))
                elif cert in seen_certs:
                    problems.append(
                        gettext("证书编号{cert}与第{seen_certs}行重复").format(
                            cert=cert, seen_certs=seen_certs[cert]
                        )
                    )
                seen_certs[cert] = number
        for p in problems:
            result.errors.append(RowError(number, p))
        if item is not None and not problems:
            parsed.append(item)
    if progress:
        progress(result.total, result.total)
    for item in parsed:
        if item.existing is None:
            result.created += 1
        elif item.changes:
            result.updated += 1
        else:
            result.unchanged += 1
    if result.errors or dry_run:
        if dry_run and not result.errors:
            audit_record(
                actor=actor,
                actor_name=actor_name,
                action="roster.import_check",
                target=programme,
                after=result.summary(),
            )
        return result
    _write(
        actor=actor,
        actor_name=actor_name,
        programme=programme,
        parsed=parsed,
        on=on,
        rulebook=rb,
        result=result,
    )
    return result


def _parse_row(
    number: int,
    cells: dict[str, Any],
    problems: list[str],
    *,
    existing_by_id: dict[int, Supervisor],
    existing_by_lookup: dict[str, Supervisor],
    districts: dict[str, Organisation],
    today: dt.date,
) -> _Parsed | None:
    existing: Supervisor | None = None
    sid = _text(cells["id"])
    if sid:
        if not sid.isdigit() or int(sid) not in existing_by_id:
            problems.append(gettext("编号“{sid}”不是本项目的监督员（新增人员请留空）").format(sid=sid))
            return None
        existing = existing_by_id[int(sid)]
    v: dict[str, Any] = {}
    v["full_name"] = _text(cells["full_name"])
    if not v["full_name"]:
        problems.append(gettext("姓名不能为空"))
    v["gender"] = _text(cells["gender"])
    if v["gender"] not in ("", "男", "女"):  # i18n: zh-only (the stored value, as on the ID card)
        problems.append(gettext("性别“{gender}”应为“男”或“女”").format(gender=v["gender"]))
    idn = normalise_id_number(_text(cells["id_number"]))
    if existing is not None and existing.id_number and idn == id_number_mask(existing.id_number):
        idn = existing.id_number  # the masked export value: unchanged
    if not idn:
        problems.append(gettext("身份证号不能为空"))
    elif err := id_number_error(idn, today=today):
        problems.append(err)
    else:
        v["id_number"] = idn
        v["id_number_lookup"] = lookup_hash("id_number", idn)
        v["birth_date"] = id_number_birth_date(idn)
        other = existing_by_lookup.get(v["id_number_lookup"])
        if other is not None and other is not existing:
            problems.append(
                gettext("该身份证号已在名册中（编号{pk}，{full_name}），请在该行填写编号").format(
                    pk=other.pk, full_name=other.full_name
                )
            )
        if existing is not None and existing.id_number and idn != existing.id_number:
            problems.append(gettext("身份证号与该编号的监督员不一致，不能通过导入修改"))
        if not v["gender"]:
            v["gender"] = "男" if int(idn[16]) % 2 else "女"  # i18n: zh-only (the stored value)
    phone = _text(cells["phone"])
    if existing is not None and existing.phone and phone == mobile_mask(existing.phone):
        phone = existing.phone
    if phone and (err := mobile_error(phone)):
        problems.append(err)
    v["phone"] = phone
    v["phone_lookup"] = lookup_hash("phone", phone) if phone else ""
    v["email"] = _text(cells["email"])
    if v["email"] and "@" not in v["email"]:
        problems.append(gettext("电子邮箱“{email}”格式不正确").format(email=v["email"]))
    edu = _text(cells["education"])
    if edu and edu not in EDUCATION_BY_LABEL and edu not in EDUCATION_LABELS:
        problems.append(
            gettext("文化程度“{edu}”不在可选范围内（{value}）").format(
                edu=edu, value="、".join(EDUCATION_LABELS.values())
            )
        )
    v["education"] = EDUCATION_BY_LABEL.get(edu, edu)
    v["political_status"] = _text(cells["political_status"])
    v["employer"] = _text(cells["employer"])
    v["position"] = _text(cells["position"])
    specialties = []
    for label in _split(_text(cells["specialties"])):
        value = SPECIALTY_BY_LABEL.get(label) or (label if label in Specialty.values else None)
        if value is None:
            problems.append(gettext("专业领域“{label}”不在可选范围内").format(label=label))
        else:
            specialties.append(value)
    v["specialties"] = list(dict.fromkeys(specialties))
    district = _text(cells["district"])
    if district and district not in districts:
        problems.append(
            gettext("所在区县“{district}”不是本项目所属单位辖区内的单位").format(district=district)
        )
    v["district_id"] = districts[district].pk if district in districts else None
    v["recommending_unit"] = _text(cells["recommending_unit"])
    for key, label in (
        ("initial_training_on", gettext("初任培训日期")),
        ("term_start", gettext("本届任期开始")),
        ("term_end", gettext("本届任期结束")),
    ):
        try:
            v[key] = _date(cells[key], label)
        except ValueError as exc:
            problems.append(str(exc))
            v[key] = None
    v["certificate_no"] = _text(cells["certificate_no"])
    terms = _text(cells["consecutive_terms"]) or "1"
    if not terms.isdigit() or int(terms) < 1:
        problems.append(gettext("连续任职届数“{terms}”应为正整数").format(terms=terms))
        v["consecutive_terms"] = 1
    else:
        v["consecutive_terms"] = int(terms)
    status_label = _text(cells["status"])
    if status_label and status_label not in STATUS_BY_LABEL:
        problems.append(
            gettext("状态“{status_label}”不在可选范围内（{value}）").format(
                status_label=status_label, value="、".join(STATUS_BY_LABEL)
            )
        )
    v["status"] = STATUS_BY_LABEL.get(status_label, SupervisorStatus.ACTIVE)
    item = _Parsed(number, existing, v)
    if existing is None:
        if v["status"] != SupervisorStatus.ACTIVE:
            problems.append(gettext("新增人员的状态应为“在任”"))
        if v["term_start"] is None:
            problems.append(gettext("新增人员须填写本届任期开始日期"))
        if v["term_start"] and v["term_end"] and v["term_end"] <= v["term_start"]:
            problems.append(gettext("本届任期结束应晚于任期开始"))
        if v["initial_training_on"] and v["term_start"] and v["initial_training_on"] > today:
            problems.append(gettext("初任培训日期不能晚于今天"))
        return item
    current = {
        "employer": existing.employer,
        "certificate_no": existing.certificate_no,
        "term_start": existing.term_start,
        "term_end": existing.term_end,
        "consecutive_terms": existing.consecutive_terms,
        "status": existing.status,
    }
    for key, message in GUARDED.items():
        if v[key] != current[key]:
            problems.append(str(message))
    for key in UPDATABLE:
        if v[key] != getattr(existing, key):
            item.changes[key] = v[key]
    return item


def _write(
    *,
    actor: Any,
    actor_name: str,
    programme: Programme,
    parsed: list[_Parsed],
    on: dt.date,
    rulebook: Any,
    result: ImportResult,
) -> None:
    from jiandu.rules.terms import term_end

    new_items = [p for p in parsed if p.existing is None]
    changed = [p for p in parsed if p.existing is not None and p.changes]
    prefix = f"JD{programme.pk:02d}-{on.year}-"
    used = {n for n in Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)}
    seq = 0

    def next_cert() -> str:
        nonlocal seq
        while True:
            seq += 1
            number = f"{prefix}{seq:04d}"
            if number not in used:
                used.add(number)
                return number

    with transaction.atomic():
        supervisors = []
        term_reasons: list[dict[str, Any]] = []
        for p in new_items:
            v = p.values
            reason: dict[str, Any] = {}
            if v["term_end"] is None:
                end, r = term_end(rulebook, start=v["term_start"], on=on)
                v["term_end"], reason = end, rules.reason_dict(r)
            v["certificate_no"] = v["certificate_no"] or next_cert()
            term_reasons.append(reason)
            supervisors.append(
                Supervisor(
                    programme=programme,
                    full_name=v["full_name"],
                    gender=v["gender"],
                    birth_date=v["birth_date"],
                    id_number=v["id_number"],
                    id_number_lookup=v["id_number_lookup"],
                    id_number_masked=id_number_mask(v["id_number"]),
                    phone=v["phone"],
                    phone_lookup=v["phone_lookup"],
                    phone_masked=mobile_mask(v["phone"]) if v["phone"] else "",
                    email=v["email"],
                    education=v["education"],
                    political_status=v["political_status"],
                    employer=v["employer"],
                    position=v["position"],
                    specialties=v["specialties"],
                    district_id=v["district_id"],
                    recommending_unit=v["recommending_unit"],
                    initial_training_on=v["initial_training_on"],
                    certificate_no=v["certificate_no"],
                    term_start=v["term_start"],
                    term_end=v["term_end"],
                    consecutive_terms=v["consecutive_terms"],
                    status=SupervisorStatus.ACTIVE,
                    source="import",
                )
            )
        Supervisor.objects.bulk_create(supervisors, batch_size=1000)
        appointments = [
            Appointment(
                supervisor=s,
                kind=AppointmentKind.IMPORTED,
                term_no=s.consecutive_terms,
                starts_on=s.term_start,  # type: ignore[misc]
                ends_on=s.term_end,  # type: ignore[misc]
                term_reason=reason,
                rulebook_id=rulebook.id,
                rulebook_version=rulebook.version,
            )
            for s, reason in zip(supervisors, term_reasons, strict=True)
        ]
        Appointment.objects.bulk_create(appointments, batch_size=1000)
        Certificate.objects.bulk_create(
            [
                Certificate(
                    supervisor=s,
                    appointment=a,
                    number=s.certificate_no,
                    token=secrets.token_urlsafe(18),
                    issued_on=s.term_start,  # type: ignore[misc]
                    valid_until=s.term_end,  # type: ignore[misc]
                )
                for s, a in zip(supervisors, appointments, strict=True)
            ],
            batch_size=1000,
        )
        to_update = []
        fields: set[str] = set()
        for p in changed:
            s = p.existing
            assert s is not None
            for key, value in p.changes.items():
                setattr(s, key, value)
                fields.add(key)
            if "phone" in p.changes:
                s.phone_lookup = p.values["phone_lookup"]
                s.phone_masked = mobile_mask(s.phone) if s.phone else ""
                fields |= {"phone_lookup", "phone_masked"}
            to_update.append(s)
        if to_update:
            Supervisor.objects.bulk_update(to_update, sorted(fields), batch_size=1000)
        result.written = True
        audit_record(
            actor=actor,
            actor_name=actor_name,
            action="roster.import",
            target=programme,
            after={
                **result.summary(),
                "created_ids": [s.pk for s in supervisors],
                "updated_ids": [s.pk for s in to_update],
            },
        )
