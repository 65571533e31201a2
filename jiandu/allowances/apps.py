from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "jiandu.allowances"
    label = "allowances"
    verbose_name = "经费与履职证明"
