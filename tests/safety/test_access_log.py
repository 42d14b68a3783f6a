"""A patient sees who of the clinic's staff opened or changed their record: name, role, what,
when; not other patients' records, not their own visits, not staff e-mails."""

from __future__ import annotations

from needlepoint.patients import selectors, services
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor, signed_in


def test_the_patient_sees_staff_reads_and_writes_of_their_own_record(
    practitioner, front_desk, portal_patient, patient
):
    selectors.access_patient(as_actor(practitioner), portal_patient.pk)
    services.patient_update(as_actor(front_desk), portal_patient.pk, phone="+1 555 0100")
    selectors.access_patient(as_actor(front_desk), patient.pk)  # someone else's record
    selectors.access_patient(as_actor(portal_patient), portal_patient.pk)  # their own visit

    page = signed_in(portal_patient).get("/portal/access-log/").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2
    assert practitioner.user.full_name in rows
    assert "Practitioner" in rows
    assert "Patient read" in rows
    assert front_desk.user.full_name in rows
    assert "Patient update" in rows
    assert practitioner.user.email not in page
    read = AuditEvent.objects.filter(action="access_log.read").get()
    assert read.object_id == str(portal_patient.pk)


def test_staff_do_not_open_the_patients_access_log(practitioner):
    assert signed_in(practitioner).get("/portal/access-log/").status_code == 403
