from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "jiandu.roster"
    label = "roster"
    verbose_name = "监督员名册"
