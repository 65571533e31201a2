from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportsConfig(AppConfig):
    name = "jiandu.reports"
    label = "reports"
    verbose_name = gettext_lazy("统计报表")

    def ready(self) -> None:
        # The standard reports register themselves when their modules load; the parts whose apps
        # add reports (training …) are listed here so the catalogue is complete before any request.
        from jiandu.reports import catalogue, money, training  # noqa: F401
