from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AllowancesConfig(AppConfig):
    name = "jiandu.allowances"
    label = "allowances"
    verbose_name = gettext_lazy("经费与履职证明")
