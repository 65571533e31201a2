from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("jiandu.accounts.urls")),
    path("orgs/", include("jiandu.orgs.urls")),
    path("audit/", include("jiandu.audit.urls")),
    path("public/", include("jiandu.portal.urls")),
    path("", include("jiandu.core.urls")),
]
