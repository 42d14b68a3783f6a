"""Consent: versioned templates, signing, what is consented now, revocation, roles, tenancy."""

from __future__ import annotations

import base64
import struct
import uuid
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from needlepoint.patients import selectors
from needlepoint.patients.consents import (
    PATIENT_REVOKE_REASON,
    consent_countersign,
    consent_revoke,
    consent_sign,
    consent_template_publish,
)
from needlepoint.patients.models import Consent, ConsentRevocation, ConsentTemplate
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor
from tests.factories import StaffFactory


def png(width: int = 2, height: int = 2, noise: bytes = b"") -> bytes:
    """A valid PNG image (greyscale), optionally padded with a private chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    extra = chunk(b"prVt", noise) if noise else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + extra
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def publish(admin, kind: str = "treatment", title: str = "", body: str = "") -> ConsentTemplate:  # type: ignore[no-untyped-def]
    return consent_template_publish(
        as_actor(admin),
        kind,
        title or f"Consent: {kind}",
        body or f"I consent to {kind} (microneedling for acne scars).",
    )


def sign(member, patient, template, **fields) -> Consent:  # type: ignore[no-untyped-def]
    values = {
        "signed_name": patient.full_name,
        "photo_uses": ["clinical_record", "teaching"] if template.kind == "photo" else [],
        "ip": "203.0.113.7",
        **fields,
    }
    return consent_sign(as_actor(member), patient.pk, template.pk, **values)


# Templates


def test_publishing_makes_a_new_active_version_and_keeps_the_old(admin, other_clinic):
    first = publish(admin, body="Version one text.")
    second = publish(admin, body="Version two text.\r\n\r\nWith a second paragraph.")
    photo = publish(admin, kind="photo")
    first.refresh_from_db()
    assert (first.version, first.active, first.body) == (1, False, "Version one text.")
    assert (second.version, second.active) == (2, True)
    assert second.body == "Version two text.\n\nWith a second paragraph."
    assert (photo.version, photo.active) == (1, True)
    assert selectors.consent_template_active(as_actor(admin), "treatment") == second
    assert AuditEvent.objects.filter(action="consent_template.publish").count() == 3
    assert audit_verify().intact


def test_publishing_the_same_text_again_is_refused(admin):
    publish(admin, body="Same.")
    with pytest.raises(ValidationError, match="text of version 1"):
        publish(admin, body="Same.")


def test_only_clinic_admins_publish_and_bad_kinds_are_refused(admin, practitioner, front_desk):
    for member in (practitioner, front_desk):
        with pytest.raises(PermissionDenied):
            publish(member)
    with pytest.raises(ValidationError) as error:
        publish(admin, kind="tattoo")
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        consent_template_publish(as_actor(admin), "photo", " ", "text")
    assert "title" in error.value.message_dict


def test_templates_of_other_clinics_are_not_found(admin, practitioner, other_practitioner):
    ours = publish(admin)
    theirs = publish(StaffFactory(clinic=other_practitioner.clinic, role="clinic_admin"))
    assert list(selectors.consent_template_list(as_actor(practitioner))) == [ours]
    with pytest.raises(Http404):
        selectors.consent_template_in_scope(as_actor(practitioner), theirs.pk)


# Signing


def test_sign_records_who_when_where_and_is_audited(admin, practitioner, patient):
    template = publish(admin, kind="photo")
    drawing = data_url(png())
    consent = sign(
        practitioner,
        patient,
        template,
        signed_name=" Maya Thompson ",
        signature_drawing=drawing,
        photo_uses=["teaching", "clinical_record", "teaching"],
    )
    assert consent.signed_name == "Maya Thompson"
    assert consent.photo_uses == ["clinical_record", "teaching"]  # canonical order, no repeats
    assert (consent.signed_ip, consent.recorded_by) == ("203.0.113.7", practitioner.user)
    assert consent.signature_drawing == drawing
    assert consent.clinic == patient.clinic
    event = AuditEvent.objects.get(action="consent.sign")
    assert event.object_id == str(consent.pk)
    assert event.detail["patient"] == str(patient.pk)
    assert event.detail["drawn"] is True


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        ("data:image/jpeg;base64,/9j/4AAQ", "must be a PNG image"),
        ("data:image/png;base64,not base64!", "not valid base64"),
        ("data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(), "not a PNG"),
        (data_url(png(noise=b"\x00" * (201 * 1024))), "larger than 200 kB"),
        ("data:image/png;base64," + "A" * 300_000, "larger than 200 kB"),
        ("javascript:alert(1)", "must be a PNG image"),
    ],
)
def test_invalid_drawn_signatures_are_refused(admin, practitioner, patient, drawing, message):
    template = publish(admin)
    with pytest.raises(ValidationError) as error:
        sign(practitioner, patient, template, signature_drawing=drawing)
    assert message in error.value.message_dict["signature_drawing"][0]
    assert not Consent.objects.exists()


def test_a_drawing_just_under_the_limit_is_accepted(admin, practitioner, patient):
    template = publish(admin)
    drawing = data_url(png(noise=b"\x00" * (190 * 1024)))
    assert sign(practitioner, patient, template, signature_drawing=drawing).signature_drawing


@pytest.mark.parametrize(
    ("kind", "uses", "message"),
    [
        ("photo", [], "Choose at least one use"),
        ("photo", ["clinical_record", "billboards"], "Unknown photo use: billboards"),
        ("treatment", ["marketing"], "photo consent only"),
    ],
)
def test_photo_uses_are_validated(admin, practitioner, patient, kind, uses, message):
    template = publish(admin, kind=kind)
    with pytest.raises(ValidationError) as error:
        sign(practitioner, patient, template, photo_uses=uses)
    assert message in error.value.message_dict["photo_uses"][0]


def test_the_typed_name_is_required_and_all_field_errors_come_together(
    admin, practitioner, patient
):
    template = publish(admin, kind="photo")
    with pytest.raises(ValidationError) as error:
        sign(practitioner, patient, template, signed_name="  ", photo_uses=[])
    assert set(error.value.message_dict) == {"signed_name", "photo_uses"}


@pytest.mark.parametrize("typed", ["maya  thompson", "MAYA THOMPSON", "Mäya Thompson."])
def test_the_typed_signature_is_the_patients_full_name_as_a_person_reads_it(
    admin, practitioner, patient, typed
):
    consent = sign(practitioner, patient, publish(admin), signed_name=typed)
    assert consent.signer == Consent.Signer.PATIENT


@pytest.mark.parametrize("typed", ["Maya", "M. Thompson", "Someone Else", "x"])
def test_a_typed_signature_that_is_not_the_patients_name_is_refused(
    admin, practitioner, patient, typed
):
    with pytest.raises(ValidationError) as error:
        sign(practitioner, patient, publish(admin), signed_name=typed)
    assert error.value.message_dict["signed_name"] == [
        "Type the patient's full name, Maya Thompson, to sign."
    ]
    assert not Consent.objects.exists()


def test_a_representative_signs_with_their_full_name_and_relationship(admin, practitioner, patient):
    template = publish(admin)
    with pytest.raises(ValidationError) as error:
        sign(practitioner, patient, template, signed_name="Ann", signer="representative")
    assert set(error.value.message_dict) == {"signed_name", "signer_relationship"}
    consent = sign(
        practitioner,
        patient,
        template,
        signed_name="Ann Thompson",
        signer="representative",
        signer_relationship="Mother",
    )
    assert (consent.signer, consent.signer_relationship) == ("representative", "Mother")


def test_the_practitioner_countersigns_once_and_it_is_audited(
    admin, practitioner, front_desk, patient
):
    consent = sign(front_desk, patient, publish(admin))
    assert consent.countersigned_at is None
    with pytest.raises(PermissionDenied):
        consent_countersign(as_actor(front_desk), consent.pk)
    countersigned = consent_countersign(as_actor(practitioner), consent.pk)
    assert countersigned.countersigned_by == practitioner
    assert countersigned.countersigned_at is not None
    assert AuditEvent.objects.filter(action="consent.countersign").count() == 1
    with pytest.raises(ValidationError):
        consent_countersign(as_actor(practitioner), consent.pk)


def test_a_withdrawn_consent_cannot_be_countersigned(admin, practitioner, patient):
    consent = sign(practitioner, patient, publish(admin))
    consent_revoke(as_actor(practitioner), consent.pk, "Asked by phone.")
    with pytest.raises(ValidationError):
        consent_countersign(as_actor(practitioner), consent.pk)


def test_only_the_active_version_can_be_signed(admin, practitioner, patient):
    old = publish(admin, body="one")
    publish(admin, body="two")
    with pytest.raises(ValidationError, match="has been replaced"):
        sign(practitioner, patient, old)


def test_archived_patients_cannot_sign(admin, practitioner, patient):
    patient.archived = True
    patient.save()
    with pytest.raises(ValidationError, match="archived"):
        sign(practitioner, patient, publish(admin))


def test_tenancy_other_clinics_patients_templates_and_consents_are_not_found(
    admin, practitioner, patient, other_patient, other_practitioner
):
    template = publish(admin)
    consent = sign(practitioner, patient, template)
    with pytest.raises(Http404):
        sign(practitioner, other_patient, template)
    with pytest.raises(Http404):  # our template, their patient; and the other way round
        sign(other_practitioner, other_patient, template)
    with pytest.raises(Http404):
        selectors.access_consents(as_actor(other_practitioner), patient.pk)
    with pytest.raises(Http404):
        consent_revoke(as_actor(other_practitioner), consent.pk, "not ours")
    for guess in ("1", "not-a-uuid", str(uuid.uuid4())):
        with pytest.raises(Http404):
            consent_revoke(as_actor(practitioner), guess, "guess")
    consent.refresh_from_db()
    assert consent.revoked_at is None


# What is consented now


def test_nothing_is_consented_before_signing(practitioner, patient):
    status = selectors.access_consents(as_actor(practitioner), patient.pk)
    assert (status.treatment_consented, status.photo_uses, status.consents) == (False, (), [])


def test_an_older_version_still_counts_and_a_later_consent_replaces_it(
    admin, practitioner, patient
):
    v1 = publish(admin, body="one")
    treatment = sign(practitioner, patient, v1)
    publish(admin, body="two")
    actor = as_actor(practitioner)
    status = selectors.access_consents(actor, patient.pk)
    assert status.treatment == treatment
    assert status.treatment_consented

    photo_template = publish(admin, kind="photo")
    wide = sign(practitioner, patient, photo_template, photo_uses=["clinical_record", "marketing"])
    narrow = sign(practitioner, patient, photo_template, photo_uses=["clinical_record"])
    status = selectors.access_consents(actor, patient.pk)
    assert status.photo == narrow
    assert status.photo_uses == ("clinical_record",)
    assert status.allows_photo_use("clinical_record")
    assert not status.allows_photo_use("marketing")
    assert status.consents == [narrow, wide, treatment]
    assert status.current_ids == {treatment.pk, narrow.pk}
    assert AuditEvent.objects.filter(action="consent.read", object_id=str(patient.pk)).count() == 2


def test_status_at_an_earlier_moment(admin, practitioner, patient):
    template = publish(admin, kind="photo")
    consent = sign(practitioner, patient, template, photo_uses=["clinical_record", "teaching"])
    consent_revoke(as_actor(practitioner), consent.pk, "by phone", uses=["teaching"])
    later = consent.signed_at + timedelta(hours=1)
    ConsentRevocation.objects.update(revoked_at=later)
    consent = Consent.objects.prefetch_related("revocations").select_related("template").get()
    before = selectors.consent_status([consent], at=later - timedelta(seconds=1))
    assert before.photo_uses == ("clinical_record", "teaching")
    assert selectors.consent_status([consent]).photo_uses == ("clinical_record",)
    assert selectors.consent_status([consent], at=consent.signed_at - timedelta(1)).photo is None


# Revocation


def test_staff_revoke_a_treatment_consent_with_a_reason(admin, practitioner, patient):
    consent = sign(practitioner, patient, publish(admin))
    actor = as_actor(practitioner)
    with pytest.raises(ValidationError) as error:
        consent_revoke(actor, consent.pk, " ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        consent_revoke(actor, consent.pk, "asked", uses=["marketing"])
    revoked = consent_revoke(actor, consent.pk, "Patient asked by phone")
    assert revoked.revoked_reason == "Patient asked by phone"
    assert revoked.revoked_at is not None
    assert not selectors.access_consents(actor, patient.pk).treatment_consented
    again = consent_revoke(actor, consent.pk, "twice")
    assert again.revoked_at == revoked.revoked_at
    assert AuditEvent.objects.filter(action="consent.revoke").count() == 1


def test_withdrawing_photo_uses_one_by_one_ends_the_consent(admin, practitioner, patient):
    template = publish(admin, kind="photo")
    consent = sign(
        practitioner, patient, template, photo_uses=["clinical_record", "teaching", "marketing"]
    )
    actor = as_actor(practitioner)
    partly = consent_revoke(actor, consent.pk, "No marketing please", uses=["marketing"])
    assert partly.revoked_at is None
    assert partly.uses_now == ["clinical_record", "teaching"]
    status = selectors.access_consents(actor, patient.pk)
    assert status.photo_uses == ("clinical_record", "teaching")
    assert consent_revoke(actor, consent.pk, "again", uses=["marketing"]).uses_now == [
        "clinical_record",
        "teaching",
    ]
    with pytest.raises(ValidationError):
        consent_revoke(actor, consent.pk, "none", uses=[])
    with pytest.raises(ValidationError):
        consent_revoke(actor, consent.pk, "unknown", uses=["billboards"])
    done = consent_revoke(actor, consent.pk, "All of it", uses=["clinical_record", "teaching"])
    assert done.revoked_at is not None
    assert done.revoked_reason == "All of it"
    assert [r.uses for r in done.revocations.all()] == [
        ["marketing"],
        ["clinical_record", "teaching"],
    ]
    assert selectors.access_consents(actor, patient.pk).photo is None
    details = [e.detail for e in AuditEvent.objects.filter(action="consent.revoke")]
    assert [(d["uses"], d["whole"]) for d in details] == [
        (["marketing"], False),
        (["clinical_record", "teaching"], True),
    ]


def test_a_patient_signs_and_revokes_their_own_photo_consent_only(
    admin, practitioner, portal_patient, patient
):
    photo, treatment = publish(admin, kind="photo"), publish(admin)
    me = as_actor(portal_patient)
    mine = consent_sign(
        me, portal_patient.pk, photo.pk, "Paula Portal", photo_uses=["clinical_record"]
    )
    assert mine.recorded_by == portal_patient.user
    with pytest.raises(Http404):
        consent_sign(me, patient.pk, photo.pk, "Paula", photo_uses=["teaching"])
    theirs = sign(practitioner, patient, photo)
    with pytest.raises(Http404):
        consent_revoke(me, theirs.pk, "")
    revoked = consent_revoke(me, mine.pk, "")
    assert revoked.revoked_reason == PATIENT_REVOKE_REASON
    my_treatment = sign(practitioner, portal_patient, treatment)
    with pytest.raises(PermissionDenied, match="tell the clinic"):
        consent_revoke(me, my_treatment.pk, "no more")
    status = selectors.access_consents(me, portal_patient.pk)
    assert status.treatment_consented
    assert status.photo_uses == ()
    with pytest.raises(Http404):
        selectors.access_consents(me, patient.pk)
    with pytest.raises(PermissionDenied):
        publish(portal_patient)
