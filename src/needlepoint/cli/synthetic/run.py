"""One `bench-data` run: patients appended to a clinic in one transaction, with one audit
event that records what was generated (ADR 0022)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, AlertAction, CheckIn
from needlepoint.cli.synthetic.clinical import ClinicalRules
from needlepoint.cli.synthetic.context import Context, Practitioner, working_day
from needlepoint.cli.synthetic.followup import followup
from needlepoint.cli.synthetic.lots import ensure_lots
from needlepoint.cli.synthetic.people import GENERATED_MARK, consent_rows, patient_row
from needlepoint.cli.synthetic.treatment import patient_history
from needlepoint.cli.synthetic.writer import (
    Ids,
    Writer,
    check_references,
    compress_with_lz4,
    skip_reference_triggers,
)
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.clinics.roles import Role
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.intakes.models import Acknowledgement, Intake, Screening
from needlepoint.patients.models import Consent, ConsentTemplate, Patient
from needlepoint.safety.audit import audit_record

YEARS = 3  # consultations spread over the three years before the anchor day
DAYS_PER_SESSION = 55  # and further back when a patient's sessions need longer
CHUNK = 500  # patients built and written at a time (the last chunk's COPY does not overlap)
GENERATED = "bench_data.generated"
ORDER = (
    Patient, Consent, Intake, Screening, Acknowledgement, Assessment, Course, Session,
    Session.product_lots.through, CheckIn, Alert, AlertAction, AdverseEvent,
)  # fmt: skip


class BenchDataError(Exception):
    """Why a clinic cannot be given generated data (one line for the command)."""


@dataclass(frozen=True)
class Generated:
    rows: dict[str, int]
    first_record: str
    last_record: str

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def record_number(clinic: Clinic, number: int) -> str:
    return f"{clinic.record_prefix}{GENERATED_MARK}{number:07d}"


def real_patients(clinic: Clinic) -> int:
    """The clinic's patients that were not generated."""
    return (
        Patient.objects.filter(clinic=clinic)
        .exclude(record_number__contains=GENERATED_MARK)
        .count()
    )


def practitioners_of(clinic: Clinic) -> tuple[Practitioner, ...]:
    staff = Staff.objects.filter(clinic=clinic, role=Role.PRACTITIONER).order_by("pk")
    return tuple(Practitioner(member.pk, member.user_id) for member in staff)


def preflight(clinic: Clinic, *, force: bool) -> None:
    """Refuse a clinic with real patients (unless forced) or with no one to treat them."""
    if not force and (real := real_patients(clinic)):
        raise BenchDataError(
            f"clinic {clinic.slug!r} has {real} real patient{'s' * (real != 1)}; generated "
            "data would mix with them (use --force to add it anyway)"
        )
    if not practitioners_of(clinic):
        raise BenchDataError(f"clinic {clinic.slug!r} has no practitioner to treat patients")


def the_moment(clinic: Clinic, anchor: date | None) -> tuple[date, datetime]:
    """The anchor day (default: today at the clinic) and the moment the history ends: noon
    that day, or now if earlier, so that nothing generated lies in the future."""
    zone = ZoneInfo(clinic.time_zone)
    day = anchor or timezone.localdate(timezone=zone)
    return day, min(datetime.combine(day, time(12), tzinfo=zone), timezone.now())


def generate(
    clinic: Clinic,
    patients: int,
    sessions_per_patient: int,
    seed: int,
    anchor: date | None = None,
    *,
    force: bool = False,
    progress: Callable[[int], None] = lambda done: None,
) -> Generated:
    """Append `patients` generated patients, with their histories, to the clinic."""
    day, now = the_moment(clinic, anchor)
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        preflight(locked, force=force)
        first = locked.next_record_number
        Clinic.objects.filter(pk=clinic.pk).update(
            next_record_number=F("next_record_number") + patients
        )
        ctx = _context(locked, day, now, sessions_per_patient)
        compress_with_lz4()
        unchecked = skip_reference_triggers()
        try:
            _generate(ctx, locked, patients, seed, first, progress)
        finally:
            ctx.writer.close()
        if unchecked and (broken := check_references(ORDER, ctx.ids.spans, clinic.pk)):
            raise BenchDataError(f"generated rows point at missing rows: {', '.join(broken)}")
        generated = Generated(
            dict(ctx.writer.written),
            record_number(clinic, first),
            record_number(clinic, first + patients - 1),
        )
        audit_record(
            None, GENERATED, "clinic", clinic.pk, clinic_id=clinic.pk,
            detail={
                "seed": seed, "anchor": day.isoformat(), "patients": patients,
                "sessions_per_patient": sessions_per_patient,
                "records": [generated.first_record, generated.last_record],
                "rows": generated.rows,
            },
        )  # fmt: skip
    _analyze()
    return generated


def _analyze() -> None:
    """Refresh PostgreSQL's statistics of the tables written: until autovacuum gets to them,
    the planner reads a bulk-loaded table as nearly empty and scans where an index serves."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in ORDER:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _generate(
    ctx: Context,
    clinic: Clinic,
    patients: int,
    seed: int,
    first: int,
    progress: Callable[[int], None],
) -> None:
    day = ctx.anchor
    span = (day - ctx.earliest).days
    latest = max(1, DAYS_PER_SESSION * ctx.sessions_per_patient - YEARS * 365)
    for index in range(patients):
        rng = random.Random(seed * 10_000_019 + index)  # each patient on its own
        visit_day = working_day(day - timedelta(days=rng.randint(latest, span)))
        visit = ctx.at(visit_day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
        row, person = patient_row(
            rng, clinic.pk, clinic.time_zone, record_number(clinic, first + index), day, visit
        )
        ctx.writer.add(Patient, row)
        practitioner = ctx.practitioner(rng)
        for consent in consent_rows(
            rng, clinic.pk, person, ctx.consent_templates, practitioner.user_id,
            visit + timedelta(minutes=10),
        ):  # fmt: skip
            ctx.writer.add(Consent, consent)
        followup(ctx, rng, person, patient_history(ctx, rng, person, visit, index))
        if (index + 1) % CHUNK == 0 or index + 1 == patients:
            ctx.writer.flush()
            progress(index + 1)
    ctx.writer.finish()


def _context(clinic: Clinic, day: date, now: datetime, sessions_per_patient: int) -> Context:
    templates = dict(
        ConsentTemplate.objects.filter(clinic=clinic, active=True).values_list("kind", "pk")
    )
    ids = Ids()
    earliest = min(
        date(day.year - YEARS, day.month, 1),
        day - timedelta(days=DAYS_PER_SESSION * sessions_per_patient),
    )
    return Context(
        clinic_id=clinic.pk,
        zone=ZoneInfo(clinic.time_zone),
        anchor=day,
        earliest=earliest,
        now=now,
        sessions_per_patient=sessions_per_patient,
        rules=ClinicalRules(clinic_knowledge(clinic), day),
        practitioners=practitioners_of(clinic),
        consent_templates=templates,
        lots=ensure_lots(clinic, earliest, day, now),
        ids=ids,
        writer=Writer(ORDER, now, ids),
        currency=clinic.currency,
    )
