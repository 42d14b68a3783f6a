"""A patient's history in order, a page at a time: intakes and verdicts, assessments, plans,
sessions, addenda, aftercare, consents, check-ins, adverse events, lot recalls and photos.

Each kind of entry's times and keys come from its own time column, cut at the page's cursor
and limited to one page (on PostgreSQL every kind's in one `UNION ALL`); then only the rows the
page shows are read and built. A page costs the same however long the patient's history is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.db import connections
from django.db.models import F, Model, Q, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Addendum, Assessment, Course, Session
from needlepoint.intakes.models import Screening
from needlepoint.notify.aftercare import course_ends, session_aftercare
from needlepoint.patients.models import Consent, Patient
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
    patient: Patient
    entries: list[Entry]
    earlier: Cursor | None  # where the next (older) page starts, if there is one


@dataclass(frozen=True)
class _Scope:
    clinic_id: int
    patient_id: UUID
    cursor: Cursor | None
    size: int

    def window(
        self, rows: QuerySet[Any], source: str, at: str | Combinable
    ) -> QuerySet[Any, tuple[datetime, str, str]]:
        """The times, source and keys (as text) of one source's rows that can still show on
        this page: before the cursor, newest first, one more than a page (to tell whether an
        earlier page exists)."""
        timed = rows.annotate(
            entry_at=F(at) if isinstance(at, str) else at,
            entry_source=Value(source),
            entry_key=Cast("pk", TextField()),
        ).filter(entry_at__isnull=False)
        if self.cursor is not None:
            timed = timed.filter(self._before(source))
        keys: QuerySet[Any, tuple[datetime, str, str]] = timed.order_by(
            "-entry_at", "-pk"
        ).values_list("entry_at", "entry_source", "entry_key")
        return keys[: self.size + 1]

    def _before(self, source: str) -> Q:
        cursor = self.cursor
        assert cursor is not None
        if _RANK[source] < _RANK[cursor.source]:
            return Q(entry_at__lte=cursor.at)
        if _RANK[source] > _RANK[cursor.source]:
            return Q(entry_at__lt=cursor.at)
        return Q(entry_at__lt=cursor.at) | Q(entry_at=cursor.at, pk__lt=cursor.ref)


def _of(model: type[M]) -> Callable[[_Scope], QuerySet[M]]:
    """The patient's rows of a model that carries its clinic and patient."""

    def rows(scope: _Scope) -> QuerySet[M]:
        return model._default_manager.filter(clinic_id=scope.clinic_id, patient_id=scope.patient_id)

    return rows


def _screenings(scope: _Scope, rows: QuerySet[Screening]) -> list[Entry]:
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
        for s in rows.select_related("intake", "override")
    ]


def _assessments(scope: _Scope, rows: QuerySet[Assessment]) -> list[Entry]:
    entries = []
    for a in rows:
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


def _courses(scope: _Scope, rows: QuerySet[Course]) -> list[Entry]:
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
        for c in rows
    ]


def _sessions(scope: _Scope, rows: QuerySet[Session]) -> list[Entry]:
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
        for s in rows
    ]


def _chart_summary(s: Session) -> str:
    if not s.zones:
        return f"scheduled {s.scheduled_at:%d %b %Y}"
    zones = ", ".join(f"{z.replace('_', ' ')} {v.get('depth_mm')} mm" for z, v in s.zones.items())
    return f"{s.get_device_display()}; {zones}"


def _addenda_of(scope: _Scope) -> QuerySet[Addendum]:
    return Addendum.objects.filter(
        clinic_id=scope.clinic_id, session__patient_id=scope.patient_id, draft=False
    )


def _addenda(scope: _Scope, rows: QuerySet[Addendum]) -> list[Entry]:
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
        for a in rows.select_related("session")
    ]


def _signed_sessions_of(scope: _Scope) -> QuerySet[Session]:
    return _of(Session)(scope).filter(status=Session.Status.SIGNED)


def _aftercare(scope: _Scope, rows: QuerySet[Session]) -> list[Entry]:
    sessions = list(rows.select_related("clinic"))
    if not sessions:
        return []
    knowledge = clinic_knowledge(sessions[0].clinic)
    ends = course_ends(s.course_id for s in sessions)
    entries = []
    for s in sessions:
        assert s.ended_at is not None  # the page keeps only sessions that ended
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
    assert lot is not None  # the page keeps sessions and uses of recalled lots only
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


def _cartridge_recalls(scope: _Scope, rows: QuerySet[Session]) -> list[Entry]:
    return [
        _recall(s.cartridge_lot, s, "cartridge-recall", s.pk)
        for s in rows.select_related("cartridge_lot")
    ]


_LotUse = Session.product_lots.through


def _lot_uses_of(scope: _Scope) -> QuerySet[Any]:
    return _LotUse.objects.filter(
        session__clinic_id=scope.clinic_id, session__patient_id=scope.patient_id
    )


