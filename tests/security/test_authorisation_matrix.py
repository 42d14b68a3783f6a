"""The authorisation matrix, generated from the OpenAPI document: every operation, by every
role (each staff role, the patient, anonymous), on the own clinic's records and another
clinic's. A new operation fails the test until it is given a row in `NEEDS`, and a new write
until it is given one in `BODIES`, so no endpoint goes unchecked because nobody remembered it.

Writes send a valid body (`bodies.py`), so a refusal is the view's own and not the schema's: a
refused caller must be refused and leave the tenant's tables as they were; an allowed one gets
a success or a domain refusal (409, or a 422 that is not the schema's), never a 403 or 404."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from ninja.errors import ValidationError

from needlepoint.accounts.tokens import token_create
from needlepoint.api.api import api
from needlepoint.clinics.roles import GRANTS, Permission, Role
from tests.security.bodies import WORLD_ID, request_body
from tests.security.state import changed_tables, tenant_state

P = Permission
# What each operation needs: a permission of the role table. `None`: any signed-in person
# (each sees only their own clinic's or their own records).
NEEDS: dict[str, Permission | None] = {
    "patient_list": P.PATIENT_READ,
    "patient_create": P.PATIENT_CREATE,
    "patient_read": P.PATIENT_READ,
    "patient_update": P.PATIENT_UPDATE,
    "lot_list": P.LOT_READ,
    "lot_create": P.LOT_MANAGE,
    "lot_recall": P.LOT_MANAGE,
    "lot_sessions": P.CLINICAL_READ,  # the sessions a lot was used in are clinical records
    "consent_list": P.CONSENT_RECORD,
    "consent_sign": P.CONSENT_RECORD,
    "consent_countersign": P.CONSENT_COUNTERSIGN,
    "consent_revoke": P.CONSENT_RECORD,
    "consent_template_list": None,
    "consent_template_publish": P.CONSENT_TEMPLATE_MANAGE,
    "intake_record": P.INTAKE_RECORD,
    "intake_latest": P.INTAKE_RECORD,  # the answers to start the next intake from
    "screening_read": P.CLINICAL_READ,
    "screening_acknowledge": P.SCREENING_DECIDE,
    "screening_override": P.SCREENING_DECIDE,
    "assessment_record": P.ASSESSMENT_RECORD,
    "course_plan": P.CLINICAL_READ,  # reading the rules' plan; making a course is COURSE_PLAN
    "course_create": P.COURSE_PLAN,
    "course_read": P.CLINICAL_READ,
    "session_schedule": P.COURSE_PLAN,
    "session_read": P.CLINICAL_READ,
    "session_start": P.SESSION_CHART,
    "session_open_items": P.CLINICAL_READ,
    "session_chart_save": P.SESSION_CHART,
    "session_sign": P.SESSION_CHART,
    "addendum_add": P.SESSION_CHART,
    "checkin_submit": P.CHECKIN_SUBMIT,
    "checkin_list": P.CHECKIN_SUBMIT,
    "course_outcomes": P.CLINICAL_READ,
    "course_outcomes_record": P.ASSESSMENT_RECORD,  # the clinician's; a patient their own
    "alert_list": P.CLINICAL_READ,
    "alert_read": P.CLINICAL_READ,
    "alert_acknowledge": P.ALERT_MANAGE,
    "alert_contacted": P.ALERT_MANAGE,
    "alert_resolve": P.ALERT_MANAGE,
    "adverse_event_record": P.ALERT_MANAGE,
    "adverse_event_list": P.CLINICAL_READ,
    "aftercare_read": P.CLINICAL_READ,
    "handout_read": P.CLINICAL_READ,
    "session_photo_upload": P.PHOTO_RECORD,
    "checkin_photo_upload": P.CHECKIN_SUBMIT,
    "patient_photo_list": P.CLINICAL_READ,
    "photo_compare": P.CLINICAL_READ,
    "photo_read": P.CLINICAL_READ,
    "photo_image_read": P.CLINICAL_READ,
    "calendar_read": P.CALENDAR_READ,
    "appointment_read": P.CALENDAR_READ,
    "appointment_free_slots": P.CALENDAR_READ,
    "appointment_book": P.APPOINTMENT_BOOK,
    "appointment_move": P.APPOINTMENT_BOOK,
    "appointment_status": P.APPOINTMENT_BOOK,
    "course_proposals": P.APPOINTMENT_BOOK,
    "room_list": P.CALENDAR_READ,
    "room_create": P.SCHEDULE_MANAGE,
    "appointment_type_list": P.CALENDAR_READ,
    "appointment_type_create": P.SCHEDULE_MANAGE,
    "working_hours_set": P.SCHEDULE_MANAGE,
    "closure_create": P.SCHEDULE_MANAGE,
    "course_billing_read": P.BILLING_READ,
    "quote_create": P.BILLING_RECORD,
    "quote_accept": P.BILLING_RECORD,  # staff record an acceptance given in person
    "payment_record": P.BILLING_RECORD,
    "refund_record": P.BILLING_RECORD,
    "invoice_issue": P.BILLING_RECORD,
    "credit_note_issue": P.BILLING_RECORD,
}
# What each write sends over the body its request schema gives (`bodies.py`): the world's
# records where the domain needs a real one ("{session_id}"), values the domain accepts.
BODIES: dict[str, dict[str, Any]] = {
    "patient_create": {"date_of_birth": "1990-04-01"},
    "patient_update": {"given_name": "Paula"},  # consent_sign types the name
    "lot_create": {"expiry_date": "2099-12-31"},
    "lot_recall": {},
    "consent_sign": {
        "template_id": "{template_id}",
        "signed_name": "Paula Portal",
        "photo_uses": ["clinical_record"],
    },
    "consent_countersign": {},
    "consent_revoke": {"reason": "The patient asked by phone."},
    "consent_template_publish": {},
    "intake_record": {},
    "screening_acknowledge": {"finding_code": "isotretinoin_recent"},
    "screening_override": {},
    "assessment_record": {
        "qualitative_grade": 2,
        "zones": {"left_cheek": {"ecca": {"counts": {"boxcar": 3}}}},
        "scar_types": ["boxcar"],
    },
    "course_create": {
        "assessment_id": "{assessment_id}",
        "zones": {"left_cheek": {"depth_mm": 1.0}},
        "price_per_session": 200,
        "sessions_planned": 3,
        "interval_weeks": 4,
    },
    "session_schedule": {},
    "session_start": {},
    "session_chart_save": {},  # the world's session is signed: a 409
    "session_sign": {},
    "addendum_add": {},
    "checkin_submit": {},
    "course_outcomes_record": {},  # the world's baseline closed with its first session: a 422
    "alert_acknowledge": {},
    "alert_contacted": {"note": "Called the patient."},
    "alert_resolve": {"note": "Settled, as expected."},
    "adverse_event_record": {"session_id": "{session_id}"},
    "session_photo_upload": {},
    "checkin_photo_upload": {},
    "appointment_book": {
        "patient_id": "{patient_id}",
        "type_id": "{type_id}",
        "practitioner_id": "{practitioner_id}",
        "room_id": "{room_id}",
    },
    "appointment_move": {},
    "appointment_status": {},
    "room_create": {},
    "appointment_type_create": {"minutes": 30},
    "working_hours_set": {},
    "closure_create": {"ends_at": "2099-01-01T00:00:00+00:00"},
    "quote_create": {},  # the world's quote is accepted: a 422
    "quote_accept": {"digest": "0" * 64},
    "payment_record": {"method": "cash", "amount": "1.00"},
    "refund_record": {"method": "cash", "amount": "1.00", "note": "Goodwill."},
    "invoice_issue": {},  # the world's package is invoiced: a 422
    "credit_note_issue": {"reason": "Issued in error."},
}
# Reads a patient makes of their own record with their own read right (Actor.record_permission).
PATIENT_OWN = {"aftercare_read", "handout_read", "patient_photo_list", "photo_compare"}
PATIENT_OWN |= {"photo_read", "photo_image_read", "consent_list"}
PATIENT_OWN |= {"course_billing_read", "quote_accept"}  # their own money, their own quote
PATIENT_OWN |= {"course_outcomes", "course_outcomes_record"}  # their own reports
REFUSED = {401, 403, 404, 405}


@dataclass(frozen=True)
class Caller:
    name: str
    client: Client
    role: Role | None = None  # None: anonymous, or another clinic's practitioner

    def allowed(self, op: str) -> bool:
        if self.role is None:
            return False
        need = NEEDS[op]
        own = self.role is Role.PATIENT and op in PATIENT_OWN
        return need is None or need in GRANTS[self.role] or own


def _client(member: Any, role: Role) -> Client:
    if role is Role.PATIENT:  # the portal's signed-in session
        client = Client()
        client.force_login(member.user)
        return client
    _, token = token_create(member.user, "matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (method, path, op)
        for path, operations in document["paths"].items()
        for method, op in operations.items()
    ]
    return sorted(found, key=lambda row: row[0] != "get")  # reads before the writes change things


def _path(template: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


@pytest.fixture
def schema_refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The writes Ninja refused as not matching their schema: a body the matrix got wrong."""
    refusals: list[str] = []
    answer = api._exception_handlers[ValidationError]

    def recorded(request: HttpRequest, error: ValidationError) -> HttpResponse:
        if request.method != "GET":
            refusals.append(f"{request.method} {request.path}: {error.errors}")
        return answer(request, error)

    monkeypatch.setitem(api._exception_handlers, ValidationError, recorded)
    return refusals


