from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "jiandu.findings"
    label = "findings"
    verbose_name = "监督意见"
