"""The billing pages: settings, quoting and recording on the patient's billing page, the course
page's view of it, the portal's acceptance, and who may do what."""

from __future__ import annotations

import re
from decimal import Decimal

from needlepoint.billing import services
from needlepoint.billing.models import BillingProfile, Package, Payment, Quote
from needlepoint.billing.selectors import billing_profile
from needlepoint.patients.consents import consent_template_publish
from needlepoint.patients.models import Consent
from tests.conftest import as_actor, read_actions, signed_in


def test_admin_sets_the_price_list_and_legal_details(admin, clinic):
    response = signed_in(admin).post(
        "/clinic/billing/",
        {
            "legal_name": "Demo Skin LLC", "legal_address": "1 Main St", "tax_id": "EIN 1",
            "tax_label": "VAT", "tax_percent": "20", "package_discount_percent": "5",
            "quote_valid_days": "14", "invoice_footer": "Thank you",
            "price.prp": "150.00", "tax.prp": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302
    profile = billing_profile(clinic)
    assert (profile.legal_name, profile.tax_percent) == ("Demo Skin LLC", Decimal(20))
    assert profile.adjunct_prices == {"prp": {"amount": "150.00", "tax_percent": "0"}}


def test_billing_settings_are_for_clinic_admins(front_desk, practitioner):
    for member in (front_desk, practitioner):
        assert signed_in(member).get("/clinic/billing/").status_code == 403
    assert not BillingProfile.objects.exists()


def test_front_desk_quotes_and_the_patient_accepts_in_the_portal(
    front_desk, portal_patient, course, billing_set_up
):
    desk = signed_in(front_desk)
    response = desk.post(f"/courses/{course.pk}/quote/", {})
    assert response.status_code == 302
    page = desk.get(f"/patients/{portal_patient.pk}/billing/").content.decode()
    assert "1,803.89 USD" in page
    assert "Waiting for the patient" in page
    quote = Quote.objects.get()
    portal = signed_in(portal_patient)
    assert "Accept this quote" in portal.get("/portal/billing/").content.decode()
    stale = portal.post(f"/portal/quotes/{quote.pk}/accept/", {"digest": "x"}, follow=True)
    assert "changed since it was shown" in stale.content.decode()
    response = portal.post(
        f"/portal/quotes/{quote.pk}/accept/",
        {"digest": quote.digest},
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="Safari",
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.accepted_ip, quote.accepted_user_agent) == ("198.51.100.4", "Safari")
    page = portal.get("/portal/billing/").content.decode()
    assert "4 bought, 0 used, 4 remaining" in page
    assert "Still to pay: <strong>1,803.89 USD</strong>" in page


def test_a_refused_payment_comes_back_with_its_error_and_what_was_entered(
    front_desk, package, portal_patient
):
    desk = signed_in(front_desk)
    url = f"/packages/{package.pk}/payments/"
    prefix = f"payment-{package.pk}"
    refused = desk.post(
        url,
        {f"{prefix}-kind": "payment", f"{prefix}-method": "card",
         f"{prefix}-amount": "250.00", f"{prefix}-reference": "4111 1111 1111 1111"},
    )  # fmt: skip
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "card data is never stored" in page
    assert 'value="250.00"' in page
    assert not Payment.objects.exists()
    done = desk.post(
        url,
        {f"{prefix}-kind": "deposit", f"{prefix}-method": "cash", f"{prefix}-amount": "250.00"},
    )
    assert done.status_code == 302
    page = desk.get(f"/patients/{portal_patient.pk}/billing/").content.decode()
    assert "due 1,553.89 USD" in page
    assert "billing.patient" in read_actions()


def test_practitioners_read_the_course_billing_and_record_nothing(practitioner, package):
    client = signed_in(practitioner)
    page = client.get(f"/courses/{package.course_id}/").content.decode()
    assert "Quote and package" in page
    assert "1,803.89 USD" in page
    response = client.post(
        f"/packages/{package.pk}/payments/", {f"payment-{package.pk}-amount": "1"}
    )
    assert response.status_code == 403
    assert Package.objects.count() == 1


def test_another_clinic_sees_none_of_it(other_practitioner, package, portal_patient):
    client = signed_in(other_practitioner)
    assert client.get(f"/patients/{portal_patient.pk}/billing/").status_code == 404
    assert client.get(f"/courses/{package.course_id}/").status_code == 404


def test_the_treatment_consent_shows_the_course_and_its_quoted_price(admin, portal_patient, quote):
    consent_template_publish(as_actor(admin), "treatment", "Treatment", "I consent.")
    page = signed_in(portal_patient).get("/portal/consents/sign/treatment/").content.decode()
    assert "4 microneedling sessions, 6 weeks apart" in page
    assert "left cheek 1.5 mm" in page
    assert "350.00 USD a session" in page
    assert "<strong>1,803.89 USD</strong>" in page
    consent_template_publish(as_actor(admin), "photo", "Photos", "I consent to photos.")
    photo = signed_in(admin).get(f"/patients/{portal_patient.pk}/consents/sign/photo/")
    assert photo.status_code == 200
    assert "data-course-terms" not in photo.content.decode()


def test_the_signed_treatment_consent_keeps_the_terms_shown_and_refuses_changed_ones(
    admin, front_desk, portal_patient, quote
):
    template = consent_template_publish(as_actor(admin), "treatment", "Treatment", "I consent.")
    client = signed_in(portal_patient)
    url = "/portal/consents/sign/treatment/"
    shown = re.search(r'name="terms_digest" value="(\w+)"', client.get(url).content.decode())
    assert shown is not None
    form = {"template_id": template.pk, "signed_name": portal_patient.full_name}
    services.quote_create(as_actor(front_desk), quote.course_id, discount_percent=Decimal(20))
    refused = client.post(url, {**form, "terms_digest": shown.group(1)})
    assert refused.status_code == 302
    assert refused["Location"] == url
    assert not Consent.objects.exists()
    shown = re.search(r'name="terms_digest" value="(\w+)"', client.get(url).content.decode())
    assert shown is not None
    client.post(url, {**form, "terms_digest": shown.group(1)})
    terms = Consent.objects.get().terms
    assert (terms["course"], terms["sessions_planned"], terms["currency"]) == (
        quote.course_id,
        4,
        "USD",
    )
    assert terms["quote"]["version"] == 2
    assert Decimal(terms["total"]) < Decimal("1803.89")  # the discounted quote, as shown


def test_front_desk_records_an_acceptance_in_person(front_desk, portal_patient, quote):
    desk = signed_in(front_desk)
    page = desk.get(f"/patients/{portal_patient.pk}/billing/").content.decode()
    assert "accepted it here, in person" in page
    assert desk.post(f"/quotes/{quote.pk}/accept/", {"digest": "stale"}).status_code == 422
    assert desk.post(f"/quotes/{quote.pk}/accept/", {"digest": quote.digest}).status_code == 302
    assert Package.objects.get().quote == quote
