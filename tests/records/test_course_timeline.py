"""The course timeline: one course's sessions, scores, photo series and events, behind the
audited door (another clinic's course is not found), at a constant number of queries; its
page with the charts and tables; and the course summary PDFs for the patient and a doctor
(their text, and no photo whose consent was withdrawn)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.courses.models import Session
from needlepoint.records.course_timeline import access_course_timeline
from needlepoint.reports.course_summary import access_course_summary_pdf
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor, signed_in
from tests.records.course_story import Story, course_story
from tests.reports.test_handout import pdf_text
from tests.services import require


@pytest.fixture
def story(settings, tmp_path, practitioner, admin, portal_patient) -> Story:  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"
    return course_story(practitioner, admin, portal_patient)


def _more_sessions(story: Story, n: int) -> None:
    """`n` more treated sessions (copies of the first), each with an adverse event."""
    first = story.first
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Session._meta.concrete_fields
        if not f.primary_key
    }
    made = Session.objects.bulk_create(
        Session(
            **fields | {"number": 10 + k, "scheduled_at": first.scheduled_at + timedelta(hours=k)}
        )
        for k in range(n)
    )
    event = AdverseEvent.objects.get()
    AdverseEvent.objects.bulk_create(
        AdverseEvent(
            **{f.attname: getattr(event, f.attname) for f in AdverseEvent._meta.concrete_fields}
            | {"id": None, "session_id": s.pk}
        )
        for s in made
    )


def test_timeline_gathers_the_course_behind_its_door(story, practitioner, other_practitioner):
    actor = as_actor(practitioner)
    with CaptureQueriesContext(connection) as few:
        timeline = access_course_timeline(actor, story.course.pk)

    rows = timeline.sessions
    assert [r.session.number for r in rows] == [1, 2, 3]
    assert [(z.zone, z.depth_mm, z.passes) for z in rows[1].zones] == [("left_cheek", 1.5, 2)]
    assert rows[1].lot == f"CART-{story.second.pk}"
    assert rows[2].zones == []
    assert rows[2].lot == ""

    scores = {s.key: s for s in timeline.scores}
    assert list(scores) == [
        "qualitative_grade",
        "goodman_baron",
        "ecca",
        "scar_bother",
        "gais_patient",
        "gais_clinician",
    ]
    assert [v for _, v in scores["scar_bother"].lines[0].values] == [7, 4]
    assert (scores["gais_clinician"].respondent, scores["scar_bother"].better) == (
        "clinician",
        "lower",
    )
    assert [v for _, v in scores["qualitative_grade"].lines[0].values] == [2, 1]
    assert scores["qualitative_grade"].basis.startswith(
        "Goodman & Baron qualitative global scarring grade"
    )
    ecca = {line.key: [v for _, v in line.values] for line in scores["ecca"].lines}
    assert set(ecca) == {"face", "left_cheek", "right_cheek"}
    assert ecca["face"][1] < ecca["face"][0]
    assert ecca["left_cheek"][0] > ecca["right_cheek"][0]  # each zone on its own counts
    assert all(s.sources for s in timeline.scores)

    (pose,) = timeline.poses
    assert pose.pose == "frontal"
    assert [p.photo.pk for p in pose.photos] == [story.baseline.pk, story.followup.pk]
    assert all(p.lined_up for p in pose.photos)
    assert timeline.hidden_photos == 1
    assert [m.title for m in pose.metrics] == ["Redness, a*", "ITA°", "Dark spots"]
    assert pose.metrics[0].basis == "CIELAB a* (mean over the zone)"
    assert all(len(values) == 2 for values in pose.metrics[0].zones.values())

    assert sorted((e.kind, e.session_number) for e in timeline.events) == [
        ("adverse_event", 2),
        ("alert", 2),
    ]
    audit = AuditEvent.objects.filter(action="course.timeline").get()
    assert audit.detail["photos"] == [str(story.baseline.pk), str(story.followup.pk)]
    assert audit.detail["use"] == "page"

    # Four more sessions, each with an adverse event, cost no more queries.
    _more_sessions(story, 4)
    with CaptureQueriesContext(connection) as many:
        longer = access_course_timeline(actor, story.course.pk)
    assert len(longer.sessions) == 7
    assert len(longer.events) == 6
    assert len(many.captured_queries) == len(few.captured_queries)

    with pytest.raises(Http404):
        access_course_timeline(as_actor(other_practitioner), story.course.pk)


def test_timeline_page_plots_and_tabulates_the_course(story, practitioner, other_practitioner):
    client = signed_in(practitioner)
    course = client.get(reverse("course-detail", args=[story.course.pk])).content.decode()
    url = reverse("course-timeline", args=[story.course.pk])
    assert f'href="{url}"' in course

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    # Six score charts and three photo-figure charts, each with its basis.
    scores = ("qualitative_grade", "goodman_baron", "ecca", "scar_bother", "gais_patient")
    for key in (*scores, "gais_clinician", "a", "ita_deg", "spot_count"):
        assert f'data-chart="{key}"' in html
    assert html.count("<svg ") == 9
    assert "CIELAB a* (mean over the zone)" in html
    assert "Basis: <cite" in html
    # The two treated sessions, the adverse event and the alert marked on every chart.
    assert html.count('data-marker="session"') == 9 * 2
    assert html.count('data-marker="adverse_event"') == 9
    assert html.count('data-marker="alert"') == 9
    # Tables with the exact figures.
    assert len(re.findall(r'<tr data-session="\d">', html)) == 3
    assert "Left cheek 1.5 mm \u00d7 2" in html
    assert 'data-table="score-ecca"' in html
    assert 'data-table="metric-frontal-a"' in html
    assert html.count('<tr data-event="') == 2
    # The photos in time order, the follow-up lined up with the first, linked to compare.
    compare = reverse("patient-photo-compare", args=[story.course.patient_id])
    aligned = reverse("photo-aligned", args=[story.course.patient_id])
    assert (
        f"{compare}?pose=frontal&amp;baseline={story.baseline.pk}&amp;followup={story.followup.pk}"
        in html
    )
    assert f"{aligned}?baseline={story.baseline.pk}&amp;followup={story.followup.pk}" in html
    assert str(story.hidden.pk) not in html
    assert "1 photo hidden: consent withdrawn." in html
    for audience in ("patient", "doctor"):
        assert f"{reverse('course-summary-pdf', args=[story.course.pk])}?for={audience}" in html

    assert signed_in(other_practitioner).get(url).status_code == 404
    bad = reverse("course-summary-pdf", args=[story.course.pk]) + "?for=insurer"
    assert client.get(bad).status_code == 404


def _image_count(pdf: bytes, tmp_path: Path) -> int:
    require(shutil.which("pdfimages") is not None, "pdfimages (Debian package poppler-utils)")
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    return len(listed.stdout.decode().splitlines()) - 2  # two header lines


def test_summary_pdfs_for_the_patient_and_a_doctor(
    story, practitioner, other_practitioner, tmp_path
):
    actor = as_actor(practitioner)
    name, pdf = access_course_summary_pdf(actor, story.course.pk, "doctor")
    assert name.endswith("-doctor.pdf")
    text = pdf_text(pdf, tmp_path)
    assert "Course summary for the referring doctor" in text
    assert story.course.patient.record_number in text
    assert f"CART-{story.second.pk}" in text
    assert "Left cheek 1.5 mm \u00d7 2 passes" in text
    assert "Goodman & Baron quantitative score" in text
    assert "Adverse event: Prolonged redness (mild)" in text
    assert "Redness on the left cheek for three days." in text
    assert "CIELAB a* (mean over the zone)" in text  # the figures' basis
    assert "1 photo left out: the consent it was taken under does not allow it" in text
    assert _image_count(pdf, tmp_path) == 2  # the two shown photos; the charts are vectors
    assert "lined up with the first" in text

    client = signed_in(practitioner)
    response = client.get(reverse("course-summary-pdf", args=[story.course.pk]) + "?for=patient")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    plain = pdf_text(response.content, tmp_path)
    assert "Your treatment course" in plain
    assert "Your scores" in plain
    assert "Bother from scars" in plain
    assert "Your own answer each time you were asked." in plain
    assert "A score from counting your scars by type and depth" in plain
    assert "Goodman & Baron quantitative global scarring grading system" not in plain
    assert "A lower number is better." in plain
    assert "1 photo left out" in plain
    assert f"CART-{story.second.pk}" not in plain  # lots and depths are for the doctor
    assert "Adverse event" not in plain
    assert _image_count(response.content, tmp_path) == 2
    uses = sorted(e.detail["use"] for e in AuditEvent.objects.filter(action="course.timeline"))
    assert uses == ["summary-doctor", "summary-patient"]

    with pytest.raises(Http404):
        access_course_summary_pdf(as_actor(other_practitioner), story.course.pk, "doctor")
    other = signed_in(other_practitioner)
    assert (
        other.get(reverse("course-summary-pdf", args=[story.course.pk]) + "?for=doctor").status_code
        == 404
    )
