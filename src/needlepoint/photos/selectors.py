"""Reads of photos: scoped to the actor's clinic (patients: their own photos), audited, and
gated by consent: a photo is shown only while the consent it was taken under still allows
the clinical record (`photo_shown`). Comparisons measure the stored photos again with the
photo pipeline (the figures are for documentation and comparison, not a diagnosis)."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from PIL import Image

from needlepoint.checkins.models import CheckIn
from needlepoint.checkins.selectors import checkin_in_scope
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import session_in_scope
from needlepoint.imaging import (
    Analysis,
    Comparison,
    DecodedPhoto,
    FaceLandmarks,
    ImagingError,
    Series,
    analyze,
    compare,
    open_image,
    series,
    warp_onto,
)
from needlepoint.patients.models import Patient, PhotoUse
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.photos import storage
from needlepoint.photos.models import Photo
from needlepoint.safety.audit import audit_read

HIDDEN = "hidden: consent withdrawn"
# The figures charted over a course, each with what it is measured from.
CHART_METRICS = (
    ("a", "Redness, a*", "CIELAB a* (mean over the zone)"),
    ("ita_deg", "ITA°", "individual typology angle from the zone's mean L* and b*"),
    ("spot_count", "Dark spots", "regions darker than the surrounding skin"),
)
ALIGNED_JPEG_QUALITY = 90


class PhotoHidden(PermissionDenied):
    """The photo's consent no longer allows the clinical record: it is not shown."""

    def __init__(self) -> None:
        super().__init__(
            "Hidden: consent withdrawn. The consent this photo was taken under no longer "
            "allows photos in the clinical record."
        )


def photo_shown(photo: Photo) -> bool:
    """The display gate: the consent the photo was taken under still allows the clinical
    record now. Needs `consent__revocations` prefetched to avoid a query per photo."""
    return PhotoUse.CLINICAL_RECORD in photo.consent.uses_now


def _photos(actor: Actor) -> QuerySet[Photo]:
    """The photos the actor may see: a patient only their own, staff with clinical access
    every photo of their clinic."""
    photos = Photo.objects.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        actor.require(Permission.PATIENT_READ)
        photos = photos.filter(patient_id=actor.patient_id)
    else:
        actor.require(Permission.CLINICAL_READ)
    return photos.select_related(
        "patient", "consent", "session", "checkin", "uploaded_by"
    ).prefetch_related("consent__revocations")


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such photo.") from None


def photo_in_scope(actor: Actor, photo_id: object, *, for_update: bool = False) -> Photo:
    """One photo the actor may see, else 404; not audited (callers do)."""
    photos = _photos(actor)
    if for_update:
        photos = photos.select_for_update(of=("self",))
    key = _uuid(photo_id)
    photo = photos.filter(pk=key).first()
    if photo is None:
        raise OutOfScope("photo", key)
    return photo


def access_photo(actor: Actor, photo_id: object) -> Photo:
    """Read one photo's record (its metadata; its figures for staff): scoped and audited."""
    photo = photo_in_scope(actor, photo_id)
    audit_read(actor, "photo.read", "patient", photo.patient_id, detail={"photo": str(photo.pk)})
    return photo


def access_photo_file(actor: Actor, photo_id: object) -> tuple[Photo, File[bytes]]:
    """The stored file of a photo to send to the actor: scoped, consent-gated
    (`PhotoHidden`), and audited either way."""
    photo = photo_in_scope(actor, photo_id)
    shown = photo_shown(photo)
    audit_read(
        actor,
        "photo.image",
        "patient",
        photo.patient_id,
        detail={"photo": str(photo.pk), "shown": shown},
    )
    if not shown:
        raise PhotoHidden()
    return photo, storage.existing(photo.file_name)


def _access_listed(
    actor: Actor, photos: QuerySet[Photo], patient_id: object, detail: dict[str, object]
) -> list[Photo]:
    found = list(photos.defer("landmarks").order_by("captured_at", "uploaded_at"))
    audit_read(
        actor,
        "photo.list",
        "patient",
        patient_id,
        detail={**detail, "photos": [str(photo.pk) for photo in found]},
    )
    return found


def access_session_photos(actor: Actor, session_id: object) -> tuple[Session, list[Photo]]:
    """A session's photos (archived ones too, marked), for the clinic."""
    session = session_in_scope(actor, session_id, Permission.CLINICAL_READ)
    photos = _photos(actor).filter(session=session)
    return session, _access_listed(actor, photos, session.patient_id, {"session": session.pk})


def access_checkin_photos(actor: Actor, checkin_id: object) -> tuple[CheckIn, list[Photo]]:
    """A check-in's photos: the patient's own, or any of the clinic's for clinical staff."""
    checkin = checkin_in_scope(actor, checkin_id)
    photos = _photos(actor).filter(checkin=checkin, archived=False)
    return checkin, _access_listed(actor, photos, checkin.patient_id, {"checkin": checkin.pk})


def access_patient_photos(
    actor: Actor, patient_id: object, *, pose: str | None = None
) -> tuple[Patient, list[Photo]]:
    """A patient's photos over their course (not archived), oldest first; of one pose if
    given."""
    patient = patient_in_scope(actor, patient_id, actor.record_permission(Permission.CLINICAL_READ))
    photos = _photos(actor).filter(patient=patient, archived=False)
    if pose:
        photos = photos.filter(pose=pose)
    return patient, _access_listed(actor, photos, patient.pk, {"pose": pose or ""})


def baseline_photo(photos: list[Photo], pose: str) -> Photo | None:
    """The earliest shown photo of a pose: what follow-ups are lined up with."""
    return next((p for p in photos if p.pose == pose and photo_shown(p)), None)


# ---------------------------------------------------------------- comparing two photos


