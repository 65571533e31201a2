from django.urls import path

from jiandu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("p/<int:pk>/", views.programme_page, name="programme"),
    path("p/<int:pk>/rulebook/", views.rulebook, name="rulebook"),
    path("p/<int:pk>/new/", views.entry_new, name="entry_new"),
    path("e/<int:pk>/", views.entry_detail, name="entry"),
    path("e/<int:pk>.pdf", views.entry_pdf, name="entry_pdf"),
    path("e/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
]
