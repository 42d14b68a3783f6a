"""Where each resource comes from: a source per kind of record reads its rows in a clinic and
builds the mapper inputs of one row. The export streams every source; a REST read finds the
one row behind an id, a search reads a page of rows, `$everything` one patient's rows: all
through the same builders."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import MAX_KEY
from needlepoint.clinics.streaming import in_order
from needlepoint.courses.models import Session
from needlepoint.fhir.json import Resource
from needlepoint.fhir.mapping import to_resources
from needlepoint.interop import clinical, forms, groups, people, photos
from needlepoint.interop.refs import CHUNK

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class Made:
    """A resource type a source makes: the model field its `date` search reads (None: it has
    no date), and which rows make one (None: every row)."""

    date: str | None = None
    only: Q | None = None


@dataclass(frozen=True)
class Source:
    """One kind of record: its rows in a clinic, the mapper inputs of a row, the types they
    map to, how a resource id names its row, and the field holding the row's patient."""

    name: str
    rows: Callable[[Clinic], QuerySet[Any]]
    inputs: Callable[[Any, Clinic], Iterator[object]]
    makes: Mapping[str, Made]
    kind: str | None = None  # ids are `<kind>-<pk>…`; None: the row's uuid is the id
    patient: str | None = "patient_id"  # None: the clinic's own records, no patient's
    # The times a change of the row leaves, the first always set; its last update is the
    # latest of them. None: the row keeps no such time (always exported, no `_lastUpdated`).
    changed: tuple[str, ...] = ()
    _id: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = rf"{re.escape(self.kind)}-(\d{{1,19}})" if self.kind else f"({UUID})"
        object.__setattr__(self, "_id", re.compile(rf"{key}(?:-[A-Za-z0-9.\-]+)?"))

    def records(
        self, clinic: Clinic, since: datetime | None = None, patients: QuerySet[Any] | None = None
    ) -> Iterator[object]:
        """The mapper inputs of the rows changed since `since`, of `patients` (a query of their
        keys) only when given: then a source of the clinic's own records yields none."""
        rows = self.rows_since(clinic, since)
        if patients is not None:
            if self.patient is None:
                return
            rows = rows.filter(**{f"{self.patient}__in": patients})
        for row in in_order(rows, chunk=CHUNK):
            yield from self.inputs(row, clinic)

    def rows_since(self, clinic: Clinic, since: datetime | None) -> QuerySet[Any]:
        """The rows, only those with one of their `changed` times at or after `since` when
        it is given (a source with no such time keeps every row)."""
        rows = self.rows(clinic)
        if since is None or not self.changed:
            return rows
        return rows.filter(self.changed_since(clinic, since))

    def changed_since(self, clinic: Clinic, moment: datetime) -> Q:
        """The rows last updated at or after `moment`: one of their `changed` times is. A time
        of a related row is matched through a subquery, so a row is not repeated."""
        changed = reduce(or_, (Q(**{f"{name}__gte": moment}) for name in self.changed))
        if not any("__" in name for name in self.changed):
            return changed
        model = self.rows(clinic).model
        return Q(pk__in=model.objects.filter(changed, clinic=clinic).values("pk"))

    def resources(self, row: Any, clinic: Clinic) -> Iterator[Resource]:
        for record in self.inputs(row, clinic):
            yield from to_resources(record)

    def key(self, resource_id: str) -> object | None:
        """The key of the row a resource id of this source names, or None if it names none."""
        found = self._id.fullmatch(resource_id)
        if found is None:
            return None
        if self.kind is None:
            return uuid.UUID(found.group(1))
        key = int(found.group(1))
        return key if 0 < key <= MAX_KEY else None

    def patient_of(self, row: Any) -> str | None:
        return None if self.patient is None else str(getattr(row, self.patient))


def _dated(date: str, *types: str) -> dict[str, Made]:
    return {resource_type: Made(date) for resource_type in types}


