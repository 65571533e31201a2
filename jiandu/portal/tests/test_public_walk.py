"""Every public URL answers 200 or a clean 404 for every demo programme, signed out.

The walk starts at the portal's front page and each programme's page, follows every link that stays
on a public page, and also asks for every certificate by QR token and by number."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import override_settings

from jiandu.roster.models import Certificate, Programme

# The public part of the site: what a signed-out visitor may reach.
PUBLIC_PREFIXES = ("/public/", "/duties/draws/", "/findings/public/")
HREF = re.compile(r'href="([^"]+)"')
LIMIT = 2000  # a safety net: the demo world has a few hundred public pages


def _public(url: str) -> bool:
    path = urlparse(url).path
    return not urlparse(url).netloc and path.startswith(PUBLIC_PREFIXES)


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    from jiandu.core.demo import demo_build

    return demo_build()


# The walk is a crawler: lift the per-address limit on lookups (jiandu.core.ratelimits) for it.
@override_settings(DEBUG=False, JIANDU_RATE_PUBLIC_LOOKUP="100000/m")
def test_every_public_url_answers_200_or_a_clean_404(demo, client):  # type: ignore[no-untyped-def]
    programmes = list(Programme.objects.filter(is_active=True))
    assert len(programmes) >= 4
    start = ["/public/", "/public/certificates/?number=NOT-A-NUMBER", "/public/verify/not-a-token/"]
    for p in programmes:
        start += [f"/public/programmes/{p.pk}/", f"/public/roster/{p.pk}/"]
    for cert in Certificate.objects.all()[:50]:
        start += [f"/public/verify/{cert.token}/", f"/public/certificates/?number={cert.number}"]
    seen: set[str] = set()
    queue = list(start)
    failures = []
    while queue and len(seen) < LIMIT:
        url = urldefrag(queue.pop(0))[0].replace("&amp;", "&")
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 404:
            assert "页面不存在" in response.content.decode(), url  # the clean 404 page, not a trace
            continue
        if response.status_code != 200:
            failures.append((url, response.status_code))
            continue
        if response["Content-Type"].startswith("text/html"):
            queue += [u for u in HREF.findall(response.content.decode()) if _public(u) and u not in seen]
    assert not failures, failures
    for p in programmes:
        for path in (f"/public/programmes/{p.pk}/", f"/public/roster/{p.pk}/"):
            assert path in seen
        assert any(u.startswith(f"/public/programmes/{p.pk}/statistics/") for u in seen)
        assert any(u.startswith(f"/findings/public/complaint/?programme={p.pk}") for u in seen)
    assert len(seen) > 4 * len(programmes)
