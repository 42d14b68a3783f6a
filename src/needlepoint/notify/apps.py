from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "needlepoint.notify"
    label = "notify"
    verbose_name = "Reminders, e-mail and calendar feeds"

    def ready(self) -> None:
        from needlepoint.notify import appointment_mail  # noqa: F401 - connects its receiver
