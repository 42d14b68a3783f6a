from django.apps import AppConfig


class InteropConfig(AppConfig):
    """The clinic's records as FHIR; its one table is the Bulk Data export jobs."""

    name = "needlepoint.interop"
    label = "interop"
    verbose_name = "Interoperability"
