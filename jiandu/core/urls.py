from django.urls import path

from jiandu.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/queue/<slug:key>/", views.queue_list, name="queue"),
    path("system/", views.system, name="system"),
    path("healthz", views.health, name="health"),
]
