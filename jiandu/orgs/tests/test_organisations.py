from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jiandu.audit.models import AuditEvent
from jiandu.orgs.demo import demo_uscc
from jiandu.orgs.models import Level, Organisation, OrgKind
from jiandu.orgs.selectors import organisations_visible_to
from jiandu.orgs.services import organisation_create


@pytest.mark.django_db
def test_a_bad_credit_code_is_refused_in_chinese_and_nothing_is_written() -> None:
    good = demo_uscc("x", "371000")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(
            actor=None,
            name="威海市某局",
            kind=OrgKind.ENFORCEMENT_AGENCY,
            level=Level.CITY,
            region_code="371000",
            uscc=bad,
        )
    assert "统一社会信用代码校验码不正确" in str(excinfo.value)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_tree_keeps_paths_so_a_subtree_is_one_prefix() -> None:
    province = organisation_create(
        actor=None,
        name="山东省司法厅",
        kind=OrgKind.JUSTICE_BUREAU,
        level=Level.PROVINCE,
        region_code="370000",
    )
    city = organisation_create(
        actor=None,
        name="威海市司法局",
        kind=OrgKind.JUSTICE_BUREAU,
        level=Level.CITY,
        region_code="371000",
        parent=province,
    )
    district = organisation_create(
        actor=None,
        name="环翠区司法局",
        kind=OrgKind.JUSTICE_BUREAU,
        level=Level.DISTRICT,
        region_code="371002",
        parent=city,
        uscc=demo_uscc("hc", "371002"),
    )
    other = organisation_create(
        actor=None,
        name="重庆市司法局",
        kind=OrgKind.JUSTICE_BUREAU,
        level=Level.PROVINCE,
        region_code="500000",
    )
    assert district.depth == 2 and district.is_within(province) and not other.is_within(province)
    assert set(Organisation.objects.filter(city.subtree_q())) == {city, district}
    # Each creation is one audit event naming the new organisation.
    assert AuditEvent.objects.filter(action="organisation.create").count() == 4


@pytest.mark.django_db
def test_staff_see_only_their_own_subtree(world) -> None:  # type: ignore[no-untyped-def]
    visible = set(organisations_visible_to(world.users["huancui_staff"]).values_list("name", flat=True))
    assert "威海市环翠区司法局" in visible and "威海市环翠区人民检察院" in visible
    assert "威海市司法局" not in visible and "重庆市万州区司法局" not in visible
