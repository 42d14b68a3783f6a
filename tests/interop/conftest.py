"""The demo clinics as seeded by `needlepoint demo`, with what the demo leaves out added
through the services: a photo, an adverse event, a photo use withdrawn, a consent revoked and a
cancelled session, so that every mapped resource type is exported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.cli.demo_data import seed_demo
from needlepoint.cli.demo_people import demo_patient
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Session
from needlepoint.patients.consents import consent_revoke
from needlepoint.patients.models import Consent
from needlepoint.photos.services import photo_upload
from tests.photos.helpers import close_up, photo_consent


@dataclass(frozen=True)
class Demo:
    clinic: Clinic
    admin: Actor
    practitioner: Actor


def _actor(email: str) -> Actor:
    actor = actor_for(User.objects.get(email=email))
    assert actor is not None
    return actor


@pytest.fixture
def demo(db: Any, settings: Any, tmp_path: Any) -> Demo:
    settings.PHOTO_DIR = tmp_path / "photos"
    seed_demo("demo-password-1")
    clinic = Clinic.objects.get(slug="demo")
    admin = _actor("admin@demo.needlepoint.test")
    practitioner = _actor("practitioner@demo.needlepoint.test")
    maya = demo_patient(clinic, "Maya")
    assert maya is not None
    # Her current course's signed session (her first course's three are months older).
    treated = (
        Session.objects.filter(patient=maya, status=Session.Status.SIGNED)
        .order_by("-ended_at")
        .first()
    )
    assert treated is not None
    consent = photo_consent(admin.user.staff, maya, ("clinical_record", "teaching"))
    consent_revoke(admin, consent.pk, "Asked by phone not to use them in teaching.", ["teaching"])
    photo_upload(practitioner, close_up(), "IMG_0001.JPG", session_id=treated.pk, pose="frontal")
    adverse_event_record(
        practitioner,
        treated.pk,
        kind="prolonged_erythema",
        severity="mild",
        serious=False,
        outcome="recovering",
        onset=timezone.localdate(timezone.now(), practitioner.zone),
        description="Redness on the left cheek for ten days.",
    )
    daniel = demo_patient(clinic, "Daniel")
    assert daniel is not None
    treatment = Consent.objects.get(patient=daniel, template__kind="treatment")
    consent_revoke(admin, treatment.pk, "Decided not to go on with treatment.")
    aisha = demo_patient(clinic, "Aisha")
    assert aisha is not None
    # No service cancels a session yet: the front desk's cancellation is a status change.
    Session.objects.filter(patient=aisha, number=1).update(status=Session.Status.CANCELLED)
    return Demo(clinic, admin, practitioner)
