"""Photos: upload (ingest, consent, quality gate), storage without metadata, the display
gate under the consent they were taken with, tenancy, archive, never floating."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from PIL import Image

from needlepoint.patients.consents import consent_revoke
from needlepoint.photos import selectors, services, storage
from needlepoint.photos.models import Photo
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor
from tests.factories import PatientFactory, UserFactory
from tests.photos import helpers


def upload(member, session, data: bytes, name: str = "IMG_0001.JPG", **options):  # type: ignore[no-untyped-def]
    return services.photo_upload(as_actor(member), data, name, session_id=session.pk, **options)


def stored_files(photo_dir) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in photo_dir.iterdir()) if photo_dir.exists() else []


def test_photo_from_a_phone_is_stored_upright_without_any_metadata(
    practitioner, session, consent, photo_dir
):
    photo = upload(practitioner, session, helpers.sideways_close_up_with_exif())

    assert (photo.attachment, photo.session_id, photo.checkin_id) == ("session", session.pk, None)
    assert (photo.clinic, photo.patient_id) == (session.clinic, session.patient_id)
    assert (photo.width, photo.height) == (900, 1020)  # EXIF orientation 6 applied
    content = (photo_dir / photo.file_name).read_bytes()
    stored = Image.open(io.BytesIO(content))
    assert stored.size == (900, 1020)
    assert len(stored.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
    for marker in (b"Exif\x00\x00", helpers.CAMERA_MAKER.encode(), b"GPS"):
        assert marker not in content
    assert photo.sha256 == hashlib.sha256(content).hexdigest()
    assert {"exif", "gps"} <= set(photo.metadata_removed)
    assert photo.file_name.endswith(".jpg")
    assert "IMG_0001" not in photo.file_name
    # The capture time from the camera (10:30 at UTC+2), not the upload time.
    assert photo.captured_at == datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    assert photo.captured_at_from_camera
    assert (photo.consent, photo.consent_uses) == (consent, ["clinical_record"])
    assert photo.quality_passed
    assert not photo.kept_despite_quality
    assert photo.pose == "frontal"
    assert not photo.pose_confirmed
    assert photo.analysis["face_found"] is True
    assert photo.analysis["zones"]["left_cheek"]["pixels"] > 3000
    assert (
        "ITA" in photo.analysis["basis"]["ita_deg"]
        or "arctan" in photo.analysis["basis"]["ita_deg"]
    )
    assert photo.quality["passed"] is True
    event = AuditEvent.objects.filter(action="photo.upload").get()
    assert event.object_id == str(session.patient_id)
    assert event.detail["photo"] == str(photo.pk)
    assert audit_verify().broken_event_id is None


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [(helpers.astronaut_png, "astronaut.png", "png"), (helpers.astronaut_jpeg, "a.jpeg", "jpeg")],
)
def test_a_small_face_fails_the_gate_unless_the_practitioner_keeps_it(
    practitioner, session, consent, photo_dir, data, name, fmt
):
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, data(), name)
    assert refused.value.refusal == "quality"
    assert refused.value.reason.startswith("The photo was not saved")
    assert any("move closer" in text for text in refused.value.instructions)
    assert not Photo.objects.exists()
    assert stored_files(photo_dir) == []

    photo = upload(practitioner, session, data(), name, keep_anyway=True)
    assert photo.kept_despite_quality
    assert not photo.quality_passed
    assert photo.source_format == fmt
    assert photo.analysis["face_found"] is True
    assert set(photo.analysis["zones"]) == {
        "forehead", "nose", "left_cheek", "right_cheek", "perioral", "chin"
    }  # fmt: skip
    assert stored_files(photo_dir) == [photo.file_name]


def test_a_named_pose_is_checked_and_recorded_as_confirmed(practitioner, session, consent):
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, helpers.close_up(), pose="left_oblique")
    assert any("turn the head" in text for text in refused.value.instructions)
    photo = upload(practitioner, session, helpers.close_up(), pose="frontal")
    assert (photo.pose, photo.pose_confirmed) == ("frontal", True)


@pytest.mark.parametrize("uses", [None, ("teaching", "marketing")])
def test_refused_without_a_photo_consent_for_the_clinical_record(
    admin, practitioner, patient, session, photo_dir, uses
):
    if uses:
        helpers.photo_consent(admin, patient, uses)
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, helpers.close_up())
    assert refused.value.refusal == "no_photo_consent"
    assert "photo consent" in refused.value.reason
    assert not Photo.objects.exists()
    assert stored_files(photo_dir) == []
    event = AuditEvent.objects.filter(action="photo.refuse").get()
    assert event.detail["refusal"] == "no_photo_consent"


def test_truncated_jpeg_is_refused_with_a_clear_reason_and_nothing_stored(
    practitioner, session, consent, photo_dir
):
    data = helpers.close_up()
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, data[: len(data) // 2])
    assert refused.value.refusal == "truncated"
    assert refused.value.reason == (
        "The photo was not saved: the photo file is incomplete (cut off during upload or copy): "
        "send the whole file again."
    )
    assert not Photo.objects.exists()
    assert stored_files(photo_dir) == []


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "scan.jpg", "not_an_image"),
        (helpers.close_up(), "photo.png", "extension_mismatch"),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_files_that_are_not_camera_photos_are_refused(
    practitioner, session, consent, photo_dir, data, name, code
):
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, data, name)
    assert refused.value.refusal == code
    assert stored_files(photo_dir) == []


def test_a_file_larger_than_the_limit_is_not_read_past_it(
    practitioner, session, consent, photo_dir, monkeypatch
):
    from needlepoint.imaging import IngestLimits

    monkeypatch.setattr(services, "INGEST_LIMITS", IngestLimits(max_bytes=1000))
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, io.BytesIO(helpers.close_up()))  # type: ignore[arg-type]
    assert refused.value.refusal == "too_large"


def test_no_face_is_refused_with_the_gates_instruction(practitioner, session, consent):
    with pytest.raises(services.PhotoRefused) as refused:
        upload(practitioner, session, helpers.no_face())
    assert refused.value.refusal == "no_face"
    assert "whole face should be in the photo" in " ".join(refused.value.instructions)
    kept = upload(practitioner, session, helpers.no_face(), keep_anyway=True, pose="frontal")
    assert kept.analysis["face_found"] is False
    assert kept.quality["checks"] == {}


def test_only_practitioners_add_photos_to_sessions(admin, front_desk, session, consent):
    for member in (admin, front_desk):
        with pytest.raises(PermissionDenied):
            upload(member, session, helpers.close_up())


def test_a_photo_is_never_floating(practitioner, session, consent):
    photo = upload(practitioner, session, helpers.close_up())
    for changes in ({"session": None}, {"checkin_id": 1}, {"attachment": "checkin"}):
        copy = Photo.objects.get(pk=photo.pk)
        for name, value in changes.items():
            setattr(copy, name, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()
    with pytest.raises(ValueError, match="exactly one"):
        services.photo_upload(as_actor(practitioner), b"", "x.jpg")


def test_shown_only_while_its_consent_allows_the_clinical_record(
    admin, practitioner, patient, session, consent
):
    actor = as_actor(practitioner)
    photo = upload(practitioner, session, helpers.close_up())
    with selectors.access_photo_file(actor, photo.pk)[1] as stored:
        assert stored.read() == storage.read(photo.file_name)

    # Signing a newer photo consent does not change what this photo was taken under.
    helpers.photo_consent(admin, patient, ("clinical_record", "teaching"))
    assert selectors.photo_shown(selectors.photo_in_scope(actor, photo.pk))

    consent_revoke(as_actor(admin), consent.pk, "Patient asked by phone", uses=["clinical_record"])
    hidden = selectors.photo_in_scope(actor, photo.pk)
    assert not selectors.photo_shown(hidden)
    with pytest.raises(selectors.PhotoHidden, match="consent withdrawn"):
        selectors.access_photo_file(actor, photo.pk)
    assert AuditEvent.objects.filter(action="photo.image").count() == 2
    assert storage.photo_storage().exists(photo.file_name)  # hidden, not deleted


def test_other_clinics_and_other_patients_see_no_photo(
    practitioner, other_practitioner, portal_patient, session, consent
):
    photo = upload(practitioner, session, helpers.close_up())
    for actor in (as_actor(other_practitioner), as_actor(portal_patient)):
        for read in (selectors.access_photo, selectors.access_photo_file):
            with pytest.raises(Http404):
                read(actor, photo.pk)
    with pytest.raises(Http404):
        selectors.photo_in_scope(as_actor(practitioner), "not-a-uuid")
    with pytest.raises(Http404):
        upload(other_practitioner, session, helpers.close_up())


def test_archived_photos_are_kept_but_not_listed(practitioner, session, consent, photo_dir):
    actor = as_actor(practitioner)
    photo = upload(practitioner, session, helpers.close_up())
    with pytest.raises(ValidationError):
        services.photo_archive(actor, photo.pk, " ")
    archived = services.photo_archive(actor, photo.pk, "Duplicate of the earlier photo")
    assert archived.archived
    assert archived.archived_at
    assert selectors.access_patient_photos(actor, session.patient_id)[1] == []
    assert [p.pk for p in selectors.access_session_photos(actor, session.pk)[1]] == [photo.pk]
    assert stored_files(photo_dir) == [photo.file_name]
    assert AuditEvent.objects.filter(action="photo.archive").count() == 1


def test_a_cancelled_session_takes_no_photos(practitioner, session, consent):
    type(session).objects.filter(pk=session.pk).update(status="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        upload(practitioner, session, helpers.close_up())


def test_an_archived_patient_takes_no_photos(practitioner, patient, session, consent):
    type(patient).objects.filter(pk=patient.pk).update(archived=True)
    with pytest.raises(ValidationError, match="archived"):
        upload(practitioner, session, helpers.close_up())


def test_compare_lines_up_a_turned_follow_up_and_measures_the_change(
    practitioner, session, consent
):
    actor = as_actor(practitioner)
    baseline = upload(practitioner, session, helpers.close_up())
    followup = upload(practitioner, session, helpers.turned_close_up())
    result = selectors.access_photo_comparison(actor, session.patient_id, baseline.pk, followup.pk)
    body = result.to_json()
    assert body["pose"] == "frontal"
    transform = body["transform"]
    assert transform["scale"] == pytest.approx(1 / 1.05, abs=0.02)
    assert transform["rotation_deg"] == pytest.approx(-6.0, abs=1.0)
    # The same face, only moved: the colours per zone barely change.
    for zone, delta in body["zones"].items():
        assert abs(delta["delta_L"]) < 1.5, zone
        assert abs(delta["delta_a"]) < 1.5, zone
    assert "not_a_diagnosis" in body["basis"]
    aligned = Image.open(
        io.BytesIO(
            selectors.access_photo_aligned(actor, session.patient_id, baseline.pk, followup.pk)
        )
    )
    assert aligned.size == (baseline.width, baseline.height)
    with pytest.raises(ValidationError):
        selectors.access_photo_comparison(actor, session.patient_id, baseline.pk, baseline.pk)


def test_compare_uses_the_stored_landmarks_and_remeasures_only_photos_without_them(
    practitioner, session, consent, monkeypatch
):
    actor = as_actor(practitioner)
    baseline = upload(practitioner, session, helpers.close_up())
    followup = upload(practitioner, session, helpers.turned_close_up())
    assert len(baseline.landmarks) == 478
    assert len(baseline.landmarks[0]) == 3

    def measuring(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("measured again")

    monkeypatch.setattr(selectors, "analyze", measuring)
    stored = selectors.access_photo_comparison(
        actor, session.patient_id, baseline.pk, followup.pk
    ).to_json()
    assert stored["quality"] == {"baseline": True, "followup": True}
    Photo.objects.filter(pk=followup.pk).update(landmarks=None)  # stored before they were kept
    with pytest.raises(AssertionError, match="measured again"):
        selectors.access_photo_comparison(actor, session.patient_id, baseline.pk, followup.pk)

    monkeypatch.undo()
    again = selectors.access_photo_comparison(
        actor, session.patient_id, baseline.pk, followup.pk
    ).to_json()
    assert again["transform"]["scale"] == pytest.approx(stored["transform"]["scale"], abs=0.001)
    assert again["zones"] == stored["zones"]


def test_series_over_the_course_uses_the_stored_figures(practitioner, session, consent):
    actor = as_actor(practitioner)
    upload(practitioner, session, helpers.close_up())
    upload(practitioner, session, helpers.turned_close_up())
    _, photos = selectors.access_patient_photos(actor, session.patient_id, pose="frontal")
    measured, data = selectors.photo_series(photos)
    assert len(measured) == 2
    assert len(data.values["left_cheek"]["a"]) == 2
    assert data.change["left_cheek"]["a"][0] == 0


def test_patients_add_photos_only_to_their_own_check_ins(
    admin, practitioner, portal_patient, photo_dir
):
    from needlepoint.checkins.services import checkin_submit
    from tests.clinical_data import reported, treated_session

    session = treated_session(as_actor(practitioner), portal_patient.pk)
    helpers.photo_consent(admin, portal_patient)
    me = as_actor(portal_patient)
    checkin = checkin_submit(me, reported({"redness": 3, "swelling": 1, "pain": 1}))
    photo = services.photo_upload(me, helpers.close_up(), "me.jpg", checkin_id=checkin.pk)
    assert (photo.attachment, photo.checkin_id, photo.session_id) == ("checkin", checkin.pk, None)
    assert photo.uploaded_by == portal_patient.user
    # The portal's photos must pass the gate: "keep anyway" is for practitioners.
    with pytest.raises(services.PhotoRefused):
        services.photo_upload(
            me, helpers.astronaut_jpeg(), "me.jpg", checkin_id=checkin.pk, keep_anyway=True
        )
    with pytest.raises(PermissionDenied):
        services.photo_upload(me, helpers.close_up(), "me.jpg", session_id=session.pk)
    with pytest.raises(PermissionDenied):
        services.photo_upload(
            as_actor(practitioner), helpers.close_up(), "x.jpg", checkin_id=checkin.pk
        )
    neighbour = PatientFactory(clinic=portal_patient.clinic, user=UserFactory())
    with pytest.raises(Http404):
        services.photo_upload(
            as_actor(neighbour), helpers.close_up(), "x.jpg", checkin_id=checkin.pk
        )
