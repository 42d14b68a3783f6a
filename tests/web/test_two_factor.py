"""Two-factor on the pages: password then code, enrolment, the clinic's requirement (pages and
the API's session, not its tokens), the admin's reset and the personal API token page."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlepoint.accounts.models import ApiToken
from needlepoint.accounts.tokens import token_create
from needlepoint.safety.models import AuditEvent
from needlepoint.web.views.two_factor import PENDING_KEY, PENDING_SECONDS
from tests.conftest import signed_in
from tests.factories import PASSWORD
from tests.two_factor import app_code, enrol


def _password(client: Client, member, next_url: str = ""):  # type: ignore[no-untyped-def]
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": member.user.email, "password": PASSWORD})


def _require_two_factor(clinic) -> None:  # type: ignore[no-untyped-def]
    clinic.require_two_factor = True
    clinic.save()


def test_with_two_factor_the_password_alone_signs_no_one_in(practitioner, patient):
    device, _ = enrol(practitioner)
    client = Client()
    response = _password(client, practitioner, f"/patients/{patient.pk}/")
    assert response["Location"] == "/accounts/two-factor/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/patients/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/patients").status_code == 401
    verified = client.post("/accounts/two-factor/verify/", {"code": app_code(device)})
    assert verified["Location"] == f"/patients/{patient.pk}/"
    assert client.get(f"/patients/{patient.pk}/").status_code == 200
    assert client.get("/api/v1/patients").status_code == 200


def test_a_wrong_code_is_refused_and_audited(practitioner):
    device, _ = enrol(practitioner)
    client = Client()
    _password(client, practitioner)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/verify/", {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="security.two_factor_failed").count() == 1


def test_a_recovery_code_signs_in_once(practitioner):
    _, codes = enrol(practitioner)
    first = Client()
    _password(first, practitioner)
    assert first.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert first.get("/patients/").status_code == 200
    second = Client()
    _password(second, practitioner)
    assert second.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in second.session


def test_a_half_finished_sign_in_expires(practitioner):
    device, _ = enrol(practitioner)
    client = Client()
    _password(client, practitioner)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": time.time() - PENDING_SECONDS - 1}
    session.save()
    response = client.post("/accounts/two-factor/verify/", {"code": app_code(device)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_an_older_session_of_an_enrolled_member_owes_a_code(practitioner):
    device, _ = enrol(practitioner)
    client = signed_in(practitioner)  # signed in by password before they enrolled
    assert client.get("/patients/")["Location"] == "/accounts/two-factor/verify/?next=/patients/"
    response = client.post(
        "/accounts/two-factor/verify/?next=/patients/", {"code": app_code(device)}
    )
    assert response["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_then_the_recovery_codes_once(practitioner):
    client = signed_in(practitioner)
    page = client.get("/accounts/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=practitioner.user, confirmed=False)
    assert "<svg" in page
    assert "<?xml" not in page
    assert "data-secret" in page
    done = client.post("/accounts/two-factor/", {"code": app_code(device)})
    assert done.content.decode().count("<li><code>") == 10
    status = client.get("/accounts/two-factor/").content.decode()
    assert "Two-factor is on" in status
    assert "<li><code>" not in status
    assert client.get("/accounts/api-tokens/").context["verified"] is True


@pytest.mark.parametrize("url", ["/patients/", "/dashboard/", "/alerts/", "/accounts/api-tokens/"])
def test_a_clinic_that_requires_two_factor_sends_members_without_it_to_enrol(practitioner, url):
    _require_two_factor(practitioner.clinic)
    response = signed_in(practitioner).get(url)
    assert response["Location"] == f"/accounts/two-factor/?next={url}"


def test_the_requirement_holds_for_the_apis_session_but_not_its_tokens(practitioner):
    _require_two_factor(practitioner.clinic)
    assert signed_in(practitioner).get("/api/v1/patients").status_code == 401
    _, raw = token_create(practitioner.user)
    response = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_the_requirement_is_a_clinic_setting(admin):
    client = signed_in(admin)
    form = client.get("/clinic/settings/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.pop("settings", None)
    client.post("/clinic/settings/", {**data, "require_two_factor": "on"})
    admin.clinic.refresh_from_db()
    assert admin.clinic.require_two_factor is True


def test_patients_have_no_two_factor_pages(portal_patient):
    assert signed_in(portal_patient).get("/accounts/two-factor/").status_code == 403


def test_the_staff_page_resets_a_members_two_factor(admin, practitioner, front_desk):
    enrol(practitioner)
    url = f"/staff/{practitioner.pk}/two-factor/reset/"
    assert signed_in(front_desk).post(url).status_code == 403
    admin_client = signed_in(admin)
    assert "<td>On</td>" in admin_client.get("/staff/").content.decode()
    assert admin_client.post(url)["Location"] == f"/staff/{practitioner.pk}/edit/"
    assert not TOTPDevice.objects.filter(user=practitioner.user).exists()
    assert AuditEvent.objects.filter(action="staff.two_factor_reset").count() == 1


def test_api_tokens_need_a_verified_session(practitioner):
    client = signed_in(practitioner)
    page = client.get("/accounts/api-tokens/")
    assert "set it up" in page.content.decode()
    assert client.post("/accounts/api-tokens/", {"label": "lab"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_made_on_the_page_is_shown_once_works_and_is_revoked(practitioner):
    device, _ = enrol(practitioner)
    client = Client()
    _password(client, practitioner)
    client.post("/accounts/two-factor/verify/", {"code": app_code(device)})
    raw = client.post("/accounts/api-tokens/", {"label": "lab"}).context["raw"]
    assert raw.startswith("np_")
    assert raw not in client.get("/accounts/api-tokens/").content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/patients").status_code == 200
    token = ApiToken.objects.get()
    client.post("/accounts/api-tokens/revoke/", {"token_prefix": token.prefix})
    assert api.get("/api/v1/patients").status_code == 401
    events = AuditEvent.objects.filter(object_type="api_token").order_by("pk")
    assert [(e.action, e.actor_email) for e in events] == [
        ("token.create", practitioner.user.email),
        ("token.revoke", practitioner.user.email),
    ]
