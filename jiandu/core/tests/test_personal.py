"""Personal identifiers (issue #2 §8): encrypted at rest, found by keyed hash, masked on screen, full
display only with VIEW_FULL_IDENTIFIERS and an audit event."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template import Context, Template

from jiandu.audit.models import AuditEvent
from jiandu.core.personal import (
    id_number_lookup,
    personal_reveal,
    phone_lookup,
    validate_id_number,
    validate_mobile,
)
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

ID_NUMBER = "11010519491231002X"  # GB 11643-1999's own example
PHONE = "13912345678"


def _supervisor(org) -> Supervisor:  # type: ignore[no-untyped-def]
    programme = Programme.objects.create(
        name="威海市人民监督员", kind=ProgrammeKind.PEOPLE, organisation=org, rulebook_id="weihai-people-2024"
    )
    return Supervisor.objects.create(
        programme=programme,
        full_name="张三",
        id_number=ID_NUMBER,
        id_number_lookup=id_number_lookup(ID_NUMBER),
        phone=PHONE,
        phone_lookup=phone_lookup(PHONE),
    )


@pytest.mark.django_db(transaction=True)
def test_identifiers_are_encrypted_at_rest_and_found_by_keyed_hash(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = _supervisor(world.orgs["weihai_justice"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_lookup FROM roster_supervisor WHERE id = %s", [s.pk]
        )
        raw_id, raw_phone, stored_lookup = cursor.fetchone()
    assert ID_NUMBER not in raw_id and PHONE not in raw_phone
    assert raw_id.startswith("gAAAA")  # a Fernet token
    assert stored_lookup != ID_NUMBER and len(stored_lookup) == 64
    # Exact search by the keyed hash finds the person, without decrypting the table.
    found = Supervisor.objects.get(id_number_lookup=id_number_lookup(ID_NUMBER.lower()))
    assert found.pk == s.pk and found.id_number == ID_NUMBER and found.phone == PHONE
    with pytest.raises(TypeError):
        Supervisor.objects.filter(id_number=ID_NUMBER)  # ciphertext is not searchable by value

    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        data = copy.read_bytes()
        assert b"\xe5\xbc\xa0\xe4\xb8\x89" in data  # 张三 is stored in clear: the file is the real one
        assert ID_NUMBER.encode() not in data and ID_NUMBER[:17].encode() not in data
        assert PHONE.encode() not in data


@pytest.mark.django_db
def test_masked_display_filters() -> None:
    html = Template("{% load personal %}{{ a|mask_id }} {{ b|mask_phone }} [{{ c|mask_id }}]").render(
        Context({"a": ID_NUMBER, "b": PHONE, "c": ""})
    )
    assert html == "110105********002X 139****5678 []"


@pytest.mark.django_db
def test_reveal_needs_the_capability_and_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    s = _supervisor(world.orgs["weihai_justice"])
    with pytest.raises(PermissionDenied):
        personal_reveal(actor=world.users["huancui_staff"], obj=s, field="id_number")
    denial = AuditEvent.objects.get(action="permission.denied")
    assert denial.actor_id == world.users["huancui_staff"].pk and denial.target_id == str(s.pk)

    assert personal_reveal(actor=world.users["weihai_admin"], obj=s, field="id_number") == ID_NUMBER
    assert personal_reveal(actor=world.users["weihai_admin"], obj=s, field="phone") == PHONE
    reveals = AuditEvent.objects.filter(action="personal.reveal").order_by("seq")
    assert [e.after for e in reveals] == [
        {"field": "id_number", "masked": "110105********002X"},
        {"field": "phone", "masked": "139****5678"},
    ]
    dumped = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert ID_NUMBER not in dumped and PHONE not in dumped


@pytest.mark.django_db
def test_reveal_refuses_an_object_outside_the_subtree(world) -> None:  # type: ignore[no-untyped-def]
    s = _supervisor(world.orgs["weihai_justice"])
    with pytest.raises(PermissionDenied):
        personal_reveal(actor=world.users["wanzhou_admin"], obj=s, field="id_number")
    assert not AuditEvent.objects.filter(action="personal.reveal").exists()
    with pytest.raises(ValueError, match="不是加密的个人信息字段"):
        personal_reveal(actor=world.users["weihai_admin"], obj=s, field="full_name")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "应为18位"),
        ("1101051949123100AX", "前17位应为数字"),
        ("110105194902300021", "不是有效日期"),
        ("110105194912310021", "校验码不正确"),
        ("110105299912310021", "不合理"),
    ],
)
def test_id_number_validator_messages(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_id_number(value)


def test_validators_accept_valid_values() -> None:
    validate_id_number(ID_NUMBER)
    validate_id_number("11010519491231002x")
    validate_id_number("")
    validate_mobile(PHONE)
    for bad in ("12912345678", "1391234567", "139123456789", "139-1234-567"):
        with pytest.raises(ValidationError, match="手机号码"):
            validate_mobile(bad)
