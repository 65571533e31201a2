from __future__ import annotations

import pytest

from jiandu.accounts.models import User


@pytest.mark.django_db
def test_the_api_is_for_signed_in_people_only(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/organisations")
    assert response.status_code in (302, 401)


@pytest.mark.django_db
def test_the_api_scopes_organisations_like_the_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(username="huancui_staff"))
    names = {o["name"] for o in client.get("/api/organisations").json()}
    assert names == {"威海市环翠区司法局", "威海市环翠区人民检察院"}
    assert client.get("/api/me").json()["role"] == "regional_staff"


@pytest.mark.django_db
def test_the_openapi_schema_is_served(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(username="huancui_staff"))
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations" in schema["paths"]
