"""Intakes are versioned and screened; precautions need acknowledgement, blocks an override."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from needlepoint.intakes import services
from needlepoint.intakes.models import Intake
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import CLEAR
from tests.conftest import as_actor


def test_clear_intake_is_eligible_and_audited(practitioner, patient):
    screening = services.intake_record(as_actor(practitioner), patient.pk, CLEAR)
    assert screening.verdict == "eligible"
    assert screening.findings == []
    assert not screening.blocks_treatment()
    assert AuditEvent.objects.filter(action="intake.record", object_id=str(patient.pk)).exists()


def test_a_new_intake_never_overwrites_the_old(practitioner, patient):
    actor = as_actor(practitioner)
    services.intake_record(actor, patient.pk, CLEAR)
    services.intake_record(actor, patient.pk, {**CLEAR, "pregnant": True})
    versions = list(Intake.objects.filter(patient=patient).order_by("version"))
    assert [i.version for i in versions] == [1, 2]
    assert versions[0].answers["pregnant"] is False
    assert versions[1].screening.verdict == "defer"


def test_missing_answers_are_incomplete_never_eligible(practitioner, patient):
    answers = {k: v for k, v in CLEAR.items() if k != "anticoagulants"}
    screening = services.intake_record(as_actor(practitioner), patient.pk, answers)
    assert screening.verdict == "incomplete"
    assert screening.missing == ["anticoagulants"]
    assert screening.blocks_treatment()


def test_bad_answer_is_a_validation_error_naming_the_field(practitioner, patient):
    with pytest.raises(ValidationError) as error:
        services.intake_record(as_actor(practitioner), patient.pk, {**CLEAR, "age": "old"})
    assert "age" in error.value.message_dict
    assert not Intake.objects.exists()


def test_recent_isotretinoin_needs_a_practitioners_acknowledgement(practitioner, patient):
    actor = as_actor(practitioner)
    screening = services.intake_record(actor, patient.pk, {**CLEAR, "isotretinoin_months_ago": 2})
    assert screening.verdict == "eligible_with_precautions"
    assert [f["code"] for f in screening.unacknowledged()] == ["isotretinoin_recent"]
    assert screening.blocks_treatment()
    with pytest.raises(ValidationError):
        services.screening_acknowledge(actor, screening.pk, "isotretinoin_recent", "  ")
    services.screening_acknowledge(
        actor, screening.pk, "isotretinoin_recent", "Course ended 8 weeks ago; low-risk depths."
    )
    assert not screening.blocks_treatment()
    assert AuditEvent.objects.filter(action="screening.acknowledge").count() == 1


def test_only_practitioners_decide(admin, front_desk, practitioner, patient):
    screening = services.intake_record(
        as_actor(practitioner), patient.pk, {**CLEAR, "isotretinoin_months_ago": 2}
    )
    for member in (admin, front_desk):
        with pytest.raises(PermissionDenied):
            services.screening_acknowledge(
                as_actor(member), screening.pk, "isotretinoin_recent", "ok"
            )
    with pytest.raises(PermissionDenied):
        services.intake_record(as_actor(front_desk), patient.pk, CLEAR)


def test_block_needs_a_reasoned_override(practitioner, patient):
    actor = as_actor(practitioner)
    screening = services.intake_record(actor, patient.pk, {**CLEAR, "keloid_history": True})
    assert screening.verdict == "not_eligible"
    with pytest.raises(ValidationError):
        services.screening_override(actor, screening.pk, "because")
    services.screening_override(
        actor, screening.pk, "Single keloid after ear piercing 20 years ago; test patch done."
    )
    screening.refresh_from_db()
    assert not screening.blocks_treatment()
    with pytest.raises(ValidationError):
        services.screening_override(actor, screening.pk, "Second override is refused, always.")


def test_eligible_screening_cannot_be_overridden(practitioner, patient):
    actor = as_actor(practitioner)
    screening = services.intake_record(actor, patient.pk, CLEAR)
    with pytest.raises(ValidationError):
        services.screening_override(actor, screening.pk, "Nothing to override here at all.")


def test_other_clinics_screenings_are_not_found(practitioner, other_practitioner, other_patient):
    screening = services.intake_record(as_actor(other_practitioner), other_patient.pk, CLEAR)
    with pytest.raises(Http404):
        services.intake_record(as_actor(practitioner), other_patient.pk, CLEAR)
    with pytest.raises(Http404):
        services.screening_override(as_actor(practitioner), screening.pk, "x" * 20)


def test_patient_fills_in_their_own_intake_only(portal_patient, patient):
    actor = as_actor(portal_patient)
    assert services.intake_record(actor, portal_patient.pk, CLEAR).verdict == "eligible"
    with pytest.raises(Http404):
        services.intake_record(actor, patient.pk, CLEAR)
