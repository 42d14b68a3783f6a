from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "needlepoint.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
