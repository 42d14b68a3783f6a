"""The billing API: quote, accept, pay, refund, invoice and credit, with problem details for
what is refused and nothing of another clinic."""

from __future__ import annotations

from django.test import Client

from needlepoint.accounts.tokens import token_create

JSON = "application/json"


def bearer(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_course_is_quoted_accepted_paid_and_invoiced(  # type: ignore[no-untyped-def]
    front_desk, portal_patient, course, billing_set_up, other_practitioner, practitioner
):
    desk = bearer(front_desk)
    quote = desk.post(f"/api/v1/courses/{course.pk}/quotes", {}, content_type=JSON).json()
    assert (quote["version"], quote["total"], quote["lines"][0]["quantity"]) == (1, "1803.89", 4)
    accepted = bearer(portal_patient).post(
        f"/api/v1/quotes/{quote['id']}/accept", {"digest": quote["digest"]}, content_type=JSON
    )
    assert accepted.status_code == 201
    package = accepted.json()
    assert (package["sessions_remaining"], package["due"]) == (4, "1803.89")
    payments = f"/api/v1/packages/{package['id']}/payments"
    paid = desk.post(payments, {"method": "cash", "amount": "800"}, content_type=JSON)
    assert paid.json()["receipt_number"] == 1
    too_much = desk.post(
        f"/api/v1/packages/{package['id']}/refunds",
        {"method": "cash", "amount": "800.01", "note": "x"},
        content_type=JSON,
    )
    assert too_much.status_code == 422
    assert too_much.json()["errors"][0]["field"] == "amount"
    invoice = desk.post(f"/api/v1/packages/{package['id']}/invoices", content_type=JSON).json()
    credit = desk.post(
        f"/api/v1/invoices/{invoice['id']}/credit-notes", {"reason": "Typo"}, content_type=JSON
    ).json()
    assert (credit["kind"], credit["credits_id"], credit["total"]) == (
        "credit_note", invoice["id"], "-1803.89",
    )  # fmt: skip
    read = bearer(practitioner).get(f"/api/v1/courses/{course.pk}/billing").json()
    assert read["package"]["paid"] == "800.00"
    assert len(read["package"]["invoices"]) == 2
    assert (
        bearer(practitioner)
        .post(payments, {"method": "cash", "amount": "1"}, content_type=JSON)
        .status_code
        == 403
    )
    assert bearer(other_practitioner).get(f"/api/v1/courses/{course.pk}/billing").status_code == 404
