"""Planning a course from an assessment: the patient's skin type and latest screening
findings, the plan's limits on the practitioner's edits, and the course total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from needlepoint.courses import services
from needlepoint.courses.models import Assessment, Course
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.services import intake_record
from tests.clinical_data import ZONES, counts
from tests.conftest import as_actor
from tests.intake_answers import CLEAR


def _assess(
    practitioner: Any,
    patient: Any,
    *,
    qualitative_grade: int = 3,
    zones: dict[str, Any] = ZONES,
    scar_types: tuple[str, ...] = ("boxcar", "rolling"),
) -> Any:
    actor = as_actor(practitioner)
    given = counts(qualitative_grade, zones)
    return services.assessment_record(actor, patient.pk, given, scar_types=scar_types)


def _create(practitioner: Any, assessment: Any, first_session_at: Any, **changes: Any) -> Course:
    plan = {
        "sessions_planned": 4,
        "interval_weeks": 6,
        "zones": {"left_cheek": {"depth_mm": 1.0}},
        "adjuncts": [],
        "price_per_session": Decimal(300),
        "first_session_at": first_session_at,
        **changes,
    }
    return services.course_create(as_actor(practitioner), assessment.pk, **plan)


def _codes(items: Any) -> list[str]:
    return [item.code for item in items]


def test_an_unrecorded_skin_type_is_asked_for_never_taken_as_type_one(
    practitioner, patient, screened, first_session_at
):  # type: ignore[no-untyped-def]
    assessment = _assess(practitioner, patient)
    patient.fitzpatrick = None
    patient.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    with pytest.raises(ValidationError) as error:
        services.course_plan(as_actor(practitioner), assessment)
    assert error.value.message_dict == {"fitzpatrick": [services.FITZPATRICK_NEEDED]}
    with pytest.raises(ValidationError) as refused:
        _create(practitioner, assessment, first_session_at)
    assert "fitzpatrick" in refused.value.message_dict
    assert not Course.objects.exists()


def test_the_latest_screening_findings_shape_the_plan(practitioner, patient):  # type: ignore[no-untyped-def]
    actor = as_actor(practitioner)
    intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))
    zones = {**ZONES, "perioral": {"goodman_baron": {"counts": {"moderate_atrophic": 2}}}}
    assessment = _assess(practitioner, patient, zones=zones)
    calm = services.course_plan(actor, assessment)
    assert "antiviral_prophylaxis" not in _codes(calm.reasons)
    assert all(adjunct.cautions == () for adjunct in calm.adjuncts)

    answers = {**CLEAR, "herpes_simplex_history": True, "anticoagulants": True}
    intake_record(actor, patient.pk, intake_from_json(actor, answers))
    plan = services.course_plan(actor, assessment)
    assert "antiviral_prophylaxis" in _codes(plan.reasons)
    cautions = {adjunct.code: _codes(adjunct.cautions) for adjunct in plan.adjuncts}
    assert cautions["subcision"] == ["bleeding_risk"]
    assert cautions["prp"] == ["bleeding_risk"]


def test_darker_skin_needs_four_weeks_between_sessions(
    practitioner, patient, screened, first_session_at
):  # type: ignore[no-untyped-def]
    patient.fitzpatrick = 4
    patient.save()
    assessment = _assess(practitioner, patient)
    plan = services.course_plan(as_actor(practitioner), assessment)
    assert plan.minimum_interval_weeks == 4
    assert plan.zones["left_cheek"].depth_mm == plan.zones["left_cheek"].depth_range_mm.min
    with pytest.raises(ValidationError) as error:
        _create(practitioner, assessment, first_session_at, interval_weeks=3)
    assert "at least 4 weeks" in error.value.message_dict["interval_weeks"][0]
    assert _create(practitioner, assessment, first_session_at, interval_weeks=4).pk


def test_a_clinic_limit_above_the_maximum_is_capped(
    practitioner, patient, screened, clinic, first_session_at
):  # type: ignore[no-untyped-def]
    clinic.settings = {"overrides": {"depth_limit_mm": {"left_cheek": 2.6}}}
    clinic.save()
    assessment = _assess(practitioner, patient, qualitative_grade=4)
    plan = services.course_plan(as_actor(practitioner), assessment)
    cheek = plan.zones["left_cheek"]
    assert cheek.depth_limit_mm == 2.0
    assert _codes(cheek.reasons) == ["depth_capped"]
    with pytest.raises(ValidationError) as error:
        _create(practitioner, assessment, first_session_at, zones={"left_cheek": {"depth_mm": 2.4}})
    assert "at most 2 mm" in error.value.message_dict["zones.left_cheek.depth_mm"][0]
    course = _create(
        practitioner, assessment, first_session_at, zones={"left_cheek": {"depth_mm": 2}}
    )
    assert course.zones == {"left_cheek": {"depth_mm": 2.0}}


def test_flat_marks_alone_are_needled_at_most_half_a_millimetre(
    practitioner, patient, screened, first_session_at
):  # type: ignore[no-untyped-def]
    zones = {"left_cheek": {"goodman_baron": {"counts": {"macular": 12}}}}
    assessment = _assess(
        practitioner, patient, qualitative_grade=1, zones=zones, scar_types=["macular"]
    )
    assert assessment.scores["warnings"] == []
    plan = services.course_plan(as_actor(practitioner), assessment)
    assert "superficial_only" in _codes(plan.reasons)
    assert plan.expected_results == ()
    with pytest.raises(ValidationError):
        _create(practitioner, assessment, first_session_at, zones={"left_cheek": {"depth_mm": 0.6}})
    assert _create(
        practitioner, assessment, first_session_at, zones={"left_cheek": {"depth_mm": 0.5}}
    )


def test_depths_are_planned_only_for_the_assessed_zones(
    practitioner, patient, screened, first_session_at
):  # type: ignore[no-untyped-def]
    assessment = _assess(practitioner, patient)
    with pytest.raises(ValidationError) as error:
        _create(practitioner, assessment, first_session_at, zones={"chin": {"depth_mm": 0.5}})
    assert "not a zone of this assessment's plan" in error.value.message_dict["zones.chin"][0]


def test_an_assessment_keeps_the_warning_that_its_grade_contradicts_its_counts(
    practitioner, patient
):  # type: ignore[no-untyped-def]
    zones = {"left_cheek": {"goodman_baron": {"counts": {"deep_punched_out_normal_base": 25}}}}
    assessment = _assess(practitioner, patient, qualitative_grade=1, zones=zones)
    assert [w["code"] for w in assessment.scores["warnings"]] == ["grade_counts_mismatch"]
    assert assessment.qualitative_grade == 1  # kept as the practitioner gave it
