"""Invoice, credit note and receipt PDFs (their text read back with pdftotext), and the revenue
report with its CSV files."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from needlepoint.billing import services
from needlepoint.reports.billing_documents import access_invoice_pdf, access_receipt_pdf
from needlepoint.reports.revenue import access_revenue_report
from tests.conftest import as_actor, signed_in
from tests.reports.test_handout import pdf_text


def test_an_invoice_and_its_credit_note_print_the_legal_details_lines_and_totals(
    front_desk, package, tmp_path
):
    desk = as_actor(front_desk)
    invoice = services.invoice_issue(desk, package.pk)
    name, pdf = access_invoice_pdf(desk, invoice.pk)
    prefix = package.clinic.record_prefix
    assert name == f"{prefix}-INV-000001.pdf"
    text = pdf_text(pdf, tmp_path)
    for expected in (
        f"Invoice {prefix}-INV-000001", "Demo Skin Clinic LLC", "EIN 12-3456789",
        "Paula Portal", "Microneedling session", "Subcision (per session)",
        "1,371.89 USD", "Total 1,803.89 USD", "Payable within 14 days.", "America/New_York",
    ):  # fmt: skip
        assert expected in text
    note = services.credit_note_issue(desk, invoice.pk, reason="Billed to the wrong person")
    text = pdf_text(access_invoice_pdf(desk, note.pk)[1], tmp_path)
    assert f"Credit note {prefix}-CN-000001" in text
    assert f"Cancels invoice {prefix}-INV-000001" in text
    assert "-1,803.89 USD" in text


def test_a_receipt_names_the_payment_and_the_patient_downloads_their_own(
    front_desk, package, portal_patient, other_patient, tmp_path
):
    payment = services.payment_record(
        as_actor(front_desk), package.pk, amount=Decimal(500), method="card",
        reference="AUTH 77821",
        received_at=datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC")),
    )  # fmt: skip
    text = pdf_text(access_receipt_pdf(as_actor(front_desk), payment.pk)[1], tmp_path)
    # 01:30 UTC on 29 March is the evening before in New York
    assert "Payment of 500.00 USD by card (clinic terminal), reference AUTH 77821" in text
    assert "received 28 Mar 2026, 21:30" in text
    portal = signed_in(portal_patient)
    response = portal.get(f"/portal/receipts/{payment.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert signed_in(portal_patient).get(f"/receipts/{payment.pk}.pdf").status_code == 403


def test_revenue_per_month_and_balances_due(admin, front_desk, package, clinic):
    desk = as_actor(front_desk)
    for amount, kind in ((Decimal(300), "deposit"), (Decimal(700), "payment")):
        services.payment_record(desk, package.pk, amount=amount, method="cash", kind=kind)
    services.refund_record(desk, package.pk, amount=Decimal(100), method="cash", note="Goodwill")
    report = access_revenue_report(as_actor(admin))
    this_month = report.months[-1]
    assert (len(report.months), this_month.received, this_month.refunded, this_month.net) == (
        12, Decimal(1000), Decimal(100), Decimal(900),
    )  # fmt: skip
    (owed,) = report.outstanding
    assert owed.due == Decimal("903.89")
    client = signed_in(admin)
    page = client.get("/clinic/revenue/").content.decode()
    assert "<svg" in page
    assert "903.89 USD" in page
    lines = b"".join(client.get("/clinic/revenue/outstanding.csv").streaming_content).decode()
    assert lines.splitlines()[1].endswith(",1803.89,1000.00,100.00,903.89,USD")
    revenue = b"".join(client.get("/clinic/revenue/revenue.csv").streaming_content).decode()
    assert revenue.splitlines()[-1].endswith(",1000.00,100.00,900.00,USD")
    assert signed_in(front_desk).get("/clinic/revenue/").status_code == 403
