"""The pages' side of the authorisation matrix, generated from the URL configuration: every
page, read by anonymous, by a patient, and by another clinic's practitioner, with this
clinic's records in its path. None of them may see the record; a new page whose path names
a record of a kind this test does not know fails it, so no page goes unchecked. An action
(a page that only takes a POST) is sent the form it would accept from its own clinic (`FORMS`;
a new action fails until it has one), and refusing it must leave the tenant's tables as they
were."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from needlepoint.web.urls import urlpatterns
from tests.security.state import changed_tables, tenant_state

# Pages anyone may open: signing in, and links that carry their own secret token.
PUBLIC = {"", "accounts/login/", "accounts/two-factor/verify/", "portal/sign-in/"}
PUBLIC |= {"portal/sign-in/code/", "portal/sign-in/<str:token>/", "calendar/<str:token>.ics"}
PUBLIC |= {"mail/unsubscribe/<str:token>/", "accounts/logout/"}
PUBLIC |= {"book/<slug:slug>/", "book/<slug:slug>/sent/"}  # the clinic's public booking page
PUBLIC |= {"calendar/feed/<str:token>.ics"}  # a staff member's calendar feed
# The form each action would accept from someone allowed to take it.
FORMS: dict[str, dict[str, str]] = {
    "accounts/two-factor/recovery-codes/": {},
    "accounts/api-tokens/revoke/": {"token_prefix": "matrix"},
    "patients/<str:patient_id>/restrict/": {"reason": "The patient asked us to stop using it."},
    "staff/<int:staff_id>/two-factor/reset/": {},
    "patients/<str:patient_id>/portal-invite/": {},
    "photos/<str:photo_id>/archive/": {"reason": "Taken by mistake."},
    "consents/<str:consent_id>/countersign/": {},
    "patients/<str:patient_id>/confirm/": {},
    "requests/<int:request_id>/close/": {"status": "booked"},
    "calendar/settings/rooms/<int:room_id>/in-use/": {"active": "0"},
    "calendar/settings/types/<int:type_id>/in-use/": {"active": "0"},
    "portal/appointments/<int:appointment_id>/cancel/": {"revision": "0"},
    "appointments/<int:appointment_id>/move/": {"starts_at": "2030-03-04T12:00", "revision": "0"},
    "appointments/<int:appointment_id>/status/": {"status": "cancelled", "revision": "0"},
    "courses/<int:course_id>/quote/": {},
    "quotes/<int:quote_id>/accept/": {"digest": "0" * 64},
    "packages/<int:package_id>/payments/": {"method": "cash", "amount": "1.00"},
    "packages/<int:package_id>/refunds/": {"method": "cash", "amount": "1.00", "note": "x"},
    "packages/<int:package_id>/invoice/": {},
    "invoices/<int:invoice_id>/credit-note/": {"reason": "Issued in error."},
    "portal/quotes/<int:quote_id>/accept/": {"digest": "0" * 64},
}


def _pages() -> list[str]:
    return [str(p.pattern) for p in urlpatterns if isinstance(p, URLPattern)]


def _path(route: str, ids: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return "not-a-token" if name == "token" else str(ids[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def test_every_path_parameter_is_known(world: dict[str, Any]) -> None:
    names = {name for route in _pages() for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    assert names - {*world["ids"], "token"} == set(), "give the matrix a record of that kind"
    assert set(FORMS) - set(_pages()) == set(), "remove the forms of actions that are gone"


@pytest.mark.parametrize("who", ["anonymous", "patient", "other clinic"])
def test_no_page_shows_this_clinics_record_to_outsiders(
    who: str, world: dict[str, Any], portal_patient: Any, other_practitioner: Any
) -> None:
    client = Client()
    if who == "patient":
        client.force_login(portal_patient.user)
    elif who == "other clinic":
        client.force_login(other_practitioner.user)
    record = portal_patient.record_number
    wrong = []
    for route in _pages():
        own = "accounts/password/" if who == "patient" else "accounts/"
        if route in PUBLIC or (who != "anonymous" and route.startswith(own)):
            continue  # a signed-in person's own account (a staff member's two-factor, tokens)
        if who == "patient" and route.startswith("portal/"):
            continue  # the portal is the patient's own, and checked in its own tests
        path = _path(route, world["ids"])
        response = client.get(path)
        if response.status_code == 405:  # an action: it must refuse the outsider's POST
            if route not in FORMS:
                wrong.append(f"give the action /{route} its form in FORMS")
                continue
            before = tenant_state()
            response = client.post(path, FORMS[route])
            signing_in = response.status_code == 302 and "/login/" in response["Location"]
            if response.status_code not in (401, 403, 404) and not signing_in:
                wrong.append(f"{who} POST /{route}: {response.status_code}, not refused")
            if changed := changed_tables(before):
                wrong.append(f"{who} POST /{route}: changed {', '.join(changed)}")
            continue
        body = response.content.decode(errors="replace")
        if response.status_code == 200 and (who != "other clinic" or record in body):
            wrong.append(f"{who} /{route}: 200")
        if who == "other clinic" and "<" in route and response.status_code not in (403, 404):
            wrong.append(f"{who} /{route}: {response.status_code}, not refused")
    assert wrong == [], "\n".join(wrong)
