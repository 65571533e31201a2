from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DutiesConfig(AppConfig):
    name = "jiandu.duties"
    label = "duties"
    verbose_name = gettext_lazy("履职与抽选")
