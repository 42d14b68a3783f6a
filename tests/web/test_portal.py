"""The patient portal: e-mailed one-time sign-in, today's aftercare, check-ins and their answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.models import SignInLink
from needlepoint.checkins.models import Alert
from needlepoint.patients.portal_access import (
    CODE_GUESSES_PER_ADDRESS,
    LINKS_PER_ADDRESS,
    LINKS_PER_CLIENT,
    REFUSED,
)
from tests.clinical_data import treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, UserFactory


def _link_and_code() -> tuple[str, str]:
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/portal/sign-in/[^/\s]+/)", body)
    code = re.search(r"code on the sign-in page: (\d{6})", body)
    assert link is not None
    assert code is not None
    return link.group(1), code.group(1)


@pytest.fixture
def invited(front_desk, clinic):  # type: ignore[no-untyped-def]
    patient = PatientFactory(clinic=clinic, email="Lina@Example.test", given_name="Lina")
    response = signed_in(front_desk).post(f"/patients/{patient.pk}/portal-invite/")
    assert response.status_code == 302
    patient.refresh_from_db()
    return patient


def test_invite_creates_a_passwordless_account_and_mails_a_link(invited):
    assert invited.user.email == "lina@example.test"
    assert not invited.user.has_usable_password()
    assert mail.outbox[-1].to == ["lina@example.test"]


def test_link_signs_in_once_after_a_button_press(invited):
    path, _ = _link_and_code()
    client = Client()
    assert client.get(path).status_code == 200  # opening the link uses nothing
    assert client.post(path)["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert Client().post(path).status_code == 410  # used


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _try_code(email: str, code: str, client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post("/portal/sign-in/code/", {"email": email, "code": code})


def test_code_signs_in_and_wrong_codes_are_counted(invited):
    _, code = _link_and_code()
    client = Client()
    page = _try_code("lina@example.test", _wrong(code), client)
    assert REFUSED in page.content.decode()
    assert SignInLink.objects.get().failed_attempts == 1
    assert _try_code("lina@example.test", code, client)["Location"] == "/portal/"


def test_code_guesses_are_limited_per_address_across_new_links(invited):
    """Asking for a new link does not give more guesses: the count is the address's."""
    for _ in range(CODE_GUESSES_PER_ADDRESS.count):
        Client().post("/portal/sign-in/", {"email": "lina@example.test"})
        _, code = _link_and_code()
        _try_code("lina@example.test", _wrong(code))
    page = _try_code("lina@example.test", code).content.decode()
    assert "Too many codes were tried for this address" in page
    assert "_auth_user_id" not in Client().session


def test_wrong_and_refused_codes_read_the_same_for_known_and_unknown_addresses(invited):
    _, code = _link_and_code()
    known = _try_code("lina@example.test", _wrong(code)).content.decode()
    unknown = _try_code("nobody@example.test", code).content.decode()
    assert REFUSED in known
    assert REFUSED in unknown
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert REFUSED in _try_code("lina@example.test", code).content.decode()
    for email in ("lina@example.test", "nobody@example.test"):
        for _ in range(CODE_GUESSES_PER_ADDRESS.count):
            _try_code(email, code)
    limited = {
        _try_code(e, code).content.decode().count("Too many codes")
        for e in ("lina@example.test", "nobody@example.test")
    }
    assert limited == {1}


def test_links_are_limited_per_address_and_per_client(invited):
    before = len(mail.outbox)
    for _ in range(LINKS_PER_ADDRESS.count + 2):
        page = Client().post("/portal/sign-in/", {"email": "lina@example.test"}, follow=True)
        assert "If this address belongs" in page.content.decode()  # the same answer
    assert len(mail.outbox) == before + LINKS_PER_ADDRESS.count
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(LINKS_PER_CLIENT.count):
        client.post("/portal/sign-in/", {"email": f"someone{n}@example.test"})
    sent = len(mail.outbox)
    client.post("/portal/sign-in/", {"email": "lina@example.test"})
    assert len(mail.outbox) == sent  # this client asked too often
    Client(REMOTE_ADDR="198.51.100.4").post("/portal/sign-in/", {"email": "lina@example.test"})
    assert len(mail.outbox) == sent + 1


