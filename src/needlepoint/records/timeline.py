"""A patient's history in order, a page at a time: intakes and verdicts, assessments, plans,
sessions, addenda, aftercare, consents, check-ins, adverse events, lot recalls and photos.

Each kind of entry comes from one query on its own time column, cut at the page's cursor and
limited to one page, so a page costs the same however long the patient's history is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Addendum, Assessment, Course, Session
from needlepoint.intakes.models import Screening
from needlepoint.notify.aftercare import course_ends, session_aftercare
from needlepoint.patients.models import Consent
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.photos.models import Photo
from needlepoint.photos.selectors import HIDDEN, photo_shown
from needlepoint.safety.audit import audit_read
from needlepoint.safety.models import Lot

M = TypeVar("M", bound=Model)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    flag: bool = False  # needs attention (a block, a recalled lot)
    source: str = ""  # the query it came from, and its row's key there: the order's tiebreak
    ref: str = ""


class BadCursor(ValueError):
    """A `before`/`entry` pair that names no place in a timeline."""


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the entries after it in the timeline's order (newest first, ties
    by source and key) are the next page."""

    at: datetime
    source: str
    ref: str

    @classmethod
    def of(cls, entry: Entry) -> Cursor:
        return cls(entry.at, entry.source, entry.ref)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Cursor | None:
        """The cursor of a page's address (`?before=<ISO time>&entry=<source>:<key>`)."""
        if "before" not in params:
            return None
        source, _, ref = params.get("entry", "").partition(":")
        try:
            at = datetime.fromisoformat(params["before"])
        except ValueError:
            raise BadCursor("before is not an ISO 8601 time") from None
        if at.tzinfo is None or source not in _RANK or not ref:
            raise BadCursor("before needs a time zone and entry a source and key")
        return cls(at, source, ref)

    def query(self) -> str:
        return urlencode({"before": self.at.isoformat(), "entry": f"{self.source}:{self.ref}"})


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    earlier: Cursor | None  # where the next (older) page starts, if there is one


@dataclass(frozen=True)
class _Scope:
    clinic_id: int
    patient_id: UUID
    cursor: Cursor | None
    size: int

    def window(self, rows: QuerySet[M], source: str, at: str | Combinable) -> QuerySet[Any, M]:
        """The rows of one source that can still show on this page: before the cursor, newest
        first, one more than a page (to tell whether an earlier page exists)."""
        timed = rows.annotate(entry_at=F(at) if isinstance(at, str) else at)
        timed = timed.filter(entry_at__isnull=False)
        if self.cursor is not None:
            timed = timed.filter(self._before(source))
        return timed.order_by("-entry_at", "-pk")[: self.size + 1]

    def _before(self, source: str) -> Q:
        cursor = self.cursor
        assert cursor is not None
        if _RANK[source] < _RANK[cursor.source]:
            return Q(entry_at__lte=cursor.at)
        if _RANK[source] > _RANK[cursor.source]:
            return Q(entry_at__lt=cursor.at)
        return Q(entry_at__lt=cursor.at) | Q(entry_at=cursor.at, pk__lt=cursor.ref)


def _screenings(scope: _Scope) -> list[Entry]:
    rows = Screening.objects.filter(
        clinic_id=scope.clinic_id, patient_id=scope.patient_id
    ).select_related("intake", "override")
    return [
        Entry(
            s.screened_at,
            "screening",
            f"Intake v{s.intake.version} ({s.intake.get_context_display()}): "
            f"{s.get_verdict_display()}",
            ", ".join(f["code"].replace("_", " ") for f in s.findings),
            reverse("screening-detail", args=[s.pk]),
            flag=s.verdict in ("defer", "not_eligible") and not hasattr(s, "override"),
            source="screening",
            ref=str(s.pk),
        )
        for s in scope.window(rows, "screening", "screened_at")
    ]


def _assessments(scope: _Scope) -> list[Entry]:
    rows = Assessment.objects.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)
    entries = []
    for a in scope.window(rows, "assessment", "assessed_at"):
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
                source="assessment",
                ref=str(a.pk),
            )
        )
    return entries


