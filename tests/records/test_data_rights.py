"""A patient's data rights: a clinic admin exports the whole record, and erases it once the
clinic's retention period allows (at once when created in error), keeping a tombstone and
the audit trail, never the content."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse

from needlepoint.accounts.models import User
from needlepoint.checkins.services import checkin_submit
from needlepoint.notify.services import calendar_feed_renew
from needlepoint.patients.models import Patient, PatientTombstone
from needlepoint.photos import services as photos
from needlepoint.photos import storage
from needlepoint.records.export import access_patient_export
from needlepoint.records.patient_rows import PATIENT_ROWS, patient_rows
from needlepoint.records.services import patient_erase
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor, signed_in
from tests.photos.helpers import astronaut_jpeg, photo_consent


@pytest.fixture
def record(settings, tmp_path, admin, practitioner, portal_patient):  # type: ignore[no-untyped-def]
    """A portal patient with a signed session, a photo, an alert and a calendar address."""
    settings.PHOTO_DIR = tmp_path / "photos"
    session = treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=30)
    photo_consent(admin, portal_patient)
    photo = photos.photo_upload(
        as_actor(practitioner), astronaut_jpeg(), "a.jpg", session_id=session.pk, keep_anyway=True
    )
    checkin_submit(as_actor(portal_patient), reported({"pus": True}))
    calendar_feed_renew(as_actor(portal_patient), portal_patient.pk)
    return photo


def test_every_model_that_reaches_a_patient_is_exported_and_erased():
    listed = {model for model, _ in PATIENT_ROWS}
    for model in apps.get_models():
        reaches = {
            field.related_model
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey) and field.related_model in listed
        }
        if reaches and model not in listed:
            pytest.fail(f"{model._meta.label} refers to {reaches} but is not in PATIENT_ROWS")


def test_export_holds_every_row_and_photo_file_without_secrets(admin, portal_patient, record):
    before = AuditEvent.objects.order_by("pk").last()
    exported = access_patient_export(as_actor(admin), portal_patient.pk)
    assert exported.file_name == f"{portal_patient.record_number}-record.zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        data = json.loads(archive.read("record.json"))
        photo = data["photos"][0]
        assert archive.read(photo["file"]) == storage.read(record.file_name)
    expected = {
        model._meta.label_lower: rows.count() for model, rows in patient_rows(portal_patient)
    }
    assert {label: len(rows) for label, rows in data["rows"].items()} == expected
    for label in ("courses.session", "photos.photo", "checkins.alert", "notify.calendarfeed"):
        assert expected[label] >= 1, label
    assert data["rows"]["patients.patient"][0]["fields"]["given_name"] == "Paula"
    assert "token_digest" not in data["rows"]["notify.calendarfeed"][0]["fields"]
    assert "nonce" not in data["rows"]["notify.calendarfeed"][0]["fields"]
    events = AuditEvent.objects.filter(pk__gt=before.pk if before else 0)
    assert [(e.action, e.object_id) for e in events] == [("patient.export", str(portal_patient.pk))]


def test_only_a_clinic_admin_of_the_clinic_exports_or_erases(
    practitioner, front_desk, portal_patient, other_clinic
):
    from tests.factories import StaffFactory

    for member in (practitioner, front_desk):
        with pytest.raises(PermissionDenied):
            access_patient_export(as_actor(member), portal_patient.pk)
        with pytest.raises(PermissionDenied):
            patient_erase(as_actor(member), portal_patient.pk, "asked", created_in_error=True)
    other_admin = StaffFactory(clinic=other_clinic, role="clinic_admin")
    with pytest.raises(Http404):
        access_patient_export(as_actor(other_admin), portal_patient.pk)
    with pytest.raises(Http404):
        patient_erase(as_actor(other_admin), portal_patient.pk, "asked", created_in_error=True)


def test_erasure_waits_for_the_retention_period(admin, portal_patient, record):
    with pytest.raises(ValidationError, match="8 years after the last treatment"):
        patient_erase(as_actor(admin), portal_patient.pk, "The patient asked.")
    with pytest.raises(ValidationError, match="Say why"):
        patient_erase(as_actor(admin), portal_patient.pk, "  ", created_in_error=True)
    assert Patient.objects.filter(pk=portal_patient.pk).exists()
    assert storage.photo_storage().exists(record.file_name)


def test_erasure_after_the_retention_period_needs_no_error_flag(
    admin, practitioner, patient, settings, tmp_path
):
    settings.PHOTO_DIR = tmp_path / "photos"
    patient.clinic.record_retention_years = 1
    patient.clinic.save()
    treated_session(as_actor(practitioner), patient.pk, hours_ago=400 * 24)
    Patient.objects.filter(pk=patient.pk).update(
        created_at=patient.created_at - timedelta(days=400)
    )
    patient_erase(as_actor(admin), patient.pk, "Retention period over.")
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_erasing_a_record_created_in_error_leaves_no_content(
    admin, portal_patient, record, django_capture_on_commit_callbacks
):
    rows = list(patient_rows(portal_patient))
    about = AuditEvent.objects.filter(object_id=str(portal_patient.pk)).count()
    with django_capture_on_commit_callbacks(execute=True):
        tombstone = patient_erase(
            as_actor(admin), portal_patient.pk, "Duplicate of DC-0001", created_in_error=True
        )
    assert [(model._meta.label, queryset.count()) for model, queryset in rows] == [
        (model._meta.label, 0) for model, _ in rows
    ]
    assert not storage.photo_storage().exists(record.file_name)
    assert not User.objects.filter(email="patient@example.test").exists()
    assert PatientTombstone.objects.get() == tombstone
    assert (tombstone.pk, tombstone.record_number, tombstone.erased_by) == (
        portal_patient.pk,
        portal_patient.record_number,
        admin.user,
    )
    assert tombstone.created_in_error
    kept = AuditEvent.objects.filter(object_id=str(portal_patient.pk))
    assert kept.count() == about + 1
    erased = kept.order_by("-pk").first()
    assert erased is not None
    assert erased.action == "patient.erase"
    assert erased.detail["rows"]["courses.session"] == 3  # the course's three sessions
    assert audit_verify().intact


def test_pages_export_and_erase_for_the_admin_only(admin, practitioner, portal_patient, record):
    detail = signed_in(admin).get(reverse("patient-detail", args=[portal_patient.pk]))
    assert reverse("patient-export", args=[portal_patient.pk]) in detail.content.decode()
    download = signed_in(admin).get(reverse("patient-export", args=[portal_patient.pk]))
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(download.content)).read("record.json")
    assert (
        signed_in(practitioner).get(reverse("patient-export", args=[portal_patient.pk])).status_code
        == 403
    )
    erase = reverse("patient-erase", args=[portal_patient.pk])
    assert (
        signed_in(practitioner).post(erase, {"reason": "x", "created_in_error": "on"}).status_code
        == 403
    )
    refused = signed_in(admin).post(erase, {"reason": "Asked"})
    assert "may be erased from" in refused.content.decode()
    done = signed_in(admin).post(erase, {"reason": "Duplicate", "created_in_error": "on"})
    assert done.status_code == 302
    assert not Patient.objects.filter(pk=portal_patient.pk).exists()


def test_cli_export_for_a_clinic_admin(admin, practitioner, patient, tmp_path):
    from click.testing import CliRunner

    from needlepoint.cli.main import cli

    out = tmp_path / "record.zip"
    command = ["patient", "export", "--record", patient.record_number, "--out", str(out)]
    done = CliRunner().invoke(cli, [*command, "--email", admin.user.email])
    assert done.exit_code == 0, done.output
    assert json.loads(zipfile.ZipFile(out).read("record.json"))["record_number"] == (
        patient.record_number
    )
    assert out.stat().st_mode & 0o777 == 0o600
    command[-1] = str(tmp_path / "other.zip")
    refused = CliRunner().invoke(cli, [*command, "--email", practitioner.user.email])
    assert refused.exit_code == 2
    assert "may not do this" in refused.output
