from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jiandu.api import api
from jiandu.integrations.v1 import v1_urls

urlpatterns = [
    # Public: the language switch sits on the sign-in page and the portal too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", v1_urls()),
    path("api/", api.urls),
    path("integrations/", include("jiandu.integrations.urls")),
    path("accounts/", include("jiandu.accounts.urls")),
    path("orgs/", include("jiandu.orgs.urls")),
    path("audit/", include("jiandu.audit.urls")),
    path("public/", include("jiandu.portal.urls")),
    path("roster/", include("jiandu.roster.urls")),
    path("recruitment/", include("jiandu.recruitment.urls")),
    path("findings/", include("jiandu.findings.urls")),
    path("duties/", include("jiandu.duties.urls")),
    path("training/", include("jiandu.training.urls")),
    path("casework/", include("jiandu.casework.urls")),
    path("allowances/", include("jiandu.allowances.urls")),
    path("assessment/", include("jiandu.assessment.urls")),
    path("inbox/", include("jiandu.notifications.urls")),
    path("calendar/", include("jiandu.workdays.urls")),
    path("reports/", include("jiandu.reports.urls")),
    path("knowledge/", include("jiandu.knowledge.urls")),
    path("", include("jiandu.core.urls")),
]
