"""REST reads of a clinic's FHIR resources: one resource by id, a page of a search, and a
patient's whole record (`$everything`). Each reads only the rows it answers with, through
the sources' own builders: a read one row of each source that could hold the id, a search
page at most a page of rows per source, `$everything` the patient's rows and the clinic's
records they refer to. Scoped to the actor's clinic (a patient: their own record) and role,
and audited once per request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.db.models import Model, Q, QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission, Role
from needlepoint.fhir.json import Resource, references
from needlepoint.fhir.mappers.patient import record_number_system
from needlepoint.fhir.search import DateBound
from needlepoint.interop.definitions import code_systems, questionnaires
from needlepoint.interop.search import Cursor, Search, row_key
from needlepoint.interop.sources import SOURCES, Made, Source, sources_of
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read

# What a type needs beyond the clinic: the registry (every role) for who is who, the lots'
# own right for devices, the staff's clinical record for lists of patients, and the clinical
# record's for the rest (a patient reads their own).
REGISTRY_TYPES = ("Patient", "Organization", "Practitioner", "PractitionerRole")
LOT_TYPES = ("Device",)
PATIENT_LIST_TYPES = ("Group",)
# A restricted record is left out of searches across patients, as out of the patient list and
# the clinic's lists, except its safety reports: a restriction never hides those from the clinic.
SAFETY_REPORTS = ("checkin", "adverse_event")


def _require(actor: Actor, resource_type: str) -> None:
    if resource_type in REGISTRY_TYPES:
        actor.require(Permission.PATIENT_READ)
    elif resource_type in LOT_TYPES:
        actor.require(Permission.LOT_READ)
    elif resource_type in PATIENT_LIST_TYPES:
        actor.require(Permission.CLINICAL_READ)
    else:
        actor.require(actor.record_permission(Permission.CLINICAL_READ))


def _rows(actor: Actor, source: Source) -> QuerySet[Any]:
    rows = source.rows(actor.clinic)
    if actor.role is Role.PATIENT and source.patient is not None:
        rows = rows.filter(**{source.patient: actor.patient_id})
    return rows


def _patients_named(resource: Resource) -> list[str]:
    """The patients a resource of the clinic's own names (a Group its members)."""
    return sorted(
        {ref.partition("/")[2] for ref in references(resource) if ref.startswith("Patient/")}
    )


def access_resource(actor: Actor, resource_type: str, resource_id: str) -> Resource:
    """One resource of the actor's clinic by type and id; 404 outside it. Audited when it is
    part of a patient's record or names patients (a Group)."""
    _require(actor, resource_type)
    for source in sources_of(resource_type):
        key = source.key(resource_id)
        row = None if key is None else _rows(actor, source).filter(pk=key).first()
        if row is None:
            continue
        for resource in source.resources(row, actor.clinic):
            if resource["resourceType"] == resource_type and resource["id"] == resource_id:
                patient, read = source.patient_of(row), f"{resource_type}/{resource_id}"
                if patient is not None:
                    audit_read(actor, "fhir.read", "patient", patient, detail={"read": read})
                elif named := _patients_named(resource):
                    detail = {"read": read, "patients": named}
                    audit_read(actor, "fhir.read", "clinic", actor.clinic.pk, detail=detail)
                return resource
    raise OutOfScope(resource_type, resource_id, object_type=resource_type)


@dataclass(frozen=True)
class SearchPage:
    resources: list[Resource]
    next: Cursor | None  # where the next page starts, if there is one


def _day_from(moment: datetime, zone: tzinfo) -> date:
    """The first day (in the clinic's time zone) that starts at or after `moment`."""
    day = moment.astimezone(zone).date()
    starts = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return day if starts >= moment else day + timedelta(days=1)


def _dated(model: type[Model], name: str, bound: DateBound, zone: tzinfo) -> Q:
    """The rows whose `name` field is in the period of `bound` as its prefix asks; a date
    field's days are the clinic's."""
    start: date | datetime = bound.start
    end: date | datetime = bound.end
    if model._meta.get_field(name).get_internal_type() == "DateField":
        start, end = _day_from(bound.start, zone), _day_from(bound.end, zone)
    return {
        "eq": Q(**{f"{name}__gte": start, f"{name}__lt": end}),
        "ne": Q(**{f"{name}__lt": start}) | Q(**{f"{name}__gte": end}),
        "gt": Q(**{f"{name}__gte": end}),
        "lt": Q(**{f"{name}__lt": start}),
        "ge": Q(**{f"{name}__gte": start}),
        "le": Q(**{f"{name}__lt": end}),
    }[bound.prefix]


def _updated(actor: Actor, source: Source, bound: DateBound) -> Q:
    """The rows whose last update (the latest of their `changed` times) is in the period of
    `bound` as its prefix asks."""
    since_start = source.changed_since(actor.clinic, bound.start)
    since_end = source.changed_since(actor.clinic, bound.end)
    return {
        "eq": since_start & ~since_end,
        "ne": ~since_start | since_end,
        "gt": since_end,
        "lt": ~since_start,
        "ge": since_start,
        "le": ~since_end,
    }[bound.prefix]


