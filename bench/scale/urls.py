"""The app's URLs plus the floor: the least a Django view that reads patient data can cost."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from needlepoint.config.urls import urlpatterns as app_urls
from needlepoint.patients.models import Patient


def floor(request: HttpRequest, patient_id: str) -> HttpResponse:
    """One ORM primary-key read of the patients table, through the app's middleware."""
    patient = Patient.objects.only("id").get(pk=patient_id)
    return HttpResponse(str(patient.pk), content_type="text/plain")


urlpatterns = [path("_bench/floor/<str:patient_id>", floor), *app_urls]
