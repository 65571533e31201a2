from django.urls import path

from jiandu.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("p/<int:pk>/rounds/new", views.round_new, name="round_new"),
    path("r/<int:pk>/", views.round_detail, name="round"),
    path("r/<int:pk>/publish", views.round_publish, name="publish"),
    path("r/<int:pk>/notice", views.notice_publish, name="notice"),
    path("r/<int:pk>/appoint", views.round_appoint, name="appoint"),
    path("r/<int:pk>/applications/new", views.application_new, name="application_new"),
    path("a/<int:pk>/", views.application_detail, name="application"),
    path("attachments/<int:pk>", views.attachment_download, name="attachment"),
    path("objections/<int:pk>/", views.objection_handle, name="objection"),
]
