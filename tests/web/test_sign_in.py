"""Sign-in, lockout after repeated failures, and idle sign-out."""

from __future__ import annotations

import time

from django.test import Client

from needlepoint.web.middleware import LAST_SEEN_KEY
from tests.factories import PASSWORD


def _login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_sign_in_lands_each_role_on_its_start_page(practitioner, front_desk, portal_patient):
    staff = Client()
    assert _login(staff, practitioner.user.email, PASSWORD)["Location"] == "/"
    assert staff.get("/")["Location"] == "/dashboard/"
    desk = Client()
    _login(desk, front_desk.user.email, PASSWORD)
    assert desk.get("/")["Location"] == "/patients/"
    patient = Client()
    _login(patient, portal_patient.user.email, PASSWORD)
    assert patient.get("/")["Location"] == "/portal/"


def test_wrong_password_shows_an_error(practitioner):
    response = _login(Client(), practitioner.user.email, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_lockout_after_five_failures_even_with_the_right_password(practitioner, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, practitioner.user.email, "wrong")
    locked = _login(client, practitioner.user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_client_address(practitioner, front_desk, settings):
    """One attacker behind a clinic's shared address locks out neither a colleague there nor
    the attacked account elsewhere."""
    nat, home = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}
    attacker = Client(**nat)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, practitioner.user.email, "wrong")
    assert _login(attacker, practitioner.user.email, PASSWORD).status_code == 429
    assert _login(Client(**nat), front_desk.user.email, PASSWORD).status_code == 302
    assert _login(Client(**home), practitioner.user.email, PASSWORD).status_code == 302
    spoofed = Client(**nat, HTTP_X_FORWARDED_FOR="192.0.2.1")  # a header is not an address
    assert _login(spoofed, practitioner.user.email, PASSWORD).status_code == 429


def test_pages_need_sign_in(db):
    response = Client().get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/patients/")


def test_idle_session_is_signed_out(practitioner, settings):
    client = Client()
    client.force_login(practitioner.user)
    assert client.get("/patients/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.IDLE_TIMEOUT_SECONDS - 1
    session.save()
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_active_session_stays_signed_in(practitioner, settings):
    client = Client()
    client.force_login(practitioner.user)
    client.get("/patients/")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.IDLE_TIMEOUT_SECONDS + 60
    session.save()
    assert client.get("/patients/").status_code == 200


def test_logout_is_a_post(practitioner):
    client = Client()
    client.force_login(practitioner.user)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/patients/").status_code == 302
