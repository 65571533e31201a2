from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CaseworkConfig(AppConfig):
    name = "jiandu.casework"
    label = "casework"
    verbose_name = gettext_lazy("狱务办案监督")
