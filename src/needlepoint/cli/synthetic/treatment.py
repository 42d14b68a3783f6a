"""A generated patient's treatment history: the consultation (intake, screening,
acknowledgements, assessment), courses planned by the rules engine, and sessions on the
clinic's calendar: signed charts in the past (re-screened, lots of their quarter, each zone's
depth within the plan's limit), scheduled ones ahead, a few cancelled or stopped courses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from needlepoint.cli.synthetic.clinical import ASSESSMENTS, INTAKE_VARIANTS, Json, ScreeningFacts
from needlepoint.cli.synthetic.context import Context, Practitioner, Weighted, working_day
from needlepoint.cli.synthetic.people import Person
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.intakes.models import Acknowledgement, Intake, Screening

ACKNOWLEDGED = "Discussed with the patient; plan adjusted."
DEVICES = (
    (82, "pen", ("MicroPen EVO #A17", "MicroPen EVO #B02", "Dermapen 4 #D31")),
    (10, "roller", ("Dermaroller 192 #R3", "Dermaroller 192 #R4")),
    (8, "rf_microneedling", ("Genius RF #G5",)),
)
REACTIONS = (
    "Even erythema, pinpoint bleeding.",
    "Mild erythema; pinpoint bleeding over the cheeks.",
    "Erythema and slight oedema, settled before discharge.",
    "Even erythema; no bleeding beyond pinpoint.",
)
VARIANTS = Weighted.of(range(len(INTAKE_VARIANTS)), [w for w, _ in INTAKE_VARIANTS])
ARCHETYPES = Weighted.of(range(len(ASSESSMENTS)), [a[0] for a in ASSESSMENTS])
DEVICE_MIX = Weighted.of(DEVICES, [w for w, _, _ in DEVICES])
ANCHOR_DAY_EVERY = 33  # this patient of a run, and every 33rd after, is seen on the anchor day
SHORT_HISTORY = 12  # sessions per patient


_JSON: dict[str, Json] = {}


def _json(value: object) -> Json:
    """The same few zone plans and adjunct lists recur: serialise each once."""
    key = repr(value)
    if key not in _JSON:
        _JSON[key] = Json(value)
    return _JSON[key]


class Treated(NamedTuple):
    """A signed session, for the check-ins that follow it (a tuple: one per session)."""

    session_id: int
    ended_at: datetime
    practitioner: Practitioner
    findings: frozenset[str]


@dataclass
class Record:
    """The patient being generated: who, what the intake says, who treats them, and the
    latest intake version."""

    person: Person
    variant: int
    facts: ScreeningFacts
    practitioner: Practitioner
    version: int = 0


def _intake(ctx: Context, record: Record, facts: ScreeningFacts, at: datetime, kind: str) -> int:
    """The next intake version and its screening (with the acknowledgements it needs)."""
    record.version += 1
    intake_id, screening_id = ctx.ids.take(Intake), ctx.ids.take(Screening)
    patient_id, by = record.person.id, record.practitioner
    ctx.writer.add(Intake, {
        "id": intake_id, "clinic_id": ctx.clinic_id, "patient_id": patient_id,
        "version": record.version, "context": kind, "answers": facts.answers,
        "answers_given": facts.answers_given, "recorded_by_id": by.user_id,
        "recorded_by_role": "practitioner", "recorded_at": at,
    })  # fmt: skip
    ctx.writer.add(Screening, {
        "id": screening_id, "clinic_id": ctx.clinic_id, "patient_id": patient_id,
        "intake_id": intake_id, "verdict": facts.verdict, "findings": facts.findings,
        "missing": facts.missing, "screened_at": at,
    })  # fmt: skip
    for code in facts.to_acknowledge:
        ctx.writer.add(Acknowledgement, {
            "id": ctx.ids.take(Acknowledgement), "clinic_id": ctx.clinic_id,
            "screening_id": screening_id,
            "finding_code": code, "note": ACKNOWLEDGED, "practitioner_id": by.staff_id,
            "at": at + timedelta(minutes=5),
        })  # fmt: skip
    return screening_id


def patient_history(
    ctx: Context, rng: random.Random, person: Person, visit: datetime, index: int
) -> list[Treated]:
    """Everything from the consultation at `visit`; the signed sessions it produced."""
    # A course in progress with a session on the anchor day (short histories only: a long
    # one runs its own course through the years).
    on_anchor_day = index % ANCHOR_DAY_EVERY == 0 and ctx.sessions_per_patient <= SHORT_HISTORY
    if on_anchor_day:
        visit = ctx.at(working_day(ctx.anchor - timedelta(days=rng.randint(30, 200))), visit.hour)
    variant = VARIANTS.draw(rng)
    facts = ctx.rules.screening(variant, person.age_on(ctx.local_day(visit)), person.fitzpatrick)
    record = Record(person, variant, facts, ctx.practitioner(rng))
    _intake(ctx, record, facts, visit, Intake.Context.INITIAL)
    if facts.blocks:  # deferred or not eligible: no course
        return []
    treated: list[Treated] = []
    remaining, assessed_at = ctx.sessions_per_patient, visit
    while remaining > 0 and assessed_at <= ctx.now:
        planned = _course(ctx, rng, record, assessed_at, remaining, on_anchor_day)
        if planned is None:
            break
        course, first, interval, chart = planned
        treated += _sessions(ctx, rng, record, course, first, interval, chart)
        remaining -= course["sessions_planned"]
        last = first + timedelta(weeks=interval * (course["sessions_planned"] - 1))
        assessed_at = ctx.at(working_day(last + timedelta(weeks=8)), visit.hour)
        on_anchor_day = False
    return treated


def _course(
    ctx: Context,
    rng: random.Random,
    record: Record,
    assessed_at: datetime,
    remaining: int,
    on_anchor_day: bool,
) -> tuple[dict[str, Any], date, int, dict[str, object]] | None:
    """An assessment and the course the rules engine plans from it (None: not suitable)."""
    index = ARCHETYPES.draw(rng)
    assessment = ctx.rules.assessment(index)
    plan, plan_json = ctx.rules.plan(index, record.person.fitzpatrick, record.facts.codes)
    if not plan.suitable or plan.sessions is None or plan.interval_weeks is None:
        return None
    shortest = max(plan.minimum_interval_weeks or 0, plan.interval_weeks.min)
    interval = rng.randint(shortest, max(shortest, plan.interval_weeks.max))
    count = min(remaining, rng.randint(plan.sessions.min, plan.sessions.max))
    first = working_day(ctx.local_day(assessed_at) + timedelta(days=rng.randint(7, 21)))
    if on_anchor_day:  # move the course so that one of its sessions falls on the anchor day
        fits = (ctx.anchor - first).days // (7 * interval)
        if fits >= 0:
            first = ctx.anchor - timedelta(weeks=interval * rng.randint(0, min(fits, count - 1)))
    assessment_id = ctx.ids.take(Assessment)
    ctx.writer.add(Assessment, {
        "id": assessment_id, "clinic_id": ctx.clinic_id, "patient_id": record.person.id,
        "qualitative_grade": assessment.grade, "zones": assessment.zones, "overall": None,
        "scar_types": assessment.scar_types, "scores": assessment.scores, "notes": "",
        "assessed_by_id": record.practitioner.staff_id, "assessed_at": assessed_at,
    })  # fmt: skip
    zones = {zone: {"depth_mm": float(p.depth_mm)} for zone, p in plan.zones.items()}
    price = plan.cost.per_session.min if plan.cost else Decimal(300)
    course = {
        "id": ctx.ids.take(Course), "clinic_id": ctx.clinic_id, "patient_id": record.person.id,
        "assessment_id": assessment_id, "status": Course.Status.PLANNED,
        "sessions_planned": count, "interval_weeks": interval, "zones": _json(zones),
        "adjuncts": _json(sorted(a.code for a in plan.adjuncts)),
        "price_per_session": Decimal(price).quantize(Decimal("0.01")),
        "currency": ctx.currency, "plan": plan_json,
        "first_session_at": ctx.at(first, rng.randint(9, 16), rng.choice((0, 30))),
        "planned_by_id": record.practitioner.staff_id,
        "created_at": assessed_at + timedelta(minutes=20),
    }  # fmt: skip
    ctx.writer.add(Course, course)
    _, device, device_ids = DEVICE_MIX.draw(rng)
    charted = {
        zone: {**entry, "passes": rng.randint(plan.zones[zone].passes.min,
                                              plan.zones[zone].passes.max)}
        for zone, entry in zones.items()
    }  # fmt: skip
    chart = {"device": device, "device_id": rng.choice(device_ids), "zones": _json(charted)}
    return course, first, interval, chart


def _sessions(
    ctx: Context,
    rng: random.Random,
    record: Record,
    course: dict[str, Any],
    first: date,
    interval: int,
    chart: dict[str, object],
) -> list[Treated]:
    """The course's sessions at the same wall-clock time; signed once two hours past, a few
    cancelled; a stopped course cancels the rest. The course's status follows."""
    count, start = course["sessions_planned"], course["first_session_at"]
    stop_after = rng.randint(1, count - 1) if count > 1 and rng.random() < 0.06 else count
    treated, statuses = [], []
    for number in range(1, count + 1):
        at = ctx.at(first + timedelta(weeks=interval * (number - 1)), start.hour, start.minute)
        row: dict[str, Any] = {
            "id": ctx.ids.take(Session), "clinic_id": ctx.clinic_id,
            "patient_id": record.person.id, "course_id": course["id"], "number": number,
            "scheduled_at": at, "status": Session.Status.SCHEDULED,
        }  # fmt: skip
        past = at + timedelta(hours=2) <= ctx.now
        if (number > stop_after and past) or (past and rng.random() < 0.03):
            row["status"] = Session.Status.CANCELLED
        elif past:
            treated.append(_chart(ctx, rng, record, row, at, chart))
        statuses.append(row["status"])
        ctx.writer.add(Session, row)
    if Session.Status.SCHEDULED not in statuses:
        whole = stop_after == count and Session.Status.SIGNED in statuses
        course["status"] = Course.Status.COMPLETED if whole else Course.Status.STOPPED
    elif Session.Status.SIGNED in statuses:
        course["status"] = Course.Status.ACTIVE
    return treated


