from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jiandu.notifications"
    label = "notifications"
    verbose_name = "通知"
