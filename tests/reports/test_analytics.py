"""The clinic's outcome and safety analytics: the figures, their intervals and the minimum
sample, one clinic's data only, constant query counts, the filters, the CSV and the audited
list of the patients behind a figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needlepoint.courses import services
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.domain.statistics import mean_change, wilson
from needlepoint.reports.analytics import analytics_filters
from needlepoint.reports.outcome_analytics import (
    access_outcome_patients,
    access_outcome_report,
    courses_compared,
)
from needlepoint.reports.safety_analytics import access_safety_report
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import ZONES, counts
from tests.conftest import as_actor, signed_in
from tests.factories import StaffFactory
from tests.reports.analytics_data import checked_in, rated, treated_course

pytestmark = pytest.mark.django_db


def _filters(staff, practitioner_id=None):  # type: ignore[no-untyped-def]
    actor = as_actor(staff)
    return actor, analytics_filters(
        actor, actor.today - timedelta(days=365), actor.today, practitioner_id
    )


def _queries(read) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def test_outcomes_mean_change_with_interval_and_too_few_below_the_minimum(
    practitioner, other_practitioner
):  # type: ignore[no-untyped-def]
    # Ten courses, of type III skin, each down 4 Goodman & Baron points (6 -> 2), 40 ECCA
    # points and one grade; type V a single course; another clinic's courses count nowhere.
    for n in range(10):
        treated = treated_course(practitioner, fitzpatrick=3, after=(2, 3 + n % 2 * 10))
        if n < 3:
            rated(treated, "gais_clinician", 2 if n else 1)
    treated_course(practitioner, fitzpatrick=5, device="roller")
    rated(treated_course(practitioner, after=None), "gais_patient", 3)  # not compared
    rated(treated_course(other_practitioner, after=(1, 0)), "gais_clinician", 5)
    actor, filters = _filters(practitioner)

    queries = _queries(lambda: access_outcome_report(actor, filters))
    report = access_outcome_report(actor, filters)

    assert report.total.courses == 11
    by_code = {change.measure.code: change for change in report.total.changes}
    # 3 scars score 2, 13 score 4 (row B x2): changes -4 (6 courses) and -2 (5)
    expected = [-4.0] * 6 + [-2.0] * 5
    want = mean_change(11, sum(expected), sum(c * c for c in expected))
    assert by_code["goodman_baron"].change == pytest.approx(want)
    assert by_code["grade"].change is not None
    assert by_code["grade"].change.mean == -1.0
    fitzpatrick = {row.label: row for row in _table(report, "fitzpatrick").rows}
    assert fitzpatrick["Type III"].courses == 10
    type_v = fitzpatrick["Type V"].changes[0]
    assert (type_v.change, type_v.too_few) == (None, "too few courses to compare (n = 1)")
    device = {row.key: row.courses for row in _table(report, "device").rows}
    assert device == {"pen": 10, "roller": 1}
    scar_types = {row.key: row.courses for row in _table(report, "scar_type").rows}
    assert (scar_types["boxcar"], scar_types["rolling"], scar_types["icepick"]) == (11, 11, 0)
    assert [row.key for row in _table(report, "depth_band").rows] == ["0_5_to_1_0"]
    studies = {
        item.measure.code: [s.outcome.study for s in item.studies] for item in report.published
    }
    assert "Alam 2014" in studies["goodman_baron"]
    assert "Rana 2017" in studies["ecca"]

    gais = {(row.measure, row.timepoint): [c for _, c, _ in row.counts] for row in report.gais}
    assert gais == {
        ("gais_patient", "follow_up_3m"): [0, 0, 1, 0, 0],
        ("gais_clinician", "follow_up_3m"): [1, 2, 0, 0, 0],  # not the other clinic's 5
    }

    for _ in range(3):  # more courses, in more groups: the same queries
        more = treated_course(practitioner, fitzpatrick=6, device="stamp", depth_mm=2.0)
        rated(more, "gais_patient", 1, "follow_up_6m")
    assert _queries(lambda: access_outcome_report(actor, filters)) == queries


def _table(report, code):  # type: ignore[no-untyped-def]
    return next(table for table in report.tables if table.code == code)


def test_safety_rates_triage_days_and_alert_times(practitioner, other_practitioner):  # type: ignore[no-untyped-def]
    treated = [
        treated_course(practitioner, adverse="bruising" if n < 2 else None) for n in range(5)
    ]
    treated_course(practitioner, device="roller", depth_mm=0.5, adverse="pih")
    treated_course(other_practitioner, adverse="infection")
    checked_in(treated[0], hours=30, level="monitor", acknowledged_after=timedelta(minutes=30))
    checked_in(treated[1], hours=26, level="contact_clinic", acknowledged_after=timedelta(hours=5))
    checked_in(treated[2], hours=2, level="expected")
    actor, filters = _filters(practitioner)

    queries = _queries(lambda: access_safety_report(actor, filters))
    report = access_safety_report(actor, filters)

    assert (report.sessions, report.affected) == (6, 3)
    kinds = {row.key: row for row in report.kinds.rows}
    assert set(kinds) == {"bruising", "pih"}  # not the other clinic's infection
    assert kinds["bruising"].rate == wilson(2, 6)
    assert kinds["bruising"].events == 2
    assert kinds["bruising"].too_few == "too few sessions to compare (n = 6)"
    devices = {row.key: (row.sessions, row.affected) for row in _table(report, "device").rows}
    assert devices == {"pen": (5, 2), "roller": (1, 1)}
    bands = {row.key: row.sessions for row in _table(report, "depth_band").rows}
    assert bands == {"up_to_0_5": 1, "0_5_to_1_0": 5}
    assert {row.label for row in _table(report, "lot").rows} == {"CART-1 (12-pin cartridge)"}
    days = dict(report.triage.levels)
    assert [days[level][1] for level in days] == [0, 1, 1, 0]  # monitor and contact on day 1
    assert sum(days[next(iter(days))]) == 1  # the expected one, on day 0
    times = report.alert_times
    assert (times.alerts, times.acknowledged, times.within, times.late) == (2, 2, 1, 1)
    assert (times.median, times.p90) == (timedelta(minutes=30), timedelta(hours=5))
    assert times.past == wilson(1, 2)

    treated_course(practitioner, device="stamp", lot_number="CART-2", adverse="other")
    assert _queries(lambda: access_safety_report(actor, filters)) == queries


def test_the_practitioner_filter_and_its_refusals(practitioner, other_practitioner):  # type: ignore[no-untyped-def]
    colleague = StaffFactory(clinic=practitioner.clinic, role="practitioner", licence_number="L9")
    treated_course(practitioner)
    theirs = treated_course(colleague, adverse="pih")
    latest = services.assessment_record(
        as_actor(colleague), theirs.patient.pk, counts(1, ZONES), scar_types=["boxcar"]
    )  # a second re-assessment, the latest: the one compared
    actor, filters = _filters(practitioner, colleague.pk)
    assert access_safety_report(actor, filters).sessions == 1
    assert access_outcome_report(actor, filters).total.courses == 1
    compared = courses_compared(actor, filters, load_knowledge())
    assert list(compared.values_list("later_id", "change_grade")) == [(latest.pk, 1 - 3)]
    with pytest.raises(Exception, match="Not one of this clinic's practitioners"):
        _filters(practitioner, other_practitioner.pk)


def test_the_patients_behind_a_figure_are_the_clinics_and_the_opening_is_audited(
    practitioner, other_practitioner
):  # type: ignore[no-untyped-def]
    mine = treated_course(practitioner, name="Ana Amaro")
    treated_course(other_practitioner, name="Olga Other")
    actor, filters = _filters(practitioner)
    found = access_outcome_patients(actor, filters, "device", "pen")
    assert [p.pk for p in found.patients] == [mine.patient.pk]
    event = AuditEvent.objects.filter(action="analytics.figure_patients").get()
    assert event.detail["figure"] == "outcomes.device.pen"
    assert event.detail["patients"] == [str(mine.patient.pk)]
    banded = access_outcome_patients(actor, filters, "depth_band", "0_5_to_1_0")
    assert [p.pk for p in banded.patients] == [mine.patient.pk]
    assert access_outcome_patients(actor, filters, "depth_band", "none").patients == []
    rated(mine, "gais_patient", 2)
    found = access_outcome_patients(actor, filters, "gais", "gais_patient:follow_up_3m:2")
    assert [p.pk for p in found.patients] == [mine.patient.pk]
    for table, key in (("fitzpatrick", "seven"), ("gais", "gais_patient:baseline:9"),
                       ("depth_band", "deep")):  # fmt: skip
        with pytest.raises(LookupError):
            access_outcome_patients(actor, filters, table, key)


def test_pages_filters_csv_and_patient_lists(practitioner, admin, front_desk, other_practitioner):  # type: ignore[no-untyped-def]
    treated = treated_course(practitioner, adverse="bruising", lot_number="=HYPERLINK(1)")
    treated_course(other_practitioner, adverse="bruising", name="Olga Other")
    checked_in(treated, hours=30, level="monitor", acknowledged_after=timedelta(hours=4))
    client = signed_in(admin)
    for name in ("analytics-outcomes", "analytics-safety"):
        page = client.get(reverse(name))
        assert page.status_code == 200
    gais_csv = client.get(reverse("analytics-outcomes-csv"), {"table": "gais"}).getvalue()
    assert gais_csv.decode("utf-8-sig").startswith("measure,timepoint,answer,grade,answers")
    page = client.get(reverse("analytics-safety"))
    assert b"per day after the session" in page.content
    assert b"<svg" in page.content
    bad = client.get(reverse("analytics-safety"), {"first": "2026-13-01"})
    assert bad.status_code == 400
    assert b"Enter a valid date" in bad.content
    reversed_days = client.get(
        reverse("analytics-outcomes"), {"first": "2026-02-01", "last": "2026-01-01"}
    )
    assert reversed_days.status_code == 400
    assert b"The last day comes before the first" in reversed_days.content
    foreign = client.get(reverse("analytics-safety"), {"practitioner": other_practitioner.pk})
    assert foreign.status_code == 400
    assert b"Select a valid choice" in foreign.content
    assert signed_in(front_desk).get(reverse("analytics-safety")).status_code == 403

    csv = client.get(reverse("analytics-safety-csv"), {"table": "lot"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    # the formula neutralised; one session is too few for a rate, its interval is given
    assert text.splitlines()[1] == "'=HYPERLINK(1) (12-pin cartridge),1,1,,,20.65,100.0"
    assert AuditEvent.objects.filter(action="analytics.safety.csv_export").exists()
    assert client.get(reverse("analytics-safety-csv"), {"table": "nothing"}).status_code == 404

    listed = client.get(reverse("analytics-safety-patients"), {"table": "kind", "key": "bruising"})
    assert listed.status_code == 200
    assert treated.patient.record_number.encode() in listed.content
    assert b"Other" not in listed.content
    triage = client.get(
        reverse("analytics-safety-patients"), {"table": "triage", "key": "monitor:1"}
    )
    assert treated.patient.record_number.encode() in triage.content
    treated_here = client.get(
        reverse("analytics-safety-patients"), {"table": "device_sessions", "key": "pen"}
    )
    assert treated.patient.record_number.encode() in treated_here.content
    late = client.get(reverse("analytics-safety-patients"), {"table": "alert_times", "key": "past"})
    assert treated.patient.record_number.encode() in late.content
    figures = [
        e.detail.get("figure")
        for e in AuditEvent.objects.filter(action="analytics.figure_patients")
    ]
    assert figures == [
        "safety.kind.bruising", "safety.triage.monitor:1", "safety.device_sessions.pen",
        "safety.alert_times.past",
    ]  # fmt: skip
    assert (
        client.get(reverse("analytics-safety-patients"), {"table": "lot", "key": "x"}).status_code
        == 404
    )
    assert (
        client.get(
            reverse("analytics-safety-patients"), {"table": "triage", "key": "urgent:15"}
        ).status_code
        == 404
    )


def test_gais_by_group_counts_each_courses_latest_answer_of_this_clinic_only(
    practitioner, other_practitioner, admin
):  # type: ignore[no-untyped-def]
    # Ten type III pen courses rated 2 by the clinician (the first rated 4, later 1); a type V
    # roller course rated 3 by its patient; another clinic's type III pen course rated 5.
    courses = [treated_course(practitioner, fitzpatrick=3) for _ in range(10)]
    rated(courses[0], "gais_clinician", 4)
    rated(courses[0], "gais_clinician", 1, "follow_up_6m")
    for treated in courses[1:]:
        rated(treated, "gais_clinician", 2)
    rated(treated_course(practitioner, fitzpatrick=5, device="roller"), "gais_patient", 3)
    rated(treated_course(other_practitioner, fitzpatrick=3), "gais_clinician", 5)
    actor, filters = _filters(practitioner)

    report = access_outcome_report(actor, filters)

    tables = {table.code: table for table in report.gais_groups}
    assert list(tables) == ["gais_scar_type", "gais_fitzpatrick", "gais_device", "gais_depth_band"]

    def counts(code):  # type: ignore[no-untyped-def]
        return {
            (group.key, m.measure): ([c for _, c, _ in m.counts], m.n, m.too_few)
            for group in tables[code].rows
            for m in group.measures
        }

    clinician = ([1, 9, 0, 0, 0], 10, None)
    assert counts("gais_device") == {
        ("pen", "gais_clinician"): clinician,
        ("pen", "gais_patient"): ([], 0, "too few courses to compare (n = 0)"),
        ("roller", "gais_clinician"): ([], 0, "too few courses to compare (n = 0)"),
        ("roller", "gais_patient"): ([], 1, "too few courses to compare (n = 1)"),
    }
    assert counts("gais_fitzpatrick")[("3", "gais_clinician")] == clinician
    assert counts("gais_depth_band")[("0_5_to_1_0", "gais_clinician")] == clinician
    by_type = counts("gais_scar_type")
    assert by_type[("boxcar", "gais_clinician")] == clinician
    assert by_type[("icepick", "gais_clinician")][1] == 0

    found = access_outcome_patients(actor, filters, "gais_device", "gais_clinician:pen:2")
    assert {p.pk for p in found.patients} == {t.patient.pk for t in courses[1:]}
    event = AuditEvent.objects.filter(action="analytics.figure_patients").get()
    assert event.detail["figure"] == "outcomes.gais_device.gais_clinician:pen:2"
    latest = access_outcome_patients(actor, filters, "gais_scar_type", "gais_clinician:boxcar:1")
    assert [p.pk for p in latest.patients] == [courses[0].patient.pk]
    # not the latest answer; another clinic's
    for table, key in (("gais_fitzpatrick", "gais_clinician:3:4"),
                       ("gais_depth_band", "gais_clinician:0_5_to_1_0:5")):  # fmt: skip
        assert access_outcome_patients(actor, filters, table, key).patients == []
    unknown = (
        ("gais_device", "gais_clinician:pen:6"), ("gais_scar_type", "x:boxcar:1"),
        ("gais_scar_type", "gais_patient:pitted:1"), ("gais_fitzpatrick", "gais_patient:III:1"),
        ("gais_lot", "gais_patient:a:1"),
    )  # fmt: skip
    for table, key in unknown:
        with pytest.raises(LookupError):
            access_outcome_patients(actor, filters, table, key)

    client = signed_in(admin)
    page = client.get(reverse("analytics-outcomes"))
    assert b"By device (last session)" in page.content
    assert b"Too few courses to compare (n = 1)" in page.content
    assert b"table=gais_device&amp;key=gais_clinician%3Apen%3A2" in page.content
    csv = client.get(reverse("analytics-outcomes-csv"), {"table": "gais_device"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "group,measure,courses,answer,grade,latest_answers"
    clinician_line = 'Motorised pen,"Improvement, as the clinician sees it (GAIS)",10,'
    assert lines[6] == clinician_line + "Very much improved,1.0,1"
    assert lines[15].endswith(",1,Worse,5.0,")  # the roller's one patient: too few, no count
    assert AuditEvent.objects.filter(action="analytics.outcomes.csv_export").exists()
