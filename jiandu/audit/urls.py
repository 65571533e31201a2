from django.urls import path

from jiandu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:seq>/", views.event_detail, name="detail"),
    path("export.csv", views.event_export, name="export"),
    path("public/checkpoints/", views.checkpoints_public, name="checkpoints_public"),
    path("public/checkpoints.json", views.checkpoints_public_json, name="checkpoints_public_json"),
]
