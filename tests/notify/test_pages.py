"""The calendar feed (secret, revocable, audited), per-session .ics files, mail preferences,
and the links on the portal and session pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from icalendar import Calendar

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.courses.models import Session
from needlepoint.notify import services
from needlepoint.notify.models import CalendarFeed, MailPreference, MessageTemplate, SmsConsent
from needlepoint.notify.selectors import access_calendar_feed_url
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, StaffFactory, UserFactory


def _feed_path(client: Client) -> str:
    page = client.get("/portal/calendar/").content.decode()
    start = page.index("http://testserver/calendar/")  # the address the patient came by
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def _make_feed(client: Client) -> str:
    assert client.post("/portal/calendar/", {"action": "renew"}).status_code == 302
    return _feed_path(client)


def test_patient_makes_a_calendar_address_that_calendar_apps_can_read(treated, mailable):
    client = signed_in(mailable)
    page = client.get("/portal/calendar/").content.decode()
    assert "Make my calendar address" in page
    path = _make_feed(client)
    # The page shows the address (https and webcal) and only its digest is stored.
    assert "webcal://testserver/calendar/" in client.get("/portal/calendar/").content.decode()
    feed = CalendarFeed.objects.get(patient=mailable)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert token not in (feed.token_digest, feed.nonce)
    assert access_calendar_feed_url(as_actor(mailable), mailable) == f"https://clinic.example{path}"

    response = Client().get(path)  # no sign-in: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Demo Clinic: my treatment"
    events = calendar.walk("VEVENT")
    sessions = [e for e in events if str(e["UID"]).startswith("session-")]
    assert len(sessions) == 2  # sessions 2 and 3 are booked; session 1 shows as aftercare
    booked = Session.objects.get(course=treated.course, number=2)
    assert sessions[0].decoded("DTSTART") == booked.scheduled_at.replace(microsecond=0)
    assert str(sessions[0]["LOCATION"]) == "1 Main St, New York"
    assert len(sessions[0].walk("VALARM")) == 2
    aftercare = {str(e["SUMMARY"]): e for e in events if not str(e["UID"]).startswith("session-")}
    assert set(aftercare) >= {"No makeup", "Stay out of the sun", "When to call the clinic"}
    assert "+1 212 555 0100" in str(aftercare["When to call the clinic"]["DESCRIPTION"])
    # Started already: reminded when it ends; starting tomorrow: when it starts and ends.
    assert len(aftercare["No makeup"].walk("VALARM")) == 1
    assert len(aftercare["Gentle skincare"].walk("VALARM")) == 2
    assert len(aftercare["Sunscreen every day"].walk("VALARM")) == 1  # its end: never
    assert AuditEvent.objects.filter(
        action="calendar_feed.fetch", object_id=str(mailable.pk), clinic_id=treated.clinic_id
    ).exists()
    feed.refresh_from_db()
    assert feed.last_read_at is not None


def test_feed_holds_end_reminders_while_an_alert_is_open(treated, mailable):
    client = signed_in(mailable)
    path = _make_feed(client)
    checkin = CheckIn.objects.create(
        clinic=treated.clinic,
        patient=mailable,
        session=treated,
        reported_at=treated.ended_at,
        symptoms={"pus": True},
        level="contact_clinic",
        triage={},
    )
    Alert.objects.create(clinic=treated.clinic, patient=mailable, checkin=checkin)
    events = Calendar.from_ical(Client().get(path).content).walk("VEVENT")
    aftercare = {str(e["SUMMARY"]): e for e in events if not str(e["UID"]).startswith("session-")}
    assert aftercare["No makeup"].walk("VALARM") == []  # no "ends now" while it is looked at
    [starts] = aftercare["Gentle skincare"].walk("VALARM")
    assert starts.decoded("TRIGGER") == aftercare["Gentle skincare"].decoded("DTSTART")


def test_revoked_renewed_or_wrong_tokens_answer_404(treated, mailable, front_desk, other_clinic):
    client = signed_in(mailable)
    first = _make_feed(client)
    second = _make_feed(client)  # renewing replaces it
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert Client().get(second.replace(second[12:20], "AAAAAAAA")).status_code == 404
    assert client.post("/portal/calendar/", {"action": "revoke"}).status_code == 302
    assert Client().get(second).status_code == 404
    assert "Make my calendar address" in client.get("/portal/calendar/").content.decode()

    # Staff can revoke a patient's address too (their own clinic's patients only).
    third = _make_feed(client)
    outsider = signed_in(StaffFactory(clinic=other_clinic, role="front_desk"))
    assert outsider.post(f"/patients/{mailable.pk}/notifications/").status_code == 404
    assert Client().get(third).status_code == 200
    staff = signed_in(front_desk)
    page = staff.get(f"/patients/{mailable.pk}/notifications/").content.decode()
    assert "Revoke the calendar address" in page
    staff.post(f"/patients/{mailable.pk}/notifications/")
    assert Client().get(third).status_code == 404
    assert CalendarFeed.objects.get(patient=mailable, revoked_by=front_desk.user)


def test_a_changed_secret_key_asks_the_patient_for_a_new_address(treated, mailable, settings):
    client = signed_in(mailable)
    _make_feed(client)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert access_calendar_feed_url(as_actor(mailable), mailable) is None


def test_staff_cannot_make_an_address_for_a_patient(practitioner, mailable):
    with pytest.raises(PermissionDenied, match="Only the patient"):
        services.calendar_feed_renew(as_actor(practitioner), mailable.pk)


def test_session_ics_for_staff_and_the_patient_own_sessions_only(
    treated, practitioner, mailable, front_desk, clinic
):
    staff = signed_in(practitioner)
    response = staff.get(f"/sessions/{treated.pk}/aftercare.ics")
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 9
    assert signed_in(front_desk).get(f"/sessions/{treated.pk}/aftercare.ics").status_code == 403
    patient = signed_in(mailable)
    assert patient.get(f"/portal/sessions/{treated.pk}/aftercare.ics").status_code == 200
    assert patient.get(f"/sessions/{treated.pk}/aftercare.ics").status_code == 403
    stranger = PatientFactory(clinic=clinic, user=UserFactory())
    assert (
        signed_in(stranger).get(f"/portal/sessions/{treated.pk}/aftercare.ics").status_code == 404
    )
    booked = Session.objects.get(course=treated.course, number=2)
    assert staff.get(f"/sessions/{booked.pk}/aftercare.ics").status_code == 404  # not performed
    assert AuditEvent.objects.filter(action="aftercare.read", detail__session=treated.pk).count()


def test_mail_preferences_page(mailable):
    client = signed_in(mailable)
    page = client.get("/portal/mail/").content.decode()
    assert 'name="reminders"' in page
    assert "checked" in page
    response = client.post("/portal/mail/", {"reminders": "on", "checkin_prompts": "on"})
    assert response.status_code == 302
    preference = MailPreference.objects.get(patient=mailable)
    assert (preference.reminders, preference.checkin_prompts, preference.milestones) == (
        True,
        True,
        False,
    )


def test_links_on_the_portal_and_the_session_page(treated, mailable, practitioner):
    home = signed_in(mailable).get("/portal/").content.decode()
    assert f"/portal/sessions/{treated.pk}/handout.pdf" in home
    assert "/portal/calendar/" in home
    assert "/portal/mail/" in home
    page = signed_in(practitioner).get(f"/sessions/{treated.pk}/").content.decode()
    assert f"/sessions/{treated.pk}/handout.pdf" in page
    assert f"/sessions/{treated.pk}/aftercare.ics" in page


def test_feed_url_is_none_without_a_feed(mailable, practitioner):
    assert access_calendar_feed_url(as_actor(mailable), mailable.pk) is None
    assert access_calendar_feed_url(as_actor(practitioner), mailable.pk, "https://x.test") is None


def test_the_portal_takes_and_withdraws_consent_to_texts(mailable):
    client = signed_in(mailable)
    type(mailable).objects.filter(pk=mailable.pk).update(phone="+1 212 555 0188")
    assert 'value="+1 212 555 0188"' in client.get("/portal/mail/").content.decode()  # on record
    refused = client.post("/portal/mail/", {"action": "consent", "phone": "12", "agree": "on"})
    assert "&#x27;12&#x27; is not a valid phone number." in refused.content.decode()
    unagreed = client.post("/portal/mail/", {"action": "consent", "phone": "212 555 0188"})
    assert unagreed.status_code == 200
    assert not SmsConsent.objects.exists()
    given = client.post(
        "/portal/mail/", {"action": "consent", "phone": "212 555 0188", "agree": "on"}
    )
    assert given.status_code == 302
    page = client.get("/portal/mail/").content.decode()
    assert "+12125550188" in page
    assert 'name="sms_reminders"' in page
    assert (
        client.post("/portal/mail/", {"action": "texts", "sms_reminders": "on"}).status_code == 302
    )
    preference = MailPreference.objects.get(patient=mailable)
    assert (preference.sms_reminders, preference.sms_milestones, preference.reminders) == (
        True,
        False,
        True,
    )
    assert client.post("/portal/mail/", {"action": "withdraw"}).status_code == 302
    consent = SmsConsent.objects.get(patient=mailable)
    assert (consent.given_by, consent.withdrawn_by) == ("portal", "portal")
    assert "Get texts" in client.get("/portal/mail/").content.decode()


def test_staff_record_consent_saying_how_and_see_the_texts(
    mailable, front_desk, other_practitioner
):
    staff = signed_in(front_desk)
    path = f"/patients/{mailable.pk}/notifications/"
    assert "No consent to texts" in staff.get(path).content.decode()
    form = {"action": "sms_consent", "phone": "+44 20 7946 0000", "method": "phone_call"}
    assert "not a mobile number" in staff.post(path, form).content.decode()
    assert staff.post(path, {**form, "phone": "+44 7911 123456"}).status_code == 302
    page = staff.get(path).content.decode()
    assert "+447911123456" in page
    assert "(on the phone)" in page
    assert signed_in(other_practitioner).post(path, form).status_code == 404
    withdrawn = staff.post(path, {"action": "sms_withdraw", "method": "in_person"})
    assert withdrawn.status_code == 302
    assert SmsConsent.objects.get().withdrawn_by == "in_person"
    assert AuditEvent.objects.filter(action="sms_consent.withdraw").count() == 1


def test_a_clinic_admin_changes_a_message_text_checked_when_saved(admin, front_desk):
    client = signed_in(admin)
    page = client.get("/clinic/messages/").content.decode()
    assert "Session reminder (text message)" in page
    assert "{checkin_url}" in page
    form = {"kind": "reminder", "channel": "sms", "text": "See you {when} at {room}"}
    assert "Unknown placeholder {room}" in client.post("/clinic/messages/", form).content.decode()
    form["text"] = "{clinic}: see you {when}."
    assert client.post("/clinic/messages/", form).status_code == 302
    assert "the clinic's own" in client.get("/clinic/messages/").content.decode()
    assert client.post("/clinic/messages/", {**form, "action": "reset"}).status_code == 302
    assert not MessageTemplate.objects.exists()
    assert signed_in(front_desk).get("/clinic/messages/").status_code == 403


def test_a_clinic_admin_sets_the_on_call_number_on_the_message_texts_page(admin):
    client = signed_in(admin)
    form = {"action": "on_call", "phone": "+44 20 7946 0000"}
    assert "not a mobile number" in client.post("/clinic/messages/", form).content.decode()
    assert client.post("/clinic/messages/", {**form, "phone": "+44 7911 123456"}).status_code == 302
    assert 'value="+447911123456"' in client.get("/clinic/messages/").content.decode()
