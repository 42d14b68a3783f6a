"""A screening as a RiskAssessment: its verdict as the first prediction, each finding (with
its severity and message) as another, based on the intake's QuestionnaireResponse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir.codes import concept, own
from needlepoint.fhir.json import Resource, first, instant, one_of_type, reference

RISK_ASSESSMENT = own("risk-assessment")
VERDICT = own("screening-verdict")
FINDING = own("screening-finding")
FINDING_SEVERITY = own("finding-severity")
SCREENING = "pre-treatment-screening"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str


@dataclass(frozen=True)
class Screening:
    id: str
    patient_id: str
    intake_id: str
    screened_at: datetime
    verdict: str
    findings: tuple[Finding, ...] = ()


def screening_resources(screening: Screening) -> list[Resource]:
    findings = [
        {
            "outcome": concept(FINDING, finding.code),
            "qualitativeRisk": concept(FINDING_SEVERITY, finding.severity),
            "rationale": finding.message,
        }
        for finding in screening.findings
    ]
    assessment = {
        "resourceType": "RiskAssessment",
        "id": screening.id,
        "status": "final",
        "code": concept(RISK_ASSESSMENT, SCREENING),
        "subject": reference("Patient", screening.patient_id),
        "occurrenceDateTime": instant(screening.screened_at, "RiskAssessment.occurrence"),
        "basis": [reference("QuestionnaireResponse", screening.intake_id)],
        "prediction": [{"outcome": concept(VERDICT, screening.verdict)}, *findings],
    }
    return [assessment]


def screening_from_resources(resources: list[Resource]) -> Screening:
    node = one_of_type(resources, "RiskAssessment")
    if node.field("code").code(RISK_ASSESSMENT) != SCREENING:
        raise node.field("code").fail(f"must be {RISK_ASSESSMENT}#{SCREENING}")
    verdict, *findings = node.field("prediction").items()
    return Screening(
        id=node.field("id").text(),
        patient_id=node.field("subject").reference("Patient"),
        intake_id=first(node, "basis").reference("QuestionnaireResponse"),
        screened_at=node.field("occurrenceDateTime").instant(),
        verdict=verdict.field("outcome").code(VERDICT),
        findings=tuple(
            Finding(
                code=item.field("outcome").code(FINDING),
                severity=item.field("qualitativeRisk").code(FINDING_SEVERITY),
                message=item.field("rationale").text(),
            )
            for item in findings
        ),
    )
