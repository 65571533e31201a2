from django.contrib.auth import views as auth_views
from django.urls import path

from jiandu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("password/", views.password_change, name="password_change"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.account_create, name="account_create"),
    path("manage/<int:pk>/", views.account_detail, name="account"),
    path(
        "manage/<int:pk>/<slug:action>/",
        views.account_action,
        name="account_action",
    ),
]
