"""The dashboard: each list a page at a time with a link to the rest, the recall notices for
exactly the sessions that used a recalled lot, and the same queries however busy the clinic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import clinic_day
from needlepoint.intakes.models import Intake, Override, Screening
from needlepoint.outcomes.models import FollowUp
from needlepoint.records import dashboard
from needlepoint.records.dashboard import Section
from needlepoint.safety.services import lot_recall
from tests.clinical_data import make_lot, planned_course
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory


def _busy_patient(actor: Any, clinic: Any, n: int) -> list[Session]:
    """A patient with a session today, one overdue with a blocking screening, a session that
    used a recalled lot (as cartridge and as product), an open alert and a follow-up
    overdue."""
    patient = PatientFactory(clinic=clinic)
    today = planned_course(actor, patient.pk).sessions.get(number=1)
    overdue = planned_course(actor, patient.pk, timezone.now() - timedelta(days=3))
    intake = Intake.objects.create(
        clinic=clinic, patient=patient, version=1, answers={}, recorded_by=actor.user
    )
    screening = Screening.objects.create(
        clinic=clinic, patient=patient, intake=intake, verdict="defer", findings=[]
    )
    overdue.sessions.filter(number=1).update(screening=screening)
    treated = overdue.sessions.get(number=2)
    cartridge, product = make_lot(clinic, f"C-{n}"), make_lot(clinic, f"P-{n}", kind="product")
    Session.objects.filter(pk=treated.pk).update(status="signed", cartridge_lot=cartridge)
    treated.product_lots.add(product)
    for lot in (cartridge, product):
        lot_recall(actor, lot.pk, "Sterility breach")
    checkin = CheckIn.objects.create(
        clinic=clinic,
        patient=patient,
        session=treated,
        reported_at=timezone.now(),
        symptoms={},
        level="contact_clinic",
        triage={},
    )
    Alert.objects.create(clinic=clinic, patient=patient, checkin=checkin)
    due = timezone.now() - timedelta(days=2)
    FollowUp.objects.create(
        clinic=clinic,
        patient=patient,
        course=overdue,
        timepoint="follow_up_3m",
        opens_at=due - timedelta(days=14),
        due_at=due,
        overdue_after=due + timedelta(days=30),
    )
    return [today, treated]


@pytest.fixture
def busy(practitioner: Any, clinic: Any) -> Any:
    made: list[list[Session]] = []

    def grow(n: int) -> list[list[Session]]:
        for _ in range(n):
            made.append(_busy_patient(as_actor(practitioner), clinic, len(made)))
        return made

    return grow


def test_every_list_shows_a_page_and_links_to_the_rest(practitioner: Any, busy: Any) -> None:
    busy(dashboard.PAGE_SIZE + 1)
    client = signed_in(practitioner)
    page = client.get("/dashboard/").content.decode()
    assert page.count("— session 1</a> <span") == dashboard.PAGE_SIZE  # today's, at most a page
    for section in Section:
        assert f"/dashboard/list/?section={section}&page=2" in page
    board = dashboard.access_dashboard(as_actor(practitioner), as_actor(practitioner).today)
    for listing in (board.today, board.due, board.alerts, board.screenings):
        assert (len(listing.items), listing.more) == (dashboard.PAGE_SIZE, True)
    rest = client.get("/dashboard/list/?section=due&page=2").content.decode()
    assert rest.count("— session 1</a>") == 1
    assert "page=1" in rest
    assert "page=3" not in rest


def test_recall_notices_are_exactly_the_uses_of_recalled_lots(
    practitioner: Any, clinic: Any, other_practitioner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = as_actor(practitioner)
    course = planned_course(actor, PatientFactory(clinic=clinic).pk)
    first, second, third = course.sessions.order_by("number")
    recalled_cartridge, usable_cartridge = make_lot(clinic, "RC"), make_lot(clinic, "UC")
    recalled_product = make_lot(clinic, "RP", kind="product")
    usable_product = make_lot(clinic, "UP", kind="product")
    Session.objects.filter(pk=first.pk).update(cartridge_lot=recalled_cartridge)
    Session.objects.filter(pk=second.pk).update(cartridge_lot=usable_cartridge)
    second.product_lots.add(recalled_product, usable_product)
    Session.objects.filter(pk=third.pk).update(cartridge_lot=recalled_cartridge)
    third.product_lots.add(recalled_product)
    for lot in (recalled_cartridge, recalled_product):
        lot_recall(actor, lot.pk, "Sterility breach")
    elsewhere = as_actor(other_practitioner)  # another clinic's recall is not this one's
    other = planned_course(elsewhere, PatientFactory(clinic=other_practitioner.clinic).pk)
    other_lot = make_lot(other_practitioner.clinic, "RC")
    Session.objects.filter(pk=other.sessions.first().pk).update(cartridge_lot=other_lot)
    lot_recall(elsewhere, other_lot.pk, "Sterility breach")

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    pages = [
        dashboard.access_dashboard_section(actor, actor.today, Section.RECALLS, n) for n in (1, 2)
    ]
    assert [p.more for p in pages] == [True, False]
    notices = [(n.url, n.title.split()[2]) for p in pages for n in p.items]
    assert notices == [
        (f"/sessions/{third.pk}/", "RP"),
        (f"/sessions/{third.pk}/", "RC"),
        (f"/sessions/{second.pk}/", "RP"),
        (f"/sessions/{first.pk}/", "RC"),
    ]


def test_blocked_screenings_are_those_a_scheduled_session_waits_on(
    practitioner: Any, clinic: Any, other_practitioner: Any
) -> None:
    def rescreened(member: Any, verdict: str, status: str = "scheduled") -> Screening:
        actor = as_actor(member)
        patient = PatientFactory(clinic=member.clinic)
        session = planned_course(actor, patient.pk).sessions.get(number=1)
        intake = Intake.objects.create(
            clinic=member.clinic, patient=patient, version=1, answers={}, recorded_by=actor.user
        )
        screening = Screening.objects.create(
            clinic=member.clinic, patient=patient, intake=intake, verdict=verdict, findings=[]
        )
        Session.objects.filter(pk=session.pk).update(screening=screening, status=status)
        return screening

    waiting = [rescreened(practitioner, "defer"), rescreened(practitioner, "not_eligible")]
    Override.objects.create(
        screening=rescreened(practitioner, "defer"), reason="Reviewed", practitioner=practitioner
    )
    rescreened(practitioner, "eligible")
    rescreened(practitioner, "defer", status="signed")
    rescreened(other_practitioner, "defer")
    actor = as_actor(practitioner)
    listing = dashboard.access_dashboard_section(actor, actor.today, Section.SCREENINGS, 1)
    urls = {notice.url for notice in listing.items}
    assert urls == {f"/screenings/{screening.pk}/" for screening in waiting}


def test_due_lists_overdue_then_the_coming_week_page_by_page(
    practitioner: Any, clinic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = as_actor(practitioner)
    start, end = clinic_day(actor, actor.today)
    course = planned_course(actor, PatientFactory(clinic=clinic).pk)
    scheduled = list(course.sessions.order_by("number"))
    for _ in range(2):
        scheduled += planned_course(actor, PatientFactory(clinic=clinic).pk).sessions.all()
    # 3 overdue, 2 today (not due: today's list shows them), 3 in the coming week, 1 later
    times = [start - timedelta(days=d) for d in (9, 2, 1)] + [
        start + timedelta(hours=h) for h in (1, 2)
    ]
    times += [end + timedelta(days=d) for d in (0, 3, 6)] + [end + timedelta(days=8)]
    for session, at in zip(scheduled, times, strict=True):
        Session.objects.filter(pk=session.pk).update(scheduled_at=at)
    expected = [s.pk for s in scheduled[:3] + scheduled[5:8]]

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    pages = [
        dashboard.access_dashboard_section(actor, actor.today, Section.DUE, n) for n in (1, 2, 3, 4)
    ]
    assert [p.session_ids for p in pages[:3]] == [expected[0:2], expected[2:4], expected[4:6]]
    assert [p.more for p in pages] == [True, True, False, False]
    assert pages[3].session_ids == []


@pytest.mark.parametrize("section", [None, *Section])
def test_the_dashboard_reads_the_same_queries_when_the_clinic_is_busier(
    practitioner: Any, busy: Any, section: Section | None, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(practitioner)
    url = "/dashboard/" if section is None else f"/dashboard/list/?section={section}"
    busy(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    busy(dashboard.PAGE_SIZE + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_unknown_list_is_not_found(practitioner: Any) -> None:
    assert signed_in(practitioner).get("/dashboard/list/?section=everything").status_code == 404
