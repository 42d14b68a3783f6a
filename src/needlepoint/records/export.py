"""A patient's whole record, machine-readable: `record.json` (every row about them, as
Django's serializer writes rows: model, pk, fields) and the photos' files, in one zip."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers import serialize
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.photos import storage
from needlepoint.photos.models import Photo
from needlepoint.records.patient_rows import SECRET_FIELDS, patient_rows
from needlepoint.safety.audit import audit_read

EXPORT_FORMAT = 1


@dataclass(frozen=True)
class PatientExport:
    file_name: str
    content: bytes


def _photo_file(photo: Photo) -> bytes | None:
    try:
        return storage.read(photo.file_name)
    except storage.PhotoFileMissing:
        return None


def access_patient_export(actor: Actor, patient_id: object) -> PatientExport:
    """The patient's every row and photo file (a clinic admin's, audited once)."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_DATA_RIGHTS)
    rows: dict[str, list[object]] = {}
    for model, queryset in patient_rows(patient):
        secret = SECRET_FIELDS.get(model, set())
        fields = [f.name for f in model._meta.concrete_fields if f.name not in secret]
        rows[model._meta.label_lower] = serialize("python", queryset, fields=fields)
    buffer = io.BytesIO()
    photos = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for photo in Photo.objects.filter(patient=patient).order_by("captured_at"):
            data = _photo_file(photo)
            name = f"photos/{photo.pk}.{photo.file_name.rsplit('.', 1)[-1]}"
            if data is not None:
                archive.writestr(name, data)
            photos.append({"photo": str(photo.pk), "file": name if data else None})
        record = {
            "format": EXPORT_FORMAT,
            "exported_at": timezone.now(),
            "exported_by": actor.user.email,
            "clinic": {"id": patient.clinic_id, "name": patient.clinic.name},
            "patient": str(patient.pk),
            "record_number": patient.record_number,
            "photos": photos,
            "rows": rows,
        }
        archive.writestr("record.json", json.dumps(record, cls=DjangoJSONEncoder, indent=2))
    audit_read(
        actor,
        "patient.export",
        "patient",
        patient.pk,
        detail={"rows": {label: len(items) for label, items in rows.items()}},
    )
    return PatientExport(f"{patient.record_number}-record.zip", buffer.getvalue())
