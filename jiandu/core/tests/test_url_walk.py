"""The URL walk (issue #2 §5): every view needs sign-in unless it is explicitly public, and changing an
id in the address never shows another organisation's data."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from jiandu.accounts.testing import client_sign_in
from jiandu.core.tests.urlwalk import Endpoint, endpoints

pytestmark = pytest.mark.django_db

# Public views (marked @login_not_required) live under a /public/ path segment; these few are the
# exceptions. A new public page elsewhere must be added here on purpose, in review.
PUBLIC_OUTSIDE_PUBLIC_PATHS = {
    "accounts:login",
    "core:home",
    "core:health",
    # The language switch sits on the sign-in page.
    "set_language",
    # Draw records are published so anyone can check a draw was fair (docs/draw.md).
    "duties:draws_public",
    "duties:draw_public",
    "duties:draw_public_json",
    "duties:draw_public_pool",  # v2: the pool file the record commits to by its hash
}
# /api/v1/ (issue 16) authenticates itself, with a token or the session, and answers a stranger 401 in
# its error shape rather than a redirect; only its OpenAPI document and docs page, and the public
# operations under /api/v1/public/ (no token, limited per address), are open to all.
API_V1_OPEN = {"api_v1:openapi-json", "api_v1:openapi-view"}


def _self_authenticating(endpoint: Endpoint) -> bool:
    return (
        endpoint.public
        and endpoint.name.startswith("api_v1:")
        and endpoint.name not in API_V1_OPEN
        and not endpoint.url.startswith("/api/v1/public/")
    )


def _all() -> list[Endpoint]:
    found = list(endpoints())
    skipped = [e for e in found if isinstance(e, str)]
    assert not skipped, f"URL patterns the walk cannot fill in (extend urlwalk.SAMPLES): {skipped}"
    return [e for e in found if isinstance(e, Endpoint)]


def test_the_walk_sees_the_whole_site() -> None:
    names = {e.name for e in _all()}
    assert {"accounts:login", "accounts:manage", "audit:list", "core:dashboard", "orgs:detail"} <= names


def test_anonymous_requests_to_non_public_views_go_to_sign_in(client, world) -> None:  # type: ignore[no-untyped-def]
    login = resolve_url(settings.LOGIN_URL)
    private = [e for e in _all() if not e.public]
    assert len(private) > 10
    for endpoint in private:
        for method in ("get", "post"):
            response = getattr(client, method)(endpoint.url)
            assert response.status_code == 302, (method, endpoint.url, response.status_code)
            assert response["Location"].startswith(login + "?next="), (method, endpoint.url)


def test_public_views_are_declared(world) -> None:  # type: ignore[no-untyped-def]
    for endpoint in _all():
        if endpoint.public and not _self_authenticating(endpoint):
            assert (
                "/public/" in endpoint.url
                or endpoint.name in PUBLIC_OUTSIDE_PUBLIC_PATHS
                or endpoint.name in API_V1_OPEN
            ), endpoint


def test_the_v1_api_answers_strangers_401(client, world) -> None:  # type: ignore[no-untyped-def]
    v1 = [e for e in _all() if _self_authenticating(e)]
    assert len(v1) >= 5
    for endpoint in v1:
        for method in ("get", "post"):
            response = getattr(client, method)(endpoint.url, HTTP_AUTHORIZATION="Bearer jd_not-a-token")
            assert response.status_code in (401, 405), (method, endpoint.url, response.status_code)
            if response.status_code == 401:
                assert response.json()["code"] == "unauthenticated", (method, endpoint.url)


@pytest.mark.parametrize(
    "username",
    [
        "sysadmin",
        "security",
        "auditor",
        "weihai_admin",
        "huancui_staff",
        "weihai_procurator",
        "weihai_supervisor",
    ],
)
def test_signed_in_walk_never_errors(client, world, username: str) -> None:  # type: ignore[no-untyped-def]
    """Each role GETs every page with sample ids: refusals and 404s are fine, a server error is not."""
    client.raise_request_exception = False
    client_sign_in(client, world.users[username])
    failures = []
    for endpoint in _all():
        if endpoint.name == "accounts:logout":
            continue
        response = client.get(endpoint.url)
        if response.status_code >= 500:
            failures.append((endpoint.url, response.status_code))
    assert not failures


# --- cross-organisation access by changing an id ------------------------------------------------------


def test_an_organisation_outside_the_subtree_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["huancui_staff"])
    own = world.orgs["huancui_justice"]
    assert client.get(f"/orgs/{own.pk}/").status_code == 200
    assert client.get(f"/orgs/{world.orgs['huancui_procuratorate'].pk}/").status_code == 200
    for key in ("weihai_justice", "wendeng_justice", "wanzhou_justice", "platform"):
        assert client.get(f"/orgs/{world.orgs[key].pk}/").status_code == 404, key


def test_a_programme_admin_cannot_open_another_provinces_organisation(client, world) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["weihai_admin"])
    assert client.get(f"/orgs/{world.orgs['weihai_market'].pk}/").status_code == 200
    assert client.get(f"/orgs/{world.orgs['taiyuan_prison'].pk}/").status_code == 404
    listing = client.get("/orgs/").content.decode()
    assert "太原" not in listing and "威海市市场监督管理局" in listing


def test_a_privileged_account_without_its_second_factor_reaches_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    """Password only (no TOTP yet): every non-public page sends it to the TOTP page, the API says 401."""
    from jiandu.accounts.middleware import OTP_PAGES

    client.force_login(world.users["weihai_admin"], backend="django.contrib.auth.backends.ModelBackend")
    for endpoint in _all():
        if (endpoint.public and not _self_authenticating(endpoint)) or endpoint.name in OTP_PAGES:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(endpoint.url)
            if endpoint.name.startswith("api:"):
                assert response.status_code == 401, (method, endpoint.url)
            elif _self_authenticating(endpoint):
                assert response.status_code in (401, 405), (method, endpoint.url, response.status_code)
            else:
                assert response.status_code == 302, (method, endpoint.url, response.status_code)
                assert response["Location"].startswith("/accounts/otp/"), (method, endpoint.url)
