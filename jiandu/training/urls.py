from django.urls import path

from jiandu.training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_new, name="new"),
    path("pending/", views.training_pending, name="pending"),
    path("mine/", views.training_mine, name="mine"),
    path("mine/<int:pk>/quiz/", views.training_quiz, name="quiz"),
    path("checkin/<str:token>/", views.training_checkin, name="checkin"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/qr.svg", views.session_qr, name="qr"),
    path("<int:pk>/invite/", views.session_invite, name="invite"),
    path("<int:pk>/material/", views.material_add, name="material_add"),
    path("material/<int:pk>/", views.material_download, name="material"),
    path("<int:pk>/p/<int:pid>/attendance/", views.participation_attendance, name="attendance"),
    path("<int:pk>/p/<int:pid>/exam/", views.participation_exam, name="exam"),
]
