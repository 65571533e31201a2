from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "jiandu.integrations"
    label = "integrations"
    verbose_name = "系统对接"
