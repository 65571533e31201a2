from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrgsConfig(AppConfig):
    name = "jiandu.orgs"
    label = "orgs"
    verbose_name = gettext_lazy("组织机构")
