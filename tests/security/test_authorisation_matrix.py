"""The authorisation matrix, generated from the OpenAPI document: every operation, by every
role (each staff role, the patient, anonymous), on the own clinic's records and another
clinic's. A new operation fails the test until it is given a row in `NEEDS`, so no endpoint
goes unchecked because nobody remembered it."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.clinics.roles import GRANTS, Permission, Role

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
}
# Reads a patient makes of their own record with their own read right (Actor.record_permission).
PATIENT_OWN = {"aftercare_read", "handout_read", "patient_photo_list", "photo_compare"}
PATIENT_OWN |= {"photo_read", "photo_image_read", "consent_list"}
REFUSED = {401, 403, 404, 405}


def _client(member: Any | None, role: Role | None) -> Client:
    if member is None:
        return Client()
    if role is Role.PATIENT:  # the portal's signed-in session
        client = Client()
        client.force_login(member.user)
        return client
    _, token = token_create(member.user, "matrix")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _call(client: Client, method: str, path: str) -> Any:
    """A request with an empty JSON body for writes: a refusal must come before any use of it."""
    body = {"content_type": "application/json", "data": {}} if method != "get" else {}
    return getattr(client, method)(path, **body)


def _operations(client: Client) -> list[tuple[str, str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    found = [
        (method, path, op["operationId"])
        for path, operations in document["paths"].items()
        for method, op in operations.items()
    ]
    return sorted(found, key=lambda row: row[0] != "get")  # reads before the writes change things


def _path(template: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)


def test_every_operation_has_a_row() -> None:
    operations = {op for _, _, op in _operations(Client())}
    assert operations - set(NEEDS) == set(), "add the new operations to NEEDS"
    assert set(NEEDS) - operations == set(), "remove the operations that are gone"


def test_the_matrix(world: dict[str, Any], admin: Any, practitioner: Any, front_desk: Any,
                    portal_patient: Any, other_practitioner: Any) -> None:  # fmt: skip
    people = [
        (Role.CLINIC_ADMIN, admin),
        (Role.PRACTITIONER, practitioner),
        (Role.FRONT_DESK, front_desk),
        (Role.PATIENT, portal_patient),
    ]
    # Another clinic's practitioner, holding every clinical right, on this clinic's records.
    other_clinic = _client(other_practitioner, Role.PRACTITIONER)
    secrets = [str(world["other_patient"].pk), str(world["other_patient"].record_number)]
    wrong: list[str] = []
    cells = 0
    for method, template, op in _operations(Client()):
        path = _path(template, world["ids"])
        # Anonymous: never in.
        status = _call(Client(), method, path).status_code
        cells += 1
        if status != 401:
            wrong.append(f"anonymous {method.upper()} {template}: {status}")
        # Another clinic's staff on this clinic's records: refused.
        if "{" in template:
            status = _call(other_clinic, method, path).status_code
            cells += 1
            if status not in REFUSED | {422} or (method == "get" and status not in {404, 422}):
                wrong.append(f"other clinic {method.upper()} {template}: {status}")
        for role, member in people:
            need = NEEDS[op]
            client = _client(member, role)
            allowed = need is None or need in GRANTS[role]
            if role is Role.PATIENT and op in PATIENT_OWN:
                allowed = True
            response = _call(client, method, path)
            cells += 1
            status = response.status_code
            if not allowed and status < 400:
                wrong.append(f"{role} {method.upper()} {template}: {status}, should be refused")
            if allowed and method == "get" and status in REFUSED:
                wrong.append(f"{role} {method.upper()} {template}: {status}, should be allowed")
            if method == "get" and status == 200 and "{" not in template:
                leaked = [s for s in secrets if s in response.content.decode(errors="replace")]
                if leaked:
                    wrong.append(f"{role} {method.upper()} {template}: shows another clinic's")
    assert cells >= 5 * len(NEEDS)
    assert wrong == [], "\n".join(wrong)
