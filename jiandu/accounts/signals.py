"""Sign-in events into the audit trail (issue #2 §7): success, failure, lockout, sign-out.

A failure records the username that was tried (as actor_name: there may be no such account) and
never the password — Django hands receivers cleansed credentials, and we read only the username.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record
from jiandu.core.middleware import session_mark_refreshed


@receiver(user_logged_in, dispatch_uid="jiandu.audit.login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # The sign-in saves the session: its idle expiry starts now (core.middleware.IdleSessionMiddleware).
        session_mark_refreshed(request.session)
    audit_record(
        actor=user,
        action="auth.login",
        target=user,
        after={"second_factor_required": bool(getattr(user, "needs_second_factor", False))},
        request=request,
    )


@receiver(user_login_failed, dispatch_uid="jiandu.audit.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor=None,
        actor_name=username,
        action="auth.login",
        target_type="accounts.user",
        target_repr=username,
        after={"reason": "locked_out" if locked else "bad_credentials"},
        outcome=Outcome.FAILURE,
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="jiandu.audit.locked_out")
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        actor_name=(username or "")[:150],
        action="auth.lockout",
        target_type="accounts.user",
        target_repr=username or "",
        after={"ip": kwargs.get("ip_address")},
        outcome=Outcome.DENIED,
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="jiandu.audit.logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(actor=user, action="auth.logout", target=user, request=request)
