from django.urls import path

from jiandu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("r/<slug:key>/", views.report_page, name="report"),
    path("r/<slug:key>.<str:fmt>", views.report_download, name="download"),
    path("r/<slug:key>/export/<str:fmt>/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_status, name="export"),
    path("exports/<int:pk>/file", views.export_file, name="export_file"),
    path("charts/", views.charts, name="charts"),
    path("charts/<slug:key>/", views.chart_page, name="chart"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", views.annual_detail, name="annual"),
    path("annual/<int:pk>.pdf", views.annual_pdf, name="annual_pdf"),
]
