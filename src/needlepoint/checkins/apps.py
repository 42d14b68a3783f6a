from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "needlepoint.checkins"
    label = "checkins"
    verbose_name = "Check-ins, alerts and adverse events"
