"""The Ningxia demo: every state the issue asks for, built through services; two runs, one world."""

from __future__ import annotations

import pytest

from jiandu.casework import demo
from jiandu.casework.models import CaseFile, CaseStatus, Problem, ProblemStatus, ReviewStep
from jiandu.duties.models import AssignmentStatus

pytestmark = pytest.mark.django_db


def test_demo_builds_every_state_and_is_idempotent(world):
    demo.build(world)
    counts = (CaseFile.objects.count(), ReviewStep.objects.count(), Problem.objects.count())
    prison = world.orgs["yinchuan_prison"]
    cases = CaseFile.objects.filter(prison=prison)
    assert {c.next_step for c in cases} >= {0, 1, 2, 3, 4, 5, 6}
    assert cases.filter(status=CaseStatus.DEFERRED).exists()
    assert cases.filter(status=CaseStatus.PUBLICITY).exists()
    assert ReviewStep.objects.filter(changes_earlier=True).exclude(legal_basis="").exists()
    assert Problem.objects.filter(prison=prison, source_ref__startswith="points:").exists()
    assert Problem.objects.filter(prison=prison, status=ProblemStatus.CLOSED).exists()
    invited = cases.filter(duties__assignments__supervisor__user=world.users["ningxia_supervisor"])
    assert invited.filter(duties__assignments__status=AssignmentStatus.ACCEPTED).exists()
    demo.build(world)
    assert (CaseFile.objects.count(), ReviewStep.objects.count(), Problem.objects.count()) == counts