def test_expired_link_is_refused(invited):
    path, _ = _link_and_code()
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().post(path).status_code == 410


def test_asking_for_a_link_reveals_nothing(invited):
    before = len(mail.outbox)
    known = Client().post("/portal/sign-in/", {"email": "lina@example.test"}, follow=True)
    unknown = Client().post("/portal/sign-in/", {"email": "nobody@example.test"}, follow=True)
    assert known.content.decode().count("If this address belongs") == 1
    assert unknown.content.decode().count("If this address belongs") == 1
    assert len(mail.outbox) == before + 1
    assert SignInLink.objects.filter(used_at__isnull=True).count() == 1  # the older link is void


def test_invite_needs_an_email_address(front_desk, patient):
    patient.email = ""
    patient.save()
    page = signed_in(front_desk).post(f"/patients/{patient.pk}/portal-invite/", follow=True)
    assert "Add the patient&#x27;s e-mail address first." in page.content.decode()


def test_portal_shows_todays_aftercare_and_next_session(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=5)
    page = signed_in(portal_patient).get("/portal/").content.decode()
    assert "Today's aftercare" in page
    assert "No makeup" in page or "makeup" in page.lower()
    assert "Next session:" in page
    assert "Check in" in page


def _article(page: str, title: str) -> str:
    """The aftercare article headed `title` on a portal page."""
    start = page.index(f"<h3>{title}</h3>")
    return page[start : page.index("</article>", start)]


def test_portal_aftercare_shows_the_warning_signs_with_the_phone_and_no_end_for_them(
    practitioner, portal_patient, clinic
):
    clinic.phone = "+1 212 555 0100"
    clinic.save()
    treated_session(as_actor(practitioner), portal_patient.pk, hours_ago=30)
    page = signed_in(portal_patient).get("/portal/").content.decode()
    signs = _article(page, "When to call the clinic")
    assert "Call the clinic on +1 212 555 0100 straight away" in signs
    assert "Until" not in signs
    assert "Until" not in _article(page, "Sunscreen every day")
    assert "Until" in _article(page, "Gentle skincare")
    assert "<h3>Only the clinic&#x27;s products</h3>" not in page  # the first day is over


def test_urgent_check_in_tells_the_patient_to_seek_care_and_shows_the_phone(
    practitioner, portal_patient, clinic
):
    clinic.phone = "+1 212 555 0100"
    clinic.save()
    treated_session(as_actor(practitioner), portal_patient.pk)
    client = signed_in(portal_patient)
    response = client.post(
        "/portal/check-in/",
        {"redness": "3", "swelling": "1", "pain": "1", "fever": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "Get medical help now" in page
    assert 'href="tel:+1 212 555 0100"' in page
    assert "This is what we expect" not in page
    assert Alert.objects.get().checkin.level == "urgent"


def test_expected_check_in_says_so_and_raises_no_alert(practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk)
    page = (
        signed_in(portal_patient)
        .post("/portal/check-in/", {"redness": "3", "swelling": "1", "pain": "1"}, follow=True)
        .content.decode()
    )
    assert "This is what we expect at this stage" in page
    assert not Alert.objects.exists()


def test_patients_cannot_see_other_patients_check_ins(practitioner, portal_patient, clinic):
    treated_session(as_actor(practitioner), portal_patient.pk)
    client = signed_in(portal_patient)
    client.post("/portal/check-in/", {"redness": "1", "swelling": "0", "pain": "0"})
    other = PatientFactory(clinic=clinic, user=UserFactory())
    assert signed_in(other).get("/portal/check-ins/1/").status_code == 404
