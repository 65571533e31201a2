"""Every URL pattern of the site, with sample arguments filled in (test helper for the URL walk)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    url: str
    name: str
    callback: Any

    @property
    def public(self) -> bool:
        return not getattr(self.callback, "login_required", True)


def _fill(pattern: Any) -> str | None:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return ROUTE_PARAM.sub(lambda m: SAMPLES.get(m["conv"] or "str", "x"), route)
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        if "(" in regex or any(c in regex for c in "[]*+?\\"):
            return None  # a pattern we cannot fill blindly; the walk test lists it as skipped
        return regex
    return None


def endpoints() -> Iterator[Endpoint | str]:
    """Yields an Endpoint per pattern, or the pattern's text when it cannot be filled in."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Endpoint | str]:
        for p in patterns:
            part = _fill(p.pattern)
            if part is None:
                yield prefix + str(p.pattern)
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + part, ns)
            elif isinstance(p, URLPattern):
                yield Endpoint("/" + prefix + part, f"{namespace}{p.name or ''}", p.callback)

    yield from walk(get_resolver().url_patterns, "", "")
