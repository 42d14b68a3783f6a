"""Assessments, courses, sessions and adverse events as mapper inputs, each with the
Provenance of who recorded it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import adverse_event, assessment, careplan, provenance, session
from needlepoint.interop.refs import person, staff_id, with_person

# How long a booked session is taken to last until it is charted (the app books no length).
BOOKED_LENGTH = timedelta(hours=1)


def session_id(pk: object) -> str:
    return ids.of("session", pk)


def has_procedure(status: str) -> bool:
    """Whether a session of this status maps to a Procedure (treatment began, or it was
    called off)."""
    return status != Session.Status.SCHEDULED


def _score(scores: dict[str, Any], name: str) -> assessment.ScaleScore | None:
    score = scores.get(name)
    if not score:
        return None
    rows = score.get("rows") or score.get("items") or {}
    return assessment.ScaleScore(score["score"], score["max_score"], dict(rows))


def _authored(kind: str, record_id: str, at: Any, *agents: provenance.Agent) -> provenance.Record:
    return provenance.Record(ids.part(record_id, "provenance"), ((kind, record_id),), at, agents)


def assessment_rows(clinic: Clinic) -> QuerySet[Assessment]:
    return Assessment.objects.filter(clinic=clinic)


def assessment_inputs(record: Assessment, clinic: Clinic) -> Iterator[object]:
    assessment_id = ids.of("assessment", record.pk)
    yield assessment.Assessment(
        id=assessment_id,
        patient_id=str(record.patient_id),
        performer_id=staff_id(record.assessed_by_id),
        assessed_at=record.assessed_at,
        qualitative_grade=record.qualitative_grade,
        zones=tuple(record.zones),
        scar_types=tuple(record.scar_types),
        goodman_baron=_score(record.scores, "goodman_baron"),
        ecca=_score(record.scores, "ecca"),
        notes=record.notes,
    )
    author = provenance.Agent("author", ("Practitioner", staff_id(record.assessed_by_id)))
    yield _authored("Condition", assessment_id, record.assessed_at, author)


def course_rows(clinic: Clinic) -> QuerySet[Course]:
    # Not the rules engine's plan the course was made from: 4 KB a row the export never maps.
    return Course.objects.filter(clinic=clinic).defer("plan")


def course_inputs(record: Course, clinic: Clinic) -> Iterator[object]:
    course_id = ids.of("course", record.pk)
    yield careplan.Course(
        id=course_id,
        patient_id=str(record.patient_id),
        author_id=staff_id(record.planned_by_id),
        condition_id=ids.of("assessment", record.assessment_id),
        status=record.status,
        created_at=record.created_at,
        first_session_at=record.first_session_at,
        sessions_planned=record.sessions_planned,
        interval_weeks=record.interval_weeks,
        depth_mm={zone: float(entry["depth_mm"]) for zone, entry in record.zones.items()},
        adjuncts=tuple(record.adjuncts),
    )
    author = provenance.Agent("author", ("Practitioner", staff_id(record.planned_by_id)))
    yield _authored("CarePlan", course_id, record.created_at, author)


def _zones(record: Any) -> tuple[session.TreatedZone, ...]:
    return tuple(
        session.TreatedZone(
            zone,
            None if entry.get("depth_mm") is None else float(entry["depth_mm"]),
            entry.get("passes"),
        )
        for zone, entry in record.zones.items()
    )


class _Keys(Aggregate):
    """A group's keys as one text, comma-separated, in no order (`GROUP_CONCAT` on SQLite)."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "STRING_AGG((%(expressions)s)::text, ',')"
        return self.as_sql(compiler, connection, template=template, **extra)


# What a session's resources map, read as named tuples: a clinic has more sessions than any
# other record, and building a model instance for each was a fifth of the export's time.
_SESSION_FIELDS = (
    *("pk", "patient_id", "course_id", "number", "status", "device", "anaesthetic", "endpoint"),
    *("scheduled_at", "started_at", "ended_at", "numbing_applied_at", "numbing_removed_at"),
    *("practitioner_id", "cartridge_lot_id", "signed_at", "signed_by_id"),
    *("zones", "adjuncts", "immediate_reactions"),
)


def session_rows(clinic: Clinic) -> QuerySet[Session, Any]:
    # The product lots' keys in the session's own row: no lot rows, no second query.
    uses = Session.product_lots.through.objects.filter(session=OuterRef("pk"))
    keys = uses.values("session").annotate(keys=_Keys("lot_id")).values("keys")  # type: ignore[misc]
    rows = Session.objects.filter(clinic=clinic).annotate(product_lot_keys=Subquery(keys))
    return rows.values_list(*_SESSION_FIELDS, "product_lot_keys", named=True)


def _product_lots(record: Any) -> tuple[str, ...]:
    keys: str | None = record.product_lot_keys
    return tuple(
        ids.of("lot", key) for key in sorted(int(key) for key in (keys or "").split(",") if key)
    )


def session_inputs(record: Any, clinic: Clinic) -> Iterator[object]:
    """The mapper inputs of a session's row (a named tuple of `session_rows`)."""
    record_id = session_id(record.pk)
    booked_end = record.scheduled_at + BOOKED_LENGTH
    yield session.Session(
        id=record_id,
        patient_id=str(record.patient_id),
        course_id=ids.of("course", record.course_id),
        number=record.number,
        status=record.status,
        scheduled_at=record.scheduled_at,
        ends_at=max(record.ended_at or booked_end, record.scheduled_at),
        practitioner_id=staff_id(record.practitioner_id) if record.practitioner_id else None,
        started_at=record.started_at,
        ended_at=record.ended_at,
        device=record.device,
        cartridge_lot_id=ids.of("lot", record.cartridge_lot_id)
        if record.cartridge_lot_id
        else None,
        product_lot_ids=_product_lots(record),
        zones=_zones(record),
        adjuncts=tuple(record.adjuncts),
        anaesthetic=record.anaesthetic,
        endpoint=record.endpoint,
        immediate_reactions=record.immediate_reactions,
        numbing_applied_at=record.numbing_applied_at,
        numbing_removed_at=record.numbing_removed_at,
    )
    if record.signed_at and record.signed_by_id:
        signer = ("Practitioner", staff_id(record.signed_by_id))
        author = ("Practitioner", staff_id(record.practitioner_id or record.signed_by_id))
        agents = (provenance.Agent("author", author), provenance.Agent("attester", signer))
        yield _authored("Procedure", record_id, record.signed_at, *agents)


def adverse_event_rows(clinic: Clinic) -> QuerySet[AdverseEvent]:
    rows = AdverseEvent.objects.filter(clinic=clinic).select_related("session")
    return with_person(rows, "recorded_by", clinic.pk)


def adverse_event_inputs(record: AdverseEvent, clinic: Clinic) -> Iterator[object]:
    event_id = ids.of("adverse-event", record.pk)
    recorder = person(record, "recorded_by")
    lot = record.session.cartridge_lot_id
    yield adverse_event.AdverseEvent(
        id=event_id,
        patient_id=str(record.patient_id),
        procedure_id=session_id(record.session_id),
        recorder=recorder,
        kind=record.kind,
        severity=record.severity,
        serious=record.serious,
        outcome=record.outcome,
        onset=record.onset,
        recorded_at=record.recorded_at,
        description=record.description,
        device_ids=(ids.of("lot", lot),) if lot else (),
    )
    yield _authored(
        "AdverseEvent", event_id, record.recorded_at, provenance.Agent("author", recorder)
    )
