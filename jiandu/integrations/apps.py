from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class IntegrationsConfig(AppConfig):
    name = "jiandu.integrations"
    label = "integrations"
    verbose_name = gettext_lazy("系统对接")
