"""The portal's "How are your scars?" task and form, and the course page's outcomes: the
clinician's rating and the re-assessment link."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from needlepoint.outcomes.models import MeasureResponse
from tests.clinical_data import planned_course, treated_session
from tests.conftest import as_actor, signed_in


def _soon(practitioner, patient):  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(days=2)
    return planned_course(as_actor(practitioner), patient.pk, first_session_at=start)


def test_the_portal_asks_at_baseline_and_keeps_the_first_answers(practitioner, portal_patient):
    course = _soon(practitioner, portal_patient)
    client = signed_in(portal_patient)
    home = client.get("/portal/").content.decode()
    assert "How are your scars? (2 minutes)" in home
    url = f"/portal/questions/{course.pk}/baseline/"
    assert url in home
    form = client.get(url).content.decode()
    assert "How much do your scars bother you at the moment?" in form
    assert "Compared with" not in form  # no GAIS at baseline
    missing = client.post(url, {})
    assert "answer this question" in missing.content.decode()
    assert not MeasureResponse.objects.exists()
    saved = client.post(url, {"scar_bother.scar_bother": "7"}, follow=True)
    assert "your answers (before your first session) are with the clinic" in saved.content.decode()
    assert "How are your scars?" not in client.get("/portal/").content.decode()
    again = client.post(url, {"scar_bother.scar_bother": "1"}).content.decode()
    assert "already answered on" in again
    assert list(MeasureResponse.objects.values_list("score", flat=True)) == [7]


def test_another_patients_course_is_not_found(practitioner, portal_patient, patient):
    course = _soon(practitioner, patient)
    response = signed_in(portal_patient).post(
        f"/portal/questions/{course.pk}/baseline/", {"scar_bother.scar_bother": "3"}
    )
    assert response.status_code == 404
    assert not MeasureResponse.objects.exists()


def test_the_portal_reads_a_constant_number_of_queries_as_courses_grow(
    practitioner, portal_patient
):
    client = signed_in(portal_patient)
    _soon(practitioner, portal_patient)
    client.get("/portal/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/portal/").status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for _ in range(3):
        _soon(practitioner, portal_patient)
    assert queries() <= few


def test_the_course_page_offers_the_clinicians_rating_before_a_later_session(
    practitioner, portal_patient, other_practitioner
):
    session = treated_session(as_actor(practitioner), portal_patient.pk)
    second = session.course.sessions.get(number=2)
    second.scheduled_at = timezone.now() + timedelta(days=3)
    second.save(update_fields=["scheduled_at"])
    client = signed_in(practitioner)
    page = client.get(f"/courses/{session.course_id}/").content.decode()
    url = f"/courses/{session.course_id}/outcomes/pre_session/2/"
    assert "Record the clinician's rating" in page
    assert url in page
    response = client.post(url, {"gais_clinician.gais_clinician": "improved"})
    assert response.status_code == 302
    row = MeasureResponse.objects.get()
    assert (row.respondent, row.score, row.recorded_by) == ("clinician", 3, practitioner.user)
    page = client.get(f"/courses/{session.course_id}/").content.decode()
    assert "Improvement, as the clinician sees it (GAIS) (clinician)" in page
    assert signed_in(other_practitioner).get(url).status_code == 404
