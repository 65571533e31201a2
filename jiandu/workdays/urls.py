from django.urls import path

from jiandu.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("recompute/<int:pk>/", views.recompute_status, name="recompute"),
]
