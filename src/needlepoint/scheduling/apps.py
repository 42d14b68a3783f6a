from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "needlepoint.scheduling"
    label = "scheduling"
    verbose_name = "Appointments, rooms and working hours"
