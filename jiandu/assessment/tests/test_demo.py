"""The demo year of the Weihai people's-supervisor programme: training with failures and a make-up,
a finished round and one in progress — built through the services, the same world twice."""

from __future__ import annotations

from typing import Any

from jiandu.assessment.models import Assessment, AssessmentRound, RoundStatus
from jiandu.training.models import Participation, TrainingSession


def test_demo_year(transactional_db: Any) -> None:
    from jiandu.core.demo import demo_build

    world = demo_build()
    assert not world.extra.get("notes")
    rounds = {r.year: r for r in AssessmentRound.objects.all()}
    assert rounds[2025].status == RoundStatus.FINAL and rounds[2026].status == RoundStatus.OPEN
    finished = Assessment.objects.filter(round=rounds[2025])
    assert finished.filter(final_grade="excellent").count() == 3
    assert finished.filter(final_grade="failing").count() == 1
    assert Participation.objects.filter(passed=False).exists()
    assert TrainingSession.objects.filter(makeup_of__isnull=False).exists()
    counts = (TrainingSession.objects.count(), Participation.objects.count(), Assessment.objects.count())
    demo_build()
    assert (
        TrainingSession.objects.count(),
        Participation.objects.count(),
        Assessment.objects.count(),
    ) == counts
