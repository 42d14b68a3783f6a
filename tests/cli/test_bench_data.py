"""`needlepoint bench-data`: generated rows are linked and pass the rules that guard real
ones, the same seed gives the same data, runs append, the audit trail stays verifiable, and
a clinic with real patients is refused unless forced."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.cli.main import cli
from needlepoint.cli.synthetic.run import GENERATED, generate
from needlepoint.cli.synthetic.writer import check_references, skip_reference_triggers
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.courses.models import Course, Session
from needlepoint.courses.sessions import screening_state
from needlepoint.domain import charting, triage
from needlepoint.domain.knowledge.model.recovery import Level
from needlepoint.intakes.models import Intake
from needlepoint.patients.models import Consent, ConsentTemplate, Patient
from needlepoint.safety.models import AuditEvent
from needlepoint.safety.services import gate_lot
from tests.factories import ClinicFactory, PatientFactory, StaffFactory

ANCHOR = date(2026, 6, 10)


def _clinic(slug: str, prefix: str) -> Any:
    """A clinic with two practitioners and its consent forms."""
    clinic = ClinicFactory(slug=slug, record_prefix=prefix, time_zone="Europe/London")
    staff = StaffFactory(clinic=clinic, role="practitioner", licence_number=f"{prefix}-1")
    StaffFactory(clinic=clinic, role="practitioner", licence_number=f"{prefix}-2")
    for kind in ("treatment", "photo"):
        ConsentTemplate.objects.create(
            clinic=clinic, kind=kind, version=1, title=kind, body="text", created_by=staff.user
        )
    return clinic


@pytest.fixture
def bench_clinic(db):  # type: ignore[no-untyped-def]
    return _clinic("bench", "BC")


def _chart(session: Session) -> charting.Chart:
    return charting.Chart(
        anaesthetic=session.anaesthetic,
        device=session.device,
        device_id=session.device_id,
        cartridge_lot=gate_lot(session.cartridge_lot) if session.cartridge_lot else None,
        product_lots=tuple(gate_lot(lot) for lot in session.product_lots.all()),
        zones={
            zone: charting.ZoneTreatment(entry["depth_mm"], entry["passes"])
            for zone, entry in session.zones.items()
        },
        endpoint=session.endpoint,
        immediate_reactions=session.immediate_reactions,
        numbing_applied_at=session.numbing_applied_at,
        numbing_removed_at=session.numbing_removed_at,
        started_at=session.started_at,
        ended_at=session.ended_at,
    )


def test_rows_are_linked_and_pass_the_rules_real_rows_pass(bench_clinic):
    generated = generate(bench_clinic, 40, 6, seed=3, anchor=ANCHOR)
    assert generated.rows["patients.Patient"] == 40
    knowledge = clinic_knowledge(bench_clinic)
    zone = ZoneInfo(bench_clinic.time_zone)
    patients = Patient.objects.filter(clinic=bench_clinic)
    assert patients.count() == 40
    assert all("-SYN" in p.record_number for p in patients)
    assert Consent.objects.filter(patient__clinic=bench_clinic).count() == 80
    for patient in patients:
        versions = list(patient.intakes.order_by("version").values_list("version", flat=True))
        assert versions == list(range(1, len(versions) + 1))
    sessions = Session.objects.filter(clinic=bench_clinic).select_related(
        "course", "screening", "cartridge_lot__clinic"
    )
    signed = [s for s in sessions if s.status == Session.Status.SIGNED]
    assert len(signed) > 40
    for session in signed:
        assert session.course.patient_id == session.patient_id
        assert session.screening.intake.context == Intake.Context.PRE_SESSION
        refusals = charting.sign_refusals(
            _chart(session), screening_state(session.screening), knowledge, zone,
            session.signed_at,
        )  # fmt: skip
        assert refusals == (), (session.pk, refusals)
        for name, entry in session.zones.items():
            assert entry["depth_mm"] <= session.course.plan["zones"][name]["depth_limit_mm"]
    now = min(s.scheduled_at for s in sessions if s.status == Session.Status.SCHEDULED)
    assert now.astimezone(zone).date() >= ANCHOR
    assert any(s.scheduled_at.astimezone(zone).date() == ANCHOR for s in sessions)
    assert Course.objects.filter(clinic=bench_clinic, status=Course.Status.COMPLETED).exists()
    assert any(s.cartridge_lot and s.cartridge_lot.recalled_at for s in signed)


def test_checkins_carry_the_triage_the_rules_engine_gives(bench_clinic):
    generate(bench_clinic, 60, 6, seed=5, anchor=ANCHOR)
    knowledge = clinic_knowledge(bench_clinic)
    checkins = CheckIn.objects.filter(clinic=bench_clinic).select_related("session", "patient")
    assert checkins.count() > 20
    levels = [c.level for c in checkins]
    assert levels.count(Level.EXPECTED.value) > len(levels) / 2
    for checkin in checkins:
        assert checkin.reported_at > checkin.session.ended_at
        findings = frozenset(f["code"] for f in checkin.session.screening.findings)
        result = triage.triage(
            triage.CheckIn(
                performed_at=checkin.session.ended_at,
                reported_at=checkin.reported_at,
                symptoms=triage.parse_symptoms(checkin.symptoms, "symptoms", knowledge),
                patient=triage.PatientContext(checkin.patient.fitzpatrick, findings),
            ),
            knowledge,
        )
        assert result.level.value == checkin.level
        has_alert = Alert.objects.filter(checkin=checkin).exists()
        assert has_alert == (checkin.level != Level.EXPECTED.value)


def _history(clinic: Any) -> list[tuple[Any, ...]]:
    patients = Patient.objects.filter(clinic=clinic).order_by("record_number")
    rows: list[tuple[Any, ...]] = []
    for patient in patients:
        rows.append((patient.given_name, patient.family_name, patient.date_of_birth, patient.sex))
        for session in patient.sessions.order_by("scheduled_at", "number"):
            rows.append((session.number, session.scheduled_at, session.status, session.zones,
                         session.device, session.endpoint, session.ended_at))  # fmt: skip
        for checkin in patient.checkins.order_by("reported_at"):
            rows.append((checkin.reported_at, checkin.level, checkin.symptoms))
    return rows


def test_same_seed_same_data_and_runs_append(bench_clinic):
    twin = _clinic("twin", "TW")
    first = generate(bench_clinic, 15, 4, seed=11, anchor=ANCHOR)
    generate(twin, 15, 4, seed=11, anchor=ANCHOR)
    assert _history(bench_clinic) == _history(twin)
    other_seed = _clinic("other", "OS")
    generate(other_seed, 15, 4, seed=12, anchor=ANCHOR)
    assert _history(other_seed) != _history(twin)

    second = generate(bench_clinic, 15, 4, seed=11, anchor=ANCHOR)
    assert Patient.objects.filter(clinic=bench_clinic).count() == 30
    assert second.rows == first.rows
    assert first.last_record < second.first_record


def test_audit_trail_verifies_and_records_the_run(bench_clinic):
    runner = CliRunner()
    made = runner.invoke(
        cli, ["bench-data", "--clinic", "bench", "--patients", "8", "--seed", "2",
              "--anchor", ANCHOR.isoformat()],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "rows/s" in made.output
    event = AuditEvent.objects.get(action=GENERATED)
    assert event.clinic_id == bench_clinic.pk
    assert event.detail["patients"] == 8
    assert event.detail["rows"]["patients.Patient"] == 8
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output


def test_refuses_a_clinic_with_real_patients_unless_forced(bench_clinic):
    PatientFactory(clinic=bench_clinic, record_number="BC-00001")
    runner = CliRunner()
    args = ["bench-data", "--clinic", "bench", "--patients", "3"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2
    assert refused.output.strip().count("\n") == 0
    assert "1 real patient" in refused.output
    assert Patient.objects.filter(clinic=bench_clinic).count() == 1
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert Patient.objects.filter(clinic=bench_clinic).count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinic", "bench", "--patients", "0"], "--patients"),
        (["--clinic", "bench", "--patients", "many"], "--patients"),
        (["--patients", "3"], "--clinic"),
        (["--clinic", "nowhere", "--patients", "3"], "no clinic"),
        (["--clinic", "bench", "--patients", "3", "--anchor", "June"], "--anchor"),
        (["--clinic", "bench", "--patients", "3", "--sessions-per-patient", "0"], "--sessions"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(bench_clinic, args, message):
    result = CliRunner().invoke(cli, ["bench-data", *args])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0, result.output
    assert message in result.output


def test_a_clinic_without_practitioners_is_refused(db):
    ClinicFactory(slug="empty", record_prefix="EM")
    result = CliRunner().invoke(cli, ["bench-data", "--clinic", "empty", "--patients", "2"])
    assert result.exit_code == 2
    assert "no practitioner" in result.output
    assert not Patient.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="foreign-key triggers are skipped on PostgreSQL"
)
def test_skipped_triggers_leave_references_checked(bench_clinic):
    through = Session.product_lots.through
    with transaction.atomic():
        assert skip_reference_triggers()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {through._meta.db_table} (id, session_id, lot_id) "
                "VALUES (900001, 900001, 900001)"
            )
        broken = check_references([through], {through: (900001, 900001)}, bench_clinic.pk)
        transaction.set_rollback(True)
    assert broken == [
        f"{through._meta.db_table}.session_id",
        f"{through._meta.db_table}.lot_id",
    ]


def test_many_sessions_per_patient_start_further_back(bench_clinic):
    generate(bench_clinic, 1, 200, seed=4, anchor=ANCHOR)
    patient = Patient.objects.get(clinic=bench_clinic)
    assert patient.sessions.count() == 200
    first = patient.sessions.order_by("scheduled_at").first()
    assert first is not None
    assert (first.scheduled_at.date() - patient.date_of_birth).days > 18 * 365
