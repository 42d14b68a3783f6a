"""Assessment scores, course plans within limits, re-screening, charting, signing, addenda."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from needlepoint.courses import services, sessions
from needlepoint.courses.models import Course, Session
from needlepoint.courses.selectors import access_lot_sessions
from needlepoint.intakes import services as intake_services
from needlepoint.intakes.answers import intake_from_json
from needlepoint.records import services as records
from needlepoint.records.timeline import access_timeline
from tests.clinical_data import CLEAR, make_lot
from tests.conftest import as_actor


def test_assessment_scores_sum_zones_then_score(assessment):
    gb = assessment.scores["goodman_baron"]
    # moderate_atrophic 12+8 = 20 lesions (11-20: x2, 2 points) = 4; shallow_broad 3 (x1) = 2
    assert gb["rows"]["moderate_atrophic"] == 4
    assert gb["rows"]["shallow_broad_atrophic"] == 2
    assert gb["score"] == sum(gb["rows"].values()) == 6
    assert assessment.scores["ecca"]["items"]["boxcar"] == 20 * 2


def test_course_proposes_sessions_at_the_interval_same_local_time(course, clinic):
    zone = ZoneInfo(clinic.time_zone)
    local = [s.scheduled_at.astimezone(zone) for s in course.sessions.order_by("number")]
    assert len(local) == 4
    assert {t.time() for t in local} == {local[0].time()}  # across DST too
    assert [(t.date() - local[0].date()).days for t in local] == [0, 42, 84, 126]
    assert course.plan["suitable"] is True
    assert course.currency == "USD"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"zones": {"left_cheek": {"depth_mm": 2.5}}}, "zones.left_cheek.depth_mm"),
        ({"zones": {"nose": {"depth_mm": 0.8}}}, "zones.nose"),
        ({"interval_weeks": 1}, "interval_weeks"),
        ({"sessions_planned": 0}, "sessions_planned"),
        ({"adjuncts": ["laser"]}, "adjuncts"),
    ],
)
def test_plan_edits_stay_within_the_clinics_limits(
    practitioner, assessment, first_session_at, change, field
):
    plan = {
        "sessions_planned": 4,
        "interval_weeks": 6,
        "zones": {"left_cheek": {"depth_mm": 1.5}},
        "adjuncts": [],
        "price_per_session": 300,
        "first_session_at": first_session_at,
        **change,
    }
    with pytest.raises(ValidationError) as error:
        services.course_create(as_actor(practitioner), assessment.pk, **plan)
    assert field in error.value.message_dict
    assert not Course.objects.exists()


def test_clinic_depth_limit_override_is_applied(practitioner, assessment, clinic, first_session_at):
    clinic.settings = {"overrides": {"depth_limit_mm": {"left_cheek": 1.0}}}
    clinic.save()
    with pytest.raises(ValidationError):
        services.course_create(
            as_actor(practitioner),
            assessment.pk,
            sessions_planned=4,
            interval_weeks=6,
            zones={"left_cheek": {"depth_mm": 1.2}},
            adjuncts=[],
            price_per_session=300,
            first_session_at=first_session_at,
        )


def _start(practitioner, session, answers=CLEAR):  # type: ignore[no-untyped-def]
    return records.session_start(
        as_actor(practitioner), session.pk, intake_from_json(as_actor(practitioner), answers)
    )


def _chart(practitioner, session, revision=0, **changes):  # type: ignore[no-untyped-def]
    now = timezone.now() - timedelta(hours=1)  # charted once the treatment has happened
    chart = {
        "anaesthetic": "Lidocaine 4% cream",
        "numbing_applied_at": now - timedelta(minutes=40),
        "numbing_removed_at": now - timedelta(minutes=5),
        "device": "pen",
        "device_id": "PEN-7",
        "zones": {"left_cheek": {"depth_mm": 1.5, "passes": 3}},
        "endpoint": "pinpoint_bleeding",
        "started_at": now,
        "ended_at": now + timedelta(minutes=30),
        **changes,
    }
    return sessions.session_chart_save(
        as_actor(practitioner), session.pk, revision=revision, **chart
    )


def test_full_session_from_rescreen_to_signed_and_addendum(practitioner, course, clinic):
    session = course.sessions.get(number=1)
    assert _start(practitioner, session).verdict == "eligible"
    lot = make_lot(clinic, "C-100")
    saved = _chart(practitioner, session, cartridge_lot=lot)
    assert saved.revision == 1
    signed = sessions.session_sign(as_actor(practitioner), session.pk, revision=1)
    assert signed.locked
    with pytest.raises(sessions.ChartSigned) as kept:
        _chart(practitioner, signed, revision=1, device_id="changed")
    assert kept.value.draft.draft
    assert "device id: changed" in kept.value.draft.text
    signed.refresh_from_db()
    assert signed.device_id == "PEN-7"  # the signed chart itself never changes
    sessions.addendum_add(as_actor(practitioner), session.pk, "Mild bruising noted at 30 min.")
    assert signed.addenda.filter(draft=False).count() == 1
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE
    kinds = [
        entry.kind for entry in access_timeline(as_actor(practitioner), course.patient_id).entries
    ]
    for kind in ("screening", "assessment", "course", "session", "aftercare", "addendum"):
        assert kind in kinds
    _, treated = access_lot_sessions(as_actor(practitioner), lot.pk)
    assert treated == [session]


def test_blocking_rescreen_blocks_the_chart_until_overridden(practitioner, course):
    session = course.sessions.get(number=1)
    screening = _start(practitioner, session, {**CLEAR, "active_infection_in_area": True})
    assert screening.verdict == "defer"
    with pytest.raises(ValidationError, match="blocks treatment"):
        _chart(practitioner, session)
    intake_services.screening_override(
        as_actor(practitioner),
        screening.pk,
        "Resolved lesion outside the treated zone, documented.",
    )
    assert _chart(practitioner, session).revision == 1


def test_chart_is_refused_before_rescreening(practitioner, course):
    with pytest.raises(ValidationError, match="Re-screen"):
        _chart(practitioner, course.sessions.get(number=1))


@pytest.mark.parametrize("depth", [2.5, 0])
def test_depth_above_the_limit_is_refused(practitioner, course, depth):
    session = course.sessions.get(number=1)
    _start(practitioner, session)
    with pytest.raises(ValidationError) as error:
        _chart(practitioner, session, zones={"left_cheek": {"depth_mm": depth, "passes": 2}})
    assert "zones.left_cheek.depth_mm" in error.value.message_dict
    session.refresh_from_db()
    assert session.revision == 0


@pytest.mark.parametrize(
    ("lot_kwargs", "message"),
    [({"expires": None, "recalled": True}, "recalled"), ({"expires": "past"}, "expired")],
)
def test_expired_or_recalled_lot_is_refused(practitioner, course, clinic, lot_kwargs, message):
    if lot_kwargs.get("expires") == "past":
        lot_kwargs = {"expires": date.today() - timedelta(days=3)}  # past in every time zone
    lot = make_lot(clinic, "BAD-1", **lot_kwargs)
    session = course.sessions.get(number=1)
    _start(practitioner, session)
    with pytest.raises(ValidationError, match=message):
        _chart(practitioner, session, cartridge_lot=lot)


def test_second_save_from_a_stale_revision_is_a_conflict_and_loses_nothing(practitioner, course):
    session = course.sessions.get(number=1)
    _start(practitioner, session)
    _chart(practitioner, session, revision=0, device_id="FIRST")
    with pytest.raises(sessions.ChartConflict) as conflict:
        _chart(practitioner, session, revision=0, device_id="SECOND")
    assert conflict.value.session.device_id == "FIRST"
    session.refresh_from_db()
    assert (session.device_id, session.revision) == ("FIRST", 1)


def test_signing_needs_a_complete_chart(practitioner, course):
    session = course.sessions.get(number=1)
    _start(practitioner, session)
    _chart(practitioner, session, endpoint="")
    with pytest.raises(ValidationError, match="endpoint"):
        sessions.session_sign(as_actor(practitioner), session.pk, revision=1)


def test_other_clinics_cannot_touch_sessions(other_practitioner, course):
    session = course.sessions.get(number=1)
    with pytest.raises(Http404):
        records.session_start(
            as_actor(other_practitioner),
            session.pk,
            intake_from_json(as_actor(other_practitioner), CLEAR),
        )
    assert Session.objects.get(pk=session.pk).screening is None


MIGRATION = import_module("needlepoint.courses.migrations.0005_course_zones_with_depth_mm")


def _historical_apps(rows: list[SimpleNamespace]) -> Any:
    """An app registry whose Course rows have both of the migration's fields."""
    for row in rows:
        row.save = lambda update_fields: None
    course = SimpleNamespace(objects=SimpleNamespace(iterator=lambda: iter(rows)))
    return SimpleNamespace(get_model=lambda app, name: course)


