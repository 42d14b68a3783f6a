from django.apps import AppConfig
from django.db.models.signals import post_save, pre_delete, pre_save


class AccountsConfig(AppConfig):
    name = "needlepoint.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The lowest app connects the text rule for the models of every app above it.
        from needlepoint.accounts.models import User
        from needlepoint.accounts.stored_text import refuse_hostile_text
        from needlepoint.accounts.tokens import forget_changed_user

        pre_save.connect(refuse_hostile_text, dispatch_uid="needlepoint-stored-text")
        for signal in (post_save, pre_delete):
            signal.connect(forget_changed_user, sender=User, dispatch_uid="needlepoint-token-user")
