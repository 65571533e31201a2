"""The roster's old “initial training done today” button no longer bypasses the exam where the
rulebook asks for one (威海 人民监督员 第二十二条第二款): it sends staff to the training pages."""

from __future__ import annotations

from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent


def test_it_refuses_to_record_initial_training_without_the_exam(client, admin, people):
    client_sign_in(client, admin)
    r = client.post(reverse("roster:training", args=[people["chen"].pk]), follow=True)
    assert "第二十二条第二款" in r.content.decode()
    people["chen"].refresh_from_db()
    assert people["chen"].initial_training_on is None
    assert not AuditEvent.objects.filter(action="supervisor.initial_training").exists()