@dataclass(frozen=True)
class PhotoComparison:
    """A follow-up photo against a baseline photo of the same patient and pose."""

    baseline: Photo
    followup: Photo
    comparison: Comparison

    def to_json(self) -> dict[str, object]:
        return {
            "baseline_id": str(self.baseline.pk),
            "followup_id": str(self.followup.pk),
            **self.comparison.to_json(),
            "quality": {
                "baseline": self.baseline.quality_passed,
                "followup": self.followup.quality_passed,
            },
            "basis": self.comparison.baseline.settings.basis(),
        }


def _pair(
    actor: Actor, patient_id: object, baseline_id: object, followup_id: object
) -> tuple[Photo, Photo]:
    patient = patient_in_scope(actor, patient_id, actor.record_permission(Permission.CLINICAL_READ))
    baseline = photo_in_scope(actor, baseline_id)
    followup = photo_in_scope(actor, followup_id)
    if baseline.patient_id != patient.pk or followup.patient_id != patient.pk:
        raise Http404("No such photo.")
    if baseline.pk == followup.pk:
        raise ValidationError({"followup": "Choose a follow-up photo other than the baseline."})
    if not (photo_shown(baseline) and photo_shown(followup)):
        raise PhotoHidden()
    if baseline.pose != followup.pose:
        raise ValidationError(
            {
                "followup": f"The photos show different poses (baseline {baseline.pose or '?'}, "
                f"follow-up {followup.pose or '?'}): compare photos of the same pose."
            }
        )
    return baseline, followup


def _decoded(photo: Photo) -> DecodedPhoto:
    return open_image(storage.read(photo.file_name), photo.file_name)


def _analysis(photo: Photo) -> Analysis:
    """The photo's stored figures and landmarks; a photo stored without landmarks (before
    they were kept) is measured again."""
    if photo.landmarks is None and photo.analysis.get("face_found"):
        return analyze(_decoded(photo))
    landmarks = (
        None
        if photo.landmarks is None
        else FaceLandmarks.from_json(photo.landmarks, (photo.width, photo.height))
    )
    return Analysis.from_json(photo.analysis, landmarks)


def _comparison(baseline: Photo, followup: Photo) -> Comparison:
    try:
        return compare(_analysis(baseline), _analysis(followup))
    except ImagingError as error:
        raise ValidationError({"followup": str(error)}) from None


def access_photo_comparison(
    actor: Actor, patient_id: object, baseline_id: object, followup_id: object
) -> PhotoComparison:
    """Per-zone change of the follow-up relative to the baseline and the transform that
    lines it up; for clinical staff. Both photos are shown (consent) and of one pose."""
    actor.require(Permission.CLINICAL_READ)
    baseline, followup = _pair(actor, patient_id, baseline_id, followup_id)
    comparison = _comparison(baseline, followup)
    audit_read(
        actor,
        "photo.compare",
        "patient",
        baseline.patient_id,
        detail={"baseline": str(baseline.pk), "followup": str(followup.pk)},
    )
    return PhotoComparison(baseline, followup, comparison)


def lined_up(baseline: Photo, followup: Photo) -> Image.Image:
    """The follow-up photo warped onto the baseline's frame (the baseline's size), for
    callers that have passed the door and the consent gate for both; `ValidationError` when
    the two cannot be lined up."""
    comparison = _comparison(baseline, followup)
    moving = _decoded(followup).image
    aligned: Image.Image = warp_onto(
        moving, comparison.transform, (baseline.width, baseline.height)
    )
    return aligned


def access_photo_aligned(
    actor: Actor, patient_id: object, baseline_id: object, followup_id: object
) -> bytes:
    """The follow-up photo lined up with the baseline (the baseline's size), as JPEG; for
    clinical staff, and for a patient of their own photos (the portal's progress view)."""
    baseline, followup = _pair(actor, patient_id, baseline_id, followup_id)
    aligned = lined_up(baseline, followup)
    buffer = io.BytesIO()
    aligned.save(buffer, "JPEG", quality=ALIGNED_JPEG_QUALITY)
    audit_read(
        actor,
        "photo.aligned",
        "patient",
        baseline.patient_id,
        detail={"baseline": str(baseline.pk), "followup": str(followup.pk)},
    )
    return buffer.getvalue()


# ---------------------------------------------------------------- a course as a series


def photo_series(photos: list[Photo]) -> tuple[list[Photo], Series]:
    """The shown, measured photos among `photos` (already accessed) and their per-zone
    figures as a series, in order."""
    measured = [p for p in photos if photo_shown(p) and p.analysis.get("face_found")]
    points = [(p.captured_at.isoformat(), Analysis.from_json(p.analysis)) for p in measured]
    return measured, series(points)


@dataclass(frozen=True)
class MetricSeries:
    """One metric of a series of photos: per zone, (when the photo was taken, the value)."""

    metric: str
    title: str
    basis: str
    zones: dict[str, list[tuple[datetime, float | None]]]

    @property
    def times(self) -> list[datetime]:
        """When the photos were taken (every zone has a value or None for each)."""
        return [at for at, _ in next(iter(self.zones.values()))]


def metric_series(photos: list[Photo], data: Series) -> list[MetricSeries]:
    """The charted metrics of a series (`photo_series`' photos and figures), each zone's
    values paired with its photos' times; metrics no photo measured are left out."""
    times = [photo.captured_at for photo in photos]
    found = []
    for metric, title, basis in CHART_METRICS:
        zones = {
            zone: list(zip(times, metrics.get(metric, []), strict=True))
            for zone, metrics in data.values.items()
            if any(value is not None for value in metrics.get(metric, []))
        }
        if zones:
            found.append(MetricSeries(metric, title, basis, zones))
    return found