def _courses(scope: _Scope) -> list[Entry]:
    rows = Course.objects.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)
    return [
        Entry(
            c.created_at,
            "course",
            f"Course planned: {c.sessions_planned} sessions, every {c.interval_weeks} weeks",
            c.get_status_display(),
            reverse("course-detail", args=[c.pk]),
            source="course",
            ref=str(c.pk),
        )
        for c in scope.window(rows, "course", "created_at")
    ]


def _sessions_of(scope: _Scope) -> QuerySet[Session]:
    return Session.objects.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)


def _sessions(scope: _Scope) -> list[Entry]:
    when = Coalesce("started_at", "scheduled_at")
    return [
        Entry(
            s.started_at or s.scheduled_at,
            "session",
            f"Session {s.number}: {s.get_status_display()}",
            _chart_summary(s),
            reverse("session-detail", args=[s.pk]),
            source="session",
            ref=str(s.pk),
        )
        for s in scope.window(_sessions_of(scope), "session", when)
    ]


def _chart_summary(s: Session) -> str:
    if not s.zones:
        return f"scheduled {s.scheduled_at:%d %b %Y}"
    zones = ", ".join(f"{z.replace('_', ' ')} {v.get('depth_mm')} mm" for z, v in s.zones.items())
    return f"{s.get_device_display()}; {zones}"


def _addenda(scope: _Scope) -> list[Entry]:
    rows = Addendum.objects.filter(
        clinic_id=scope.clinic_id, session__patient_id=scope.patient_id, draft=False
    ).select_related("session")
    return [
        Entry(
            a.at,
            "addendum",
            f"Addendum to session {a.session.number}",
            a.text,
            reverse("session-detail", args=[a.session_id]),
            source="addendum",
            ref=str(a.pk),
        )
        for a in scope.window(rows, "addendum", "at")
    ]


def _aftercare(scope: _Scope) -> list[Entry]:
    rows = _sessions_of(scope).filter(status=Session.Status.SIGNED).select_related("clinic")
    sessions = list(scope.window(rows, "aftercare", "ended_at"))
    if not sessions:
        return []
    knowledge = clinic_knowledge(sessions[0].clinic)
    ends = course_ends(s.course_id for s in sessions)
    entries = []
    for s in sessions:
        assert s.ended_at is not None  # the window keeps only sessions that ended
        items = session_aftercare(s, knowledge, ends).items
        last = max(item.ends_at for item in items)
        entries.append(
            Entry(
                s.ended_at,
                "aftercare",
                f"Aftercare after session {s.number}",
                f"{len(items)} instructions, the last until {last:%d %b %Y %H:%M}",
                reverse("session-detail", args=[s.pk]),
                source="aftercare",
                ref=str(s.pk),
            )
        )
    return entries


def _recall(lot: Lot | None, session: Session, source: str, ref: object) -> Entry:
    assert lot is not None  # the window keeps sessions and uses of recalled lots only
    assert lot.recalled_at is not None
    return Entry(
        lot.recalled_at,
        "recall",
        f"Recalled lot {lot.lot_number} was used in session {session.number}",
        lot.recall_reason,
        reverse("lot-sessions", args=[lot.pk]),
        flag=True,
        source=source,
        ref=str(ref),
    )


def _cartridge_recalls(scope: _Scope) -> list[Entry]:
    rows = _sessions_of(scope).select_related("cartridge_lot")
    return [
        _recall(s.cartridge_lot, s, "cartridge-recall", s.pk)
        for s in scope.window(rows, "cartridge-recall", "cartridge_lot__recalled_at")
    ]


def _product_recalls(scope: _Scope) -> list[Entry]:
    uses = Session.product_lots.through.objects.filter(
        session__clinic_id=scope.clinic_id, session__patient_id=scope.patient_id
    ).select_related("session", "lot")
    return [
        _recall(use.lot, use.session, "product-recall", use.pk)
        for use in scope.window(uses, "product-recall", "lot__recalled_at")
    ]


