from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Reads and writes across a patient's record; no tables of its own."""

    name = "needlepoint.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from needlepoint.records.restriction import connect_restriction_guard

        connect_restriction_guard()
