"""The portal's "My progress": closed between milestones, the slider of two photos that may
be compared or the reason not, the studies' results with their citations unless a red flag
stands; a patient's own photos only, every read audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from needlepoint.checkins.services import checkin_submit
from needlepoint.outcomes.services import measure_response_record
from needlepoint.photos import services as photos
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import planned_course, reported, treat, treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, UserFactory
from tests.photos.helpers import close_up, photo_consent

WEEK, HOUR = timedelta(weeks=1), timedelta(hours=1)


@pytest.fixture(autouse=True)
def _photo_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"


@pytest.fixture
def course(admin, practitioner, portal_patient):  # type: ignore[no-untyped-def]
    """Three sessions four weeks apart, the first two done (the middle one: a milestone),
    each with a frontal photo that passes the checks."""
    actor = as_actor(practitioner)
    start = timezone.now() - timedelta(weeks=5)
    course = planned_course(actor, portal_patient.pk, first_session_at=start)
    photo_consent(admin, portal_patient)
    for number in (1, 2):
        session = treat(actor, course.sessions.get(number=number), start + (number - 1) * 4 * WEEK)
        photos.photo_upload(actor, close_up(), "p.jpg", session_id=session.pk, pose="frontal")
    return course


def page(patient) -> str:  # type: ignore[no-untyped-def]
    response = signed_in(patient).get(reverse("portal-progress"))
    assert response.status_code == 200
    return response.content.decode()


def test_closed_until_the_middle_session(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk)
    html = page(portal_patient)
    assert "opens at milestones of your course, not every day" in html
    assert "It opens next <strong>after session 2 of 3</strong>" in html
    assert "data-slider-control" not in html
    assert "data-study" not in html


def test_a_milestone_shows_the_slider_their_scores_and_the_studies_with_citations(
    portal_patient, course, django_assert_max_num_queries
):
    first = course.sessions.get(number=1).scheduled_at
    actor = as_actor(portal_patient)
    bother = {"scar_bother": {"scar_bother": 7}}
    measure_response_record(actor, course.pk, "baseline", None, bother, now=first - HOUR)
    later = {"scar_bother": {"scar_bother": 5}, "gais_patient": {"gais_patient": "improved"}}
    measure_response_record(actor, course.pk, "pre_session", 2, later, now=first + 4 * WEEK - HOUR)
    client = signed_in(portal_patient)
    with django_assert_max_num_queries(17):
        html = client.get(reverse("portal-progress")).content.decode()
    assert 'aria-current="page">After session 2 of 3</a>' in html
    assert "data-slider-control" in html
    aligned = html.split('id="slider-top" class="top" src="')[1].split('"')[0].replace("&amp;", "&")
    assert aligned.startswith(reverse("portal-photo-aligned"))
    image = client.get(aligned)
    assert (image.status_code, image["Content-Type"]) == (200, "image/jpeg")
    chart = html.split('data-chart="scar_bother"')[1].split("</figure>")[0]
    assert chart.count("<circle") == 2  # the patient's two answers
    assert 'data-chart="gais_patient"' in html
    assert chart.count('data-marker="session"') == 2  # the sessions done, marked
    assert 'data-study="Alam 2014"' in html
    assert "Alam M, et al. Efficacy of a needling device" in html  # the citation, not just a name
    assert "Goodman &amp; Baron quantitative score" in html  # each result with its scale
    assert "Sample data" not in html
    assert "Please follow the clinic's advice" not in html
    read = AuditEvent.objects.filter(action="progress.read").get()
    assert read.detail["milestone"] == "middle_session"
    assert len(read.detail["photos"]) == 2


def test_photos_of_different_poses_are_not_compared(practitioner, portal_patient, course):
    session = course.sessions.get(number=2)
    photos.photo_upload(
        as_actor(practitioner),
        close_up(),
        "side.jpg",
        session_id=session.pk,
        pose="left_profile",
        keep_anyway=True,
    )
    html = page(portal_patient)
    assert "No comparison: the poses differ." in html
    assert "data-slider-control" not in html


def test_a_red_flag_suppresses_the_typical_progress(portal_patient, course):
    checkin_submit(as_actor(portal_patient), reported({"pus": True}), "Yellow crusts.")
    html = page(portal_patient)
    assert "Please follow the clinic's advice" in html
    assert "data-study" not in html
    assert "follow the clinic's advice first" in html


def test_a_patient_sees_only_their_own_photos(clinic, admin, practitioner, portal_patient, course):
    other = PatientFactory(clinic=clinic, user=UserFactory(email="other@example.test"))
    client = signed_in(other)
    mine = [str(p.pk) for p in portal_patient.photos.all()]
    assert client.get(reverse("portal-photo-image", args=[mine[0]])).status_code == 404
    aligned = f"{reverse('portal-photo-aligned')}?baseline={mine[0]}&followup={mine[1]}"
    assert client.get(aligned).status_code == 404
    assert "You have no treatment course yet" in page(other)


def test_sample_photos_are_labelled_on_every_page_that_shows_them(
    practitioner, portal_patient, course
):
    portal_patient.photos.update(sample=True)
    assert page(portal_patient).count("Sample data</span>") == 2
    client = signed_in(practitioner)
    compare = client.get(reverse("patient-photo-compare", args=[portal_patient.pk]))
    assert compare.content.decode().count("Sample data</span>") == 2
    session = course.sessions.get(number=1)
    photos_section = client.get(reverse("session-photos", args=[session.pk]))
    assert "Sample data</span>" in photos_section.content.decode()
    camera = client.get(reverse("session-photo-capture", args=[session.pk]))
    assert "data-ghost-sample" in camera.content.decode()  # the ghost's note says so
