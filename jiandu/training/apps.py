from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TrainingConfig(AppConfig):
    name = "jiandu.training"
    label = "training"
    verbose_name = gettext_lazy("培训")
