"""What /fhir/R4/ answers is valid FHIR R4 for both validators: the CapabilityStatement, a
search Bundle, an `$everything` Bundle and an OperationOutcome (one run of the validators)."""

from __future__ import annotations

from collections.abc import Callable

from needlepoint.interop.search import search_params
from needlepoint.interop.sources import RECORD_TYPES
from needlepoint.patients.models import Patient
from tests.api.fhir.conftest import Fhir
from tests.fhir.validator import validate
from tests.interop.conftest import Demo


def test_metadata_search_and_everything_are_valid_r4(
    demo: Demo, fhir: Callable[[str | None], Fhir]
) -> None:
    practitioner = fhir("practitioner")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    metadata = fhir(None).read("metadata")
    search = practitioner.read("Observation?_count=5")
    everything = practitioner.read(f"Patient/{maya.pk}/$everything")
    outcome = practitioner.read("Spaceship/1", 404)
    metadata["id"], search["id"], everything["id"], outcome["id"] = "m", "s", "e", "o"
    assert validate([metadata, search, everything, outcome]) == {}


def test_metadata_lists_what_the_server_answers(
    demo: Demo, fhir: Callable[[str | None], Fhir]
) -> None:
    statement = fhir(None).read("metadata")
    assert statement["fhirVersion"] == "4.0.1"
    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(served) == {*RECORD_TYPES, "CodeSystem", "Questionnaire"}
    patient = served["Patient"]
    assert {p["name"] for p in patient["searchParam"]} == {
        "name",
        "identifier",
        "birthdate",
        "_lastUpdated",
    }
    assert [op["name"] for op in patient["operation"]] == ["everything", "export"]
    assert served["Group"]["operation"] == [
        {
            "name": "export",
            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export",
        }
    ]
    assert [op["name"] for op in statement["rest"][0]["operation"]] == ["export"]
    assert statement["instantiates"] == [
        "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"
    ]
    assert {p["name"] for p in served["Procedure"]["searchParam"]} == {
        "patient",
        "date",
        "_lastUpdated",
    }
    assert {p["name"] for p in served["Device"]["searchParam"]} == {"_lastUpdated"}
    # The clinic's and its staff's rows keep no time of their changes.
    assert "searchParam" not in served["Practitioner"]
    assert {p["name"] for p in served["Observation"]["searchParam"]} == {
        p.name for p in search_params("Observation")
    }
    assert served["Organization"]["interaction"] == [{"code": "read"}, {"code": "search-type"}]
    assert served["CodeSystem"]["interaction"] == [{"code": "read"}]