def test_stored_course_depths_become_zones_and_back():
    row = SimpleNamespace(zone_depths_mm={"left_cheek": 1.5, "chin": 1.0}, zones={})
    MIGRATION.to_zones(_historical_apps([row]), None)
    assert row.zones == {"left_cheek": {"depth_mm": 1.5}, "chin": {"depth_mm": 1.0}}
    row.zone_depths_mm = {}
    MIGRATION.to_zone_depths(_historical_apps([row]), None)
    assert row.zone_depths_mm == {"left_cheek": 1.5, "chin": 1.0}


PLAN_MIGRATION = import_module(
    "needlepoint.courses.migrations.0006_course_plan_and_its_depth_names"
)


def test_stored_course_plans_take_the_depth_names_and_back(course):
    old = {"depth_mm": {"min": 1.0, "max": 1.5}, "suggested_mm": 1.5, "limit_mm": 2.0, "passes": 3}
    course.plan = {**course.plan, "zones": {"left_cheek": dict(old)}}
    course.save()
    PLAN_MIGRATION.to_depth_names(django_apps, None)
    course.refresh_from_db()
    assert course.plan["zones"]["left_cheek"] == {
        "depth_range_mm": {"min": 1.0, "max": 1.5},
        "depth_mm": 1.5,
        "depth_limit_mm": 2.0,
        "passes": 3,
    }
    PLAN_MIGRATION.to_old_names(django_apps, None)
    course.refresh_from_db()
    assert course.plan["zones"]["left_cheek"] == old
