from django.urls import path

from jiandu.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("new/", views.programme_new, name="programme_new"),
    path("p/<int:pk>/", views.programme_detail, name="programme"),
    path("p/<int:pk>/export.xlsx", views.roster_export_view, name="export"),
    path("p/<int:pk>/template.xlsx", views.roster_template_view, name="template"),
    path("p/<int:pk>/import/", views.roster_import_view, name="import"),
    path("imports/<int:pk>/", views.import_status, name="import_status"),
    path("reports/<int:pk>/review", views.report_review, name="report_review"),
    path("s/<int:pk>/", views.supervisor_detail, name="supervisor"),
    path("s/<int:pk>/reveal", views.supervisor_reveal, name="reveal"),
    path("s/<int:pk>/renew", views.supervisor_renew, name="renew"),
    path("s/<int:pk>/leave", views.supervisor_leave, name="leave"),
    path("s/<int:pk>/employer", views.supervisor_employer, name="employer"),
    path("s/<int:pk>/profile", views.supervisor_profile, name="profile"),
    path("s/<int:pk>/relationships", views.supervisor_relationship, name="relationship"),
    path("s/<int:pk>/training", views.supervisor_training, name="training"),
    path("relationships/<int:pk>/delete", views.relationship_delete, name="relationship_delete"),
    path("certificates/<int:pk>/certificate.pdf", views.certificate_pdf_view, name="certificate_pdf"),
    path("certificates/<int:pk>/card.pdf", views.card_pdf_view, name="card_pdf"),
    path("me/", views.my_profile, name="me"),
    path("me/edit", views.my_profile_edit, name="me_edit"),
]
