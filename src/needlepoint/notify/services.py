"""Writes a patient or their clinic asks for: message preferences, consent to texts,
unsubscribing, calendar feeds, and a clinic's own message texts. The jobs sending messages
are `patient_mail`, `escalations` and `outbox`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission, Role
from needlepoint.notify.models import (
    CalendarFeed,
    Channel,
    MailKind,
    MailPreference,
    MessageTemplate,
    OnCallNumber,
    SmsConsent,
)
from needlepoint.notify.phones import PhoneNumberInvalid, mobile_e164, zone_region
from needlepoint.notify.texts import MessageTemplateInvalid, check_template
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
def mail_preference_update(actor: Actor, patient_id: object, **choices: bool) -> MailPreference:
    """Set the patient's choices per channel and kind (`MailPreference.FIELDS`; those not
    given keep their value)."""
    patient = _patient_to_change(actor, patient_id)
    unknown = set(choices) - set(MailPreference.FIELDS.values())
    if unknown:
        raise ValidationError(f"Unknown message choices: {', '.join(sorted(unknown))}.")
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
    choices = {
        field: False
        for (channel, _), field in MailPreference.FIELDS.items()
        if channel == Channel.EMAIL
    }
    MailPreference.objects.update_or_create(
        patient=patient, defaults={"clinic": patient.clinic, **choices}
    )
    audit_record(
        None, "mail.unsubscribe", "patient", patient.pk, detail=choices, clinic_id=patient.clinic_id
    )
    return patient


# Consent to text messages.


def _method(actor: Actor, method: str) -> str:
    """How consent was given or withdrawn: in the portal by the patient; staff say how."""
    if actor.role is Role.PATIENT:
        return SmsConsent.Method.PORTAL
    if method not in SmsConsent.Method.values or method == SmsConsent.Method.PORTAL:
        raise ValidationError({"method": "Say how the patient told the clinic."})
    return method


@transaction.atomic
def sms_consent_give(
    actor: Actor, patient_id: object, *, phone: str, method: str = ""
) -> SmsConsent:
    """Record the patient's consent to texts at a mobile number (checked, kept as E.164); a
    consent at another number before it is withdrawn. The patient, or staff saying how."""
    patient = _patient_to_change(actor, patient_id)
    method = _method(actor, method)
    try:
        number = mobile_e164(phone, zone_region(patient.clinic.time_zone))
    except PhoneNumberInvalid as error:
        raise ValidationError({"phone": str(error)}) from None
    now = timezone.now()
    current = (
        SmsConsent.objects.select_for_update()
        .filter(clinic=patient.clinic, patient=patient, withdrawn_at__isnull=True)
        .first()
    )
    if current is not None and current.phone == number:
        return current
    if current is not None:
        SmsConsent.objects.filter(pk=current.pk).update(
            withdrawn_at=now, withdrawn_by=method, withdrawal_recorded_by=actor.user
        )
    consent = SmsConsent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        phone=number,
        given_at=now,
        given_by=method,
        recorded_by=actor.user,
    )
    audit_record(
        actor,
        "sms_consent.give",
        "patient",
        patient.pk,
        detail={"consent": consent.pk, "by": method, "replaces": current.pk if current else None},
    )
    return consent


@transaction.atomic
def sms_consent_withdraw(actor: Actor, patient_id: object, *, method: str = "") -> int:
    """No more texts to the patient: the patient in the portal, or staff saying how they were
    told; messages already queued are not sent. Returns how many consents ended."""
    patient = _patient_to_change(actor, patient_id)
    method = _method(actor, method)
    ended = SmsConsent.objects.filter(
        clinic=patient.clinic, patient=patient, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), withdrawn_by=method, withdrawal_recorded_by=actor.user)
    audit_record(
        actor, "sms_consent.withdraw", "patient", patient.pk, detail={"by": method, "ended": ended}
    )
    return ended


# A clinic's own message texts.


@transaction.atomic
def message_template_save(actor: Actor, *, kind: str, channel: str, text: str) -> MessageTemplate:
    """A clinic admin's words for `kind` on `channel`, in place of the default; refused with
    what to change when a placeholder is unknown or a required one is missing."""
    actor.require(Permission.STAFF_MANAGE)
    if kind not in MailKind.values or channel not in Channel.values:
        raise ValidationError("No such kind of message or channel.")
    try:
        text = check_template(kind, channel, text)
    except MessageTemplateInvalid as error:
        raise ValidationError({"text": str(error)}) from None
    template, _ = MessageTemplate.objects.update_or_create(
        clinic=actor.clinic,
        kind=kind,
        channel=channel,
        defaults={"text": text, "updated_by": actor.user},
    )
    audit_record(
        actor,
        "message_template.save",
        "clinic",
        actor.clinic.pk,
        detail={"kind": kind, "channel": channel},
    )
    return template


@transaction.atomic
def message_template_reset(actor: Actor, *, kind: str, channel: str) -> int:
    """Back to the default text for `kind` on `channel`; returns how many were removed."""
    actor.require(Permission.STAFF_MANAGE)
    removed, _ = MessageTemplate.objects.filter(
        clinic=actor.clinic, kind=kind, channel=channel
    ).delete()
    audit_record(
        actor,
        "message_template.reset",
        "clinic",
        actor.clinic.pk,
        detail={"kind": kind, "channel": channel},
    )
    return removed


@transaction.atomic
def on_call_number_set(actor: Actor, *, phone: str) -> str:
    """The mobile the clinic's alert escalations are texted to (checked, as E.164); an empty
    one stops the texts. A clinic admin's; returns the number kept."""
    actor.require(Permission.STAFF_MANAGE)
    clinic = actor.clinic
    if not phone.strip():
        OnCallNumber.objects.filter(clinic=clinic).delete()
        audit_record(actor, "on_call_number.remove", "clinic", clinic.pk)
        return ""
    try:
        number = mobile_e164(phone, zone_region(clinic.time_zone))
    except PhoneNumberInvalid as error:
        raise ValidationError({"phone": str(error)}) from None
    OnCallNumber.objects.update_or_create(
        clinic=clinic, defaults={"phone": number, "updated_by": actor.user}
    )
    audit_record(actor, "on_call_number.set", "clinic", clinic.pk)
    return number


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
