"""The clinician pages, from intake to a signed chart, through the Django test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from needlepoint.courses import sessions
from needlepoint.courses.models import Course, Session
from needlepoint.courses.selectors import SUMMARY_SIZE
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Screening
from needlepoint.patients.consents import consent_sign
from needlepoint.patients.models import ConsentTemplate
from needlepoint.records import services as records
from needlepoint.safety.services import lot_recall
from tests.clinical_data import CLEAR, make_lot, planned_course
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory
from tests.intake_answers import intake_form_data


def test_intake_page_screens_and_shows_findings_with_their_basis(practitioner, patient):
    client = signed_in(practitioner)
    assert "Currently pregnant" in client.get(f"/patients/{patient.pk}/intake/").content.decode()
    response = client.post(
        f"/patients/{patient.pk}/intake/",
        intake_form_data(isotretinoin_months_ago_never="", isotretinoin_months_ago="2"),
        follow=True,
    )
    page = response.content.decode()
    assert "Eligible with precautions" in page
    assert "isotretinoin_recent" in page
    assert "Basis:" in page
    assert "<cite" in page
    screening = Screening.objects.get()
    client.post(
        f"/screenings/{screening.pk}/",
        {"finding_code": "isotretinoin_recent", "note": "Stopped 3 months ago."},
    )
    assert not screening.unacknowledged()


def test_unanswered_questions_make_the_intake_incomplete(practitioner, patient):
    client = signed_in(practitioner)
    page = client.post(
        f"/patients/{patient.pk}/intake/", intake_form_data(anticoagulants=""), follow=True
    ).content.decode()
    assert "Incomplete" in page
    assert "Takes anticoagulant or antiplatelet medicine" in page


def test_live_scores_partial(practitioner):
    response = signed_in(practitioner).post(
        "/assessments/score/",
        {"qualitative_grade": "3", "zones.left_cheek.goodman_baron.counts.moderate_atrophic": "12"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert '<span data-score="goodman_baron">4</span>' in page
    assert "moderate atrophic" in page


def test_from_assessment_to_signed_chart(practitioner, patient, clinic):
    client = signed_in(practitioner)
    client.post(f"/patients/{patient.pk}/intake/", intake_form_data())
    saved = client.post(
        f"/patients/{patient.pk}/assessments/new/",
        {
            "qualitative_grade": "3",
            "scar_types": ["boxcar"],
            "zones.left_cheek.goodman_baron.counts.moderate_atrophic": "12",
            "zones.left_cheek.ecca.counts.boxcar": "12",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    plan_page = client.get(saved["Location"] + "plan/").content.decode()
    assert "Published results" in plan_page
    first = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(
        saved["Location"] + "plan/",
        {
            "sessions_planned": "4",
            "interval_weeks": "6",
            "price_per_session": "300",
            "first_session_at": first,
            "zones.left_cheek.depth_mm": "1.5",
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    course = Course.objects.get()
    session = course.sessions.get(number=1)
    assert "anything changed" in client.get(f"/sessions/{session.pk}/").content.decode()
    client.post(f"/sessions/{session.pk}/", intake_form_data())
    lot = make_lot(clinic, "C-1")
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=30)
    chart = {
        "revision": "0",
        "device": "pen",
        "device_id": "P1",
        "cartridge_lot": str(lot.pk),
        "zones.left_cheek.depth_mm": "1.5",
        "zones.left_cheek.passes": "3",
        "endpoint": "pinpoint_bleeding",
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "sign": "1",
    }
    response = client.post(f"/sessions/{session.pk}/chart/", chart, follow=True)
    assert "Chart signed" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.SIGNED
    timeline = client.get(f"/patients/{patient.pk}/timeline/").content.decode()
    assert "Session 1: Signed" in timeline
    assert "Aftercare after session 1" in timeline
    download = client.get(f"/lots/{lot.pk}/sessions/?format=csv")
    csv_text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert patient.record_number in csv_text
    assert "'+1" not in csv_text or patient.phone.startswith("+")


def test_chart_conflict_keeps_both_versions(practitioner, patient):
    actor = as_actor(practitioner)
    course = planned_course(actor, patient.pk)
    session = course.sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    sessions.session_chart_save(actor, session.pk, revision=0, device_id="THEIRS")
    response = signed_in(practitioner).post(
        f"/sessions/{session.pk}/chart/", {"revision": "0", "device_id": "MINE", "save": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this chart" in page
    assert "THEIRS" in page
    assert 'value="MINE"' in page
    session.refresh_from_db()
    assert session.device_id == "THEIRS"


def test_dashboard_lists_todays_sessions_and_recall_alerts(practitioner, patient, clinic):
    client = signed_in(practitioner)
    page = client.get("/dashboard/").content.decode()
    assert "No sessions today." in page


def test_patient_fills_in_the_intake_and_is_not_shown_a_verdict(portal_patient):
    client = signed_in(portal_patient)
    response = client.post("/portal/intake/", intake_form_data(pregnant="yes"), follow=True)
    page = response.content.decode()
    assert "Your clinic will go through your answers" in page
    assert "Defer" not in page
    screening = Screening.objects.get(patient=portal_patient)
    assert (screening.verdict, screening.intake.recorded_by_role) == ("defer", "patient")


def test_session_page_shows_what_is_consented_now(practitioner, patient, clinic):
    actor = as_actor(practitioner)
    course = planned_course(actor, patient.pk)
    url = f"/sessions/{course.sessions.first().pk}/"
    assert "no treatment consent" in signed_in(practitioner).get(url).content.decode()
    for kind, uses in (("treatment", []), ("photo", ["clinical_record", "teaching"])):
        template = ConsentTemplate.objects.create(
            clinic=clinic, kind=kind, version=1, title=kind, body="…", created_by=actor.user
        )
        consent_sign(actor, patient.pk, template.pk, patient.full_name, photo_uses=uses)
    page = signed_in(practitioner).get(url).content.decode()
    assert "no treatment consent" not in page
    assert "treatment (v1)" in page
    assert "Clinical record, Teaching" in page


def test_recalled_lot_is_flagged_on_timeline_and_dashboard(practitioner, patient, clinic):
    actor = as_actor(practitioner)
    course = planned_course(actor, patient.pk)
    session = course.sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    lot = make_lot(clinic, "R-9")
    sessions.session_chart_save(actor, session.pk, revision=0, cartridge_lot=lot)
    lot_recall(as_actor(practitioner), lot.pk, "Needle tips blunt")
    client = signed_in(practitioner)
    assert (
        "Recalled lot R-9 was used in session 1"
        in client.get(f"/patients/{patient.pk}/timeline/").content.decode()
    )
    assert (
        f"Recalled lot R-9 used on {patient.full_name}"
        in client.get("/dashboard/").content.decode()
    )


def _clinical_history(actor, patient) -> None:  # type: ignore[no-untyped-def]
    course = planned_course(actor, patient.pk)
    session = course.sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    sessions.session_chart_save(actor, session.pk, revision=0, device_id="D")


@pytest.mark.parametrize("page", ["/dashboard/", "/patients/{id}/", "/patients/{id}/timeline/"])
def test_page_query_counts_stay_constant_as_data_grows(
    practitioner, patient, page, django_assert_max_num_queries
):
    actor = as_actor(practitioner)
    client = signed_in(practitioner)
    url = page.format(id=patient.pk)
    _clinical_history(actor, patient)
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for _ in range(3):
        _clinical_history(actor, patient)
        _clinical_history(actor, PatientFactory(clinic=patient.clinic))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "url",
    [
        "/sessions/99999999999999999999/",
        "/courses/9223372036854775808/",
        "/assessments/0/",
        "/screenings/-1/",
        "/api/v1/sessions/99999999999999999999",
        "/api/v1/screenings/9223372036854775808",
    ],
)
def test_out_of_range_ids_are_not_found(practitioner, url):
    assert signed_in(practitioner).get(url).status_code == 404


def test_the_patient_page_lists_the_latest_assessments_and_courses(practitioner, patient):  # type: ignore[no-untyped-def]
    for _ in range(SUMMARY_SIZE + 1):
        planned_course(as_actor(practitioner), patient.pk)
    oldest = Course.objects.filter(patient=patient).order_by("created_at", "pk").first()
    newest = Course.objects.filter(patient=patient).order_by("created_at", "pk").last()
    html = signed_in(practitioner).get(f"/patients/{patient.pk}/").content.decode()
    assert html.count('href="/assessments/') == SUMMARY_SIZE
    assert html.count('href="/courses/') == SUMMARY_SIZE
    assert f'href="/courses/{newest.pk}/"' in html
    assert f'href="/courses/{oldest.pk}/"' not in html
    assert "earlier ones are on the timeline" in html


def test_the_patient_page_title_is_the_name_alone(admin, patient):  # type: ignore[no-untyped-def]
    html = signed_in(admin).get(f"/patients/{patient.pk}/").content.decode()
    assert f"<title>{patient.full_name}" in html
    assert html.count('id="rights-heading"') == 1
    assert "Restrict the record" in html
