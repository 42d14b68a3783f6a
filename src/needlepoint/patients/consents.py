"""Writes of consents and their templates: one transaction each, audited."""

from __future__ import annotations

import base64
import binascii
import unicodedata
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role
from needlepoint.patients.models import (
    Consent,
    ConsentKind,
    ConsentRevocation,
    ConsentTemplate,
    Patient,
    PhotoUse,
)
from needlepoint.patients.selectors import (
    consent_in_scope,
    consent_template_in_scope,
    patient_in_scope,
)
from needlepoint.safety.audit import audit_record

SIGNATURE_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 200 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PATIENT_REVOKE_REASON = "Withdrawn by the patient in the portal."


@transaction.atomic
def consent_template_publish(actor: Actor, kind: str, title: str, body: str) -> ConsentTemplate:
    """Publish a new version of the clinic's `kind` consent; it replaces the active one.

    Templates are never edited, so every signed consent keeps the exact text that was signed.
    """
    actor.require(Permission.CONSENT_TEMPLATE_MANAGE)
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(ConsentKind.values)}."})
    title = title.strip()
    body = body.replace("\r\n", "\n").strip()
    Clinic.objects.select_for_update().get(pk=actor.clinic.pk)  # one publisher at a time
    versions = ConsentTemplate.objects.filter(clinic=actor.clinic, kind=kind)
    current = versions.filter(active=True).first()
    if current is not None and (current.title, current.body) == (title, body):
        raise ValidationError(
            f"This is the text of version {current.version}; change it to publish a new version."
        )
    latest = versions.aggregate(latest=Max("version"))["latest"] or 0
    template = ConsentTemplate(
        clinic=actor.clinic,
        kind=kind,
        version=latest + 1,
        title=title,
        body=body,
        created_by=actor.user,
        active=True,
    )
    template.full_clean(exclude=["clinic", "created_by"], validate_constraints=False)
    versions.filter(active=True).update(active=False)
    template.save()
    audit_record(
        actor,
        "consent_template.publish",
        "consent_template",
        template.pk,
        detail={
            "kind": kind,
            "version": template.version,
            "replaces": current.pk if current else None,
        },
    )
    return template


def _signature_problem(drawing: str) -> str | None:
    if not drawing.startswith(SIGNATURE_PREFIX):
        return "The drawn signature must be a PNG image (a data:image/png;base64 URL)."
    encoded = drawing[len(SIGNATURE_PREFIX) :]
    if len(encoded) > -(-MAX_SIGNATURE_BYTES // 3) * 4:
        return "The drawn signature is larger than 200 kB; clear it and sign again."
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return "The drawn signature could not be read (it is not valid base64)."
    if not data.startswith(_PNG_MAGIC):
        return "The drawn signature is not a PNG image."
    if len(data) > MAX_SIGNATURE_BYTES:
        return "The drawn signature is larger than 200 kB; clear it and sign again."
    return None


def _photo_uses(kind: str, uses: Iterable[str]) -> list[str]:
    chosen = set(uses)
    unknown = sorted(chosen - set(PhotoUse.values))
    if unknown:
        raise ValidationError(
            {
                "photo_uses": f"Unknown photo use: {', '.join(unknown)}. "
                f"Choose from {', '.join(PhotoUse.values)}."
            }
        )
    if kind == ConsentKind.PHOTO and not chosen:
        raise ValidationError({"photo_uses": "Choose at least one use of the photographs."})
    if kind != ConsentKind.PHOTO and chosen:
        raise ValidationError({"photo_uses": "Photo uses belong on a photo consent only."})
    return [use for use in PhotoUse.values if use in chosen]


@transaction.atomic
def consent_sign(
    actor: Actor,
    patient_id: object,
    template_id: object,
    signed_name: str,
    signature_drawing: str = "",
    photo_uses: Iterable[str] = (),
    ip: str | None = None,
    signer: str = Consent.Signer.PATIENT,
    signer_relationship: str = "",
    terms: Mapping[str, object] | None = None,
) -> Consent:
    """Record a signature on the active version of a consent template.

    The typed name is the signature and always required: the patient's full name as on
    their record, or, for a representative (`signer`), their own full name and how they are
    related to the patient. A drawn signature (PNG data URL, at most 200 kB) may accompany it.
    `ip` is the client address as the server saw it; `terms`, the course and price a treatment
    consent was shown with, are kept with it.
    """
    patient = patient_in_scope(actor, patient_id, Permission.CONSENT_RECORD)
    template = consent_template_in_scope(actor, template_id)
    if patient.archived:
        raise ValidationError("This patient's record is archived; restore it to record consent.")
    if not template.active:
        raise ValidationError(
            f"Version {template.version} of this consent has been replaced; "
            "read and sign the current version."
        )
    errors: dict[str, str] = {}
    signed_name, signer_relationship = signed_name.strip(), signer_relationship.strip()
    errors.update(_signer_problems(patient, signer, signed_name, signer_relationship))
    signature_drawing = (signature_drawing or "").strip()
    problem = _signature_problem(signature_drawing) if signature_drawing else None
    if problem:
        errors["signature_drawing"] = problem
    try:
        uses = _photo_uses(template.kind, photo_uses)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        clinic=actor.clinic,
        patient=patient,
        template=template,
        signer=signer,
        signer_relationship=signer_relationship,
        signed_name=signed_name,
        signature_drawing=signature_drawing,
        signed_at=timezone.now(),
        signed_ip=ip or None,
        photo_uses=uses,
        terms=dict(terms or {}),
        recorded_by=actor.user,
    )
    consent.full_clean(exclude=["clinic", "patient", "template", "recorded_by"])
    consent.save()
    audit_record(
        actor,
        "consent.sign",
        "consent",
        consent.pk,
        detail={
            "patient": str(patient.pk),
            "kind": template.kind,
            "template": template.pk,
            "version": template.version,
            "photo_uses": uses,
            "drawn": bool(signature_drawing),
            "signer": signer,
            "terms": bool(terms),
        },
    )
    return consent


