from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import require_capability


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_capability(Capability.MANAGE_ACCOUNTS)
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/manage.html")
