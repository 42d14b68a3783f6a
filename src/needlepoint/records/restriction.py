"""A restricted record is read-only: every write of a row about the patient is refused,
whichever service or page attempts it, until a clinic admin lifts the restriction. The
guard is a model signal on every row `patient_rows` lists, so a new write path cannot forget
it. Two kinds of row are not guarded. The clinic's mail machinery (outbox, preferences,
consent to texts, calendar addresses): no message goes to a restricted patient
(`notify.outbox.patient_wants`).
And the patient's safety reports: a check-in is always accepted and triaged, its alert reaches
the clinic, which can act on it and record an adverse event, restricted record or not."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete, pre_save

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, AlertAction, CheckIn
from needlepoint.notify.models import CalendarFeed, MailPreference, OutboxMessage, SmsConsent
from needlepoint.patients.models import RESTRICTION_FIELDS, Patient
from needlepoint.records.patient_rows import PATIENT_ROWS

RESTRICTED = (
    "This patient's record is restricted: it is read-only until a clinic admin lifts the "
    "restriction."
)
_MAIL = {CalendarFeed, MailPreference, OutboxMessage, SmsConsent}
_SAFETY_REPORTS = {CheckIn, Alert, AlertAction, AdverseEvent}
_UNGUARDED = _MAIL | _SAFETY_REPORTS


def _restricted(model: type[models.Model], lookup: str, instance: models.Model) -> bool:
    if model is Patient:
        return Patient.objects.filter(pk=instance.pk, restricted_at__isnull=False).exists()
    first, _, rest = lookup.partition("__")
    field = model._meta.get_field(first)
    key = getattr(instance, field.attname)  # type: ignore[union-attr]
    if key is None:
        return False
    condition = f"{rest}__restricted_at__isnull" if rest else "restricted_at__isnull"
    related = field.related_model
    assert isinstance(related, type)  # a resolved foreign key
    return related._default_manager.filter(pk=key, **{condition: False}).exists()


def _guard(model: type[models.Model], lookup: str) -> Any:
    def refuse(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if model is Patient and fields is not None and set(fields) <= RESTRICTION_FIELDS:
            return  # restricting or lifting the restriction itself
        if _restricted(model, lookup, instance):
            raise ValidationError(RESTRICTED)

    return refuse


def connect_restriction_guard() -> None:
    for model, lookup in PATIENT_ROWS:
        if model not in _UNGUARDED:
            receiver = _guard(model, lookup)
            pre_save.connect(
                receiver, sender=model, weak=False, dispatch_uid=f"restricted:{model._meta.label}"
            )
            pre_delete.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"restricted-delete:{model._meta.label}",
            )
