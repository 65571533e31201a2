from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "jiandu.assessment"
    label = "assessment"
    verbose_name = "台账与考核"
