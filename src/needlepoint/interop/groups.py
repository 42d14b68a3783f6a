"""A practitioner's patients, as a FHIR Group: every patient with a course the practitioner
planned (the clinician responsible for the plan), whatever the course's status. One Group per
practitioner of the clinic, and per other member who planned a course before a change of
role; `Group/<id>/$export` exports its members' records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from needlepoint.clinics.models import Clinic, Staff
from needlepoint.clinics.records import MAX_KEY
from needlepoint.clinics.roles import Role
from needlepoint.courses.models import Course
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import group
from needlepoint.interop.refs import staff_id

GROUP_SUFFIX = "patients"
_GROUP_ID = re.compile(rf"staff-(\d{{1,19}})-{GROUP_SUFFIX}")


def group_id(staff_pk: object) -> str:
    return ids.part(staff_id(staff_pk), GROUP_SUFFIX)


def group_key(clinic: Clinic, resource_id: str) -> int | None:
    """The member whose patients Group `resource_id` of the clinic is, or None if none is."""
    found = _GROUP_ID.fullmatch(resource_id)
    key = int(found.group(1)) if found else 0
    if not 0 < key <= MAX_KEY or not group_rows(clinic).filter(pk=key).exists():
        return None
    return key


def group_rows(clinic: Clinic) -> QuerySet[Staff]:
    planners = Course.objects.filter(clinic=clinic).values("planned_by_id")
    courses = Course.objects.only("pk", "planned_by_id", "patient_id")
    return (
        Staff.objects.filter(clinic=clinic)
        .filter(Q(role=Role.PRACTITIONER.value) | Q(pk__in=planners))
        .select_related("user")
        .prefetch_related(Prefetch("course_set", queryset=courses, to_attr="planned"))
    )


def group_inputs(staff: Any, clinic: Clinic) -> Iterator[object]:
    yield group.PractitionerPatients(
        id=group_id(staff.pk),
        practitioner_id=staff_id(staff.pk),
        name=f"Patients of {staff.user.full_name}",
        patient_ids=tuple(sorted({str(course.patient_id) for course in staff.planned})),
    )


def group_patients(clinic: Clinic, staff_pk: int | None) -> QuerySet[Any]:
    """The keys of a Group's patients (`patient_id`), to filter records by."""
    return Course.objects.filter(clinic=clinic, planned_by_id=staff_pk).values("patient_id")
