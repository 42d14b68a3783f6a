"""The demo clinic as FHIR R4: valid with two independent validators, every reference and
every Needlepoint code resolvable inside the export, every record back from its resources,
one clinic only, stable ids, and one audit event per run."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from needlepoint.clinics.models import Clinic
from needlepoint.fhir.codes import CANONICAL
from needlepoint.fhir.mapping import MAPPINGS, from_resources, to_resources
from needlepoint.interop.export import access_clinic_resources, clinic_inputs
from needlepoint.safety.models import AuditEvent
from tests.fhir.validator import validate
from tests.interop.conftest import Demo

EVERY_TYPE = {
    "CodeSystem", "Questionnaire", "Organization", "Practitioner", "PractitionerRole",
    "Device", "Patient", "Observation", "Consent", "QuestionnaireResponse", "RiskAssessment",
    "Condition", "CarePlan", "Appointment", "Procedure", "MedicationAdministration", "Media",
    "AdverseEvent", "Provenance", "Group",
}  # fmt: skip


def _export(demo: Demo, types: set[str] | None = None) -> list[dict[str, Any]]:
    return json.loads(json.dumps(list(access_clinic_resources(demo.admin, types))))


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_every_resource_of_the_demo_is_valid_fhir_r4_for_both_validators(demo: Demo) -> None:
    resources = _export(demo)
    assert {r["resourceType"] for r in resources} == EVERY_TYPE
    # Checked in the same run (Node starts once): what each validator must refuse.
    wrong = [
        {"resourceType": "Patient", "id": "wrong-gender", "gender": "femalex"},
        {"resourceType": "Patient", "id": "wrong-date", "birthDate": "1990-13-45"},
        {"resourceType": "Procedure", "id": "no-subject", "status": "completed"},
    ]
    refused = validate([*resources, *wrong])
    assert set(refused) == {"Patient/wrong-gender", "Patient/wrong-date", "Procedure/no-subject"}
    assert refused["Patient/wrong-gender"]["fhir"]
    assert refused["Patient/wrong-date"]["medplum"]
    assert refused["Procedure/no-subject"]["medplum"]


def test_every_reference_and_every_own_code_resolves_inside_the_export(demo: Demo) -> None:
    resources = _export(demo)
    keys = Counter(f"{r['resourceType']}/{r['id']}" for r in resources)
    assert [key for key, count in keys.items() if count > 1] == []
    references = {e["reference"] for r in resources for e in _walk(r) if "reference" in e}
    assert references
    assert references <= set(keys)
    defined = {
        (system["url"], concept["code"])
        for system in resources
        if system["resourceType"] == "CodeSystem"
        for concept in system["concept"]
    }
    used = {
        (e["system"], e["code"])
        for r in resources
        if r["resourceType"] != "CodeSystem"
        for e in _walk(r)
        if str(e.get("system", "")).startswith(CANONICAL) and "code" in e
    }
    assert used
    assert used <= defined


def test_every_record_comes_back_from_its_resources_and_maps_to_the_same_json(demo: Demo) -> None:
    records = list(clinic_inputs(demo.clinic))
    assert {type(record) for record in records} == set(MAPPINGS)  # every mapping, both ways
    for record in records:
        resources = json.loads(json.dumps(to_resources(record)))
        back = from_resources(type(record), resources)
        assert back == record
        assert to_resources(back) == resources


def test_ids_are_stable_across_exports_of_the_same_data(demo: Demo) -> None:
    assert _export(demo) == _export(demo)


def test_an_export_holds_one_clinic_and_is_audited_once_per_run(demo: Demo) -> None:
    northside = Clinic.objects.get(slug="northside")
    assert northside.patients.exists()
    assert northside.lots.exists()
    last = AuditEvent.objects.latest("pk").pk
    text = json.dumps(_export(demo))
    assert "Northside" not in text
    assert "northside" not in text
    assert "Okafor" not in text
    events = AuditEvent.objects.filter(pk__gt=last)
    assert [(e.action, e.clinic_id, e.object_id) for e in events] == [
        ("clinic.fhir_export", demo.clinic.pk, str(demo.clinic.pk))
    ]


def test_types_narrow_the_export(demo: Demo) -> None:
    resources = _export(demo, {"Patient", "Procedure"})
    assert {r["resourceType"] for r in resources} == {"Patient", "Procedure"}


def test_only_a_clinic_admin_exports_the_clinic(demo: Demo) -> None:
    with pytest.raises(PermissionDenied):
        access_clinic_resources(demo.practitioner)
