"""The intake form: months, a date or "never taken" (only one), kept as a date that ages, and
the questions an older intake never answered."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Intake
from needlepoint.intakes.selectors import access_latest_answers
from needlepoint.intakes.services import intake_record
from needlepoint.records import services as records
from tests.clinical_data import planned_course
from tests.conftest import as_actor, signed_in
from tests.intake_answers import (
    BEFORE_SAFETY_REVIEW,
    CLEAR,
    SAFETY_REVIEW_QUESTIONS,
    intake_form_data,
)


def _intake_page(client, patient, data=None):  # type: ignore[no-untyped-def]
    url = f"/patients/{patient.pk}/intake/"
    return (client.get(url) if data is None else client.post(url, data)).content.decode()


def test_never_taken_is_kept_as_never(practitioner, patient):
    signed_in(practitioner).post(f"/patients/{patient.pk}/intake/", intake_form_data())
    intake = Intake.objects.get()
    assert intake.answers["isotretinoin_months_ago"] == "never"
    assert intake.screening.verdict == "eligible"


def test_months_and_never_together_are_refused_and_nothing_is_saved(practitioner, patient):
    page = _intake_page(
        signed_in(practitioner), patient, intake_form_data(isotretinoin_months_ago="2")
    )
    assert "Give the months, the date or “Never taken”, not more than one." in page
    assert not Intake.objects.exists()
    page = _intake_page(
        signed_in(practitioner),
        patient,
        intake_form_data(
            isotretinoin_months_ago_never="",
            isotretinoin_months_ago_date="2025-01-01",
            isotretinoin_months_ago="2",
        ),
    )
    assert "not more than one" in page
    assert not Intake.objects.exists()


def test_a_date_in_the_future_is_refused_on_the_field(practitioner, patient, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 6, 1, 15, tzinfo=UTC))
    page = _intake_page(
        signed_in(practitioner),
        patient,
        intake_form_data(
            isotretinoin_months_ago_never="", isotretinoin_months_ago_date="2025-07-01"
        ),
    )
    assert "no later than 2025-06-01" in page
    assert not Intake.objects.exists()


def test_the_date_is_kept_and_offered_again_so_the_months_count_on(
    practitioner, patient, monkeypatch
):
    client = signed_in(practitioner)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 1, 15, 15, tzinfo=UTC))
    client.post(
        f"/patients/{patient.pk}/intake/",
        intake_form_data(isotretinoin_months_ago_never="", isotretinoin_months_ago="3"),
    )
    first = Intake.objects.get()
    assert first.answers["isotretinoin_months_ago"] == "2024-10-16"
    assert first.screening.verdict == "eligible_with_precautions"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 5, 1, 15, tzinfo=UTC))
    client = signed_in(practitioner)  # a new visit
    page = _intake_page(client, patient)
    assert 'name="isotretinoin_months_ago_date" value="2024-10-16"' in page
    client.post(
        f"/patients/{patient.pk}/intake/",
        intake_form_data(
            isotretinoin_months_ago_never="", isotretinoin_months_ago_date="2024-10-16"
        ),
    )
    again = Intake.objects.get(version=2)
    assert again.screening.verdict == "eligible"  # 6.5 months on


def test_an_older_intake_asks_the_questions_it_never_answered(practitioner, patient):
    intake_record(
        as_actor(practitioner),
        patient.pk,
        intake_from_json(as_actor(practitioner), BEFORE_SAFETY_REVIEW),
    )
    page = _intake_page(signed_in(practitioner), patient)
    assert "were not answered last time" in page
    assert page.count("Not answered before: please answer.") == len(SAFETY_REVIEW_QUESTIONS)


def test_the_portal_intake_takes_never_too(portal_patient):
    response = signed_in(portal_patient).post("/portal/intake/", intake_form_data())
    assert response.status_code == 302
    assert Intake.objects.get().answers["isotretinoin_months_ago"] == "never"


def test_the_pre_session_re_screen_asks_what_an_older_intake_never_answered(practitioner, patient):
    actor = as_actor(practitioner)
    intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))
    session = planned_course(actor, patient.pk).sessions.get(number=1)
    intake_record(
        actor, patient.pk, intake_from_json(actor, BEFORE_SAFETY_REVIEW)
    )  # as recorded before the review
    page = signed_in(practitioner).get(f"/sessions/{session.pk}/").content.decode()
    assert page.count("Not answered before: please answer.") == len(SAFETY_REVIEW_QUESTIONS)
    screening = records.session_start(
        actor, session.pk, intake_from_json(actor, access_latest_answers(actor, patient.pk))
    )
    assert screening.verdict == "incomplete"
    assert screening.missing == list(SAFETY_REVIEW_QUESTIONS)
    assert screening.blocks_treatment()
