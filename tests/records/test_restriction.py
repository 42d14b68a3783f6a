"""A restricted record (a clinic admin's decision, with a reason) is read-only and left out
of lists until the restriction is lifted; whichever service writes, the write is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from needlepoint.checkins.services import alert_update, checkin_submit
from needlepoint.courses import services as courses
from needlepoint.notify.outbox import patient_wants
from needlepoint.patients import services
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import access_patient, access_patients
from needlepoint.records.services import patient_erase
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import counts, reported, treated_session
from tests.conftest import as_actor, signed_in

RESTRICTED = "restricted: it is read-only"


@pytest.fixture
def alert(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    treated_session(as_actor(practitioner), portal_patient.pk)
    return checkin_submit(as_actor(portal_patient), reported({"pus": True})).alert


def test_a_restricted_record_is_left_out_of_lists_but_still_read(
    admin, practitioner, portal_patient, patient
):
    services.patient_restrict(as_actor(admin), portal_patient.pk, "The patient contests it.")
    assert access_patients(as_actor(practitioner)).patients == [patient]
    shown = access_patients(as_actor(admin), include_restricted=True).patients
    assert portal_patient in shown
    with pytest.raises(PermissionDenied):
        access_patients(as_actor(practitioner), include_restricted=True)
    assert access_patient(as_actor(practitioner), portal_patient.pk) == portal_patient
    assert not patient_wants(Patient.objects.get(pk=portal_patient.pk), "reminder")


def test_every_write_is_refused_until_the_restriction_is_lifted(
    admin, practitioner, portal_patient, alert
):
    services.patient_restrict(as_actor(admin), portal_patient.pk, "The patient contests it.")
    me = as_actor(practitioner)
    with pytest.raises(ValidationError, match=RESTRICTED):
        services.patient_update(me, portal_patient.pk, phone="+44 1")
    with pytest.raises(ValidationError, match=RESTRICTED):
        courses.assessment_record(me, portal_patient.pk, counts(2), scar_types=["boxcar"])
    # The patient's safety reports are never refused: a red flag still reaches the clinic,
    # which can act on it.
    assert alert_update(me, alert.pk, "acknowledge").status == "acknowledged"
    report = checkin_submit(as_actor(portal_patient), reported({"pus": True}))
    assert report.alert.checkin == report
    services.patient_restriction_lift(as_actor(admin), portal_patient.pk)
    assert services.patient_update(me, portal_patient.pk, phone="+44 1").phone == "+44 1"
    actions = AuditEvent.objects.filter(object_id=str(portal_patient.pk)).values_list(
        "action", flat=True
    )
    assert {"patient.restrict", "patient.restriction_lift"} <= set(actions)


def test_restricting_needs_a_reason_and_a_clinic_admin(admin, practitioner, patient):
    with pytest.raises(ValidationError, match="Say why"):
        services.patient_restrict(as_actor(admin), patient.pk, " ")
    with pytest.raises(PermissionDenied):
        services.patient_restrict(as_actor(practitioner), patient.pk, "asked")


def test_a_restricted_record_can_still_be_erased(admin, portal_patient, alert):
    services.patient_restrict(as_actor(admin), portal_patient.pk, "Asked for erasure.")
    patient_erase(as_actor(admin), portal_patient.pk, "Created twice", created_in_error=True)
    assert not Patient.objects.filter(pk=portal_patient.pk).exists()


def test_the_patient_page_restricts_and_lifts(admin, practitioner, patient):
    url = reverse("patient-restrict", args=[patient.pk])
    assert signed_in(practitioner).post(url, {"reason": "asked"}).status_code == 403
    assert signed_in(admin).post(url, {"reason": "Contested"}).status_code == 302
    page = signed_in(admin).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert "Lift the restriction" in page
    assert "Contested" in page
    listed = signed_in(admin).get(reverse("patient-list"), {"archived": "1"}).content.decode()
    assert "restricted</span>" in listed
    signed_in(admin).post(url, {"lift": "1"})
    assert Patient.objects.get(pk=patient.pk).restricted_at is None
