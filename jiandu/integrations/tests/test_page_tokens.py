"""The token page: issue (shown once, stored hashed, audited), list, revoke; only an agency's staff."""

from __future__ import annotations

import hashlib

import pytest

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.integrations.models import ApiToken
from jiandu.integrations.tests.conftest import issue

pytestmark = pytest.mark.django_db
URL = "/integrations/tokens/"


def test_it_issues_a_token_shown_once_and_stored_hashed(client, procurator) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, procurator)
    response = client.post(
        URL,
        {"name": "检察业务应用系统", "scopes": ["duties:read", "duties:write"], "expires_on": "2027-01-31"},
    )
    assert response.status_code == 200
    assert response.context is not None
    raw = response.context["issued"]["raw"]
    assert raw.startswith("jd_") and raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.organisation == procurator.organisation and token.scopes == ["duties:read", "duties:write"]
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.after is not None
    assert raw not in str(event.after) and event.after["name"] == "检察业务应用系统"
    again = client.get(URL)
    assert raw not in again.content.decode() and "检察业务应用系统" in again.content.decode()


def test_it_refuses_a_scope_beyond_the_account_and_a_past_expiry(client, procurator) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, procurator)
    past = client.post(URL, {"name": "x", "scopes": ["duties:read"], "expires_on": "2020-01-01"})
    assert past.status_code == 200 and "有效期" in past.content.decode()
    unknown = client.post(URL, {"name": "x", "scopes": ["accounts:manage"], "expires_on": "2027-01-01"})
    assert unknown.status_code == 200 and unknown.context["form"].errors
    assert ApiToken.objects.count() == 0


def test_it_revokes(client, procurator, frozen) -> None:  # type: ignore[no-untyped-def]
    raw = issue(procurator)
    token = ApiToken.objects.get()
    client_sign_in(client, procurator)
    assert client.get(f"{URL}{token.pk}/revoke/").status_code == 405
    response = client.post(f"{URL}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == procurator
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()
    client.logout()
    assert client.get("/api/v1/duties/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_it_is_for_agency_staff_only_and_scoped_to_their_organisation(
    client, world, procurator, frozen
) -> None:  # type: ignore[no-untyped-def]
    issue(procurator)
    token = ApiToken.objects.get()
    client_sign_in(client, world.users["weihai_admin"])
    assert client.get(URL).status_code == 403
    client_sign_in(client, world.users["wanzhou_market_staff"])
    page = client.get(URL)
    assert page.status_code == 200 and "检察业务应用系统" not in page.content.decode()
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
