"""Intakes are versioned and screened; precautions need acknowledgement, blocks an override;
months since an event are kept as its date; stored intakes migrate honestly."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from needlepoint.clinics.roles import Permission
from needlepoint.intakes import services
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Intake
from needlepoint.intakes.selectors import access_latest_answers, latest_findings
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import CLEAR
from tests.conftest import as_actor
from tests.intake_answers import BEFORE_SAFETY_REVIEW, SAFETY_REVIEW_QUESTIONS


def test_clear_intake_is_eligible_and_audited(practitioner, patient):
    screening = services.intake_record(
        as_actor(practitioner), patient.pk, intake_from_json(as_actor(practitioner), CLEAR)
    )
    assert screening.verdict == "eligible"
    assert screening.findings == []
    assert not screening.blocks_treatment()
    assert AuditEvent.objects.filter(action="intake.record", object_id=str(patient.pk)).exists()


def test_a_new_intake_never_overwrites_the_old(practitioner, patient):
    actor = as_actor(practitioner)
    services.intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))
    services.intake_record(actor, patient.pk, intake_from_json(actor, {**CLEAR, "pregnant": True}))
    versions = list(Intake.objects.filter(patient=patient).order_by("version"))
    assert [i.version for i in versions] == [1, 2]
    assert versions[0].answers["pregnant"] is False
    assert versions[1].screening.verdict == "defer"


def test_missing_answers_are_incomplete_never_eligible(practitioner, patient):
    answers = {k: v for k, v in CLEAR.items() if k != "anticoagulants"}
    screening = services.intake_record(
        as_actor(practitioner), patient.pk, intake_from_json(as_actor(practitioner), answers)
    )
    assert screening.verdict == "incomplete"
    assert screening.missing == ["anticoagulants"]
    assert screening.blocks_treatment()


def test_bad_answer_is_a_validation_error_naming_the_field(practitioner, patient):
    with pytest.raises(ValidationError) as error:
        services.intake_record(
            as_actor(practitioner),
            patient.pk,
            intake_from_json(as_actor(practitioner), {**CLEAR, "age": "old"}),
        )
    assert "age" in error.value.message_dict
    assert not Intake.objects.exists()


def test_recent_isotretinoin_needs_a_practitioners_acknowledgement(practitioner, patient):
    actor = as_actor(practitioner)
    screening = services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "isotretinoin_months_ago": 2})
    )
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
        as_actor(practitioner),
        patient.pk,
        intake_from_json(as_actor(practitioner), {**CLEAR, "isotretinoin_months_ago": 2}),
    )
    for member in (admin, front_desk):
        with pytest.raises(PermissionDenied):
            services.screening_acknowledge(
                as_actor(member), screening.pk, "isotretinoin_recent", "ok"
            )
    with pytest.raises(PermissionDenied):
        services.intake_record(
            as_actor(front_desk), patient.pk, intake_from_json(as_actor(front_desk), CLEAR)
        )


def test_block_needs_a_reasoned_override(practitioner, patient):
    actor = as_actor(practitioner)
    screening = services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "keloid_history": True})
    )
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
    screening = services.intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))
    with pytest.raises(ValidationError):
        services.screening_override(actor, screening.pk, "Nothing to override here at all.")


def test_other_clinics_screenings_are_not_found(practitioner, other_practitioner, other_patient):
    screening = services.intake_record(
        as_actor(other_practitioner),
        other_patient.pk,
        intake_from_json(as_actor(other_practitioner), CLEAR),
    )
    with pytest.raises(Http404):
        services.intake_record(
            as_actor(practitioner),
            other_patient.pk,
            intake_from_json(as_actor(practitioner), CLEAR),
        )
    with pytest.raises(Http404):
        services.screening_override(as_actor(practitioner), screening.pk, "x" * 20)


def test_patient_fills_in_their_own_intake_only(portal_patient, patient):
    actor = as_actor(portal_patient)
    assert (
        services.intake_record(actor, portal_patient.pk, intake_from_json(actor, CLEAR)).verdict
        == "eligible"
    )
    with pytest.raises(Http404):
        services.intake_record(actor, patient.pk, intake_from_json(actor, CLEAR))


def _on(monkeypatch, day: datetime) -> None:  # type: ignore[no-untyped-def]
    """Make `day` (aware) the current time for the services and the recorded times."""
    monkeypatch.setattr(timezone, "now", lambda: day)


def test_months_are_kept_as_the_date_of_the_last_dose_and_the_answer_as_given(
    practitioner, patient, monkeypatch
):
    _on(monkeypatch, datetime(2025, 1, 15, 10, tzinfo=UTC))
    screening = services.intake_record(
        as_actor(practitioner),
        patient.pk,
        intake_from_json(as_actor(practitioner), {**CLEAR, "isotretinoin_months_ago": 3}),
    )
    intake = screening.intake
    assert intake.answers["isotretinoin_months_ago"] == "2024-10-16"
    assert intake.answers_given["isotretinoin_months_ago"] == 3
    [finding] = screening.findings
    assert (finding["code"], finding["answer"]) == ("isotretinoin_recent", 2.99)


def test_a_re_screen_months_later_sees_the_aged_answer(practitioner, patient, monkeypatch):
    actor = as_actor(practitioner)
    _on(monkeypatch, datetime(2025, 1, 15, 10, tzinfo=UTC))
    first = services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "isotretinoin_months_ago": 3})
    )
    assert first.verdict == "eligible_with_precautions"
    _on(monkeypatch, datetime(2025, 4, 20, 10, tzinfo=UTC))  # 6.1 months after the last dose
    again = services.intake_record(
        actor,
        patient.pk,
        intake_from_json(actor, access_latest_answers(actor, patient.pk)),
        Intake.Context.PRE_SESSION,
    )
    assert again.verdict == "eligible"
    assert again.intake.answers["isotretinoin_months_ago"] == "2024-10-16"


def test_isotretinoin_never_is_an_answer_and_null_is_not(practitioner, patient):
    actor = as_actor(practitioner)
    assert (
        services.intake_record(actor, patient.pk, intake_from_json(actor, CLEAR)).verdict
        == "eligible"
    )
    unanswered = services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "isotretinoin_months_ago": None})
    )
    assert unanswered.verdict == "incomplete"
    assert unanswered.missing == ["isotretinoin_months_ago"]
    with pytest.raises(ValidationError) as error:
        services.intake_record(
            actor, patient.pk, intake_from_json(actor, {**CLEAR, "isotretinoin_months_ago": "no"})
        )
    assert "isotretinoin_months_ago" in error.value.message_dict
    assert Intake.objects.count() == 2


def test_an_older_intake_is_asked_the_new_questions_at_the_re_screen(practitioner, patient):
    actor = as_actor(practitioner)
    services.intake_record(actor, patient.pk, intake_from_json(actor, BEFORE_SAFETY_REVIEW))
    previous = access_latest_answers(actor, patient.pk)
    again = services.intake_record(
        actor, patient.pk, intake_from_json(actor, previous), Intake.Context.PRE_SESSION
    )
    assert again.verdict == "incomplete"
    assert again.missing == list(SAFETY_REVIEW_QUESTIONS)
    answered = {**previous, **dict.fromkeys(SAFETY_REVIEW_QUESTIONS, False)}
    final = services.intake_record(
        actor, patient.pk, intake_from_json(actor, answered), Intake.Context.PRE_SESSION
    )
    assert final.verdict == "eligible"


def test_latest_findings_are_the_codes_of_the_latest_screening_in_the_clinic(
    practitioner, front_desk, portal_patient, patient, other_practitioner, other_patient
):
    actor = as_actor(practitioner)
    assert latest_findings(actor, patient.pk) == frozenset()
    services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "herpes_simplex_history": True})
    )
    services.intake_record(
        actor, patient.pk, intake_from_json(actor, {**CLEAR, "anticoagulants": True})
    )
    assert latest_findings(actor, patient.pk) == {"anticoagulation"}
    with pytest.raises(Http404):
        latest_findings(actor, other_patient.pk)
    with pytest.raises(PermissionDenied):
        latest_findings(as_actor(front_desk), patient.pk)
    own = as_actor(portal_patient)
    services.intake_record(
        own, portal_patient.pk, intake_from_json(own, {**CLEAR, "bleeding_disorder": True})
    )
    assert latest_findings(own, portal_patient.pk, Permission.CHECKIN_SUBMIT) == {
        "bleeding_disorder"
    }
    with pytest.raises(Http404):
        latest_findings(own, patient.pk, Permission.CHECKIN_SUBMIT)


MIGRATION = import_module(
    "needlepoint.intakes.migrations.0002_intake_answers_given_and_dated_isotretinoin"
)


def test_stored_intakes_are_migrated_honestly_and_back(practitioner, patient):
    """An old null meant "never taken"; old months are dated from the day they were given
    (in the clinic's zone); an absent answer stays unanswered; going back restores them."""
    old = [
        {**CLEAR, "isotretinoin_months_ago": None},
        {**CLEAR, "isotretinoin_months_ago": 2},
        {name: value for name, value in CLEAR.items() if name != "isotretinoin_months_ago"},
    ]
    for version, answers in enumerate(old, start=1):
        Intake.objects.create(
            clinic=patient.clinic,
            patient=patient,
            version=version,
            answers=answers,
            recorded_by=practitioner.user,
            recorded_by_role="practitioner",
        )
    recorded = datetime(2025, 3, 1, 2, tzinfo=UTC)  # still 28 February in New York
    Intake.objects.update(recorded_at=recorded)
    MIGRATION.date_the_last_dose(django_apps, None)
    never, dated, absent = Intake.objects.order_by("version")
    assert never.answers["isotretinoin_months_ago"] == "never"
    assert dated.answers["isotretinoin_months_ago"] == "2024-12-29"  # 61 days before 28 February
    assert "isotretinoin_months_ago" not in absent.answers
    assert [i.answers_given for i in (never, dated, absent)] == old
    MIGRATION.restore_months(django_apps, None)
    assert [i.answers for i in Intake.objects.order_by("version")] == old
