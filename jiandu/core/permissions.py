"""Capability checks for views. A refusal is a 403 and an audit event (issue #2 §7)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record


def permission_denied(request: HttpRequest, *, action: str, reason: str) -> PermissionDenied:
    audit_record(
        actor=request.user,
        action="permission.denied",
        target_type="url",
        target_id=request.path[:64],
        target_repr=action,
        after={"reason": reason, "method": request.method},
        outcome=Outcome.DENIED,
        request=request,
    )
    return PermissionDenied(reason)


def require_capability(
    capability: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.can(capability):  # type: ignore[union-attr]
                raise permission_denied(request, action=view.__name__, reason=f"缺少权限：{capability}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
