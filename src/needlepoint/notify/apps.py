from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "needlepoint.notify"
    label = "notify"
    verbose_name = "Reminders, e-mail and calendar feeds"
