"""Writes a patient or their clinic asks for: mail preferences, unsubscribing, calendar
feeds. The mail jobs are `patient_mail`, `escalations` and `outbox`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission, Role
from needlepoint.notify.models import CalendarFeed, MailPreference
from needlepoint.notify.tokens import feed_token, new_nonce, token_digest, unsubscribe_patient_id
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record


def _patient_to_change(actor: Actor, patient_id: object) -> Patient:
    """A patient changes their own settings; staff change them with the update right."""
    permission = actor.record_permission(Permission.PATIENT_UPDATE)
    return patient_in_scope(actor, getattr(patient_id, "pk", patient_id), permission)


# Preferences and unsubscribing.


@transaction.atomic
def mail_preference_update(
    actor: Actor, patient_id: object, *, reminders: bool, checkin_prompts: bool, milestones: bool
) -> MailPreference:
    patient = _patient_to_change(actor, patient_id)
    choices = {"reminders": reminders, "checkin_prompts": checkin_prompts, "milestones": milestones}
    preference, _ = MailPreference.objects.update_or_create(
        patient=patient, defaults={"clinic": patient.clinic, **choices}
    )
    audit_record(actor, "mail_preference.update", "patient", patient.pk, detail=choices)
    return preference


@transaction.atomic
def mail_unsubscribe(token: str) -> Patient:
    """One click from an e-mail: no more non-essential mail. The signed token is the key."""
    patient_id = unsubscribe_patient_id(token)
    patient = (
        Patient.objects.select_related("clinic").filter(pk=patient_id).first()
        if patient_id is not None
        else None
    )
    if patient is None:
        raise Http404("This unsubscribe link is not valid.")
    choices = {"reminders": False, "checkin_prompts": False, "milestones": False}
    MailPreference.objects.update_or_create(
        patient=patient, defaults={"clinic": patient.clinic, **choices}
    )
    audit_record(
        None, "mail.unsubscribe", "patient", patient.pk, detail=choices, clinic_id=patient.clinic_id
    )
    return patient


# Calendar feeds.


@transaction.atomic
def calendar_feed_renew(actor: Actor, patient_id: object) -> CalendarFeed:
    """A new secret calendar address for the patient (their own); any old one stops working."""
    if actor.role is not Role.PATIENT:
        raise PermissionDenied("Only the patient can make a calendar address, in the portal.")
    patient = _patient_to_change(actor, patient_id)
    now = timezone.now()
    CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor.user
    )
    nonce = new_nonce()
    feed = CalendarFeed.objects.create(
        clinic=patient.clinic,
        patient=patient,
        nonce=nonce,
        token_digest=token_digest(feed_token(nonce)),
    )
    audit_record(actor, "calendar_feed.create", "patient", patient.pk, detail={"feed": feed.pk})
    return feed


@transaction.atomic
def calendar_feed_revoke(actor: Actor, patient_id: object) -> int:
    """Stop the patient's calendar address (the patient, or staff); returns how many."""
    patient = _patient_to_change(actor, patient_id)
    revoked = CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    audit_record(actor, "calendar_feed.revoke", "patient", patient.pk, detail={"revoked": revoked})
    return revoked
