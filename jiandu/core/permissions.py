"""Capability checks for views and services. A refusal is a 403 and an audit event (issue #2 §7).

Views use `@require_capability(cap)`; services use `capability_require(actor, cap, action=...)`.
Either way the refusal is audited as `permission.denied` before the exception leaves. Any other 403
(a view raising PermissionDenied itself, a CSRF failure) is audited by
jiandu.accounts.middleware.AccountPolicyMiddleware, which skips requests already audited here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record
from jiandu.core.request_context import current_request

R = TypeVar("R", bound=HttpResponseBase)

# Set on the request when a denial has been audited: the event's id (its seq may not be assigned yet:
# deferred sealing), so the middleware can check
# the event survived (a denial audited inside a transaction that then rolled back is recorded again).
DENIAL_AUDITED_ATTR = "_jiandu_denial_event"


def _mark(request: Any, pk: int) -> None:
    if request is not None:
        setattr(request, DENIAL_AUDITED_ATTR, pk)


def permission_denied(request: HttpRequest, *, action: str, reason: str) -> PermissionDenied:
    event = audit_record(
        actor=request.user,
        action="permission.denied",
        target_type="url",
        target_id=request.path[:64],
        target_repr=action,
        after={"reason": reason, "method": request.method, "path": request.path[:255]},
        outcome=Outcome.DENIED,
        request=request,
    )
    _mark(request, event.pk)
    return PermissionDenied(reason)


def deny(actor: Any, *, action: str, reason: str, target: models.Model | None = None) -> PermissionDenied:
    """Audit a refusal decided in a service (no request needed) and return the exception to raise."""
    request = current_request.get()
    event = audit_record(
        actor=actor,
        action="permission.denied",
        target=target,
        target_type="" if target is not None else "service",
        target_repr="" if target is not None else action,
        after={"reason": reason, "operation": action},
        outcome=Outcome.DENIED,
    )
    _mark(request, event.pk)
    return PermissionDenied(reason)


def capability_require(
    actor: Any, capability: str, *, action: str, target: models.Model | None = None
) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.can(capability):
        raise deny(
            actor,
            action=action,
            reason=gettext("缺少权限：{capability}").format(capability=capability),
            target=target,
        )


def require_capability(capability: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            if not request.user.can(capability):  # type: ignore[union-attr]
                raise permission_denied(
                    request,
                    action=view.__name__,
                    reason=gettext("缺少权限：{capability}").format(capability=capability),
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
