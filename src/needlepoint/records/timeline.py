"""A patient's history in order: intakes and verdicts, assessments, plans, sessions,
aftercare, consents, lot recalls and photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.urls import reverse

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.intakes.models import Screening
from needlepoint.notify.aftercare import course_ends, session_aftercare
from needlepoint.patients.models import Consent
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.photos.models import Photo
from needlepoint.photos.selectors import HIDDEN, photo_shown
from needlepoint.safety.audit import audit_read


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    flag: bool = False  # needs attention (a block, a recalled lot)


def _screenings(patient_id: UUID) -> list[Entry]:
    rows = Screening.objects.filter(patient_id=patient_id).select_related("intake", "override")
    return [
        Entry(
            s.screened_at,
            "screening",
            f"Intake v{s.intake.version} ({s.intake.get_context_display()}): "
            f"{s.get_verdict_display()}",
            ", ".join(f["code"].replace("_", " ") for f in s.findings),
            reverse("screening-detail", args=[s.pk]),
            flag=s.verdict in ("defer", "not_eligible") and not hasattr(s, "override"),
        )
        for s in rows
    ]


def _assessments(patient_id: UUID) -> list[Entry]:
    entries = []
    for a in Assessment.objects.filter(patient_id=patient_id):
        gb, ecca = a.scores.get("goodman_baron"), a.scores.get("ecca")
        parts = [f"grade {a.qualitative_grade}"]
        parts += [f"Goodman & Baron {gb['score']}"] if gb else []
        parts += [f"ECCA {ecca['score']}"] if ecca else []
        entries.append(
            Entry(
                a.assessed_at,
                "assessment",
                "Scar assessment",
                ", ".join(parts),
                reverse("assessment-detail", args=[a.pk]),
            )
        )
    return entries


def _courses(patient_id: UUID) -> list[Entry]:
    return [
        Entry(
            c.created_at,
            "course",
            f"Course planned: {c.sessions_planned} sessions, every {c.interval_weeks} weeks",
            c.get_status_display(),
            reverse("course-detail", args=[c.pk]),
        )
        for c in Course.objects.filter(patient_id=patient_id)
    ]


def _sessions(actor: Actor, patient_id: UUID) -> list[Entry]:
    knowledge = clinic_knowledge(actor.clinic)
    entries = []
    sessions = list(
        Session.objects.filter(patient_id=patient_id)
        .select_related("cartridge_lot", "clinic")
        .prefetch_related("product_lots", "addenda")
    )
    ends = course_ends(s.course_id for s in sessions)
    for s in sessions:
        url = reverse("session-detail", args=[s.pk])
        when = s.started_at or s.scheduled_at
        entries.append(
            Entry(
                when,
                "session",
                f"Session {s.number}: {s.get_status_display()}",
                _chart_summary(s),
                url,
            )
        )
        entries += [
            Entry(a.at, "addendum", f"Addendum to session {s.number}", a.text, url)
            for a in s.addenda.all()
            if not a.draft
        ]
        if s.status == Session.Status.SIGNED and s.ended_at:
            items = session_aftercare(s, knowledge, ends).items
            last = max(item.ends_at for item in items)
            entries.append(
                Entry(
                    s.ended_at,
                    "aftercare",
                    f"Aftercare after session {s.number}",
                    f"{len(items)} instructions, the last until {last:%d %b %Y %H:%M}",
                    url,
                )
            )
        for lot in [s.cartridge_lot, *s.product_lots.all()]:
            if lot is not None and lot.recalled_at is not None:
                entries.append(
                    Entry(
                        lot.recalled_at,
                        "recall",
                        f"Recalled lot {lot.lot_number} was used in session {s.number}",
                        lot.recall_reason,
                        reverse("lot-sessions", args=[lot.pk]),
                        flag=True,
                    )
                )
    return entries


def _chart_summary(s: Session) -> str:
    if not s.zones:
        return f"scheduled {s.scheduled_at:%d %b %Y}"
    zones = ", ".join(f"{z.replace('_', ' ')} {v.get('depth_mm')} mm" for z, v in s.zones.items())
    return f"{s.get_device_display()}; {zones}"


def _consents(patient_id: UUID) -> list[Entry]:
    entries = []
    for c in Consent.objects.filter(patient_id=patient_id).select_related("template"):
        uses = f" ({', '.join(c.photo_uses)})" if c.photo_uses else ""
        entries.append(
            Entry(c.signed_at, "consent", f"{c.template.title} v{c.template.version} signed{uses}")
        )
        if c.revoked_at:
            entries.append(
                Entry(c.revoked_at, "consent", f"{c.template.title} revoked", c.revoked_reason)
            )
    return entries


def _checkins(patient_id: UUID) -> list[Entry]:
    entries = []
    checkins = CheckIn.objects.filter(patient_id=patient_id).select_related("alert", "session")
    for c in checkins:
        alert = getattr(c, "alert", None)
        entries.append(
            Entry(
                c.reported_at,
                "checkin",
                f"Check-in after session {c.session.number}: {c.get_level_display()}",
                "; ".join(reason["text"] for reason in c.triage.get("reasons", [])),
                reverse("alert-detail", args=[alert.pk]) if alert else "",
                flag=alert is not None and alert.status != Alert.Status.RESOLVED,
            )
        )
    for e in AdverseEvent.objects.filter(patient_id=patient_id).select_related("session"):
        serious = ", serious" if e.serious else ""
        entries.append(
            Entry(
                e.recorded_at,
                "adverse_event",
                f"Adverse event: {e.get_kind_display()} "
                f"({e.get_severity_display().lower()}{serious})",
                f"Onset {e.onset:%d %b %Y}, {e.get_outcome_display().lower()}: {e.description}",
                reverse("session-detail", args=[e.session_id]),
                flag=e.serious,
            )
        )
    return entries


def _photos(patient_id: UUID) -> list[Entry]:
    photos = (
        Photo.objects.filter(patient_id=patient_id)
        .select_related("session", "consent")
        .prefetch_related("consent__revocations")
    )
    entries = []
    for p in photos:
        pose = p.get_pose_display().lower() if p.pose else "pose unknown"
        where = f"session {p.session.number}" if p.session else "a check-in"
        notes = [] if p.quality_passed else ["kept although the quality check failed"]
        notes += [f"archived: {p.archived_reason}"] if p.archived else []
        shown = photo_shown(p)
        entries.append(
            Entry(
                p.captured_at,
                "photo",
                f"Photo ({pose}) with {where}",
                HIDDEN if not shown else "; ".join(notes),
                reverse("patient-photo-compare", args=[patient_id]) + f"?followup={p.pk}"
                if shown and not p.archived
                else "",
            )
        )
    return entries


def access_timeline(actor: Actor, patient_id: UUID) -> list[Entry]:
    """Everything that happened to the patient, newest first."""
    patient = patient_in_scope(actor, patient_id, Permission.CLINICAL_READ)
    entries = [
        *_screenings(patient.pk),
        *_assessments(patient.pk),
        *_courses(patient.pk),
        *_sessions(actor, patient.pk),
        *_consents(patient.pk),
        *_checkins(patient.pk),
        *_photos(patient.pk),
    ]
    audit_read(actor, "timeline.read", "patient", patient.pk)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
