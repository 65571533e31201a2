from django.contrib.auth.decorators import login_not_required
from django.urls import path

from jiandu.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_new, name="new"),
    path("mine/", views.assessment_mine, name="mine"),
    path("district/", views.district_list, name="district"),
    path("district/<int:pk>/", views.district_suggest, name="district_suggest"),
    path("mine/<int:pk>/<slug:action>/", views.assessment_mine_action, name="mine_action"),
    path("mine/<int:pk>/letter.pdf", views.my_letter, name="my_letter"),
    path("public/check/<str:token>/", login_not_required(views.letter_check), name="check"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/<slug:action>/", views.round_action, name="round_action"),
    path("a/<int:pk>/", views.assessment_detail, name="detail"),
    path("a/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("a/<int:pk>/commendation.pdf", views.commendation, name="commendation"),
    path("a/<int:pk>/<slug:action>/", views.assessment_action, name="action"),
    path("ledger/<int:pk>/", views.ledger_page, name="ledger"),
    path("ledger/<int:pk>/entry/", views.ledger_entry, name="ledger_entry"),
    path("ledger/export/<int:programme>/<int:year>.xlsx", views.ledger_export, name="ledger_export"),
]
