"""The aftercare handout PDF: its text (pdftotext) has the patient, the dated instructions in
the clinic's zone and the warning signs; staff and the patient (own sessions) download it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.domain.warning_signs import warning_signs
from needlepoint.notify.aftercare import session_aftercare
from needlepoint.reports.handouts import access_aftercare_handout
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, UserFactory
from tests.services import require


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (Debian package poppler-utils)")
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())  # one line: wrapping does not matter


def test_handout_has_patient_dated_instructions_and_warning_signs(treated, practitioner, tmp_path):
    pdf = access_aftercare_handout(as_actor(practitioner), treated.pk)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Paula Portal" in text
    assert treated.patient.record_number in text
    assert "Demo Clinic" in text
    assert "+1 212 555 0100" in text
    knowledge = clinic_knowledge(treated.clinic)
    zone = treated.clinic.time_zone
    items = {i.code: i for i in session_aftercare(treated).items}
    for item in items.values():
        assert item.title in text
        assert " ".join(item.text.split()[:6]) in text
    ends = items["no_makeup"].ends_at
    assert f"{ends:%a} {ends.day} {ends:%b %Y, %H:%M}" in text  # clinic-local
    assert f"Times are {zone} time." in text
    assert "Call the clinic on +1 212 555 0100 straight away if you get a fever" in text
    sunscreen = items["sunscreen"].ends_at  # never shown: "Ongoing"
    assert f"{sunscreen:%a} {sunscreen.day} {sunscreen:%b %Y, %H:%M}" not in text
    assert text.count("Ongoing") == 2  # sunscreen and the warning signs
    signs = warning_signs(knowledge)
    assert "Get urgent help now" in text
    for sign in (*signs.urgent, *signs.contact_clinic):
        assert sign.label in text
    assert " ".join(signs.urgent_advice.text.split()[:8]) in text
    assert "Page 1 of" in text
    assert AuditEvent.objects.filter(action="aftercare.read", detail__as="pdf").count() == 1


def test_staff_and_the_patient_download_it(treated, practitioner, front_desk, mailable, clinic):
    staff = signed_in(practitioner).get(f"/sessions/{treated.pk}/handout.pdf")
    assert staff.status_code == 200
    assert staff["Content-Type"] == "application/pdf"
    assert staff.content.startswith(b"%PDF-")
    assert signed_in(front_desk).get(f"/sessions/{treated.pk}/handout.pdf").status_code == 403
    own = signed_in(mailable).get(f"/portal/sessions/{treated.pk}/handout.pdf")
    assert own.status_code == 200
    stranger = PatientFactory(clinic=clinic, user=UserFactory())
    other = signed_in(stranger).get(f"/portal/sessions/{treated.pk}/handout.pdf")
    assert other.status_code == 404


@pytest.mark.parametrize("session_id", ["999999", str(2**63)])
def test_unknown_sessions_answer_404(practitioner, session_id):
    assert signed_in(practitioner).get(f"/sessions/{session_id}/handout.pdf").status_code == 404
