from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "jiandu.accounts"
    label = "accounts"
    verbose_name = gettext_lazy("账号与角色")

    def ready(self) -> None:
        from jiandu.accounts import signals  # noqa: F401  (connects the sign-in audit receivers)
