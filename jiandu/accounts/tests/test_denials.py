"""Every 403 leaves exactly one `permission.denied` audit event (issue #2 §7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jiandu.accounts.middleware import AccountPolicyMiddleware
from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.core.permissions import deny

pytestmark = pytest.mark.django_db


def _denials() -> int:
    return AuditEvent.objects.filter(action="permission.denied").count()


def test_a_refusal_is_recorded_once(client, world) -> None:  # type: ignore[no-untyped-def]
    security = world.users["security"]
    client_sign_in(client, security)
    assert client.post(f"/accounts/manage/{security.pk}/deactivate/").status_code == 403
    assert _denials() == 1
    event = AuditEvent.objects.get(action="permission.denied")
    assert event.after is not None and "三权分立" in event.after["reason"]


def test_a_csrf_failure_is_audited(world, password) -> None:  # type: ignore[no-untyped-def]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "huancui_staff", "password": password})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="permission.denied")
    assert event.target_repr == "/accounts/login/" and event.outcome == "denied"


def test_a_denial_rolled_back_with_its_transaction_is_recorded_again(world) -> None:  # type: ignore[no-untyped-def]
    """A service may refuse inside a transaction that then rolls back, taking the denial's event with
    it; the middleware notices the event is gone and records the 403 itself."""
    request = RequestFactory().post("/somewhere/")
    request.user = world.users["huancui_staff"]

    def view(req):  # type: ignore[no-untyped-def]
        from jiandu.core.request_context import current_request

        token = current_request.set(req)
        try:
            with transaction.atomic():
                raise deny(req.user, action="test.op", reason="nope")
        except PermissionDenied:
            return HttpResponse(status=403)
        finally:
            current_request.reset(token)

    response = AccountPolicyMiddleware(view)(request)
    assert response.status_code == 403
    assert _denials() == 1
    assert AuditEvent.objects.get(action="permission.denied").target_repr == "/somewhere/"