def _patient_key(search: Search) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(search.patient))
    except ValueError:
        return None


def _unrestricted(source: Source) -> Q:
    """The rows of patients whose record is not restricted (all of the clinic's own)."""
    if source.patient is None:
        return Q()
    patient = "" if source.patient == "pk" else f"{source.patient.removesuffix('_id')}__"
    return Q(**{f"{patient}restricted_at__isnull": True})


def _where(actor: Actor, source: Source, made: Made, search: Search) -> Q | None:
    """The rows of `source` that answer `search`, or None when none can."""
    model = source.rows(actor.clinic).model
    where = made.only or Q()
    if search.patient is not None:
        key = _patient_key(search)
        if key is None or source.patient is None:
            return None
        where &= Q(**{source.patient: key})
    elif actor.role is not Role.PATIENT and source.name not in SAFETY_REPORTS:
        where &= _unrestricted(source)
    for bound in search.dates:
        if made.date is None:
            return None
        where &= _dated(model, made.date, bound, actor.zone)
    for bound in search.updated:
        if not source.changed:
            return None
        where &= _updated(actor, source, bound)
    if search.resource_type == "Patient":
        for name in search.names:
            where &= Q(given_name__istartswith=name) | Q(family_name__istartswith=name)
        for system, value in search.identifiers:
            if system not in (None, "", record_number_system(actor.clinic.slug)):
                return None
            where &= Q(record_number=value)
        for bound in search.birthdates:
            where &= _dated(model, "date_of_birth", bound, actor.zone)
    return where


def _page(actor: Actor, search: Search) -> tuple[list[tuple[Resource, str | None]], Cursor | None]:
    """A page of matches with their patients, and the cursor of the next page. Each source is
    read in key order from the cursor, a page's worth of rows (and one more) at a time."""
    found: list[tuple[Resource, str | None]] = []
    start = search.cursor
    for index, source in enumerate(sources_of(search.resource_type)):
        if start is not None and index < start.source:
            continue
        where = _where(actor, source, source.makes[search.resource_type], search)
        if where is None:
            continue
        rows = _rows(actor, source).filter(where).order_by("pk")
        resume: tuple[object, int] | None = None
        if start is not None and index == start.source:
            resume = (row_key(source, start.key), start.skip)
            rows = rows.filter(pk__gte=resume[0])
        while True:
            wanted = search.count - len(found) + 1
            batch = list(rows[:wanted])
            for row in batch:
                made = [
                    resource
                    for resource in source.resources(row, actor.clinic)
                    if resource["resourceType"] == search.resource_type
                ]
                skip = resume[1] if resume is not None and row.pk == resume[0] else 0
                for place in range(skip, len(made)):
                    if len(found) == search.count:
                        return found, Cursor(index, str(row.pk), place)
                    found.append((made[place], source.patient_of(row)))
            if len(batch) < wanted:
                break
            rows = rows.filter(pk__gt=batch[-1].pk)
    return found, None


def access_resource_search(actor: Actor, search: Search) -> SearchPage:
    """A page of the actor's clinic's resources matching `search`, in source then key order;
    one audit event naming the resources and patients shown."""
    _require(actor, search.resource_type)
    found, following = _page(actor, search)
    patients = {
        named
        for resource, patient in found
        for named in ([patient] if patient else _patients_named(resource))
    }
    if patients or any(source.patient for source in sources_of(search.resource_type)):
        audit_read(
            actor,
            "fhir.search",
            "patient",
            search.patient or "",
            detail={
                "type": search.resource_type,
                "query": [f"{name}={value}" for name, value in search.applied],
                "ids": [resource["id"] for resource, _ in found],
                "patients": sorted(patients),
            },
        )
    return SearchPage([resource for resource, _ in found], following)


def access_patient_everything(actor: Actor, patient_id: object) -> list[Resource]:
    """A patient's whole record: the definitions its codes and forms use, the clinic's records
    it refers to (the clinic, its staff, the lots used), then every resource of the patient.
    Scoped (404 outside the clinic) and audited."""
    actor.require(actor.record_permission(Permission.CLINICAL_READ))
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_READ)
    own = [
        resource
        for source in SOURCES
        if source.patient is not None
        for row in _rows(actor, source).filter(**{source.patient: patient.pk}).order_by("pk")
        for resource in source.resources(row, actor.clinic)
    ]
    referred = set(references(own))
    clinics: list[Resource] = []
    for source in SOURCES:
        if source.patient is not None:
            continue
        wanted = {
            source.key(reference.partition("/")[2])
            for reference in referred
            if reference.partition("/")[0] in source.makes
        } - {None}
        for row in source.rows(actor.clinic).filter(pk__in=wanted).order_by("pk"):
            clinics.extend(source.resources(row, actor.clinic))
    knowledge = clinic_knowledge(actor.clinic)
    audit_read(actor, "patient.fhir_everything", "patient", patient.pk)
    return [*code_systems(knowledge), *questionnaires(knowledge), *clinics, *own]
