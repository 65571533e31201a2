from django.urls import path

from jiandu.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/<slug:action>/", views.problem_action, name="problem_action"),
    path("figures/", views.figures, name="figures"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("policy/", views.policy, name="policy"),
    path("records/", views.records, name="records"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:pk>/<slug:action>/", views.case_action, name="action"),
]
