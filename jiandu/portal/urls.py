from django.urls import path

from jiandu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.round_public, name="round"),
    path("rounds/<int:pk>/apply/", views.apply, name="apply"),
    path("applied/", views.applied, name="applied"),
    path("status/", views.status, name="status"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("announcements/<int:pk>/", views.announcement, name="announcement"),
    path("roster/<int:pk>/", views.public_roster, name="roster"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("programmes/<int:pk>/", views.programme_public, name="programme"),
    path("programmes/<int:pk>/statistics/<int:year>/", views.statistics, name="statistics"),
    path(
        "programmes/<int:pk>/statistics/<int:year>.<str:fmt>",
        views.statistics_download,
        name="statistics_download",
    ),
]
