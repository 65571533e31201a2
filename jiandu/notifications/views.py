from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiandu.notifications.selectors import notifications_for, unread_count
from jiandu.notifications.services import notification_mark_read, notifications_mark_all_read


def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": unread_count(request.user)},
    )


def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a message marks it read, then goes where it points (a local path only)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(actor=request.user, notification=notification)
    target = notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")


def unread_badge(request: HttpRequest) -> HttpResponse:
    """The unread count as a fragment, for htmx polling from any page."""
    count = unread_count(request.user)
    return HttpResponse(str(count) if count else "", content_type="text/plain; charset=utf-8")
