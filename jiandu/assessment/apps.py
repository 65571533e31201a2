from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AssessmentConfig(AppConfig):
    name = "jiandu.assessment"
    label = "assessment"
    verbose_name = gettext_lazy("台账与考核")
