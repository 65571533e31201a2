from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "jiandu.casework"
    label = "casework"
    verbose_name = "狱务办案监督"
