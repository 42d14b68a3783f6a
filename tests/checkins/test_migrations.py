"""The level stored once: going back to the copies on the alert and in the triage, and
forward again, keeps every check-in's level and triage."""

from __future__ import annotations

from needlepoint.checkins import services
from tests.clinical_data import reported, treated_session
from tests.conftest import as_actor


def test_the_level_copies_are_restored_and_removed_again(migrate, practitioner, portal_patient):
    treated_session(as_actor(practitioner), portal_patient.pk)
    checkin = services.checkin_submit(as_actor(portal_patient), reported({"pus": True}))
    stored = checkin.triage
    assert "level" not in stored

    before = migrate(("checkins", "0001_initial"))
    assert before.get_model("checkins", "Alert").objects.get().level == checkin.level
    old = before.get_model("checkins", "CheckIn").objects.get()
    assert old.triage == {"level": checkin.level, **stored}

    after = migrate(("checkins", "0003_checkin_triage_without_level"))
    assert after.get_model("checkins", "CheckIn").objects.get().triage == stored
    assert after.get_model("checkins", "Alert").objects.get().checkin_id == checkin.pk
