"""The demo data has consent forms and lots (one expired, one recalled) in both clinics."""

from __future__ import annotations

from needlepoint.cli.demo_data import seed_demo
from needlepoint.clinics.models import Clinic
from needlepoint.patients.models import ConsentTemplate
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AuditEvent, Lot
from needlepoint.safety.selectors import clinic_today
from needlepoint.safety.services import lot_status


def test_demo_consent_forms_and_lots_are_seeded_once(db):
    seed_demo("demo-password-1")
    counts = (ConsentTemplate.objects.count(), Lot.objects.count(), AuditEvent.objects.count())
    seed_demo("demo-password-1")
    assert (
        ConsentTemplate.objects.count(),
        Lot.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    for clinic in Clinic.objects.all():
        templates = ConsentTemplate.objects.filter(clinic=clinic, active=True)
        assert sorted(t.kind for t in templates) == ["photo", "treatment"]
        treatment = templates.get(kind="treatment").body
        for risk in ("redness", "swelling", "pinpoint bleeding", "bruising", "infection"):
            assert risk in treatment.lower()
        assert "hyperpigmentation" in treatment
        assert "granulomas" in treatment
        assert clinic.name in treatment
        today = clinic_today(clinic)
        statuses = sorted(lot_status(lot, today) for lot in Lot.objects.filter(clinic=clinic))
        assert 3 <= len(statuses) <= 4
        assert statuses.count("expired") == 1
        assert statuses.count("recalled") == 1
    assert audit_verify().intact
