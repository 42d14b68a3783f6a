"""`session_aftercare`: a signed session's aftercare with what it depends on from the database:
the course's last session (sunscreen), the clinic's phone, zone and location (sunset)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Course, Session
from needlepoint.domain.aftercare import AftercareItem
from needlepoint.notify.aftercare import AftercareNotReady, course_ends, session_aftercare

NY = ZoneInfo("America/New_York")


def _items(session: Session) -> dict[str, AftercareItem]:
    session.refresh_from_db()
    return {item.code: item for item in session_aftercare(session).items}


def _ended_at(session: Session, moment: datetime) -> None:
    """The session charted as ending at `moment` (it started 30 minutes before)."""
    Session.objects.filter(pk=session.pk).update(
        started_at=moment - timedelta(minutes=30), ended_at=moment
    )


def test_sunscreen_runs_until_three_months_after_the_last_booked_session(treated):
    third = Session.objects.get(course=treated.course, number=3)
    assert course_ends([treated.course_id])[treated.course_id] == third.scheduled_at
    ends = _items(treated)["sunscreen"].ends_at
    booked = third.scheduled_at.astimezone(NY)
    assert ends.time() == booked.time()
    assert (ends.year * 12 + ends.month) - (booked.year * 12 + booked.month) == 3


def test_cancelled_sessions_and_a_stopped_course_do_not_count(treated):
    second, third = (Session.objects.get(course=treated.course, number=n) for n in (2, 3))
    Session.objects.filter(pk=third.pk).update(status=Session.Status.CANCELLED)
    assert course_ends([treated.course_id])[treated.course_id] == second.scheduled_at
    Course.objects.filter(pk=treated.course_id).update(status=Course.Status.STOPPED)
    treated.refresh_from_db()
    assert (
        course_ends([treated.course_id])[treated.course_id] == treated.ended_at
    )  # only what was performed
    sunscreen = _items(treated)["sunscreen"]
    assert sunscreen.ends_at.astimezone(NY).time() == treated.ended_at.astimezone(NY).time()


def test_the_warning_signs_give_the_clinics_phone(treated):
    signs = _items(treated)["warning_signs"]
    assert signs.text.startswith("Call the clinic on +1 212 555 0100 straight away")
    Clinic.objects.filter(pk=treated.clinic_id).update(phone="")
    assert _items(treated)["warning_signs"].text.startswith("Call the clinic straight away")


EVENING = datetime(2025, 1, 15, 22, 30, tzinfo=UTC)  # 17:30 in New York, after sunset (~16:5x)


def test_an_evening_session_has_its_sun_items_start_the_next_morning(treated):
    _ended_at(treated, EVENING)
    items = _items(treated)  # the clinic's time zone names New York: its sunset
    assert items["avoid_sun"].starts_at == datetime(2025, 1, 16, 7, tzinfo=NY)
    assert items["no_makeup"].starts_at == EVENING
    # The clinic's own location: Honolulu-like longitude puts sunset at ~23:00 New York time.
    Clinic.objects.filter(pk=treated.clinic_id).update(
        latitude=Decimal("21.3069"), longitude=Decimal("-157.8583")
    )
    assert _items(treated)["avoid_sun"].starts_at == EVENING


def test_without_a_known_city_sunset_is_taken_as_the_evening_hour(treated):
    Clinic.objects.filter(pk=treated.clinic_id).update(time_zone="Asia/Kolkata")
    zone = ZoneInfo("Asia/Kolkata")
    before = datetime(2025, 1, 15, 20, 59, tzinfo=zone)
    _ended_at(treated, before)
    assert _items(treated)["avoid_sun"].starts_at == before  # 21:00 not reached
    _ended_at(treated, before + timedelta(minutes=1))
    assert _items(treated)["avoid_sun"].starts_at == datetime(2025, 1, 16, 7, tzinfo=zone)


def test_a_session_not_signed_has_no_aftercare(treated):
    booked = Session.objects.get(course=treated.course, number=2)
    with pytest.raises(AftercareNotReady):
        session_aftercare(booked)
