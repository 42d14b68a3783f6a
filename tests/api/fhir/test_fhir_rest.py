"""/fhir/R4/ over the demo clinics: every resource of the export read back by its id, searches
and their paging, `$everything`; tenancy on every path, roles, audit events, and every error
as an OperationOutcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from needlepoint.api.auth import THROTTLE
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Course, Session
from needlepoint.fhir.codes import CANONICAL
from needlepoint.interop.export import clinic_resources
from needlepoint.patients.models import Consent, ConsentRevocation, Patient
from needlepoint.patients.services import patient_restrict
from needlepoint.safety.models import AuditEvent, Lot
from needlepoint.safety.security import ACCESS_REFUSED
from tests.api.fhir.conftest import Fhir, patients_moved_to_a_new_practitioner
from tests.interop.conftest import Demo

Clients = Callable[[str | None], Fhir]


def _export(clinic: Clinic) -> list[dict[str, Any]]:
    return json.loads(json.dumps(list(clinic_resources(clinic))))


def _records(clinic: Clinic) -> list[dict[str, Any]]:
    definitions = ("CodeSystem", "Questionnaire")
    return [r for r in _export(clinic) if r["resourceType"] not in definitions]


def _one_of_each_type(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({r["resourceType"]: r for r in resources}.values())


def _walk(fhir: Fhir, url: str) -> list[dict[str, Any]]:
    """Every page of a search, following `next` to the end."""
    pages = []
    while url:
        page = fhir.read(url)
        assert (page["resourceType"], page["type"]) == ("Bundle", "searchset")
        pages.append(page)
        url = next((link["url"] for link in page["link"] if link["relation"] == "next"), "")
    return pages


def _ids(pages: list[dict[str, Any]]) -> list[str]:
    return [e["resource"]["id"] for page in pages for e in page.get("entry", [])]


def _outcome(body: dict[str, Any], code: str) -> None:
    assert body["resourceType"] == "OperationOutcome"
    assert [issue["code"] for issue in body["issue"]] == [code]
    assert body["issue"][0]["severity"] == "error"
    assert body["issue"][0]["diagnostics"]


def test_every_resource_of_the_export_reads_back_by_its_id(demo: Demo, fhir: Clients) -> None:
    practitioner = fhir("practitioner")
    for resource in _records(demo.clinic):
        assert practitioner.read(f"{resource['resourceType']}/{resource['id']}") == resource


def test_codesystems_and_questionnaires_resolve_without_a_token(demo: Demo, fhir: Clients) -> None:
    anyone = fhir(None)
    definitions = [r for r in _export(demo.clinic) if r["resourceType"] == "CodeSystem"]
    assert definitions
    for code_system in definitions:
        assert code_system["url"] == f"{CANONICAL}/CodeSystem/{code_system['id']}"
        assert anyone.read(f"CodeSystem/{code_system['id']}") == code_system
    assert anyone.read("Questionnaire/checkin")["url"].endswith("/Questionnaire/checkin")
    _outcome(anyone.read("CodeSystem/no-such-system", 404), "not-found")
    _outcome(anyone.read("Patient", 401), "login")


def test_another_clinics_token_gets_404_on_every_type_and_the_refusal_is_recorded(
    demo: Demo, fhir: Clients
) -> None:
    northside = fhir("northside")
    for resource in _one_of_each_type(_records(demo.clinic)):
        if resource["resourceType"] == "Device":
            continue  # lots: a practitioner of either clinic reads only their own (below)
        before = AuditEvent.objects.filter(action=ACCESS_REFUSED).count()
        body = northside.read(f"{resource['resourceType']}/{resource['id']}", 404)
        _outcome(body, "not-found")
        assert AuditEvent.objects.filter(action=ACCESS_REFUSED).count() == before + 1
    lot = next(r for r in _records(demo.clinic) if r["resourceType"] == "Device")
    _outcome(northside.read(f"Device/{lot['id']}", 404), "not-found")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    _outcome(northside.read(f"Patient/{maya.pk}/$everything", 404), "not-found")


def test_searches_never_return_another_clinics_rows(demo: Demo, fhir: Clients) -> None:
    northside = fhir("northside")
    theirs = {r["id"] for r in _records(Clinic.objects.get(slug="northside"))}
    ours = {r["id"] for r in _records(demo.clinic)}
    for resource_type in ("Patient", "Procedure", "Observation", "Provenance", "Device"):
        found = set(_ids(_walk(northside, f"{resource_type}?_count=5")))
        assert found <= theirs
        assert not found & ours
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    assert _ids(_walk(northside, f"Procedure?patient=Patient/{maya.pk}")) == []


def test_a_role_without_clinical_read_gets_403(demo: Demo, fhir: Clients) -> None:
    front_desk = fhir("front_desk")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    procedure = next(r for r in _records(demo.clinic) if r["resourceType"] == "Procedure")
    _outcome(front_desk.read(f"Procedure/{procedure['id']}", 403), "forbidden")
    _outcome(front_desk.read("Observation", 403), "forbidden")
    _outcome(front_desk.read(f"Patient/{maya.pk}/$everything", 403), "forbidden")
    assert front_desk.read(f"Patient/{maya.pk}")["id"] == str(maya.pk)


def test_a_patient_reads_only_their_own_record(demo: Demo, fhir: Clients) -> None:
    maya = fhir("maya")
    own = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    other = Patient.objects.get(clinic=demo.clinic, given_name="Daniel")
    assert maya.read(f"Patient/{own.pk}")["id"] == str(own.pk)
    _outcome(maya.read(f"Patient/{other.pk}", 404), "not-found")
    _outcome(maya.read(f"Patient/{other.pk}/$everything", 404), "not-found")
    subjects = {
        e["resource"]["subject"]["reference"]
        for page in _walk(maya, "Procedure")
        for e in page["entry"]
    }
    assert subjects == {f"Patient/{own.pk}"}
    assert _ids(_walk(maya, "Patient")) == [str(own.pk)]
    _outcome(maya.read("Device", 403), "forbidden")


def test_reads_searches_and_everything_are_audited_once_each(demo: Demo, fhir: Clients) -> None:
    practitioner = fhir("practitioner")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    procedure = next(
        r
        for r in _records(demo.clinic)
        if r["resourceType"] == "Procedure" and r["subject"]["reference"] == f"Patient/{maya.pk}"
    )
    last = AuditEvent.objects.latest("pk").pk
    practitioner.read(f"Procedure/{procedure['id']}")
    practitioner.read(f"Procedure?patient={maya.pk}")
    practitioner.read(f"Patient/{maya.pk}/$everything")
    events = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("fhir.read", "patient", str(maya.pk)),
        ("fhir.search", "patient", str(maya.pk)),
        ("patient.fhir_everything", "patient", str(maya.pk)),
    ]
    assert events[0].detail == {"read": f"Procedure/{procedure['id']}"}
    assert procedure["id"] in events[1].detail["ids"]
    assert events[1].detail["patients"] == [str(maya.pk)]


@pytest.mark.parametrize("resource_type", ["Observation", "Provenance", "QuestionnaireResponse"])
def test_paging_links_walk_every_match_once(demo: Demo, fhir: Clients, resource_type: str) -> None:
    expected = [r["id"] for r in _records(demo.clinic) if r["resourceType"] == resource_type]
    pages = _walk(fhir("practitioner"), f"{resource_type}?_count=4")
    assert len(pages) == -(-len(expected) // 4)
    assert all(len(page["entry"]) == 4 for page in pages[:-1])
    assert sorted(_ids(pages)) == sorted(expected)
    first = pages[0]["link"]
    assert first[0]["relation"] == "self"
    assert parse_qs(urlsplit(first[0]["url"]).query) == {"_count": ["4"]}


def test_patient_search_by_name_identifier_birthdate_and_last_updated(
    demo: Demo, fhir: Clients
) -> None:
    practitioner = fhir("practitioner")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")

    def found(query: str) -> list[str]:
        return _ids(_walk(practitioner, f"Patient?{query}"))

    assert found("name=may") == [str(maya.pk)]
    assert found(f"name=MAYA&name={maya.family_name[:3]}") == [str(maya.pk)]
    assert found(f"identifier={maya.record_number}") == [str(maya.pk)]
    system = f"{CANONICAL}/identifier/clinic/demo/record-number"
    assert found(f"identifier={system}|{maya.record_number}") == [str(maya.pk)]
    assert found(f"identifier=http://elsewhere|{maya.record_number}") == []
    born = maya.date_of_birth
    assert str(maya.pk) in found(f"birthdate={born.isoformat()}")
    assert str(maya.pk) in found(f"birthdate={born:%Y-%m}")
    assert str(maya.pk) not in found(f"birthdate=gt{born.isoformat()}")
    assert str(maya.pk) in found(f"birthdate=ge{born.isoformat()}&birthdate=lt{born.year + 1}")
    assert str(maya.pk) not in found(f"birthdate=ne{born.isoformat()}")
    changed = maya.updated_at
    assert str(maya.pk) in found(f"_lastUpdated=ge{changed:%Y-%m-%d}")
    assert str(maya.pk) not in found(f"_lastUpdated=gt{changed.year + 1}")


def test_date_searches_read_each_types_own_time(demo: Demo, fhir: Clients) -> None:
    practitioner = fhir("practitioner")
    appointments = [r for r in _records(demo.clinic) if r["resourceType"] == "Appointment"]
    starts = sorted(r["start"][:10] for r in appointments)
    middle = starts[len(starts) // 2]
    later = _ids(_walk(practitioner, f"Appointment?date=ge{middle}"))
    assert sorted(later) == sorted(r["id"] for r in appointments if r["start"][:10] >= middle)
    earlier = _ids(_walk(practitioner, f"Appointment?date=lt{middle}"))
    assert sorted(earlier + later) == sorted(r["id"] for r in appointments)
    # A type whose source has no time of its own is left out of a date search.
    fitzpatrick = [r["id"] for r in _records(demo.clinic) if r["id"].endswith("-skin-type")]
    assert fitzpatrick
    assert not set(fitzpatrick) & set(_ids(_walk(practitioner, "Observation?date=ge2000")))


def test_a_restricted_record_is_read_as_by_api_v1_and_left_out_of_searches_across_patients(
    demo: Demo, fhir: Clients
) -> None:
    maya = patient_restrict(
        demo.admin,
        Patient.objects.get(clinic=demo.clinic, given_name="Maya").pk,
        "Contests the record.",
    )
    practitioner = fhir("practitioner")
    own = [
        r
        for r in _records(demo.clinic)
        if r.get("subject", r.get("patient", {})).get("reference") == f"Patient/{maya.pk}"
    ]
    mine = {r["id"] for r in own}
    # Out of every search that does not name her, as out of the patient list of /api/v1 ...
    listed = practitioner.client.get("/api/v1/patients?q=maya").json()
    assert listed["items"] == []
    assert _ids(_walk(practitioner, "Patient?name=maya")) == []
    assert _ids(_walk(practitioner, f"Patient?identifier={maya.record_number}")) == []
    for resource_type in ("Procedure", "Consent", "Observation", "Media"):
        assert any(r["resourceType"] == resource_type for r in own)
        assert not set(_ids(_walk(practitioner, resource_type))) & mine, resource_type
    assert _ids(_walk(practitioner, "Procedure"))  # the others' stay
    # ... except her safety reports, as on /api/v1/adverse-events.
    events = set(_ids(_walk(practitioner, "AdverseEvent")))
    assert events & mine
    assert {str(e["id"]) for e in practitioner.client.get("/api/v1/adverse-events").json()} >= {
        event.removeprefix("adverse-event-") for event in events & mine
    }
    # Her record is read as /api/v1 reads it: by id, searched by her, whole; each audited.
    assert practitioner.client.get(f"/api/v1/patients/{maya.pk}").status_code == 200
    last = AuditEvent.objects.latest("pk").pk
    assert practitioner.read(f"Patient/{maya.pk}")["id"] == str(maya.pk)
    procedures = set(_ids(_walk(practitioner, f"Procedure?patient={maya.pk}")))
    assert procedures
    assert procedures <= mine
    everything = practitioner.read(f"Patient/{maya.pk}/$everything")
    assert mine <= {e["resource"]["id"] for e in everything["entry"]}
    events_written = AuditEvent.objects.filter(pk__gt=last).order_by("pk")
    assert [(e.action, e.object_id) for e in events_written] == [
        ("fhir.read", str(maya.pk)),
        ("fhir.search", str(maya.pk)),
        ("patient.fhir_everything", str(maya.pk)),
    ]
    # In the portal she still finds her own record.
    assert _ids(_walk(fhir("maya"), "Patient")) == [str(maya.pk)]


def test_a_practitioners_patients_are_a_group_read_and_searched_with_the_clinical_record(
    demo: Demo, fhir: Clients
) -> None:
    newcomer = patients_moved_to_a_new_practitioner(demo, "Maya")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    practitioner = fhir("practitioner")
    group = practitioner.read(f"Group/staff-{newcomer.pk}-patients")
    assert group["type"] == "person"
    assert group["actual"] is True
    assert group["managingEntity"] == {"reference": f"Practitioner/staff-{newcomer.pk}"}
    assert group["member"] == [{"entity": {"reference": f"Patient/{maya.pk}"}}]
    assert group["quantity"] == 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type) == ("fhir.read", "clinic")
    assert event.detail["patients"] == [str(maya.pk)]
    groups = {e["resource"]["id"]: e["resource"] for e in practitioner.read("Group")["entry"]}
    shah = demo.practitioner.user.staff.pk
    assert set(groups) == {f"staff-{shah}-patients", f"staff-{newcomer.pk}-patients"}
    planned = {
        f"Patient/{course.patient_id}"
        for course in Course.objects.filter(clinic=demo.clinic, planned_by_id=shah)
    }
    assert planned
    assert f"Patient/{maya.pk}" not in planned
    members = groups[f"staff-{shah}-patients"]["member"]
    assert {m["entity"]["reference"] for m in members} == planned
    assert set(AuditEvent.objects.latest("pk").detail["patients"]) == {
        str(maya.pk),
        *(reference.removeprefix("Patient/") for reference in planned),
    }
    _outcome(fhir("front_desk").read(f"Group/staff-{shah}-patients", 403), "forbidden")
    _outcome(fhir("maya").read(f"Group/staff-{newcomer.pk}-patients", 403), "forbidden")
    _outcome(fhir("maya").read("Group", 403), "forbidden")
    _outcome(fhir("northside").read(f"Group/staff-{shah}-patients", 404), "not-found")
    _outcome(practitioner.read(f"Group/staff-{shah}", 404), "not-found")
    _outcome(
        practitioner.read(f"Group/staff-{demo.admin.user.staff.pk}-patients", 404), "not-found"
    )


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def test_last_updated_is_the_latest_time_a_records_changes_leave(demo: Demo, fhir: Clients) -> None:
    practitioner = fhir("practitioner")

    def found(resource_type: str, *bounds: str) -> set[str]:
        query = "&".join(f"_lastUpdated={bound}" for bound in bounds)
        return set(_ids(_walk(practitioner, f"{resource_type}?{query}")))

    # A recalled lot: created in 2020, recalled on 2021-06-01.
    lot = Lot.objects.filter(clinic=demo.clinic, recalled_at__isnull=False).first()
    assert lot is not None
    Lot.objects.filter(pk=lot.pk).update(
        created_at=_at("2020-01-10"), recalled_at=_at("2021-06-01")
    )
    device = f"lot-{lot.pk}"
    assert device in found("Device", "ge2021-06-01")
    assert device in found("Device", "le2021-06-01")
    assert device in found("Device", "eq2021-06")
    assert device not in found("Device", "gt2021-06-01")
    assert device not in found("Device", "lt2021-06-01")
    assert device not in found(
        "Device", "ge2020-01-01", "lt2021"
    )  # its creation is not its last change
    # A signed session: its course planned in 2020, started on 2020-02-01, signed on 2020-03-05.
    session = Session.objects.filter(clinic=demo.clinic, status=Session.Status.SIGNED).first()
    assert session is not None
    Course.objects.filter(pk=session.course_id).update(created_at=_at("2020-01-10"))
    Session.objects.filter(pk=session.pk).update(
        started_at=_at("2020-02-01"), ended_at=_at("2020-02-01"), signed_at=_at("2020-03-05")
    )
    procedure = f"session-{session.pk}"
    assert procedure in found("Procedure", "ge2020-03-05", "lt2020-03-06")
    assert procedure in found("Procedure", "gt2020-02")
    assert procedure not in found("Procedure", "lt2020-03-05")
    assert procedure not in found("Procedure", "gt2020-03-05")
    # A consent signed in 2020 whose photo use was withdrawn on 2020-04-01: once, not per row.
    revocation = ConsentRevocation.objects.filter(clinic=demo.clinic).first()
    assert revocation is not None
    Consent.objects.filter(pk=revocation.consent_id).update(signed_at=_at("2020-01-02"))
    ConsentRevocation.objects.filter(pk=revocation.pk).update(revoked_at=_at("2020-04-01"))
    consent = str(revocation.consent_id)
    assert consent not in found("Consent", "lt2020-03")
    assert consent in found("Consent", "le2020-04-01")
    assert consent in found("Consent", "ge2020-04", "lt2020-05")
    assert consent not in found("Consent", "ne2020-04-01")
    pages = _walk(practitioner, "Consent?_lastUpdated=ge2020")
    assert len(_ids(pages)) == len(set(_ids(pages)))
    # The clinic's staff keep no time of their changes: not a parameter of theirs.
    strict = practitioner.read(
        "Practitioner?_lastUpdated=ge2020", 400, HTTP_PREFER="handling=strict"
    )
    _outcome(strict, "invalid")


def test_unknown_parameters_are_ignored_unless_handling_is_strict(
    demo: Demo, fhir: Clients
) -> None:
    practitioner = fhir("practitioner")
    lenient = practitioner.read("Patient?name=maya&colour=blue")
    assert "colour" not in lenient["link"][0]["url"]
    assert len(lenient["entry"]) == 1
    strict = practitioner.read("Patient?colour=blue", 400, HTTP_PREFER="handling=strict")
    _outcome(strict, "invalid")
    assert strict["issue"][0]["expression"] == ["colour"]
    _outcome(practitioner.read("Appointment?date=tomorrow", 400), "invalid")
    _outcome(practitioner.read("Appointment?date=sa2026", 400), "invalid")
    _outcome(practitioner.read("Appointment?_count=none", 400), "invalid")
    _outcome(practitioner.read("Appointment?_cursor=9.x.0", 400), "invalid")


def test_everything_holds_the_patients_record_and_what_it_refers_to(
    demo: Demo, fhir: Clients
) -> None:
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    bundle = fhir("practitioner").read(f"Patient/{maya.pk}/$everything")
    resources = [entry["resource"] for entry in bundle["entry"]]
    keys = {f"{r['resourceType']}/{r['id']}" for r in resources}
    assert bundle["total"] == len(resources) == len(keys)
    text = json.dumps(resources)
    assert f"Patient/{maya.pk}" in keys
    for other in Patient.objects.filter(clinic=demo.clinic).exclude(pk=maya.pk):
        assert str(other.pk) not in text
    references = {
        value["reference"]
        for r in resources
        for value in _values(r)
        if isinstance(value, dict) and "reference" in value
    }
    assert references <= keys
    types = {r["resourceType"] for r in resources}
    assert {"Organization", "Practitioner", "Device", "CodeSystem", "Questionnaire"} <= types
    assert {"Procedure", "Consent", "Media", "AdverseEvent", "Condition"} <= types


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(v for item in value.values() for v in _values(item))]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return []


def test_every_error_is_an_operation_outcome(demo: Demo, fhir: Clients, monkeypatch: Any) -> None:
    practitioner = fhir("practitioner")
    _outcome(fhir(None).read("Patient", 401), "login")
    assert 'Bearer realm="needlepoint"' in fhir(None).get("Patient")["WWW-Authenticate"]
    _outcome(practitioner.read("Spaceship/1", 404), "not-found")
    _outcome(practitioner.read("Procedure/not-an-id", 404), "not-found")
    _outcome(practitioner.read("Patient/a/b/c/d", 404), "not-found")
    posted = practitioner.client.post("/fhir/R4/Patient", {}, content_type="application/fhir+json")
    assert posted.status_code == 405
    assert posted["Content-Type"].startswith("application/fhir+json")
    _outcome(posted.json(), "not-supported")
    monkeypatch.setattr(THROTTLE, "num_requests", 1)
    monkeypatch.setattr(THROTTLE, "duration", 60)
    busy = fhir("practitioner")
    busy.read("Patient?_count=1")
    refused = busy.get("Patient")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    _outcome(refused.json(), "throttled")