# In the order references point: a resource comes after those it refers to.
SOURCES: tuple[Source, ...] = (
    Source(
        "clinic",
        people.clinic_rows,
        people.clinic_inputs,
        {"Organization": Made()},
        kind="clinic",
        patient=None,
    ),
    Source(
        "staff",
        people.staff_rows,
        people.staff_inputs,
        {"Practitioner": Made(), "PractitionerRole": Made()},
        kind="staff",
        patient=None,
    ),
    Source(
        "lot",
        people.lot_rows,
        people.lot_inputs,
        {"Device": Made()},
        kind="lot",
        patient=None,
        changed=("created_at", "recalled_at"),
    ),
    Source(
        "patient",
        people.patient_rows,
        people.patient_inputs,
        {"Patient": Made(), "Observation": Made(only=Q(fitzpatrick__isnull=False))},
        patient="pk",
        changed=("updated_at",),
    ),
    Source(
        "group",
        groups.group_rows,
        groups.group_inputs,
        {"Group": Made()},
        kind="staff",
        patient=None,
    ),
    Source(
        "consent",
        people.consent_rows,
        people.consent_inputs,
        _dated("signed_at", "Consent", "Provenance"),
        changed=("signed_at", "countersigned_at", "revoked_at", "revocations__revoked_at"),
    ),
    Source(
        "intake",
        forms.intake_rows,
        forms.intake_inputs,
        _dated("recorded_at", "QuestionnaireResponse", "Provenance"),
        kind="intake",
        changed=("recorded_at",),
    ),
    Source(
        "screening",
        forms.screening_rows,
        forms.screening_inputs,
        _dated("screened_at", "RiskAssessment"),
        kind="screening",
        changed=("screened_at",),
    ),
    Source(
        "assessment",
        clinical.assessment_rows,
        clinical.assessment_inputs,
        _dated("assessed_at", "Condition", "Observation", "Provenance"),
        kind="assessment",
        changed=("assessed_at",),
    ),
    Source(
        "course",
        clinical.course_rows,
        clinical.course_inputs,
        {"CarePlan": Made("first_session_at"), "Provenance": Made("created_at")},
        kind="course",
        changed=("created_at",),
    ),
    Source(
        "session",
        clinical.session_rows,
        clinical.session_inputs,
        {
            "Appointment": Made("scheduled_at"),
            "Procedure": Made("started_at", ~Q(status=Session.Status.SCHEDULED)),
            "Observation": Made(),  # the zones treated carry no time of their own
            "MedicationAdministration": Made(
                "numbing_applied_at",
                Q(numbing_applied_at__isnull=False) | Q(numbing_removed_at__isnull=False),
            ),
            "Provenance": Made("signed_at", Q(signed_at__isnull=False, signed_by__isnull=False)),
        },
        kind="session",
        changed=("course__created_at", "started_at", "ended_at", "signed_at"),
    ),
    Source(
        "checkin",
        forms.checkin_rows,
        forms.checkin_inputs,
        _dated("reported_at", "QuestionnaireResponse"),
        kind="checkin",
        changed=("reported_at",),
    ),
    Source(
        "photo",
        photos.photo_rows,
        photos.photo_inputs,
        {**_dated("captured_at", "Media", "Observation"), "Provenance": Made("uploaded_at")},
        changed=("uploaded_at", "archived_at"),
    ),
    Source(
        "adverse_event",
        clinical.adverse_event_rows,
        clinical.adverse_event_inputs,
        {"AdverseEvent": Made("onset"), "Provenance": Made("recorded_at")},
        kind="adverse-event",
        changed=("recorded_at",),
    ),
)


def sources_of(resource_type: str) -> tuple[Source, ...]:
    return tuple(source for source in SOURCES if resource_type in source.makes)


# The types of the clinic's records; Questionnaire and CodeSystem are its definitions.
RECORD_TYPES = tuple(dict.fromkeys(t for source in SOURCES for t in source.makes))
# The types of the patients' records (FHIR's Patient compartment, as far as it is mapped).
PATIENT_TYPES = tuple(
    dict.fromkeys(t for source in SOURCES if source.patient is not None for t in source.makes)
)
