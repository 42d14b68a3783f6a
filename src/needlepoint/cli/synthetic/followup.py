"""After a signed session: the patient's check-in (triaged by the rules engine), the alert it
raises above `expected` (resolved when old, acknowledged when recent, open in the last days),
and the adverse events practitioners recorded, from alerts or seen at the next visit."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, AlertAction, CheckIn
from needlepoint.cli.synthetic.clinical import CHECKIN_PROFILES, TriageFacts, report_phase
from needlepoint.cli.synthetic.context import Context, Weighted
from needlepoint.cli.synthetic.people import Person
from needlepoint.cli.synthetic.treatment import Treated

SHARE_CHECKED_IN = 0.4
# Hours after the session that patients report at (weights): mostly the first days.
REPORT_HOURS = ((6, 6), (20, 22), (30, 18), (50, 16), (74, 12), (130, 10), (200, 8), (400, 8))
REPORTS_AT = Weighted.of([h for h, _ in REPORT_HOURS], [w for _, w in REPORT_HOURS])
PROFILES = {
    phase: Weighted.of(range(len(profiles)), [w for w, _ in profiles])
    for phase, profiles in CHECKIN_PROFILES.items()
}
OPEN_FOR = timedelta(days=3)  # newer alerts are still open
ACKNOWLEDGED_FOR = timedelta(days=14)  # older ones are resolved
# (flag or scale, adverse event kind, severity, what the practitioner wrote)
EVENTS = (
    (
        "fever",
        "infection",
        "moderate",
        "Fever and pustules two days after treatment; "
        "oral antibiotics started, reviewed at 48 hours.",
    ),
    (
        "pus",
        "infection",
        "mild",
        "Localised pustules on the cheek; topical antibiotic, settled within a week.",
    ),
    (
        "dark_spots_worsening",
        "pih",
        "moderate",
        "Post-inflammatory hyperpigmentation over the "
        "treated cheeks; strict sun protection and a tyrosinase inhibitor started.",
    ),
    (
        "dark_spots",
        "pih",
        "mild",
        "Patchy hyperpigmentation; sun protection reinforced, next "
        "session deferred until it fades.",
    ),
    (
        "itching",
        "allergic_reaction",
        "mild",
        "Itchy papular rash after the serum; serum stopped, antihistamine advised.",
    ),
    (
        "redness",
        "prolonged_erythema",
        "mild",
        "Redness beyond a week; reviewed, emollient advised, depth reduced next session.",
    ),
)
SHARE_BRUISED = 0.01  # bruising noted at the next visit, with no check-in about it
RESOLUTION_NOTE = "Called the patient; advice given and agreed, settling as expected."


def followup(ctx: Context, rng: random.Random, person: Person, treated: list[Treated]) -> None:
    for session in treated:
        if rng.random() < SHARE_BRUISED:
            _bruising(ctx, rng, person, session)
        if rng.random() >= SHARE_CHECKED_IN:
            continue
        hours = REPORTS_AT.draw(rng)
        reported = session.ended_at + timedelta(hours=hours, minutes=rng.randint(0, 50))
        if reported > ctx.now:
            continue
        profile = PROFILES[report_phase(hours)].draw(rng)
        facts = ctx.rules.triage(profile, hours, person.fitzpatrick, session.findings)
        checkin_id = ctx.ids.take(CheckIn)
        ctx.writer.add(CheckIn, {
            "id": checkin_id, "clinic_id": ctx.clinic_id, "patient_id": person.id,
            "session_id": session.session_id, "reported_at": reported,
            "symptoms": facts.symptoms, "note": "", "level": facts.level, "triage": facts.triage,
        })  # fmt: skip
        if facts.alert:
            _alert(ctx, rng, person, session, checkin_id, reported, facts)


def _alert(
    ctx: Context,
    rng: random.Random,
    person: Person,
    session: Treated,
    checkin_id: int,
    reported: datetime,
    facts: TriageFacts,
) -> None:
    alert_id, age = ctx.ids.take(Alert), ctx.now - reported
    acknowledged = reported + timedelta(minutes=rng.randint(15, 110))
    resolved = acknowledged + timedelta(days=rng.randint(1, 4))
    status = Alert.Status.RESOLVED
    acknowledged_at: datetime | None = acknowledged
    if age < OPEN_FOR or acknowledged > ctx.now:
        status, acknowledged_at = Alert.Status.OPEN, None
    elif age < ACKNOWLEDGED_FOR or resolved > ctx.now:
        status = Alert.Status.ACKNOWLEDGED
    ctx.writer.add(Alert, {
        "id": alert_id, "clinic_id": ctx.clinic_id, "patient_id": person.id,
        "checkin_id": checkin_id, "status": status, "created_at": reported,
        "acknowledged_at": acknowledged_at, "escalated_at": None,
        "resolved_at": resolved if status == Alert.Status.RESOLVED else None,
    })  # fmt: skip
    user = session.practitioner.user_id
    if acknowledged_at is not None:
        ctx.writer.add(AlertAction, {"id": ctx.ids.take(AlertAction), "alert_id": alert_id,
                                     "clinic_id": ctx.clinic_id,
                                     "status": Alert.Status.ACKNOWLEDGED, "note": "",
                                     "by_id": user, "at": acknowledged})  # fmt: skip
    if status == Alert.Status.RESOLVED:
        ctx.writer.add(AlertAction, {"id": ctx.ids.take(AlertAction), "alert_id": alert_id,
                                     "clinic_id": ctx.clinic_id,
                                     "status": status, "note": RESOLUTION_NOTE, "by_id": user,
                                     "at": resolved})  # fmt: skip
    if facts.level in ("contact_clinic", "urgent") and acknowledged_at is not None:
        recorded = acknowledged + timedelta(hours=rng.randint(1, 20))
        if rng.random() < 0.5 and recorded <= ctx.now:
            _event(ctx, rng, person, session, alert_id, reported, recorded, facts)


def _event(
    ctx: Context,
    rng: random.Random,
    person: Person,
    session: Treated,
    alert_id: int,
    onset: datetime,
    recorded: datetime,
    facts: TriageFacts,
) -> None:
    symptom, kind, severity, description = next(
        (e for e in EVENTS if e[0] in facts.flags), EVENTS[-1]
    )
    old = ctx.now - onset > timedelta(days=30)
    ctx.writer.add(AdverseEvent, {
        "id": ctx.ids.take(AdverseEvent), "clinic_id": ctx.clinic_id, "patient_id": person.id,
        "session_id": session.session_id, "alert_id": alert_id, "kind": kind,
        "severity": severity, "serious": symptom == "fever" and rng.random() < 0.2,
        "outcome": "resolved" if old else rng.choice(("recovering", "ongoing")),
        "onset": ctx.local_day(onset), "description": description,
        "recorded_by_id": session.practitioner.user_id, "recorded_at": recorded,
    })  # fmt: skip


def _bruising(ctx: Context, rng: random.Random, person: Person, session: Treated) -> None:
    recorded = session.ended_at + timedelta(days=rng.randint(2, 5))
    if recorded > ctx.now:
        return
    ctx.writer.add(AdverseEvent, {
        "id": ctx.ids.take(AdverseEvent), "clinic_id": ctx.clinic_id, "patient_id": person.id,
        "session_id": session.session_id, "alert_id": None, "kind": "bruising",
        "severity": "mild", "serious": False, "outcome": "resolved",
        "onset": ctx.local_day(session.ended_at),
        "description": "Periorbital bruising after treatment, resolved within a week.",
        "recorded_by_id": session.practitioner.user_id, "recorded_at": recorded,
    })  # fmt: skip