def _chart(
    ctx: Context,
    rng: random.Random,
    record: Record,
    row: dict[str, Any],
    at: datetime,
    chart: dict[str, object],
) -> Treated:
    """Re-screened on arrival (nothing changed), charted and signed as the gate allows: the
    planned depths, lots of the quarter (usable then), times in order and in the past."""
    day = ctx.local_day(at)
    person = record.person
    rescreen = ctx.rules.screening(record.variant, person.age_on(day), person.fitzpatrick)
    before = at - timedelta(minutes=20)
    row["screening_id"] = _intake(ctx, record, rescreen, before, Intake.Context.PRE_SESSION)
    lots, numbed = ctx.lots_on(day), rng.random() < 0.9
    ended = at + timedelta(minutes=rng.randint(25, 45))
    by = record.practitioner.staff_id
    row.update(chart)
    row.update({
        "anaesthetic": "Lidocaine 4% cream" if numbed else "",
        "numbing_applied_at": at - timedelta(minutes=rng.randint(35, 45)) if numbed else None,
        "numbing_removed_at": at - timedelta(minutes=rng.randint(2, 5)) if numbed else None,
        "cartridge_lot_id": None if chart["device"] == "roller" else lots.cartridge,
        "endpoint": "pinpoint_bleeding" if rng.random() < 0.7 else "erythema",
        "immediate_reactions": rng.choice(REACTIONS), "started_at": at, "ended_at": ended,
        "practitioner_id": by, "revision": 1, "status": Session.Status.SIGNED,
        "signed_at": ended + timedelta(minutes=rng.randint(3, 10)), "signed_by_id": by,
    })  # fmt: skip
    through = Session.product_lots.through
    for lot in (lots.serum, lots.numbing) if numbed else (lots.serum,):
        ctx.writer.add(through, {"id": ctx.ids.take(through), "session_id": row["id"],
                                 "lot_id": lot})  # fmt: skip
    return Treated(row["id"], ended, record.practitioner, rescreen.codes)