def name_key(name: str) -> str:
    """A name compared as a person reads it: case, accents, spacing and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def _signer_problems(
    patient: Patient, signer: str, signed_name: str, relationship: str
) -> dict[str, str]:
    if signer not in Consent.Signer.values:
        return {"signer": "Choose who signs: the patient or their representative."}
    if signer == Consent.Signer.PATIENT:
        if name_key(signed_name) != name_key(patient.full_name):
            return {"signed_name": f"Type the patient's full name, {patient.full_name}, to sign."}
        return {}
    problems = {}
    if len(name_key(signed_name).split()) < 2:
        problems["signed_name"] = "Type the representative's full name (given and family name)."
    if not relationship:
        problems["signer_relationship"] = "Say how the representative is related to the patient."
    return problems


@transaction.atomic
def consent_countersign(actor: Actor, consent_id: object) -> Consent:
    """The practitioner countersigns a consent in force (once; audited)."""
    consent = consent_in_scope(actor, consent_id, Permission.CONSENT_COUNTERSIGN, for_update=True)
    if consent.revoked_at is not None:
        raise ValidationError("This consent has been withdrawn.")
    if consent.countersigned_at is not None:
        raise ValidationError("This consent is already countersigned.")
    consent.countersigned_by = actor.user.staff
    consent.countersigned_at = timezone.now()
    consent.save(update_fields=["countersigned_by", "countersigned_at"])
    audit_record(
        actor,
        "consent.countersign",
        "consent",
        consent.pk,
        detail={"patient": str(consent.patient_id)},
    )
    return consent


@transaction.atomic
def consent_revoke(
    actor: Actor, consent_id: object, reason: str, uses: Iterable[str] | None = None
) -> Consent:
    """Withdraw a consent, or (photo consent) only some of its uses.

    Staff record a revocation however the patient asked for it (a reason is required); a
    patient may withdraw their own photo consent or any of its uses (the reason is optional).
    Withdrawing what is already withdrawn changes nothing.
    """
    consent = consent_in_scope(actor, consent_id, Permission.CONSENT_RECORD, for_update=True)
    kind = consent.template.kind
    if actor.role is Role.PATIENT and kind != ConsentKind.PHOTO:
        raise PermissionDenied(
            "To withdraw your consent to treatment, please tell the clinic; they will record it."
        )
    reason = reason.strip()
    if not reason:
        if actor.role is not Role.PATIENT:
            raise ValidationError(
                {"reason": "Record why, or how the patient asked (e.g. by phone)."}
            )
        reason = PATIENT_REVOKE_REASON
    remaining = consent.uses_now
    if consent.revoked_at is not None:
        return consent
    if kind == ConsentKind.PHOTO and uses is not None:
        asked = set(uses)
        unknown = sorted(asked - set(PhotoUse.values))
        if unknown:
            raise ValidationError({"uses": f"Unknown photo use: {', '.join(unknown)}."})
        if not asked:
            raise ValidationError({"uses": "Choose at least one use to withdraw."})
        withdrawn = [use for use in remaining if use in asked]
        if not withdrawn:
            return consent
    elif uses:
        raise ValidationError({"uses": "A treatment consent is withdrawn as a whole."})
    else:
        withdrawn = remaining
    now = timezone.now()
    ConsentRevocation.objects.create(
        clinic=actor.clinic,
        consent=consent,
        uses=withdrawn,
        reason=reason,
        revoked_at=now,
        recorded_by=actor.user,
    )
    whole = set(withdrawn) == set(remaining)
    if whole:
        consent.revoked_at, consent.revoked_reason = now, reason
        consent.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(
        actor,
        "consent.revoke",
        "consent",
        consent.pk,
        detail={
            "patient": str(consent.patient_id),
            "kind": kind,
            "uses": withdrawn,
            "whole": whole,
        },
    )
    return consent_in_scope(actor, consent.pk, Permission.CONSENT_RECORD)
