from django.urls import path

from jiandu.findings import views

app_name = "findings"
urlpatterns = [
    path("", views.finding_list, name="list"),
    path("new/", views.finding_new, name="new"),
    path("overdue/", views.finding_overdue, name="overdue"),
    path("export.<str:fmt>", views.finding_export, name="export"),
    path("<int:pk>/", views.finding_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:pk>/<slug:action>/", views.finding_action, name="action"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/<slug:action>/", views.complaint_action, name="complaint_action"),
    path("public/complaint/", views.complaint_public, name="complaint_public"),
    path("public/complaint/track/", views.complaint_track, name="complaint_track"),
]
