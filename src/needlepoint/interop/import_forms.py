"""Importing what a patient signed and answered: consents (with the uses withdrawn since),
intakes and their screenings, as the source recorded them."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime

from needlepoint.domain.screening import Verdict
from needlepoint.fhir.mappers import consent, questionnaire, screening
from needlepoint.intakes.models import Intake, Screening
from needlepoint.interop.forms import INTAKE_FORMS
from needlepoint.interop.import_target import Refused, Target, keep_times
from needlepoint.patients.consents import name_key
from needlepoint.patients.models import (
    Consent,
    ConsentRevocation,
    ConsentTemplate,
    Patient,
    PhotoUse,
)

TEMPLATE = re.compile(r"(?P<kind>[a-z]+)-v(?P<version>\d{1,9})")
# A withdrawal's reason is the source's record; FHIR carries only its time.
WITHDRAWN = "Withdrawn before the record was imported; the reason is in the source record."
REPRESENTATIVE = "Not carried by the imported record."
CONTEXTS = {name: context for context, (name, _) in INTAKE_FORMS.items()}


def _template(target: Target, record: consent.Consent) -> ConsentTemplate:
    """The clinic's own version of the form signed: its text is what was signed, so it is
    never made up by an import."""
    found = TEMPLATE.fullmatch(record.template)
    if found is None or found["kind"] != record.kind:
        raise Refused("Consent.policy[0].uri", f"names no {record.kind} consent form version")
    version = int(found["version"])
    template = ConsentTemplate.objects.filter(
        clinic=target.clinic, kind=record.kind, version=version
    ).first()
    if template is None:
        raise Refused(
            "Consent.policy[0].uri",
            f"{target.clinic.slug} has no version {version} of its {record.kind} consent form; "
            "publish the text the patient signed first",
        )
    return template


def import_consent(target: Target, key: str, record: consent.Consent) -> None:
    patient = target.row(f"Patient/{record.patient_id}", Patient, "Consent.patient")
    template = _template(target, record)
    unknown = sorted(set(record.photo_uses) - set(PhotoUse.values))
    if unknown:
        raise Refused("Consent.provision.provision.purpose", f"unknown photo use {unknown[0]}")
    recorder = target.user(target.signature(key, "enterer")[0], "Provenance.agent.who")
    by_patient = name_key(record.signed_name) == name_key(patient.full_name)
    row = Consent(
        clinic=target.clinic,
        patient=patient,
        template=template,
        signer=Consent.Signer.PATIENT if by_patient else Consent.Signer.REPRESENTATIVE,
        signer_relationship="" if by_patient else REPRESENTATIVE,
        signed_name=record.signed_name,
        signed_at=record.signed_at,
        photo_uses=[use for use in PhotoUse.values if use in record.photo_uses],
        recorded_by=recorder,
        revoked_at=record.revoked_at,
        revoked_reason=WITHDRAWN if record.revoked_at else "",
    )
    row.full_clean()
    row.save()
    _withdrawals(target, row, record)
    target.made(key, row, patient.pk)


def _withdrawals(target: Target, row: Consent, record: consent.Consent) -> None:
    """One revocation per time the source withdrew uses; the whole consent's at its end."""
    uses: defaultdict[datetime, list[str]] = defaultdict(list)
    for withdrawal in record.withdrawals:
        uses[withdrawal.at].append(withdrawal.use)
    if record.revoked_at is not None:
        uses.setdefault(record.revoked_at, [])
    for at, withdrawn in sorted(uses.items()):
        ConsentRevocation.objects.create(
            clinic=target.clinic,
            consent=row,
            uses=withdrawn,
            reason=WITHDRAWN,
            revoked_at=at,
            recorded_by=row.recorded_by,
        )


def import_intake(target: Target, key: str, record: questionnaire.FormResponse) -> None:
    if record.form not in CONTEXTS:
        raise Refused("QuestionnaireResponse.questionnaire", f"is not an intake: {record.form}")
    patient = target.row(f"Patient/{record.patient_id}", Patient, "QuestionnaireResponse.subject")
    questions = {question.name for question in target.knowledge.questions}
    unknown = sorted(set(record.answers) - questions)
    if unknown:
        raise Refused("QuestionnaireResponse.item.linkId", f"no such question: {unknown[0]}")
    if record.author[0] != "Practitioner":
        raise Refused("QuestionnaireResponse.author", "an imported intake names its Practitioner")
    staff = target.staff(record.author[1], "QuestionnaireResponse.author")
    versions = Intake.objects.filter(patient=patient).values_list("version", flat=True)
    version = record.version or max(versions, default=0) + 1
    if version in versions:
        raise Refused("QuestionnaireResponse.identifier", f"a second intake version {version}")
    intake = Intake.objects.create(
        clinic=target.clinic,
        patient=patient,
        version=version,
        context=CONTEXTS[record.form],
        answers=dict(record.answers),
        recorded_by=staff.user,
        recorded_by_role=staff.role,
    )
    keep_times(intake, recorded_at=record.authored)
    target.made(key, intake, patient.pk)


def import_screening(target: Target, key: str, record: screening.Screening) -> None:
    intake = target.row(
        f"QuestionnaireResponse/{record.intake_id}", Intake, "RiskAssessment.basis[0]"
    )
    patient = target.row(f"Patient/{record.patient_id}", Patient, "RiskAssessment.subject")
    if intake.patient_id != patient.pk:
        raise Refused("RiskAssessment.subject", "is not the patient of the intake it is based on")
    if record.verdict not in {verdict.value for verdict in Verdict}:
        raise Refused("RiskAssessment.prediction[0].outcome", f"no verdict {record.verdict}")
    if Screening.objects.filter(intake=intake).exists():
        raise Refused("RiskAssessment.basis[0]", "the intake has a screening already")
    row = Screening.objects.create(
        clinic=target.clinic,
        patient=patient,
        intake=intake,
        verdict=record.verdict,
        findings=[
            {"code": f.code, "severity": f.severity, "message": f.message} for f in record.findings
        ],
    )
    keep_times(row, screened_at=record.screened_at)
    target.made(key, row, patient.pk)