def test_every_operation_has_a_row() -> None:
    operations = _operations(Client().get("/api/v1/openapi.json").json())
    names = {op["operationId"] for _, _, op in operations}
    assert names - set(NEEDS) == set(), "add the new operations to NEEDS"
    assert set(NEEDS) - names == set(), "remove the operations that are gone"
    writes = {op["operationId"] for method, _, op in operations if method != "get"}
    assert writes - set(BODIES) == set(), "add the new writes to BODIES"
    assert set(BODIES) - writes == set(), "remove the writes that are gone"


def _verdict(caller: Caller, op: str, method: str, template: str, response: Any) -> str:
    """What is wrong with the answer to `caller`, or an empty string."""
    status = response.status_code
    call = f"{caller.name} {method.upper()} {template}: {status}"
    if caller.allowed(op):
        if method == "get":
            return f"{call}, should be allowed" if status in REFUSED else ""
        ok = 200 <= status < 300 or status in {409, 422}  # done, or a domain refusal
        return "" if ok else f"{call}, should be done or refused by the domain"
    if caller.name == "anonymous":
        expected = {401}
    elif caller.role is None:  # another clinic's practitioner, on this clinic's record
        expected = {404, 422} if method == "get" else {403, 404}
    elif method == "get":  # a read may refuse its query first
        return f"{call}, should be refused" if status < 400 else ""
    else:
        expected = {403, 404} if caller.role is Role.PATIENT else {403}
    return "" if status in expected else f"{call}, should be refused"


