from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "jiandu.duties"
    label = "duties"
    verbose_name = "履职与抽选"
