from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "jiandu.core"
    label = "core"
    verbose_name = gettext_lazy("核心")

    def ready(self) -> None:
        from jiandu.core import lookups  # noqa: F401  (registers `__any_of`)
