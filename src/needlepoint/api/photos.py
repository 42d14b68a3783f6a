"""/api/v1: photos of sessions and check-ins, their pixels and comparisons.

Uploads are multipart. A refused upload stores nothing and answers 422 with the reason and
the quality gate's instructions in `errors` (`code` names the refusal). A photo whose consent
no longer allows the clinical record keeps its metadata but not its figures, and its image
answers 403 ("hidden: consent withdrawn"). Patients see their own photos without the
clinician's figures.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from needlepoint.api.auth import request_actor
from needlepoint.api.photo_schemas import (
    AnalysisOut,
    PairQualityOut,
    QualityOut,
    TransformOut,
    ZoneChangeOut,
)
from needlepoint.api.problems import problem
from needlepoint.api.schemas import ERRORS
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Role
from needlepoint.photos import selectors, services
from needlepoint.photos.models import Photo
from needlepoint.photos.responses import image_response

router = Router(tags=["photos"])

UPLOAD_DOC = {"description": "The photo (JPEG, PNG or HEIC, up to 40 MB) as multipart form data."}


class PhotoOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    attachment: str = Field(description="session or checkin")
    session_id: int | None
    checkin_id: int | None
    source: str
    sample: bool = Field(
        description="Sample data made by the demo from a public-domain portrait, not a patient's "
        "photo."
    )
    pose: str | None
    pose_confirmed: bool
    captured_at: datetime
    captured_at_from_camera: bool
    uploaded_at: datetime
    width: int
    height: int
    sha256: str
    consent_id: uuid.UUID
    consent_uses: list[str] = Field(description="The photo uses consented when it was taken.")
    quality_passed: bool
    kept_despite_quality: bool
    archived: bool
    shown: bool = Field(description="False when its consent no longer allows the record.")
    hidden_reason: str | None
    image_url: str | None
    quality: QualityOut | None = Field(
        description="The quality gate's checks (clinical staff, shown photos)."
    )
    analysis: AnalysisOut | None = Field(
        description="Per-zone figures with their basis (clinical staff, shown photos); for "
        "documentation and comparison, not a diagnosis or a scar grade."
    )


class PhotoFilter(Schema):
    pose: str | None = None


class CompareQuery(Schema):
    baseline: uuid.UUID
    followup: uuid.UUID


class ComparisonOut(Schema):
    baseline_id: uuid.UUID
    followup_id: uuid.UUID
    pose: str
    transform: TransformOut
    zones: dict[str, ZoneChangeOut] = Field(description="Follow-up minus baseline, per zone.")
    quality: PairQualityOut
    reference_zone: str
    basis: dict[str, str]


def _out(actor: Actor, photo: Photo) -> dict[str, Any]:
    shown = selectors.photo_shown(photo)
    figures = shown and actor.role is not Role.PATIENT
    return {
        "id": photo.pk,
        "patient_id": photo.patient_id,
        "attachment": photo.attachment,
        "session_id": photo.session_id,
        "checkin_id": photo.checkin_id,
        "source": photo.source,
        "sample": photo.sample,
        "pose": photo.pose or None,
        "pose_confirmed": photo.pose_confirmed,
        "captured_at": photo.captured_at,
        "captured_at_from_camera": photo.captured_at_from_camera,
        "uploaded_at": photo.uploaded_at,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "consent_id": photo.consent_id,
        "consent_uses": list(photo.consent_uses),
        "quality_passed": photo.quality_passed,
        "kept_despite_quality": photo.kept_despite_quality,
        "archived": photo.archived,
        "shown": shown,
        "hidden_reason": None if shown else selectors.HIDDEN,
        "image_url": reverse("api-v1:photo_image_read", args=[photo.pk]) if shown else None,
        "quality": photo.quality if figures else None,
        "analysis": photo.analysis if figures else None,
    }


def _refused(request: HttpRequest, refused: services.PhotoRefused) -> HttpResponse:
    errors = [{"field": "photo", "code": refused.refusal, "message": refused.reason}]
    errors += [
        {"field": "photo", "code": "instruction", "message": text} for text in refused.instructions
    ]
    return problem(request, 422, refused.reason, errors)


@router.post(
    "/sessions/{session_id}/photos",
    response={201: PhotoOut, **ERRORS},
    summary="Add a photo to a session (practitioners)",
    openapi_extra={"requestBody": UPLOAD_DOC},
)
def session_photo_upload(
    request: HttpRequest,
    session_id: int,
    photo: File[UploadedFile],
    pose: Form[str] = "",
    keep_anyway: Form[bool] = False,
    source: Form[str] = Photo.Source.UPLOAD,
) -> Any:
    actor = request_actor(request)
    try:
        stored = services.photo_upload(
            actor,
            photo,
            photo.name or "",
            session_id=session_id,
            pose=pose,
            keep_anyway=keep_anyway,
            source=source,
        )
    except services.PhotoRefused as refused:
        return _refused(request, refused)
    return Status(201, _out(actor, stored))


@router.post(
    "/checkins/{checkin_id}/photos",
    response={201: PhotoOut, **ERRORS},
    summary="Add a photo to my check-in (patients; it must pass the quality check)",
    openapi_extra={"requestBody": UPLOAD_DOC},
)
def checkin_photo_upload(request: HttpRequest, checkin_id: int, photo: File[UploadedFile]) -> Any:
    actor = request_actor(request)
    try:
        stored = services.photo_upload(actor, photo, photo.name or "", checkin_id=checkin_id)
    except services.PhotoRefused as refused:
        return _refused(request, refused)
    return Status(201, _out(actor, stored))


@router.get(
    "/patients/{patient_id}/photos",
    response={200: list[PhotoOut], **ERRORS},
    summary="A patient's photos, oldest first (archived ones left out)",
)
def patient_photo_list(
    request: HttpRequest, patient_id: uuid.UUID, filters: Query[PhotoFilter]
) -> list[dict[str, Any]]:
    actor = request_actor(request)
    _, photos = selectors.access_patient_photos(actor, patient_id, pose=filters.pose)
    return [_out(actor, photo) for photo in photos]


@router.get(
    "/patients/{patient_id}/photos/compare",
    response={200: ComparisonOut, **ERRORS},
    summary="Change per zone of a follow-up photo against a baseline photo of the same pose",
)
def photo_compare(
    request: HttpRequest, patient_id: uuid.UUID, query: Query[CompareQuery]
) -> dict[str, object]:
    result = selectors.access_photo_comparison(
        request_actor(request), patient_id, query.baseline, query.followup
    )
    return result.to_json()


@router.get(
    "/photos/{photo_id}",
    response={200: PhotoOut, **ERRORS},
    summary="A photo's record: metadata, and for clinical staff its quality and figures",
)
def photo_read(request: HttpRequest, photo_id: uuid.UUID) -> dict[str, Any]:
    actor = request_actor(request)
    return _out(actor, selectors.access_photo(actor, photo_id))


@router.get(
    "/photos/{photo_id}/image",
    response={200: None, **ERRORS},
    summary="A photo's image (JPEG without metadata); 403 when its consent was withdrawn",
    openapi_extra={"responses": {200: {"description": "JPEG", "content": {"image/jpeg": {}}}}},
)
def photo_image_read(request: HttpRequest, photo_id: uuid.UUID) -> HttpResponseBase:
    return image_response(*selectors.access_photo_file(request_actor(request), photo_id))