def _product_recalls(scope: _Scope, rows: QuerySet[Any]) -> list[Entry]:
    return [
        _recall(use.lot, use.session, "product-recall", use.pk)
        for use in rows.select_related("session", "lot")
    ]


def _consents(scope: _Scope, rows: QuerySet[Consent]) -> list[Entry]:
    entries = []
    for c in rows.select_related("template"):
        uses = f" ({', '.join(c.photo_uses)})" if c.photo_uses else ""
        title = f"{c.template.title} v{c.template.version} signed{uses}"
        entries.append(Entry(c.signed_at, "consent", title, source="consent", ref=str(c.pk)))
    return entries


def _revocations(scope: _Scope, rows: QuerySet[Consent]) -> list[Entry]:
    entries = []
    for c in rows.select_related("template"):
        assert c.revoked_at is not None  # the page keeps revoked consents only
        entries.append(
            Entry(
                c.revoked_at,
                "consent",
                f"{c.template.title} revoked",
                c.revoked_reason,
                source="revocation",
                ref=str(c.pk),
            )
        )
    return entries


def _checkins(scope: _Scope, rows: QuerySet[CheckIn]) -> list[Entry]:
    entries = []
    for c in rows.select_related("alert", "session"):
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


def _adverse_events(scope: _Scope, rows: QuerySet[AdverseEvent]) -> list[Entry]:
    entries = []
    for e in rows:
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


def _photos(scope: _Scope, rows: QuerySet[Photo]) -> list[Entry]:
    compare = reverse("patient-photo-compare", args=[scope.patient_id])
    entries = []
    for p in rows.select_related("session", "consent").prefetch_related("consent__revocations"):
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


@dataclass(frozen=True)
class _Source:
    rows: Callable[[_Scope], QuerySet[Any]]  # the patient's rows of this kind
    at: str | Combinable  # the time each row shows at
    entries: Callable[[_Scope, QuerySet[Any]], list[Entry]]  # the page's rows as entries


# The sources in tiebreak order: of entries at the same time, a later source's come first.
_SOURCES: dict[str, _Source] = {
    "screening": _Source(_of(Screening), "screened_at", _screenings),
    "assessment": _Source(_of(Assessment), "assessed_at", _assessments),
    "course": _Source(_of(Course), "created_at", _courses),
    "session": _Source(_of(Session), Coalesce("started_at", "scheduled_at"), _sessions),
    "addendum": _Source(_addenda_of, "at", _addenda),
    "aftercare": _Source(_signed_sessions_of, "ended_at", _aftercare),
    "cartridge-recall": _Source(_of(Session), "cartridge_lot__recalled_at", _cartridge_recalls),
    "product-recall": _Source(_lot_uses_of, "lot__recalled_at", _product_recalls),
    "consent": _Source(_of(Consent), "signed_at", _consents),
    "revocation": _Source(_of(Consent), "revoked_at", _revocations),
    "checkin": _Source(_of(CheckIn), "reported_at", _checkins),
    "adverse-event": _Source(_of(AdverseEvent), "recorded_at", _adverse_events),
    "photo": _Source(_of(Photo), "captured_at", _photos),
}
_RANK = {source: rank for rank, source in enumerate(_SOURCES)}


def _order(place: Cursor) -> tuple[datetime, int, int, str]:
    # Keys are integers or UUIDs as text; by length first, integers sort as numbers.
    return place.at, _RANK[place.source], len(place.ref), place.ref


def _places(scope: _Scope) -> list[Cursor]:
    """Where the page's entries and the first of the next page are, newest first: each
    source's times and keys only, one page of them each."""
    windows = [
        scope.window(source.rows(scope), name, source.at) for name, source in _SOURCES.items()
    ]
    if connections[windows[0].db].features.supports_slicing_ordering_in_compound:
        windows = [windows[0].union(*windows[1:], all=True)]  # one round trip
    places = [Cursor(at, name, key) for window in windows for at, name, key in window]
    return sorted(places, key=_order, reverse=True)[: scope.size + 1]


def access_timeline(
    actor: Actor, patient_id: object, before: Cursor | None = None, size: int = PAGE_SIZE
) -> Page:
    """A page of everything that happened to the patient, newest first, from `before` on.

    The page's places are read first, then only the rows shown, each source's in one query."""
    patient = patient_in_scope(actor, patient_id, Permission.CLINICAL_READ)
    scope = _Scope(patient.clinic_id, patient.pk, before, size)
    places = _places(scope)
    keys: dict[str, list[str]] = {}
    for place in places[:size]:
        keys.setdefault(place.source, []).append(place.ref)
    entries = [
        entry
        for name, refs in keys.items()
        for entry in _SOURCES[name].entries(scope, _SOURCES[name].rows(scope).filter(pk__in=refs))
    ]
    entries.sort(key=lambda entry: _order(Cursor.of(entry)), reverse=True)
    audit_read(actor, "timeline.read", "patient", patient.pk)
    earlier = Cursor.of(entries[-1]) if len(places) > size and entries else None
    return Page(patient, entries, earlier)
