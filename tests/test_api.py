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


@pytest.mark.django_db
def test_the_openapi_lists_the_error_answers(client, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 11 #7: the OpenAPI omitted the 404 and 422 answers the API really gives."""
    from jiandu.accounts.testing import client_sign_in

    client_sign_in(client, User.objects.get(username="weihai_admin"))
    schema = client.get("/api/openapi.json").json()
    operations = [(path, op) for path, item in schema["paths"].items() for op in item.values()]
    assert operations
    for path, op in operations:
        assert {"401", "403"} <= set(op["responses"]), path
        if "{" in path:
            assert "404" in op["responses"], path
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in op["responses"], path
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
    # and the answers are what the document says
    missing = client.get("/api/findings/999999")
    assert missing.status_code == 404 and "detail" in missing.json()
    bad = client.get("/api/findings/not-a-number")
    assert bad.status_code == 422 and isinstance(bad.json()["detail"], list)


@pytest.mark.django_db
def test_the_api_docs_load_nothing_from_another_origin(client, world) -> None:  # type: ignore[no-untyped-def]
    """/api/docs and /api/v1/docs rendered django-ninja's CDN page (Swagger UI from jsdelivr): blocked
    by the CSP's script-src 'self' and unreachable on a closed government network. They now use the
    Swagger UI files django-ninja ships, served from here, with no inline script."""
    import re

    from jiandu.accounts.testing import client_sign_in

    client_sign_in(client, User.objects.get(username="weihai_admin"))
    for url in ("/api/docs", "/api/v1/docs"):
        html = client.get(url).content.decode()
        assert "swagger-ui-bundle.js" in html, url
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html), url
