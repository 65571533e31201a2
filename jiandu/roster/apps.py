from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RosterConfig(AppConfig):
    name = "jiandu.roster"
    label = "roster"
    verbose_name = gettext_lazy("监督员名册")
