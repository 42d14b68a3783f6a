"""A scar assessment as a Condition (acne scarring, its zones as bodySite, its scar types as
evidence) and Observations: the Goodman & Baron and ECCA scores with each row's points as
components, and the qualitative grade."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir import ids
from needlepoint.fhir.codes import (
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    concept,
    own,
)
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import (
    Node,
    Resource,
    compact,
    first,
    instant,
    of_type,
    one_of_type,
    reference,
)
from needlepoint.fhir.mappers.patient import OBSERVATION, observation_category

CONDITION = own("condition")
ZONE = own("zone")
SCAR_TYPE = own("scar-type")
GRADE = own("qualitative-grade")
SCALES = {"goodman-baron": own("goodman-baron-row"), "ecca": own("ecca-item")}
ACNE_SCARRING = "acne-scarring"


@dataclass(frozen=True)
class ScaleScore:
    """A scale's total, its maximum and the points of each row (or item)."""

    score: int
    max_score: int
    rows: Mapping[str, int]


@dataclass(frozen=True)
class Assessment:
    id: str
    patient_id: str
    performer_id: str
    assessed_at: datetime
    qualitative_grade: int
    zones: tuple[str, ...] = ()  # empty when counted for the whole face
    scar_types: tuple[str, ...] = ()
    goodman_baron: ScaleScore | None = None
    ecca: ScaleScore | None = None
    notes: str = ""


def _observation(assessment: Assessment, code: str) -> Resource:
    return {
        "resourceType": "Observation",
        "id": ids.part(assessment.id, code),
        "status": "final",
        "category": observation_category("exam"),
        "code": concept(OBSERVATION, code),
        "subject": reference("Patient", assessment.patient_id),
        "focus": [reference("Condition", assessment.id)],
        "effectiveDateTime": instant(assessment.assessed_at, "Observation.effectiveDateTime"),
        "performer": [reference("Practitioner", assessment.performer_id)],
    }


def _score(assessment: Assessment, code: str, score: ScaleScore) -> Resource:
    return {
        **_observation(assessment, code),
        "valueInteger": score.score,
        "referenceRange": [{"low": {"value": 0}, "high": {"value": score.max_score}}],
        "component": [
            {"code": concept(SCALES[code], row), "valueInteger": points}
            for row, points in score.rows.items()
        ],
    }


def assessment_resources(assessment: Assessment) -> list[Resource]:
    condition = {
        "resourceType": "Condition",
        "id": assessment.id,
        "clinicalStatus": concept(CONDITION_CLINICAL, "active"),
        "verificationStatus": concept(CONDITION_VERIFICATION, "confirmed"),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": {**concept(CONDITION, ACNE_SCARRING, "Acne scarring"), "text": "Acne scarring"},
        "bodySite": [concept(ZONE, zone) for zone in assessment.zones] or None,
        "subject": reference("Patient", assessment.patient_id),
        "recordedDate": instant(assessment.assessed_at, "Condition.recordedDate"),
        "recorder": reference("Practitioner", assessment.performer_id),
        "evidence": [{"code": [concept(SCAR_TYPE, kind)]} for kind in assessment.scar_types],
        "note": [{"text": assessment.notes}] if assessment.notes else [],
    }
    resources = [compact(condition)]
    for code, score in (("goodman-baron", assessment.goodman_baron), ("ecca", assessment.ecca)):
        if score is not None:
            resources.append(_score(assessment, code, score))
    grade = concept(GRADE, str(assessment.qualitative_grade))
    resources.append(
        {**_observation(assessment, "qualitative-grade"), "valueCodeableConcept": grade}
    )
    return resources


def _scale(node: Node, code: str) -> ScaleScore:
    return ScaleScore(
        score=node.field("valueInteger").integer(),
        max_score=first(node, "referenceRange").field("high").field("value").integer(),
        rows={
            component.field("code").code(SCALES[code]): component.field("valueInteger").integer()
            for component in node.list("component")
        },
    )


def assessment_from_resources(resources: list[Resource]) -> Assessment:
    condition = one_of_type(resources, "Condition")
    if condition.field("code").code(CONDITION) != ACNE_SCARRING:
        raise condition.field("code").fail(f"must be {CONDITION}#{ACNE_SCARRING}")
    scores: dict[str, ScaleScore] = {}
    grade = None
    for observation in of_type(resources, "Observation"):
        code = observation.field("code").code(OBSERVATION)
        if code in SCALES:
            scores[code] = _scale(observation, code)
        elif code == "qualitative-grade":
            value = observation.field("valueCodeableConcept")
            grade = value.code(GRADE)
            if not grade.isdigit():
                raise value.fail("must be a qualitative grade (1-4)")
        else:
            raise observation.field("code").fail(f"is not an assessment's observation: {code!r}")
    if grade is None:
        raise FhirMappingError("Observation", "an assessment needs its qualitative grade")
    return Assessment(
        id=condition.field("id").text(),
        patient_id=condition.field("subject").reference("Patient"),
        performer_id=condition.field("recorder").reference("Practitioner"),
        assessed_at=condition.field("recordedDate").instant(),
        qualitative_grade=int(grade),
        zones=tuple(site.code(ZONE) for site in condition.list("bodySite")),
        scar_types=tuple(
            first(item, "code").code(SCAR_TYPE) for item in condition.list("evidence")
        ),
        goodman_baron=scores.get("goodman-baron"),
        ecca=scores.get("ecca"),
        notes=first(condition, "note").field("text").text() if condition.has("note") else "",
    )
