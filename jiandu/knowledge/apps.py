from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class KnowledgeConfig(AppConfig):
    name = "jiandu.knowledge"
    label = "knowledge"
    verbose_name = gettext_lazy("知识库")
