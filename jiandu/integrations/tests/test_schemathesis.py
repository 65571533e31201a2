"""schemathesis against every operation of /api/v1/ (issue 16 "Done when"), in-process through the WSGI
application on the test database (SQLite or PostgreSQL, whichever `make test` is running): as each
role signed in with the browser's session, as an agency's and a bureau's token, and signed out. Every
answer must be documented (status code, content type, headers, body schema) and none may be a server
error. Then the stateful run follows the OpenAPI links from a create to its reads.

Bounded: a few examples per operation and caller (JIANDU_SCHEMATHESIS_EXAMPLES raises it), no shrinking,
and every defect found is collected and reported together instead of stopping at the first."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest

# A dev dependency since issue 16 (pyproject.toml); a checkout whose venv predates it skips this file
# until `make install` runs again (make test always does: the install stamp follows pyproject.toml).
schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jiandu.accounts.testing import client_sign_in
from jiandu.duties import services as sv
from jiandu.duties.tests.conftest import open_and_draw, request_data
from jiandu.findings.services import finding_forward, finding_record_inspection
from jiandu.integrations.tests.conftest import issue
from jiandu.roster.models import Announcement, AnnouncementKind

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("JIANDU_SCHEMATHESIS_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SESSION_ROLES = ("weihai_admin", "huancui_staff", "weihai_procurator", "weihai_supervisor", "auditor")
NO_LIMITS = {
    "JIANDU_RATE_API_TOKEN": "100000/m",
    "JIANDU_RATE_PUBLIC_API": "100000/m",
    "JIANDU_RATE_PUBLIC_LOOKUP": "100000/m",
}


def _settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure here is a defect, not bad luck
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def wsgi() -> Iterator[Any]:
    """The WSGI application sharing the test's connection: Django's own test client disconnects the
    per-request connection clean-up in the same way (it would close the test transaction's connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(**NO_LIMITS):
            yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def scene(world: Any, programme: Any, roster: Any, frozen: Any) -> dict[str, Any]:
    """Objects for the path parameters to hit: a drawn duty, a requested one, a forwarded finding and a
    submitted one, an announcement."""
    procurator, admin = world.users["weihai_procurator"], world.users["weihai_admin"]
    drawn = sv.duty_request(actor=procurator, data=request_data(programme))
    record = open_and_draw(world, drawn)
    requested = sv.duty_request(actor=procurator, data=request_data(programme, title="另一案件听证"))
    forwarded = finding_record_inspection(
        actor=admin, programme=programme, agency=world.orgs["weihai_procuratorate"], text="执法记录仪未开启"
    )
    finding_forward(actor=admin, finding=forwarded, reply_due=dt.date(2026, 4, 30))
    submitted = finding_record_inspection(
        actor=admin, programme=programme, agency=world.orgs["weihai_procuratorate"], text="台账不全"
    )
    Announcement.objects.create(
        programme=programme,
        kind=AnnouncementKind.OTHER,
        title="年度通报",
        body="……",
        published_on=dt.date(2026, 1, 5),
    )
    return {
        "duty_id": drawn.pk,
        "requested_id": requested.pk,
        "assignment_id": drawn.assignments.order_by("position").first().pk,  # type: ignore[union-attr]
        "number": 1,
        "finding_id": forwarded.pk,
        "submitted_id": submitted.pk,
        "draw_id": record.pk,
        "programme_id": programme.pk,
        "year": 2026,
    }


def _session_headers(user: Any) -> dict[str, str]:
    client = Client()
    client_sign_in(client, user)
    csrf = secrets.token_hex(16)  # a 32-character secret, sent as cookie and header (Django's double submit)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", "X-CSRFToken": csrf}


def _callers(world: Any) -> dict[str, dict[str, str]]:
    callers = {f"session:{name}": _session_headers(world.users[name]) for name in SESSION_ROLES}
    callers["token:agency"] = {"Authorization": f"Bearer {issue(world.users['weihai_procurator'])}"}
    callers["token:bureau"] = {
        "Authorization": f"Bearer {issue(world.users['weihai_admin'], name='市局系统')}"
    }
    callers["anonymous"] = {}
    return callers


def _real_ids(operation: Any, scene: dict[str, Any]) -> dict[str, Any]:
    """Path parameters naming existing objects (the generated ones mostly name nothing: a 404)."""
    names = {p.name for p in operation.path_parameters}
    ids = {k: v for k, v in scene.items() if k in names}
    if "/draws/{number}" in operation.path or "/draws" in operation.path:
        ids["duty_id"] = scene["requested_id"]
    if "/bureau/" in operation.path:
        ids["finding_id"] = scene["submitted_id"]
    if "certificates" in operation.path:
        ids.pop("number", None)
    return ids


def _fuzz(operation: Any, headers: dict[str, str], scene: dict[str, Any], examples: int) -> list[str]:
    found: list[str] = []
    strategy = st.one_of(
        operation.as_strategy(), operation.as_strategy(path_parameters=_real_ids(operation, scene))
    )

    @_settings(examples)
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:
            found.append(str(exc)[:1500])

    run()
    return found


def test_every_operation_as_every_caller(world: Any, scene: dict[str, Any], wsgi: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures: list[str] = []
    for caller, headers in _callers(world).items():
        for operation in operations:
            public = operation.path.startswith("/api/v1/public/")
            if caller == "anonymous":
                # signed out: the public operations in full, and one 401 from each of the others
                examples = EXAMPLES * 3 if public else 1
            elif public:
                continue  # a token or a session changes nothing there
            else:
                examples = EXAMPLES
            failures += [f"{caller}: {f}" for f in _fuzz(operation, headers, scene, examples)]
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:10])


def test_the_stateful_links_from_a_create_to_its_reads(world: Any, scene: dict[str, Any], wsgi: Any) -> None:
    """The agency's token: POST /duties/ (made to succeed: a real programme and a date far enough ahead),
    then whatever the links lead to — the duty, its contacts, participants and record, its cancellation."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    headers = {"Authorization": f"Bearer {issue(world.users['weihai_procurator'])}"}
    programme_id = scene["programme_id"]
    created: list[int] = []
    followed: list[str] = []
    seen: list[str] = []

    # The create and what its links lead to (the other operations are fuzzed above).
    linked = schema.include(
        path_regex=r"^/api/v1/duties/(\{duty_id\}(/contacts|/participants|/record|/cancel)?)?$"
    )

    class Agency(linked.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            if case.method == "POST" and case.path == "/api/v1/duties/" and isinstance(case.body, dict):
                # The rest stays generated (description, time, parties, consent, the key …).
                case.body.update(
                    title="某某案公开听证",
                    place="听证室",
                    programme_id=programme_id,
                    duty_on="2026-03-30",
                    kind="hearing",
                    supervisors_needed=2,
                    specialties=[],
                    local_min=0,
                    cross_min=0,
                    district_id=None,
                    related_org_ids=[],
                )

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            seen.append(f"{case.method} {case.path} {response.status_code} {response.text[:80]}")
            if case.method == "POST" and case.path == "/api/v1/duties/" and response.status_code == 201:
                created.append(response.json()["id"])
            elif "{duty_id}" in case.path and case.path_parameters.get("duty_id") in created:
                followed.append(f"{case.method} {case.path}")

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    Agency.run(settings=hypothesis.settings(_settings(10), stateful_step_count=5, phases=[Phase.generate]))
    assert created, f"no duty was created: {[s for s in seen if s.startswith('POST /api/v1/duties/ ')]}"
    assert followed, "no link from a created duty was followed"
