from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "needlepoint.checkins"
    label = "checkins"
    verbose_name = "Check-ins and alerts"
