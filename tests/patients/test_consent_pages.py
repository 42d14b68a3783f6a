"""Consent pages: templates (admins), a patient's consents (staff), and the portal."""

from __future__ import annotations

import pytest

from needlepoint.patients.models import Consent, ConsentTemplate
from tests.conftest import signed_in
from tests.patients.test_consents import data_url, png, publish, sign


@pytest.fixture
def templates(admin):  # type: ignore[no-untyped-def]
    return publish(admin), publish(admin, kind="photo", title="Photographs of your treatment")


def test_admin_publishes_a_new_version_from_the_current_text(admin, templates):
    client = signed_in(admin)
    listing = client.get("/consent-templates/").content.decode()
    assert "Photographs of your treatment" in listing
    form = client.get("/consent-templates/new/?kind=photo").content.decode()
    assert "Photographs of your treatment</textarea>" not in form  # the title is an input
    assert 'value="Photographs of your treatment"' in form
    assert "version 2" in form
    empty = client.post("/consent-templates/new/", {"kind": "photo", "title": "", "body": ""})
    assert 'id="id_title_error"' in empty.content.decode()
    assert 'id="id_body_error"' in empty.content.decode()
    response = client.post(
        "/consent-templates/new/",
        {"kind": "photo", "title": "Photographs", "body": "New wording."},
        follow=True,
    )
    assert "Version 2 of “Photographs” is published" in response.content.decode()
    assert ConsentTemplate.objects.get(kind="photo", active=True).version == 2


@pytest.mark.parametrize("url", ["/consent-templates/", "/consent-templates/new/"])
def test_only_admins_manage_templates(practitioner, front_desk, portal_patient, url):
    for member in (practitioner, front_desk, portal_patient):
        assert signed_in(member).get(url).status_code == 403


def test_staff_sign_a_treatment_consent_and_the_patient_page_shows_it(
    front_desk, patient, templates
):
    client = signed_in(front_desk)
    detail = client.get(f"/patients/{patient.pk}/").content.decode()
    assert f"/patients/{patient.pk}/consents/summary/" in detail
    before = client.get(f"/patients/{patient.pk}/consents/summary/", HTTP_HX_REQUEST="true")
    assert "Not consented" in before.content.decode()
    page = client.get(f"/patients/{patient.pk}/consents/sign/treatment/").content.decode()
    assert "I consent to treatment" in page
    assert 'name="photo_uses"' not in page
    treatment = templates[0]
    response = client.post(
        f"/patients/{patient.pk}/consents/sign/treatment/",
        {"template_id": treatment.pk, "signed_name": "Maya Thompson", "signature_drawing": ""},
    )
    assert response["Location"] == f"/patients/{patient.pk}/consents/"
    consent = Consent.objects.get()
    assert (consent.signed_ip, consent.recorded_by) == ("127.0.0.1", front_desk.user)
    summary = client.get(f"/patients/{patient.pk}/consents/summary/").content.decode()
    assert "Consented (signed" in summary


def test_sign_errors_are_shown_next_to_their_fields(practitioner, patient, templates):
    url = f"/patients/{patient.pk}/consents/sign/photo/"
    page = (
        signed_in(practitioner)
        .post(
            url,
            {
                "template_id": templates[1].pk,
                "signed_name": "",
                "signature_drawing": "data:image/png;base64,bm90IGEgcG5n",
            },
        )
        .content.decode()
    )
    assert 'id="id_signed_name_error"' in page
    assert 'id="id_photo_uses_error"' in page
    assert "Choose at least one use of the photographs." in page
    assert 'id="id_signature_drawing_error"' in page
    assert not Consent.objects.exists()


def test_a_template_replaced_while_open_sends_the_signer_back(
    admin, practitioner, patient, templates
):
    publish(admin, body="Updated treatment wording.")
    response = signed_in(practitioner).post(
        f"/patients/{patient.pk}/consents/sign/treatment/",
        {"template_id": templates[0].pk, "signed_name": "Maya Thompson"},
        follow=True,
    )
    assert "updated this consent while it was open" in response.content.decode()
    assert "Updated treatment wording." in response.content.decode()
    assert not Consent.objects.exists()


def test_staff_withdraw_some_photo_uses_with_a_reason(practitioner, patient, templates):
    consent = sign(
        practitioner,
        patient,
        templates[1],
        photo_uses=["clinical_record", "marketing"],
        signature_drawing=data_url(png()),
    )
    client = signed_in(practitioner)
    listing = client.get(f"/patients/{patient.pk}/consents/").content.decode()
    assert "Clinical record, Marketing" in listing
    assert 'alt="Drawn signature of Maya Thompson"' in listing
    url = f"/consents/{consent.pk}/revoke/"
    missing = client.post(url, {"uses": ["marketing"], "reason": ""}).content.decode()
    assert 'id="id_reason_error"' in missing
    client.post(url, {"uses": ["marketing"], "reason": "Asked at reception"})
    summary = client.get(f"/patients/{patient.pk}/consents/summary/").content.decode()
    assert "Clinical record" in summary
    assert "Marketing" not in summary


def test_other_clinics_consent_pages_are_not_found(
    other_practitioner, practitioner, patient, templates
):
    consent = sign(practitioner, patient, templates[0])
    client = signed_in(other_practitioner)
    for url in (
        f"/patients/{patient.pk}/consents/",
        f"/patients/{patient.pk}/consents/summary/",
        f"/patients/{patient.pk}/consents/sign/treatment/",
        f"/consents/{consent.pk}/revoke/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/consents/{consent.pk}/revoke/", {"reason": "x"}).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_portal_patient_signs_and_withdraws_their_photo_consent(
    portal_patient, practitioner, patient, templates
):
    client = signed_in(portal_patient)
    assert "My consents" in client.get("/portal/").content.decode()
    page = client.get("/portal/consents/sign/photo/").content.decode()
    assert "Photographs of your treatment" in page
    assert "signature.js" in page
    response = client.post(
        "/portal/consents/sign/photo/",
        {
            "template_id": templates[1].pk,
            "signed_name": "Paula Portal",
            "photo_uses": ["clinical_record", "teaching"],
            "signature_drawing": data_url(png()),
        },
    )
    assert response["Location"] == "/portal/consents/"
    consent = Consent.objects.get(patient=portal_patient)
    assert consent.recorded_by == portal_patient.user
    listing = client.get("/portal/consents/").content.decode()
    assert "Clinical record, Teaching" in listing
    client.post(f"/portal/consents/{consent.pk}/revoke/", {"uses": ["teaching"], "reason": ""})
    consent.refresh_from_db()
    assert consent.uses_now == ["clinical_record"]

    treatment = sign(practitioner, portal_patient, templates[0])
    refused = client.get(f"/portal/consents/{treatment.pk}/revoke/", follow=True)
    assert "please tell the clinic" in refused.content.decode()
    theirs = sign(practitioner, patient, templates[0])
    assert client.get(f"/portal/consents/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/patients/{patient.pk}/consents/").status_code == 403
    assert client.get(f"/consents/{theirs.pk}/revoke/").status_code == 403


def test_staff_cannot_use_the_portal_consent_pages(practitioner):
    assert signed_in(practitioner).get("/portal/consents/").status_code == 403
