"""The per-row text list pages take from jiandu.core.rows, and the menu built once per capability
set, print exactly what the template tags they replace printed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_url_caches, re_path, reverse
from django.utils import translation

from jiandu.core.navigation import nav_for
from jiandu.core.rows import choice_labels, url_for_pk, ymd
from jiandu.duties.models import AssignmentStatus, DutyKind, DutyStatus
from jiandu.findings.models import Status
from jiandu.roster.models import SupervisorStatus


@pytest.mark.parametrize(
    "name", ["duties:detail", "duties:mine_detail", "findings:detail", "roster:supervisor"]
)
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**15])
def test_url_for_pk_is_reverse(name: str, pk: int) -> None:
    assert url_for_pk(name)(pk) == reverse(name, args=[pk])


def test_url_for_pk_follows_the_script_prefix() -> None:
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    try:
        set_script_prefix("/jiandu/")
        assert url_for_pk("duties:detail")(7) == "/jiandu/duties/7/" == reverse("duties:detail", args=[7])
    finally:
        set_script_prefix(before)
    assert url_for_pk("duties:detail")(7) == reverse("duties:detail", args=[7])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("choices", [DutyKind, DutyStatus, AssignmentStatus, SupervisorStatus, Status])
def test_choice_labels_are_what_translate_printed(language: str, choices: Any) -> None:
    template = Template("{% load i18n %}{% translate label %}")
    with translation.override(language):
        labels = choice_labels(choices.choices)
        for value, label in choices.choices:
            assert labels[value] == template.render(Context({"label": label}))


def test_ymd_is_the_date_filter() -> None:
    template = Template('{{ day|date:"Y-m-d" }}')
    for day in (dt.date(2026, 1, 5), dt.date(999, 12, 31), None):
        assert ymd(day) == template.render(Context({"day": day}))


def test_menu_per_language_and_capabilities() -> None:
    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.core.navigation import NAV

    def built_per_request(user: User) -> list[dict[str, str]]:  # what every page did before
        return [
            {"label": str(item.label), "url": reverse(item.url_name), "url_name": item.url_name}
            for item in NAV
            if item.capability is None or user.can(item.capability)
        ]

    for role in (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.AGENCY_STAFF, Role.AUDITOR):
        user = User(role=role)
        for language in ("zh-hans", "en", "zh-hans"):
            with translation.override(language):
                assert nav_for(user) == built_per_request(user)
    inactive = User(role=Role.PROGRAMME_ADMIN, is_active=False)
    assert [i["url_name"] for i in nav_for(inactive)] == [
        "core:dashboard",
        "notifications:inbox",
        "accounts:password_change",
    ]
    mine = nav_for(User(role=Role.PROGRAMME_ADMIN))
    mine[0]["label"] = "changed"  # a caller's copy: the next page's menu is not touched
    assert nav_for(User(role=Role.PROGRAMME_ADMIN))[0]["label"] != "changed"


def _view(request: HttpRequest, pk: str) -> HttpResponse:  # never called: the URL is only reversed
    raise AssertionError


urlpatterns = [re_path(r"^short/(?P<pk>[0-9]{1,3})/$", _view, name="short")]


def test_url_for_pk_reverses_per_row_a_pattern_that_refuses_the_marker(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        assert url_for_pk("short")(42) == "/short/42/"
        with pytest.raises(NoReverseMatch):
            url_for_pk("short")(4242)  # as reverse() would
    finally:
        clear_url_caches()
