from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "needlepoint.safety"
    label = "safety"
    verbose_name = "Safety and audit"
