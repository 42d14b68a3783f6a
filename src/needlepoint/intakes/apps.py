from django.apps import AppConfig


class IntakesConfig(AppConfig):
    name = "needlepoint.intakes"
    label = "intakes"
    verbose_name = "Intake and screening"
