"""Reported and rated outcomes: the responses of patients and clinicians to the outcome
measures at a course's timepoints, the clinics' own licensed questionnaires, and the follow-up
timepoints of finished courses (kept so the clinic sees the missed ones)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Course
from needlepoint.domain.knowledge.model.measures import Respondent, Timepoint
from needlepoint.patients.models import Patient

TIMEPOINT_LABELS = {
    Timepoint.BASELINE: "Baseline",
    Timepoint.PRE_SESSION: "Before a session",
    Timepoint.FOLLOW_UP_3M: "3-month follow-up",
    Timepoint.FOLLOW_UP_6M: "6-month follow-up",
}
TIMEPOINT_CHOICES = [(t.value, TIMEPOINT_LABELS[t]) for t in Timepoint]
FOLLOW_UPS = [t.value for t in Timepoint if t.follow_up]


class Questionnaire(models.Model):
    """A licensed instrument a clinic loaded as a FHIR R4 Questionnaire with its scoring rule
    (`fhir.questionnaire`); it is the clinic's, never shipped. `code` is the measure code its
    responses carry."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    resource = models.JSONField(help_text="The FHIR Questionnaire, as loaded.")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="one_questionnaire_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class MeasureResponse(models.Model):
    """One respondent's answers to one measure at one timepoint of a course, with the score
    the rules computed: given once (a second response to the same timepoint is refused)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(max_length=20, choices=TIMEPOINT_CHOICES)
    session_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For pre_session: the session it precedes."
    )
    measure = models.CharField(max_length=64)
    respondent = models.CharField(max_length=10, choices=[(r.value, r.value) for r in Respondent])
    answers = models.JSONField(help_text="{item code: option code, or a whole number}")
    score = models.FloatField()
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ("taken_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "course", "measure", "timepoint", "session_number"],
                condition=models.Q(session_number__isnull=False),
                name="one_response_per_session_timepoint",
            ),
            models.UniqueConstraint(
                fields=["clinic", "course", "measure", "timepoint"],
                condition=models.Q(session_number__isnull=True),
                name="one_response_per_course_timepoint",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "patient", "taken_at"], name="response_by_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} at {self.timepoint} ({self.score:g})"


class FollowUp(models.Model):
    """A follow-up timepoint of a finished course: when it is due and when the patient
    answered it. Kept by `followups_refresh` (the worker), so the clinic's list of follow-ups
    overdue is one indexed read."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(
        max_length=20, choices=[c for c in TIMEPOINT_CHOICES if c[0] in FOLLOW_UPS]
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    overdue_after = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "course", "timepoint"], name="one_follow_up_per_timepoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["clinic", "due_at", "id"],
                condition=models.Q(answered_at__isnull=True),
                name="follow_up_unanswered_by_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.timepoint} of course {self.course_id}"
