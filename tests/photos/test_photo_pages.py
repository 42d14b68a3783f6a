"""Photo pages: the session's Photos section, upload and its refusals, the authorised image
view, the compare page and charts, the camera page, check-in photos in the portal and on the
alert, the timeline entry; tenancy and roles on every one."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from needlepoint.checkins.models import CheckIn
from needlepoint.patients.consents import consent_revoke
from needlepoint.photos import services
from needlepoint.photos.models import Photo
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import treated_session
from tests.conftest import as_actor, read_actions, signed_in
from tests.photos import helpers

HTMX = {"HTTP_HX_REQUEST": "true"}
EXPECTED = {"redness": "2", "swelling": "1", "pain": "1"}


def upload(member, session, data: bytes, **options):  # type: ignore[no-untyped-def]
    return services.photo_upload(as_actor(member), data, "x.jpg", session_id=session.pk, **options)


def jpeg_file(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_session_page_loads_its_photos_section(practitioner, session, consent):
    client = signed_in(practitioner)
    page = client.get(reverse("session-detail", args=[session.pk])).content.decode()
    assert f'hx-get="{reverse("session-photos", args=[session.pk])}"' in page

    photo = upload(practitioner, session, helpers.close_up())
    section = client.get(reverse("session-photos", args=[session.pk]), **HTMX)
    html = section.content.decode()
    assert section.status_code == 200
    assert "<html" not in html  # a fragment for the session page
    assert 'accept="image/*"' in html
    # No `capture`: a tablet then offers its camera or the photos already taken.
    assert "capture=" not in html
    assert reverse("session-photo-capture", args=[session.pk]) in html
    assert reverse("photo-image", args=[photo.pk]) in html
    assert "Frontal" in html
    assert "quality check passed" in html
    for heading in ("L*", "a*", "b*", "ITA°", "Spots", "Pixels"):
        assert f'<th scope="col">{heading}</th>' in html
    assert "ITA° = arctan((L*" in html
    assert "not a diagnosis or a scar grade" in html
    # Without HTMX it is a page of its own.
    assert "<html" in client.get(reverse("session-photos", args=[session.pk])).content.decode()


def test_upload_page_stores_a_photo_and_returns_to_the_session(practitioner, session, consent):
    client = signed_in(practitioner)
    response = client.post(
        reverse("session-photo-new", args=[session.pk]),
        {"photo": jpeg_file(helpers.close_up()), "pose": "frontal"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("session-detail", args=[session.pk]) + "#photos"
    photo = Photo.objects.get()
    assert (photo.pose, photo.pose_confirmed, photo.source) == ("frontal", True, "upload")


def test_refused_upload_shows_what_to_do_and_keeps_nothing(practitioner, session, consent):
    client = signed_in(practitioner)
    url = reverse("session-photo-new", args=[session.pk])
    response = client.post(url, {"photo": jpeg_file(helpers.astronaut_jpeg())})
    assert response.status_code == 422
    html = response.content.decode()
    assert "The photo was not saved: it is not good enough to measure and compare." in html
    assert "Move closer: the face should fill most of the frame" in html
    assert "Keep anyway" in html
    assert not Photo.objects.exists()

    data = helpers.close_up()
    truncated = client.post(url, {"photo": jpeg_file(data[: len(data) // 2])})
    assert truncated.status_code == 422
    assert "the photo file is incomplete" in truncated.content.decode()

    kept = client.post(url, {"photo": jpeg_file(helpers.astronaut_jpeg()), "keep_anyway": "on"})
    assert kept.status_code == 302
    assert Photo.objects.get().kept_despite_quality


def test_upload_without_photo_consent_is_refused_on_the_page(practitioner, session):
    client = signed_in(practitioner)
    section = client.get(reverse("session-photos", args=[session.pk]), **HTMX).content.decode()
    assert "No photo consent that allows the clinical record" in section
    response = client.post(
        reverse("session-photo-new", args=[session.pk]), {"photo": jpeg_file(helpers.close_up())}
    )
    assert response.status_code == 422
    assert "no signed photo consent" in response.content.decode()
    assert not Photo.objects.exists()


def test_the_image_is_served_privately_to_the_clinic_and_hidden_after_revocation(
    admin, practitioner, session, consent, photo_dir
):
    photo = upload(practitioner, session, helpers.close_up())
    client = signed_in(practitioner)
    url = reverse("photo-image", args=[photo.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == (photo_dir / photo.file_name).read_bytes()
    assert AuditEvent.objects.filter(action="photo.image", object_id=str(photo.patient_id)).exists()
    assert signed_in(admin).get(url).status_code == 200  # admins read clinical records

    consent_revoke(as_actor(admin), consent.pk, "Patient withdrew by e-mail")
    hidden = client.get(url)
    assert hidden.status_code == 403
    section = client.get(reverse("session-photos", args=[session.pk]), **HTMX).content.decode()
    assert "Hidden: consent withdrawn" in section
    assert url not in section
    timeline = client.get(reverse("patient-timeline", args=[session.patient_id])).content.decode()
    assert "Photo (frontal) with session 1" in timeline
    assert "hidden: consent withdrawn" in timeline


def test_photo_pages_answer_404_to_other_clinics_and_403_to_front_desk(
    practitioner, other_practitioner, front_desk, session, consent
):
    photo = upload(practitioner, session, helpers.close_up())
    urls = [
        reverse("photo-image", args=[photo.pk]),
        reverse("session-photos", args=[session.pk]),
        reverse("session-photo-capture", args=[session.pk]),
        reverse("patient-photo-compare", args=[session.patient_id]),
        reverse("photo-aligned", args=[session.patient_id])
        + f"?baseline={photo.pk}&followup={photo.pk}",
    ]
    other = signed_in(other_practitioner)
    for url in urls:
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("photo-archive", args=[photo.pk]), {"reason": "x"}).status_code == 404
    desk = signed_in(front_desk)
    for url in urls:
        assert desk.get(url).status_code == 403, url


def test_compare_page_lines_up_the_follow_up_and_charts_the_course(practitioner, session, consent):
    baseline = upload(practitioner, session, helpers.close_up())
    followup = upload(practitioner, session, helpers.turned_close_up())
    client = signed_in(practitioner)
    page = client.get(reverse("patient-photo-compare", args=[session.patient_id]))
    html = page.content.decode()
    assert page.status_code == 200
    aligned = (
        reverse("photo-aligned", args=[session.patient_id])
        + f"?baseline={baseline.pk}&amp;followup={followup.pk}"
    )
    assert aligned in html
    assert 'id="overlay-opacity"' in html
    assert 'id="slider-position"' in html
    assert "Change per zone (follow-up minus baseline)" in html
    assert '<th scope="row">Left cheek</th>' in html
    assert re.search(r"scale .0\.95\d", html)
    # One inline SVG chart per metric, a line per zone, a point per photo.
    for metric in ("a", "ita_deg", "spot_count"):
        assert f'data-chart="{metric}"' in html
    assert len(re.findall(r"<polyline ", html)) == 3 * 6
    assert html.count("<circle ") == 3 * 6 * 2

    image = client.get(aligned.replace("&amp;", "&"))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "private, no-store"
    assert "photo.compare" in read_actions()


def test_timeline_links_each_photo_to_the_compare_page(practitioner, session, consent):
    photo = upload(practitioner, session, helpers.close_up())
    html = signed_in(practitioner).get(reverse("patient-timeline", args=[session.patient_id]))
    link = reverse("patient-photo-compare", args=[session.patient_id]) + f"?followup={photo.pk}"
    assert link in html.content.decode()


def test_camera_page_has_the_baseline_as_ghost_for_its_pose(practitioner, session, consent):
    baseline = upload(practitioner, session, helpers.close_up())
    upload(practitioner, session, helpers.turned_close_up())
    html = signed_in(practitioner).get(reverse("session-photo-capture", args=[session.pk]))
    text = html.content.decode()
    assert f'value="frontal" data-ghost="{reverse("photo-image", args=[baseline.pk])}"' in text
    assert 'value="left_oblique" data-ghost=""' in text
    assert f'data-upload-url="/api/v1/sessions/{session.pk}/photos"' in text
    assert "photo-capture.js" in text


def test_archive_from_the_session_page(practitioner, session, consent):
    photo = upload(practitioner, session, helpers.close_up())
    client = signed_in(practitioner)
    response = client.post(reverse("photo-archive", args=[photo.pk]), {"reason": "Blurred copy"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.archived
    section = client.get(reverse("session-photos", args=[session.pk]), **HTMX).content.decode()
    assert "Archived photos (1)" in section


@pytest.fixture
def portal_session(admin, practitioner, portal_patient):  # type: ignore[no-untyped-def]
    helpers.photo_consent(admin, portal_patient)
    return treated_session(as_actor(practitioner), portal_patient.pk)


def test_portal_check_in_with_a_photo_that_passes_the_gate(portal_patient, portal_session):
    client = signed_in(portal_patient)
    form = client.get(reverse("portal-checkin-new")).content.decode()
    assert f'action="{reverse("portal-checkin-with-photo")}"' in form
    assert 'enctype="multipart/form-data"' in form
    assert 'name="photo"' in form
    response = client.post(
        reverse("portal-checkin-with-photo"),
        {**EXPECTED, "note": "", "photo": jpeg_file(helpers.close_up())},
        follow=True,
    )
    checkin = CheckIn.objects.get()
    photo = Photo.objects.get()
    assert (photo.checkin, photo.attachment, photo.session) == (checkin, "checkin", None)
    assert "Your photo was added to your check-in." in response.content.decode()
    fragment = client.get(reverse("portal-checkin-photos", args=[checkin.pk]), **HTMX)
    html = fragment.content.decode()
    assert reverse("portal-photo-image", args=[photo.pk]) in html
    assert "ITA" not in html  # patients see their photos, not the clinician's figures
    assert client.get(reverse("portal-photo-image", args=[photo.pk])).status_code == 200
    assert client.get(reverse("photo-image", args=[photo.pk])).status_code == 403  # staff URL


def test_portal_keeps_the_check_in_when_the_photo_is_refused(portal_patient, portal_session):
    client = signed_in(portal_patient)
    response = client.post(
        reverse("portal-checkin-with-photo"),
        {**EXPECTED, "note": "itchy", "photo": jpeg_file(helpers.no_face())},
        follow=True,
    )
    checkin = CheckIn.objects.get()
    assert response.redirect_chain[-1][0] == reverse("portal-checkin", args=[checkin.pk])
    html = response.content.decode()
    assert "Your check-in was sent to the clinic, but your photo was not added" in html
    assert "no face could be measured in it" in html
    assert "the whole face should be in the photo" in html
    assert not Photo.objects.exists()

    again = client.post(
        reverse("portal-checkin-photos", args=[checkin.pk]),
        {"photo": jpeg_file(helpers.close_up())},
        follow=True,
    )
    assert "Your photo was added to your check-in." in again.content.decode()
    assert Photo.objects.get().checkin == checkin


def test_portal_check_in_form_errors_keep_the_form(portal_patient, portal_session):
    client = signed_in(portal_patient)
    response = client.post(reverse("portal-checkin-with-photo"), {"redness": "12"})
    assert response.status_code == 200
    assert not CheckIn.objects.exists()
    assert client.get(reverse("portal-checkin-with-photo")).status_code == 302


def test_alert_page_shows_the_check_in_photos_to_the_clinic(
    practitioner, other_practitioner, portal_patient, portal_session
):
    client = signed_in(portal_patient)
    client.post(
        reverse("portal-checkin-with-photo"),
        {
            "redness": "2",
            "swelling": "1",
            "pain": "1",
            "pus": "on",
            "photo": jpeg_file(helpers.close_up()),
        },
    )
    checkin = CheckIn.objects.get()
    photo = Photo.objects.get()
    alert_page = signed_in(practitioner).get(reverse("alert-detail", args=[checkin.alert.pk]))
    assert reverse("checkin-photos", args=[checkin.pk]) in alert_page.content.decode()
    fragment = signed_in(practitioner).get(reverse("checkin-photos", args=[checkin.pk]), **HTMX)
    assert reverse("photo-image", args=[photo.pk]) in fragment.content.decode()
    assert (
        signed_in(other_practitioner).get(reverse("checkin-photos", args=[checkin.pk])).status_code
        == 404
    )
