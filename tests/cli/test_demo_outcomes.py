"""`needlepoint demo`: the portal patient's earlier, completed course with her reports and the
clinician's ratings at every timepoint, check-ins and a resolved adverse event, beside her
current course and its open alert."""

from __future__ import annotations

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert
from needlepoint.cli.demo_data import seed_demo
from needlepoint.courses.models import Assessment, Course
from needlepoint.outcomes.models import FollowUp
from needlepoint.outcomes.selectors import course_scores
from needlepoint.patients.models import Patient


def test_the_portal_patient_has_a_completed_course_with_its_outcomes(db):
    seed_demo("demo-password-1")
    maya = Patient.objects.get(user__email="patient@demo.needlepoint.test")
    completed = Course.objects.get(patient=maya, status=Course.Status.COMPLETED)
    assert [s.status for s in completed.sessions.order_by("number")] == ["signed"] * 3
    scores = course_scores(maya.clinic_id, completed.pk)
    bother = [(s.timepoint, s.value) for s in scores if s.measure == "scar_bother"]
    assert bother == [
        ("baseline", 8),
        ("pre_session", 7),
        ("pre_session", 5),
        ("follow_up_3m", 4),
        ("follow_up_6m", 3),
    ]
    clinician = [s.timepoint for s in scores if s.respondent == "clinician"]
    assert clinician == ["pre_session", "pre_session", "follow_up_3m", "follow_up_6m"]
    assert [f.answered_at is not None for f in FollowUp.objects.filter(course=completed)] == [
        True,
        True,
    ]
    baseline, follow_up = Assessment.objects.filter(patient=maya).order_by("assessed_at")[:2]
    assert baseline == completed.assessment
    assert follow_up.scores["goodman_baron"]["score"] < baseline.scores["goodman_baron"]["score"]
    [event] = AdverseEvent.objects.filter(patient=maya)
    assert (event.kind, event.outcome, event.session.course_id) == (
        "bruising",
        "resolved",
        completed.pk,
    )
    assert Course.objects.filter(patient=maya).exclude(pk=completed.pk).exists()
    assert Alert.objects.filter(patient=maya, status=Alert.Status.OPEN).exists()
