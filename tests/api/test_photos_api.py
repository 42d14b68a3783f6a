"""The photo API: multipart upload with problem-details refusals, the record and its figures,
the image (consent-gated, audited, not cached), compare, tenancy and the patient's view."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from needlepoint.accounts.tokens import token_create
from needlepoint.checkins.services import checkin_submit
from needlepoint.patients.consents import consent_revoke
from needlepoint.photos.models import Photo
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor, signed_in
from tests.photos import helpers


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"
    return settings.PHOTO_DIR


@pytest.fixture
def session(practitioner, patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), patient.pk)


@pytest.fixture
def consent(admin, patient):  # type: ignore[no-untyped-def]
    return helpers.photo_consent(admin, patient)


def bearer(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_photo(client: Client, session_id: int, data: bytes, name: str = "p.jpg", **fields):  # type: ignore[no-untyped-def]
    photo = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post(f"/api/v1/sessions/{session_id}/photos", {"photo": photo, **fields})


def test_upload_read_and_fetch_the_image(practitioner, session, consent, photo_dir):
    api = bearer(practitioner)
    created = post_photo(api, session.pk, helpers.sideways_close_up_with_exif(), pose="frontal")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["attachment"] == "session"
    assert body["session_id"] == session.pk
    assert body["pose"] == "frontal"
    assert body["pose_confirmed"] is True
    assert body["sample"] is False
    assert datetime.fromisoformat(body["captured_at"]) == datetime(2026, 1, 15, 8, 30, tzinfo=UTC)
    assert body["captured_at_from_camera"] is True
    assert body["consent_id"] == str(consent.pk)
    assert body["consent_uses"] == ["clinical_record"]
    assert body["shown"] is True
    assert body["analysis"]["zones"]["left_cheek"]["pixels"] > 3000
    assert "not_a_diagnosis" in body["analysis"]["basis"]
    assert body["quality"]["passed"] is True

    read = api.get(f"/api/v1/photos/{body['id']}")
    assert read.status_code == 200
    assert read.json()["sha256"] == body["sha256"]
    image = api.get(body["image_url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "private, no-store"
    content = b"".join(image.streaming_content)
    assert Image.open(io.BytesIO(content)).size == (900, 1020)
    assert len(Image.open(io.BytesIO(content)).getexif()) == 0
    assert b"GPS" not in content
    assert AuditEvent.objects.filter(action="photo.image").count() == 1


def test_refusals_are_problem_details_with_the_gates_instructions(
    practitioner, session, consent, photo_dir
):
    api = bearer(practitioner)
    data = helpers.close_up()
    truncated = post_photo(api, session.pk, data[: len(data) // 2])
    assert truncated.status_code == 422
    assert truncated["Content-Type"] == "application/problem+json"
    problem = truncated.json()
    assert problem["detail"].startswith("The photo was not saved: the photo file is incomplete")
    assert problem["errors"][0]["code"] == "truncated"

    no_face = post_photo(api, session.pk, helpers.no_face()).json()
    assert no_face["errors"][0]["code"] == "no_face"
    instructions = [e["message"] for e in no_face["errors"] if e["code"] == "instruction"]
    assert any("whole face should be in the photo" in text for text in instructions)

    small = post_photo(api, session.pk, helpers.astronaut_jpeg())
    assert small.json()["errors"][0]["code"] == "quality"
    kept = post_photo(api, session.pk, helpers.astronaut_jpeg(), keep_anyway="true")
    assert kept.status_code == 201
    assert kept.json()["kept_despite_quality"] is True
    assert Photo.objects.count() == 1
    assert [p.name for p in photo_dir.iterdir()] == [Photo.objects.get().file_name]


def test_upload_without_photo_consent_is_refused(practitioner, session):
    response = post_photo(bearer(practitioner), session.pk, helpers.close_up())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "no_photo_consent"
    assert not Photo.objects.exists()


def test_compare_a_turned_and_scaled_follow_up(practitioner, session, consent):
    api = bearer(practitioner)
    baseline = post_photo(api, session.pk, helpers.close_up()).json()
    followup = post_photo(api, session.pk, helpers.turned_close_up()).json()
    url = f"/api/v1/patients/{session.patient_id}/photos/compare"
    response = api.get(url, {"baseline": baseline["id"], "followup": followup["id"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["baseline_id"], body["followup_id"]) == (baseline["id"], followup["id"])
    assert body["pose"] == "frontal"
    assert body["transform"]["scale"] == pytest.approx(1 / 1.05, abs=0.02)
    assert body["transform"]["rotation_deg"] == pytest.approx(-6.0, abs=1.0)
    assert body["transform"]["maps"] == "follow-up pixels onto baseline pixels"
    assert set(body["zones"]) == {
        "forehead", "nose", "left_cheek", "right_cheek", "perioral", "chin"
    }  # fmt: skip
    for zone, delta in body["zones"].items():
        assert abs(delta["delta_a"]) < 1.5, zone
        assert abs(delta["delta_ita"]) < 3, zone
    assert "ita_deg" in body["basis"]
    same = api.get(url, {"baseline": baseline["id"], "followup": baseline["id"]})
    assert same.status_code == 422
    listed = api.get(f"/api/v1/patients/{session.patient_id}/photos", {"pose": "frontal"})
    assert [p["id"] for p in listed.json()] == [baseline["id"], followup["id"]]


def test_hidden_after_the_clinical_record_use_is_withdrawn(admin, practitioner, session, consent):
    api = bearer(practitioner)
    photo = post_photo(api, session.pk, helpers.close_up()).json()
    other = post_photo(api, session.pk, helpers.turned_close_up()).json()
    consent_revoke(as_actor(admin), consent.pk, "Asked at the desk", uses=["clinical_record"])
    read = api.get(f"/api/v1/photos/{photo['id']}").json()
    assert read["shown"] is False
    assert read["hidden_reason"] == "hidden: consent withdrawn"
    assert read["analysis"] is None
    assert read["image_url"] is None
    image = api.get(f"/api/v1/photos/{photo['id']}/image")
    assert image.status_code == 403
    assert "consent withdrawn" in image.json()["detail"]
    compare = api.get(
        f"/api/v1/patients/{session.patient_id}/photos/compare",
        {"baseline": photo["id"], "followup": other["id"]},
    )
    assert compare.status_code == 403
    # New photos are refused too: the consent in force no longer allows the record.
    assert post_photo(api, session.pk, helpers.close_up()).status_code == 422


def test_other_clinics_get_404_everywhere(practitioner, other_practitioner, session, consent):
    photo = post_photo(bearer(practitioner), session.pk, helpers.close_up()).json()
    other = bearer(other_practitioner)
    for url in (
        f"/api/v1/photos/{photo['id']}",
        f"/api/v1/photos/{photo['id']}/image",
        f"/api/v1/patients/{session.patient_id}/photos",
        f"/api/v1/patients/{session.patient_id}/photos/compare?baseline={photo['id']}"
        f"&followup={photo['id']}",
    ):
        response = other.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
    assert post_photo(other, session.pk, helpers.close_up()).status_code == 404
    assert bearer(practitioner).get("/api/v1/photos/not-a-uuid").status_code == 422


def test_patients_add_check_in_photos_and_see_them_without_figures(
    admin, practitioner, portal_patient
):
    treated_session(as_actor(practitioner), portal_patient.pk)
    helpers.photo_consent(admin, portal_patient)
    checkin = checkin_submit(
        as_actor(portal_patient), reported({"redness": 2, "swelling": 1, "pain": 1})
    )
    me = signed_in(portal_patient)
    photo = SimpleUploadedFile("me.jpg", helpers.close_up(), content_type="image/jpeg")
    created = me.post(f"/api/v1/checkins/{checkin.pk}/photos", {"photo": photo})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["attachment"], body["checkin_id"]) == ("checkin", checkin.pk)
    assert body["analysis"] is None
    assert body["quality"] is None
    assert me.get(f"/api/v1/photos/{body['id']}/image").status_code == 200
    staff = bearer(practitioner).get(f"/api/v1/photos/{body['id']}").json()
    assert staff["analysis"]["face_found"] is True
    bad = SimpleUploadedFile("me.jpg", helpers.no_face(), content_type="image/jpeg")
    refused = me.post(f"/api/v1/checkins/{checkin.pk}/photos", {"photo": bad})
    assert refused.status_code == 422
    compare = f"/api/v1/patients/{portal_patient.pk}/photos/compare"
    query = {"baseline": body["id"], "followup": body["id"]}
    assert me.get(compare, query).status_code == 403  # the figures are for the clinic


def test_a_photo_whose_file_is_missing_is_a_404_that_says_so(
    practitioner, session, consent, photo_dir, caplog
):
    api = bearer(practitioner)
    baseline = post_photo(api, session.pk, helpers.close_up()).json()
    followup = post_photo(api, session.pk, helpers.turned_close_up()).json()
    (photo_dir / Photo.objects.get(pk=followup["id"]).file_name).unlink()

    image = api.get(followup["image_url"])
    assert image.status_code == 404
    assert "missing from storage" in image.json()["detail"]
    assert "photo file missing" in caplog.text  # the operator is told
    # The figures were kept: the comparison still answers, the aligned image cannot.
    pair = {"baseline": baseline["id"], "followup": followup["id"]}
    compare = api.get(f"/api/v1/patients/{session.patient_id}/photos/compare", pair)
    assert compare.status_code == 200
    page = signed_in(practitioner).get(f"/patients/{session.patient_id}/photos/aligned.jpg", pair)
    assert page.status_code == 404
