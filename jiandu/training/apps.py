from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "jiandu.training"
    label = "training"
    verbose_name = "培训"
