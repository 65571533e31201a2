from django.urls import include, path

from jiandu.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("accounts/", include("jiandu.accounts.urls")),
    path("orgs/", include("jiandu.orgs.urls")),
    path("audit/", include("jiandu.audit.urls")),
    path("public/", include("jiandu.portal.urls")),
    path("roster/", include("jiandu.roster.urls")),
    path("recruitment/", include("jiandu.recruitment.urls")),
    path("findings/", include("jiandu.findings.urls")),
    path("duties/", include("jiandu.duties.urls")),
    path("inbox/", include("jiandu.notifications.urls")),
    path("", include("jiandu.core.urls")),
]
