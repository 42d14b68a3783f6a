"""Writes of photos: upload (ingest, analysis, quality gate, consent) and archive; audited.

An upload is checked in this order and refused with a plain reason, storing nothing, when:
the patient has no photo consent that allows the clinical record; the file is not a usable
photo (ingest's `ImageRejected`: not an image, disguised, truncated, too large, a
decompression bomb); the quality gate fails (no face, too small, blurred, badly lit, wrong
pose), unless a practitioner keeps it anyway. Portal uploads must pass the gate.

Decoding and measuring take a fraction of a second to a second, so they run before the
transaction; the consent is checked again, under a row lock, inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.checkins.models import CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import session_in_scope
from needlepoint.imaging import (
    POSES,
    Analysis,
    AnalysisSettings,
    ImageRejected,
    IngestedImage,
    IngestLimits,
    analyze,
    ingest,
)
from needlepoint.patients.models import Consent, ConsentKind, Patient, PhotoUse
from needlepoint.patients.selectors import consent_status
from needlepoint.photos import storage
from needlepoint.photos.models import Photo
from needlepoint.photos.selectors import photo_in_scope
from needlepoint.safety.audit import audit_record

ANALYSIS_SETTINGS = AnalysisSettings()
INGEST_LIMITS = IngestLimits()
# A camera clock a little ahead of the server's is normal; much further, it is wrong.
CLOCK_TOLERANCE = timedelta(hours=1)


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class PhotoRefused(ValidationError):
    """An upload that was refused; nothing was stored.

    `reason` is one plain sentence ("The photo was not saved: " + `what`), `instructions`
    what to do about it (the quality gate's, for the person holding the camera), `refusal`
    a stable code for programs: no_photo_consent, the ingest codes (truncated,
    not_an_image, too_large, ...), no_face or quality.
    """

    def __init__(self, what: str, refusal: str, instructions: Sequence[str] = ()) -> None:
        self.what = what
        self.reason = f"The photo was not saved: {what}"
        self.refusal = refusal
        self.instructions = tuple(instructions)
        super().__init__({"photo": [self.reason, *self.instructions]})


def _photo_consent(patient: Patient, *, lock: bool = False) -> tuple[Consent, tuple[str, ...]]:
    """The photo consent in force now and its uses; refused unless it allows the record."""
    consents = Consent.objects.filter(clinic=patient.clinic_id, patient=patient)
    if lock:  # a revocation waits for this upload, or this upload sees the revocation
        list(
            consents.filter(template__kind=ConsentKind.PHOTO)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
    status = consent_status(consents.select_related("template").prefetch_related("revocations"))
    if status.photo is None or not status.allows_photo_use(PhotoUse.CLINICAL_RECORD):
        raise PhotoRefused(
            "there is no signed photo consent that allows photos in the clinical record.",
            "no_photo_consent",
        )
    return status.photo, status.photo_uses


def _gate(analysis: Analysis) -> tuple[bool, list[str], dict[str, object]]:
    """Whether the photo passed the quality gate, what to do if not, and the gate's JSON."""
    if analysis.quality is None:  # no face: nothing could be checked
        instructions = [analysis.reason or "no face found"]
        return False, instructions, {"passed": False, "instructions": instructions, "checks": {}}
    report = analysis.quality
    return report.passed, list(report.instructions), report.to_json()


def _captured_at(image: IngestedImage, actor: Actor, now: datetime) -> tuple[datetime, bool]:
    """The camera's capture time when it wrote one that is not in the future, else now."""
    if image.captured_at is None:
        return now, False
    taken = image.captured_at.aware(actor.zone).astimezone(UTC)
    if taken > now + CLOCK_TOLERANCE:
        return now, False
    return taken, True


def _target(
    actor: Actor, session_id: object | None, checkin_id: object | None
) -> tuple[Patient, Session | None, CheckIn | None]:
    if (session_id is None) == (checkin_id is None):
        raise ValueError("a photo is attached to exactly one session or one check-in")
    if session_id is not None:
        session = session_in_scope(actor, session_id, Permission.PHOTO_RECORD)
        if session.status == Session.Status.CANCELLED:
            raise ValidationError("This session was cancelled; add the photo to another session.")
        return session.patient, session, None
    actor.require(Permission.CHECKIN_SUBMIT)
    if actor.role is not Role.PATIENT:
        raise PermissionDenied("Patients add photos to their own check-ins.")
    key = record_key(checkin_id, "check-in")
    checkin = (
        CheckIn.objects.filter(clinic=actor.clinic, patient_id=actor.patient_id, pk=key)
        .select_related("patient")
        .first()
    )
    if checkin is None:
        raise OutOfScope("check-in", key, object_type="checkin")
    return checkin.patient, None, checkin


def photo_upload(
    actor: Actor,
    data: bytes | Readable,
    filename: str,
    *,
    session_id: object | None = None,
    checkin_id: object | None = None,
    pose: str = "",
    keep_anyway: bool = False,
    source: str = Photo.Source.UPLOAD,
    sample: bool = False,
) -> Photo:
    """Check, measure and store one photo attached to a session (practitioners) or to the
    patient's own check-in (patients). `pose`, when given, is the pose the photo should show:
    the gate checks it and it is recorded as confirmed. `data` is the file's bytes or an
    open file (read up to just past the size limit). `sample` marks the demo's sample data.
    Raises `PhotoRefused`."""
    patient, session, checkin = _target(actor, session_id, checkin_id)
    if patient.archived:
        raise ValidationError("This patient's record is archived; restore it to add photos.")
    if pose and pose not in POSES:
        raise ValidationError({"pose": f"Choose one of: {', '.join(POSES)}."})
    if source not in Photo.Source.values:
        raise ValidationError({"source": f"Choose one of: {', '.join(Photo.Source.values)}."})
    keep_anyway = keep_anyway and session is not None  # portal photos must pass the gate
    attached = {
        "session": session.pk if session else None,
        "checkin": checkin.pk if checkin else None,
    }
    try:
        _photo_consent(patient)
        if not isinstance(data, bytes):
            data = data.read(INGEST_LIMITS.max_bytes + 1)  # more is refused as too large
        try:
            image = ingest(data, filename, INGEST_LIMITS)
        except ImageRejected as error:
            raise PhotoRefused(f"{error.reason}.", error.code) from None
        analysis = analyze(image, expected_pose=pose or None, settings=ANALYSIS_SETTINGS)
        passed, instructions, quality = _gate(analysis)
        if not passed and not keep_anyway:
            if not analysis.face_found:
                raise PhotoRefused(
                    "no face could be measured in it.",
                    "no_face",
                    instructions,
                )
            raise PhotoRefused(
                "it is not good enough to measure and compare.",
                "quality",
                instructions,
            )
    except PhotoRefused as refused:
        audit_record(
            actor,
            "photo.refuse",
            "patient",
            patient.pk,
            detail={**attached, "refusal": refused.refusal},
        )
        raise
    now = timezone.now()
    captured_at, from_camera = _captured_at(image, actor, now)
    storage.store(image)
    try:
        with transaction.atomic():
            consent, uses = _photo_consent(patient, lock=True)
            photo = Photo.objects.create(
                clinic=actor.clinic,
                patient=patient,
                attachment=Photo.Attachment.SESSION if session else Photo.Attachment.CHECKIN,
                session=session,
                checkin=checkin,
                source=source,
                sample=sample,
                pose=pose or analysis.pose or "",
                pose_confirmed=bool(pose),
                captured_at=captured_at,
                captured_at_from_camera=from_camera,
                uploaded_by=actor.user,
                file_name=image.internal_name,
                width=image.width,
                height=image.height,
                sha256=image.sha256,
                source_format=image.source_format,
                metadata_removed=list(image.metadata_removed),
                consent=consent,
                consent_uses=list(uses),
                analysis=analysis.to_json(),
                landmarks=None if analysis.landmarks is None else analysis.landmarks.to_json(),
                quality=quality,
                quality_passed=passed,
                kept_despite_quality=not passed,
            )
            audit_record(
                actor,
                "photo.upload",
                "patient",
                patient.pk,
                detail={
                    "photo": str(photo.pk),
                    **attached,
                    "sha256": image.sha256,
                    "quality_passed": passed,
                    "consent": str(consent.pk),
                },
            )
    except BaseException:
        storage.discard(image.internal_name)
        raise
    return photo


@transaction.atomic
def photo_archive(actor: Actor, photo_id: object, reason: str) -> Photo:
    """Take a photo out of the lists and comparisons; its file and record are kept."""
    actor.require(Permission.PHOTO_RECORD)
    photo = photo_in_scope(actor, photo_id, for_update=True)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the photo is archived."})
    if photo.archived:
        return photo
    photo.archived, photo.archived_at, photo.archived_reason = True, timezone.now(), reason
    photo.save(update_fields=["archived", "archived_at", "archived_reason"])
    audit_record(
        actor, "photo.archive", "patient", photo.patient_id, detail={"photo": str(photo.pk)}
    )
    return photo
