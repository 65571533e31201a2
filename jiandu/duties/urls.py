from django.urls import path

from jiandu.duties import views

app_name = "duties"
urlpatterns = [
    path("", views.duty_list, name="list"),
    path("new/", views.duty_new, name="new"),
    path("<int:pk>/", views.duty_detail, name="detail"),
    path("<int:pk>/contacts/", views.duty_contacts, name="contacts"),
    path("<int:pk>/draw/open/", views.draw_open, name="draw_open"),
    path("<int:pk>/draw/<int:number>/", views.draw_perform, name="draw_perform"),
    path("<int:pk>/assignments/<int:aid>/recuse/", views.assignment_recuse, name="recuse"),
    path("<int:pk>/assignments/<int:aid>/answer/", views.answer_record, name="answer"),
    path("<int:pk>/answer-window/", views.answer_window, name="answer_window"),
    path("<int:pk>/invitations/", views.invitations_send, name="invitations_send"),
    path("<int:pk>/assignments/<int:aid>/phone/", views.contact_reveal, name="contact_reveal"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants/send/", views.participants_send, name="participants_send"),
    path("invite/<str:token>/", views.invite_token, name="invite"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/assignments/<int:aid>/correct/", views.attendance_correct, name="attendance_correct"),
    path("<int:pk>/record/", views.record_edit, name="record"),
    path("<int:pk>/record/print/", views.record_print, name="record_print"),
    path("<int:pk>/assignments/<int:aid>/paper/", views.record_paper, name="record_paper"),
    path("<int:pk>/report/", views.report_send, name="report"),
    path("opinions/<int:oid>/to-findings/", views.opinion_send, name="opinion_send"),
    path("summaries/", views.summaries, name="summaries"),
    path("proposals/", views.proposals, name="proposals"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:aid>/", views.mine_detail, name="mine_detail"),
    path("mine/<int:aid>/respond/", views.mine_respond, name="mine_respond"),
    path("mine/<int:aid>/confirm/", views.mine_confirm, name="mine_confirm"),
    path("confirm/<str:token>/", views.confirm_token, name="confirm_token"),
    path("draws/", views.draws_public, name="draws_public"),
    path("draws/<int:pk>/", views.draw_public_detail, name="draw_public"),
    path("draws/<int:pk>.json", views.draw_public_json, name="draw_public_json"),
    path("draws/<int:pk>/pool.json", views.draw_public_pool, name="draw_public_pool"),
]
