"""A course as a CarePlan: the planned sessions and their interval, the depth planned per
zone and the adjuncts, each an activity; it addresses the assessment's Condition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir.codes import UCUM, concept, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Node, Resource, first, instant, one_of_type, reference
from needlepoint.fhir.mappers.assessment import ZONE

PROCEDURE = own("procedure")
ADJUNCT = own("adjunct")
MICRONEEDLING = "microneedling"
# The course's status as the CarePlan's, and as the status of each of its activities.
STATUSES = {
    "planned": ("draft", "not-started"),
    "active": ("active", "in-progress"),
    "completed": ("completed", "completed"),
    "stopped": ("revoked", "stopped"),
}


@dataclass(frozen=True)
class Course:
    id: str
    patient_id: str
    author_id: str
    condition_id: str
    status: str
    created_at: datetime
    first_session_at: datetime
    sessions_planned: int
    interval_weeks: int
    depth_mm: Mapping[str, float]
    adjuncts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise FhirMappingError("CarePlan.status", f"unknown course status {self.status!r}")


def millimetres(value: float) -> Resource:
    return {"value": value, "unit": "mm", "system": UCUM, "code": "mm"}


def course_resources(course: Course) -> list[Resource]:
    plan_status, activity_status = STATUSES[course.status]

    def activity(**detail: object) -> Resource:
        return {"detail": {**detail, "status": activity_status}}

    sessions = activity(
        code=concept(PROCEDURE, MICRONEEDLING),
        scheduledTiming={
            "repeat": {
                "count": course.sessions_planned,
                "period": course.interval_weeks,
                "periodUnit": "wk",
            }
        },
    )
    zones = [
        activity(code=concept(ZONE, zone), quantity=millimetres(depth))
        for zone, depth in course.depth_mm.items()
    ]
    adjuncts = [activity(code=concept(ADJUNCT, code)) for code in course.adjuncts]
    return [
        {
            "resourceType": "CarePlan",
            "id": course.id,
            "status": plan_status,
            "intent": "plan",
            "title": "Microneedling course for acne scarring",
            "subject": reference("Patient", course.patient_id),
            "period": {"start": instant(course.first_session_at, "CarePlan.period.start")},
            "created": instant(course.created_at, "CarePlan.created"),
            "author": reference("Practitioner", course.author_id),
            "addresses": [reference("Condition", course.condition_id)],
            "activity": [sessions, *zones, *adjuncts],
        }
    ]


def _system(node: Node) -> str:
    return str(first(node, "coding").field("system").value)


def course_from_resources(resources: list[Resource]) -> Course:
    plan = one_of_type(resources, "CarePlan")
    by_plan_status = {statuses[0]: status for status, statuses in STATUSES.items()}
    status = plan.field("status").one_of(tuple(by_plan_status))
    timing: Node | None = None
    depth_mm: dict[str, float] = {}
    adjuncts: list[str] = []
    for item in plan.list("activity"):
        detail = item.field("detail")
        code = detail.field("code")
        system = _system(code)
        if system == PROCEDURE and code.code(PROCEDURE) == MICRONEEDLING:
            timing = detail.field("scheduledTiming").field("repeat")
        elif system == ZONE:
            depth_mm[code.code(ZONE)] = detail.field("quantity").field("value").number()
        elif system == ADJUNCT:
            adjuncts.append(code.code(ADJUNCT))
        else:
            raise code.fail("is not a course's activity (sessions, a zone or an adjunct)")
    if timing is None:
        raise plan.field("activity").fail(f"needs the sessions' activity ({PROCEDURE})")
    return Course(
        id=plan.field("id").text(),
        patient_id=plan.field("subject").reference("Patient"),
        author_id=plan.field("author").reference("Practitioner"),
        condition_id=first(plan, "addresses").reference("Condition"),
        status=by_plan_status[status],
        created_at=plan.field("created").instant(),
        first_session_at=plan.field("period").field("start").instant(),
        sessions_planned=timing.field("count").integer(),
        interval_weeks=timing.field("period").integer(),
        depth_mm=depth_mm,
        adjuncts=tuple(adjuncts),
    )
