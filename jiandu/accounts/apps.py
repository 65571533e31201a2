from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiandu.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from jiandu.accounts import signals  # noqa: F401  (connects the sign-in audit receivers)
