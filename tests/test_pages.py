from __future__ import annotations

import pytest
from django.test import override_settings

from jiandu.accounts.models import User


@pytest.mark.django_db
def test_an_anonymous_visitor_can_switch_the_language_on_the_sign_in_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.cookies["django_language"].value == "en"


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refusals_and_missing_pages_speak_chinese(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(username="weihai_procurator"))
    refused = client.get("/orgs/")
    assert refused.status_code == 403 and "无权访问" in refused.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()


@pytest.mark.django_db
def test_the_portal_links_the_public_draw_records(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/public/").content.decode()
    assert 'href="/duties/draws/"' in page
    assert client.get("/duties/draws/").status_code == 200
