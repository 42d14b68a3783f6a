from django.urls import include, path

from needlepoint.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("needlepoint.web.urls")),
]
