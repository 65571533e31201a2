from django.urls import path

from jiandu.integrations import views, views_webhooks

app_name = "integrations"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
urlpatterns += [
    path("webhooks/", views_webhooks.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/disable/", views_webhooks.webhook_disable, name="webhook_disable"),
    path("webhooks/deliveries/<int:pk>/replay/", views_webhooks.delivery_replay, name="delivery_replay"),
]