def test_the_matrix(world: dict[str, Any], admin: Any, practitioner: Any, front_desk: Any,
                    portal_patient: Any, other_practitioner: Any,
                    schema_refusals: list[str]) -> None:  # fmt: skip
    document = Client().get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    ids = world["ids"]
    anonymous = Caller("anonymous", Client())
    # Another clinic's practitioner, holding every clinical right, on this clinic's records.
    other_clinic = Caller("other clinic", _client(other_practitioner, Role.PRACTITIONER))
    people = [
        Caller(str(role), _client(member, role), role)
        for role, member in [
            (Role.CLINIC_ADMIN, admin),
            (Role.PRACTITIONER, practitioner),
            (Role.FRONT_DESK, front_desk),
            (Role.PATIENT, portal_patient),
        ]
    ]
    secrets = [str(world["other_patient"].pk), str(world["other_patient"].record_number)]
    wrong: list[str] = []
    cells = 0
    for method, template, operation in _operations(document):
        op = operation["operationId"]
        path = _path(template, ids)
        recipe = BODIES.get(op, {})
        names_a_record = "{" in template or any(WORLD_ID.match(str(v)) for v in recipe.values())
        callers = [anonymous, *([other_clinic] if names_a_record else []), *people]
        refused = [caller for caller in callers if not caller.allowed(op)]
        before = tenant_state() if method != "get" else None
        for caller in sorted(callers, key=lambda c: c.allowed(op)):  # the refused first
            body = request_body(operation, components, recipe, ids) if method != "get" else {}
            response = getattr(caller.client, method)(path, **body)
            cells += 1
            wrong.append(_verdict(caller, op, method, template, response))
            if method == "get" and "{" not in template and response.status_code == 200:
                shown = response.content.decode(errors="replace")
                if any(secret in shown for secret in secrets):
                    wrong.append(f"{caller.name} GET {template}: shows another clinic's")
            if before is not None and caller is refused[-1] and (changed := changed_tables(before)):
                wrong.append(f"{op}: refused callers changed {', '.join(changed)}")
    wrong = [line for line in wrong if line]
    assert cells >= 5 * len(NEEDS)
    assert schema_refusals == [], "fix the BODIES of these writes:\n" + "\n".join(schema_refusals)
    assert wrong == [], "\n".join(wrong)
