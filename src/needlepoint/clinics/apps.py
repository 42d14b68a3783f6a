from django.apps import AppConfig
from django.db.models.signals import post_save, pre_delete


class ClinicsConfig(AppConfig):
    name = "needlepoint.clinics"
    label = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        # An API token's cached user carries its staff membership and clinic (accounts.tokens);
        # a deleted row is forgotten before its tokens go with it.
        from needlepoint.clinics.models import Clinic, Staff
        from needlepoint.clinics.token_users import forget_clinic_tokens, forget_member_tokens

        for signal in (post_save, pre_delete):
            signal.connect(forget_member_tokens, sender=Staff, dispatch_uid="np-token-staff")
            signal.connect(forget_clinic_tokens, sender=Clinic, dispatch_uid="np-token-clinic")
