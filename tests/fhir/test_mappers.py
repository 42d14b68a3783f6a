"""The pure mappers: each input back from its JSON unchanged (edge cases the demo does not
reach), and refusals that name the offending element."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.fhir import ids
from needlepoint.fhir.codesystems import code_system_resources
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.mappers import (
    assessment,
    consent,
    device,
    patient,
    photo,
    questionnaire,
    session,
)
from needlepoint.fhir.mapping import from_resources, to_resources

AT = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
PATIENT = patient.Patient(
    id="0b6c8a52-64d4-4c4a-9b52-2f1f6f0f8e11",
    organization_id="clinic-1",
    clinic_slug="demo",
    record_number="DC-000001",
    given_name="Maya",
    family_name="Thompson",
    birth_date=date(1994, 5, 17),
    gender="female",
    language="en",
    fitzpatrick=4,
)
SESSION = session.Session(
    id="session-7",
    patient_id=PATIENT.id,
    course_id="course-3",
    number=2,
    status="scheduled",
    scheduled_at=AT,
    ends_at=AT + timedelta(hours=1),
)
CONSENT = consent.Consent(
    id="7d2f3f4e-2c55-4cc4-8f0e-5d1e1d5d7c01",
    patient_id=PATIENT.id,
    organization_id="clinic-1",
    kind="photo",
    template="photo-v2",
    signed_at=AT,
    signed_name="Maya Thompson",
    photo_uses=("clinical_record", "teaching", "marketing"),
    withdrawals=(consent.Withdrawal("marketing", AT + timedelta(days=3)),),
    revoked_at=AT + timedelta(days=9),
)


def round_trip(record: object) -> object:
    resources = json.loads(json.dumps(to_resources(record)))
    back = from_resources(type(record), resources)
    assert to_resources(back) == resources
    return back


EDGE_CASES = [
    PATIENT,
    replace(PATIENT, fitzpatrick=None, active=False, phone="+1 555 0100", address="1 Main St"),
    assessment.Assessment(
        id="assessment-1",
        patient_id=PATIENT.id,
        performer_id="staff-2",
        assessed_at=AT,
        qualitative_grade=2,
        ecca=assessment.ScaleScore(15, 540, {"icepick": 15, "boxcar": 0}),
        notes="Counted for the whole face.",
    ),
    SESSION,
    replace(SESSION, status="cancelled", practitioner_id="staff-2"),
    replace(
        SESSION,
        status="in_progress",
        started_at=AT,
        zones=(session.TreatedZone("chin"), session.TreatedZone("nose", 0.5, None)),
        anaesthetic="Lidocaine 4% cream",
        numbing_applied_at=AT - timedelta(minutes=40),
    ),
    replace(
        SESSION,
        status="signed",
        numbing_applied_at=AT - timedelta(minutes=40),
        numbing_removed_at=AT - timedelta(minutes=3),
    ),
    CONSENT,
    device.Lot(
        id="lot-4",
        organization_id="clinic-1",
        kind="product",
        manufacturer="Northbridge Pharma",
        product_name="Lidocaine 4% topical cream, 30 g",
        lot_number="NBP-LC4-2402",
        expiry_date=date(2027, 1, 31),
        recalled_at=AT,
        recall_reason="Under strength.",
    ),
    photo.Photo(
        id="5f7f0b7e-8d7c-4e4b-a2f6-3f3c2a1b0c9d",
        patient_id=PATIENT.id,
        part_of=("QuestionnaireResponse", "checkin-9"),
        operator=("Patient", PATIENT.id),
        captured_at=AT,
        width=900,
        height=1020,
        url="/api/v1/photos/5f7f0b7e-8d7c-4e4b-a2f6-3f3c2a1b0c9d/image",
    ),
    questionnaire.FormResponse(
        id="intake-3",
        form="intake",
        patient_id=PATIENT.id,
        author=("Patient", PATIENT.id),
        authored=AT,
        answers={
            "pregnant": False,
            "age": 31,
            "weight": 61.5,
            "isotretinoin": "never",
            "last_peel": "2026-01-04",
        },
        version=3,
    ),
]


@pytest.mark.parametrize("record", EDGE_CASES, ids=lambda record: type(record).__name__)
def test_a_record_comes_back_from_its_resources(record: object) -> None:
    assert round_trip(record) == record


@given(
    given_name=st.text(min_size=1, max_size=30).filter(str.strip),
    born=st.dates(date(1900, 1, 1), date(2026, 1, 1)),
    gender=st.sampled_from(patient.GENDERS),
    fitzpatrick=st.none() | st.integers(1, 6),
)
def test_any_patient_comes_back(
    given_name: str, born: date, gender: str, fitzpatrick: int | None
) -> None:
    record = replace(
        PATIENT, given_name=given_name, birth_date=born, gender=gender, fitzpatrick=fitzpatrick
    )
    assert round_trip(record) == record


def _patient_json() -> dict[str, Any]:
    return json.loads(json.dumps(to_resources(PATIENT)[0]))


def _refusal(resource: dict[str, Any], kind: type = patient.Patient) -> str:
    with pytest.raises(FhirMappingError) as refused:
        from_resources(kind, [resource])
    return str(refused.value)


def test_a_resource_missing_a_required_element_is_refused_by_its_path() -> None:
    resource = _patient_json()
    del resource["birthDate"]
    assert _refusal(resource) == "Patient.birthDate: is required"


def test_wrong_values_are_refused_by_their_path() -> None:
    resource = _patient_json()
    resource["gender"] = "femalex"
    assert _refusal(resource).startswith("Patient.gender: must be one of female, male")
    resource = _patient_json()
    resource["birthDate"] = "17/05/1994"
    assert _refusal(resource) == "Patient.birthDate: must be an ISO 8601 date (YYYY-MM-DD)"
    resource = _patient_json()
    resource["managingOrganization"] = {"reference": "https://elsewhere.example/Organization/1"}
    assert _refusal(resource).startswith("Patient.managingOrganization.reference: must be")
    resource = _patient_json()
    resource["name"] = {"family": "Thompson"}
    assert _refusal(resource) == "Patient.name: must be a list"


def test_a_resource_of_another_type_is_refused() -> None:
    assert _refusal({"resourceType": "Person", "id": "x"}) == "Patient: expected one Patient, got 0"
    wrong = {**_patient_json(), "resourceType": "Organization"}
    assert _refusal(wrong, device.Lot) == "Device: expected one Device, got 0"


def test_a_session_must_come_with_the_procedure_its_status_implies() -> None:
    resources = json.loads(json.dumps(to_resources(replace(SESSION, status="cancelled"))))
    with pytest.raises(FhirMappingError, match="a cancelled session has one Procedure"):
        from_resources(session.Session, resources[:1])


def test_bad_inputs_are_refused_before_any_json_is_made() -> None:
    with pytest.raises(FhirMappingError, match=r"^Patient\.gender:"):
        replace(PATIENT, gender="f")
    with pytest.raises(FhirMappingError, match=r"^Patient\.fitzpatrick:"):
        replace(PATIENT, fitzpatrick=7)
    with pytest.raises(FhirMappingError, match=r"^Appointment\.end: must not be before"):
        replace(SESSION, ends_at=AT - timedelta(minutes=1))
    with pytest.raises(FhirMappingError, match=r"^Consent.provision: only a use consented"):
        replace(CONSENT, withdrawals=(consent.Withdrawal("advertising", AT),))
    with pytest.raises(FhirMappingError, match=r"^MedicationAdministration\.effectivePeriod"):
        replace(SESSION, numbing_applied_at=AT, numbing_removed_at=AT - timedelta(minutes=1))
    naive = replace(
        SESSION, scheduled_at=datetime(2026, 3, 2, 14, 30), ends_at=datetime(2026, 3, 2, 15)
    )
    with pytest.raises(
        FhirMappingError, match=r"^Appointment\.start: a datetime needs a time zone"
    ):
        to_resources(naive)
    with pytest.raises(FhirMappingError, match="has no FHIR mapping"):
        to_resources(object())


def test_ids_follow_fhirs_rules() -> None:
    assert ids.of("session", 12) == "session-12"
    assert ids.of("patient", PATIENT.id) == PATIENT.id
    assert ids.part("assessment-3", "goodman_baron") == "assessment-3-goodman-baron"
    with pytest.raises(FhirMappingError, match="is not a FHIR id"):
        ids.part("x" * 60, "provenance")


def test_every_own_code_system_needs_its_concepts_and_no_other_is_accepted() -> None:
    with pytest.raises(FhirMappingError, match="CodeSystem/staff-role: needs its concepts"):
        list(code_system_resources({}))
    with pytest.raises(FhirMappingError, match="unknown code systems: colour"):
        list(code_system_resources({"colour": {"red": "Red"}}))


def test_codes_and_numbers_that_do_not_fit_are_refused() -> None:
    intake = json.loads(json.dumps(to_resources(EDGE_CASES[-1])))
    intake[0]["identifier"]["value"] = "v3"
    with pytest.raises(FhirMappingError, match="intake's version is a whole number"):
        from_resources(questionnaire.FormResponse, intake)
    scored = json.loads(json.dumps(to_resources(EDGE_CASES[2])))
    scored[1]["code"]["coding"][0]["code"] = "pain-score"
    with pytest.raises(FhirMappingError, match="not an assessment's observation: 'pain-score'"):
        from_resources(assessment.Assessment, scored)
