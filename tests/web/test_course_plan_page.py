"""The plan page: it asks for an unrecorded skin type, pre-fills conservative settings, shows
why a depth is capped and each adjunct's cautions; the course page shows the total; live
scores show a grade that contradicts the counts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.utils import timezone

from needlepoint.courses import services
from needlepoint.courses.models import Course
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.services import intake_record
from needlepoint.patients.models import Patient
from tests.clinical_data import counts
from tests.conftest import as_actor, signed_in
from tests.intake_answers import CLEAR


def _assessment(
    practitioner: Any,
    patient: Any,
    *,
    answers: dict[str, Any] = CLEAR,
    qualitative_grade: int = 3,
    scar_types: tuple[str, ...] = ("boxcar", "icepick"),
) -> Any:
    actor = as_actor(practitioner)
    intake_record(actor, patient.pk, intake_from_json(actor, answers))
    given = counts(qualitative_grade)
    return services.assessment_record(actor, patient.pk, given, scar_types=scar_types)


def _value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def test_the_plan_page_asks_for_the_skin_type_and_saves_it(practitioner, patient):  # type: ignore[no-untyped-def]
    assessment = _assessment(practitioner, patient)
    Patient.objects.filter(pk=patient.pk).update(fitzpatrick=None)
    client = signed_in(practitioner)
    asked = client.get(f"/assessments/{assessment.pk}/plan/").content.decode()
    assert "Fitzpatrick skin type needed" in asked
    assert "The rules engine's course plan" not in asked
    assert '<option value="2" selected>Type II</option>' in asked  # the intake's answer, to confirm
    refused = client.post(f"/assessments/{assessment.pk}/plan/", {"fitzpatrick": ""})
    assert refused.status_code == 200
    assert Patient.objects.get(pk=patient.pk).fitzpatrick is None
    saved = client.post(f"/assessments/{assessment.pk}/plan/", {"fitzpatrick": "5"})
    assert saved.status_code == 302
    assert Patient.objects.get(pk=patient.pk).fitzpatrick == 5
    page = client.get(saved["Location"]).content.decode()
    assert 'data-reason="conservative_settings"' in page
    assert 'data-caution="tca_cross/pigmentation"' in page
    assert _value(page, "zones.left_cheek.depth_mm") == "1.0"  # the shallow end of 1.0-1.5 mm
    assert _value(page, "interval_weeks") == "4"


def test_the_plan_form_shows_why_a_depth_is_capped(practitioner, patient, clinic):  # type: ignore[no-untyped-def]
    clinic.settings = {"overrides": {"depth_limit_mm": {"left_cheek": 2.5}}}
    clinic.save()
    assessment = _assessment(practitioner, patient, qualitative_grade=4)
    client = signed_in(practitioner)
    page = client.get(f"/assessments/{assessment.pk}/plan/").content.decode()
    assert 'data-reason="depth_capped"' in page
    assert "the clinic&#x27;s limit of 2.5 mm is above the maximum of 2 mm" in page
    first = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        f"/assessments/{assessment.pk}/plan/",
        {
            "sessions_planned": "5",
            "interval_weeks": "6",
            "price_per_session": "300",
            "first_session_at": first,
            "zones.left_cheek.depth_mm": "2.5",
            "zones.right_cheek.depth_mm": "2.0",
        },
    )
    assert "at most 2 mm (not 2.5 mm)" in refused.content.decode()
    assert not Course.objects.exists()


def test_the_plan_page_cautions_adjuncts_from_the_latest_screening(practitioner, patient):  # type: ignore[no-untyped-def]
    answers = {**CLEAR, "anticoagulants": True}
    assessment = _assessment(practitioner, patient, answers=answers, scar_types=["rolling"])
    page = signed_in(practitioner).get(f"/assessments/{assessment.pk}/plan/").content.decode()
    assert 'data-caution="subcision/bleeding_risk"' in page
    assert 'data-caution="prp/bleeding_risk"' in page


def test_the_course_page_shows_the_total(practitioner, patient):  # type: ignore[no-untyped-def]
    assessment = _assessment(practitioner, patient)
    course = services.course_create(
        as_actor(practitioner),
        assessment.pk,
        sessions_planned=5,
        interval_weeks=6,
        zones={"left_cheek": {"depth_mm": 1.2}},
        adjuncts=[],
        price_per_session=349.99,
        first_session_at=timezone.now() + timedelta(days=1),
    )
    page = signed_in(practitioner).get(f"/courses/{course.pk}/").content.decode()
    assert "<span data-total>1749.95 USD for the course</span>" in page
    assert "clinic-price" in page


def test_live_scores_warn_when_the_grade_contradicts_the_counts(practitioner):  # type: ignore[no-untyped-def]
    page = (
        signed_in(practitioner)
        .post(
            "/assessments/score/",
            {
                "qualitative_grade": "1",
                "zones.left_cheek.goodman_baron.counts.deep_broad_atrophic": "25",
            },
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert 'data-warning="grade_counts_mismatch"' in page
    assert "Grade 1 (macular) means flat marks only" in page
