from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "jiandu.recruitment"
    label = "recruitment"
    verbose_name = "选聘"
