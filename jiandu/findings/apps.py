from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class FindingsConfig(AppConfig):
    name = "jiandu.findings"
    label = "findings"
    verbose_name = gettext_lazy("监督意见")
