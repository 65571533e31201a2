from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiandu.core"
    label = "core"
    verbose_name = "核心"
