"""Photos as mapper inputs: metadata, the per-zone metrics of their analysis, and a link to
the image behind the API's consent check (the bytes never go into an export)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from needlepoint.clinics.models import Clinic
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import photo, provenance
from needlepoint.interop.clinical import has_procedure, session_id
from needlepoint.interop.refs import person, with_person
from needlepoint.photos.models import Photo


def _zones(analysis: dict[str, Any]) -> tuple[photo.ZoneMeasure, ...]:
    return tuple(
        photo.ZoneMeasure(
            zone=zone,
            lightness=float(metrics["L"]),
            a_star=float(metrics["a"]),
            b_star=float(metrics["b"]),
            ita_deg=float(metrics["ita_deg"]),
            spot_count=int(metrics["spot_count"]),
            pixels=int(metrics["pixels"]),
        )
        for zone, metrics in (analysis.get("zones") or {}).items()
    )


def _part_of(record: Photo) -> tuple[str, str]:
    if record.session is not None:
        kind = "Procedure" if has_procedure(record.session.status) else "Appointment"
        return kind, session_id(record.session_id)
    return "QuestionnaireResponse", ids.of("checkin", record.checkin_id)


def photo_rows(clinic: Clinic) -> QuerySet[Photo]:
    rows = Photo.objects.filter(clinic=clinic).select_related("session")
    return with_person(rows, "uploaded_by", clinic.pk)


def photo_inputs(record: Photo, clinic: Clinic) -> Iterator[object]:
    photo_id = str(record.pk)
    operator = person(record, "uploaded_by")
    yield photo.Photo(
        id=photo_id,
        patient_id=str(record.patient_id),
        part_of=_part_of(record),
        operator=operator,
        captured_at=record.captured_at,
        width=record.width,
        height=record.height,
        url=reverse("api-v1:photo_image_read", args=[record.pk]),
        pose=record.pose,
        zones=_zones(record.analysis),
    )
    yield provenance.Record(
        ids.part(photo_id, "provenance"),
        (("Media", photo_id),),
        record.uploaded_at,
        (provenance.Agent("author", operator),),
    )
