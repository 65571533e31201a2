from django.urls import path

from jiandu.allowances import views

app_name = "allowances"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/rates/", views.rate_new, name="rate_new"),
    path("programmes/<int:pk>/rates/<int:rate_id>/close/", views.rate_close, name="rate_close"),
    path("programmes/<int:pk>/sheets/", views.sheet_new, name="sheet_new"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/export.<str:fmt>", views.sheet_export, name="sheet_export"),
    path("sheets/<int:pk>/<slug:action>/", views.sheet_action, name="sheet_action"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/receipts/<int:receipt_id>/", views.receipt_download, name="receipt"),
    path("claims/<int:pk>/<slug:action>/", views.claim_action, name="claim_action"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("proofs/new/", views.proof_new, name="proof_new"),
    path("proofs/<int:pk>/", views.proof_detail, name="proof"),
    path("proofs/<int:pk>/pdf/", views.proof_download, name="proof_pdf"),
    path("proofs/<int:pk>/revoke/", views.proof_revoke, name="proof_revoke"),
    path("public/proof/<str:token>/", views.proof_verify, name="proof_verify"),
]
