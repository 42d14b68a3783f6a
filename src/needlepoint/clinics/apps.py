from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "needlepoint.clinics"
    label = "clinics"
    verbose_name = "Clinics"
