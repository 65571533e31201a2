from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RecruitmentConfig(AppConfig):
    name = "jiandu.recruitment"
    label = "recruitment"
    verbose_name = gettext_lazy("选聘")
