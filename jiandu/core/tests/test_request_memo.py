"""request_memo: a read repeated within one GET request is made once; a write request, or code
running outside any request, reads afresh every time (nothing can be stale)."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from jiandu.core.request_context import current_request, request_memo


def _counting() -> tuple[list[int], Any]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def _within(request: Any, fn: Any) -> None:
    token = current_request.set(request)
    try:
        fn()
    finally:
        current_request.reset(token)


def test_it_computes_once_per_get_request() -> None:
    calls, compute = _counting()

    def twice() -> None:
        assert request_memo(("k",), compute) == 1
        assert request_memo(("k",), compute) == 1
        assert request_memo(("other",), compute) == 2

    _within(RequestFactory().get("/"), twice)
    assert len(calls) == 2
    _within(RequestFactory().get("/"), lambda: request_memo(("k",), compute))  # a new request: afresh
    assert len(calls) == 3


def test_it_never_remembers_in_a_write_request() -> None:
    calls, compute = _counting()
    _within(RequestFactory().post("/"), lambda: [request_memo(("k",), compute) for _ in range(2)])
    assert len(calls) == 2


def test_it_never_remembers_outside_a_request() -> None:
    calls, compute = _counting()
    request_memo(("k",), compute)
    request_memo(("k",), compute)
    assert len(calls) == 2