def _consents(scope: _Scope) -> list[Entry]:
    rows = Consent.objects.filter(
        clinic_id=scope.clinic_id, patient_id=scope.patient_id
    ).select_related("template")
    entries = []
    for c in scope.window(rows, "consent", "signed_at"):
        uses = f" ({', '.join(c.photo_uses)})" if c.photo_uses else ""
        title = f"{c.template.title} v{c.template.version} signed{uses}"
        entries.append(Entry(c.signed_at, "consent", title, source="consent", ref=str(c.pk)))
    return entries


def _revocations(scope: _Scope) -> list[Entry]:
    rows = Consent.objects.filter(
        clinic_id=scope.clinic_id, patient_id=scope.patient_id
    ).select_related("template")
    return [
        Entry(
            c.revoked_at,
            "consent",
            f"{c.template.title} revoked",
            c.revoked_reason,
            source="revocation",
            ref=str(c.pk),
        )
        for c in scope.window(rows, "revocation", "revoked_at")
        if c.revoked_at is not None
    ]


def _checkins(scope: _Scope) -> list[Entry]:
    rows = CheckIn.objects.filter(
        clinic_id=scope.clinic_id, patient_id=scope.patient_id
    ).select_related("alert", "session")
    entries = []
    for c in scope.window(rows, "checkin", "reported_at"):
        alert = getattr(c, "alert", None)
        entries.append(
            Entry(
                c.reported_at,
                "checkin",
                f"Check-in after session {c.session.number}: {c.get_level_display()}",
                "; ".join(reason["text"] for reason in c.triage.get("reasons", [])),
                reverse("alert-detail", args=[alert.pk]) if alert else "",
                flag=alert is not None and alert.status != Alert.Status.RESOLVED,
                source="checkin",
                ref=str(c.pk),
            )
        )
    return entries


def _adverse_events(scope: _Scope) -> list[Entry]:
    rows = AdverseEvent.objects.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)
    entries = []
    for e in scope.window(rows, "adverse-event", "recorded_at"):
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
                source="adverse-event",
                ref=str(e.pk),
            )
        )
    return entries


def _photos(scope: _Scope) -> list[Entry]:
    rows = (
        Photo.objects.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)
        .select_related("session", "consent")
        .prefetch_related("consent__revocations")
    )
    compare = reverse("patient-photo-compare", args=[scope.patient_id])
    entries = []
    for p in scope.window(rows, "photo", "captured_at"):
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
                f"{compare}?followup={p.pk}" if shown and not p.archived else "",
                source="photo",
                ref=str(p.pk),
            )
        )
    return entries


# The sources in tiebreak order: of entries at the same time, a later source's come first.
_SOURCES: dict[str, Callable[[_Scope], list[Entry]]] = {
    "screening": _screenings,
    "assessment": _assessments,
    "course": _courses,
    "session": _sessions,
    "addendum": _addenda,
    "aftercare": _aftercare,
    "cartridge-recall": _cartridge_recalls,
    "product-recall": _product_recalls,
    "consent": _consents,
    "revocation": _revocations,
    "checkin": _checkins,
    "adverse-event": _adverse_events,
    "photo": _photos,
}
_RANK = {source: rank for rank, source in enumerate(_SOURCES)}


def _order(entry: Entry) -> tuple[datetime, int, int, str]:
    # Keys are integers or UUIDs as text; by length first, integers sort as numbers.
    return entry.at, _RANK[entry.source], len(entry.ref), entry.ref


def access_timeline(
    actor: Actor, patient_id: UUID, before: Cursor | None = None, size: int = PAGE_SIZE
) -> Page:
    """A page of everything that happened to the patient, newest first, from `before` on."""
    patient = patient_in_scope(actor, patient_id, Permission.CLINICAL_READ)
    scope = _Scope(patient.clinic_id, patient.pk, before, size)
    entries = sorted(
        (entry for source in _SOURCES.values() for entry in source(scope)),
        key=_order,
        reverse=True,
    )
    audit_read(actor, "timeline.read", "patient", patient.pk)
    shown = entries[:size]
    return Page(shown, Cursor.of(shown[-1]) if len(entries) > size else None)
