from django.apps import AppConfig
from django.db.models.signals import pre_save


class AccountsConfig(AppConfig):
    name = "needlepoint.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The lowest app connects the text rule for the models of every app above it.
        from needlepoint.accounts.stored_text import refuse_hostile_text

        pre_save.connect(refuse_hostile_text, dispatch_uid="needlepoint-stored-text")
