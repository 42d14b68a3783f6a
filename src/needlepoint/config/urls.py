from django.urls import include, path

from needlepoint.api.api import api
from needlepoint.api.fhir.api import api as fhir_api
from needlepoint.api.fhir.responses import BASE_PATH

urlpatterns = [
    path("api/v1/", api.urls),
    path(f"{BASE_PATH.strip('/')}/", fhir_api.urls),
    path("", include("needlepoint.web.urls")),
]
