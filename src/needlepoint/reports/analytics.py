"""What the clinic's outcome and safety analytics share: the filters (a stretch of
clinic-local days and, optionally, one practitioner), the breakdowns a table groups by, the
depth of a chart or plan as its deepest zone's, and the door to the patients behind a figure
(one audit event naming the figure). Every read is of the actor's clinic only, on the
reporting database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Expression, FloatField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Greatest

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.replica import reporting_database
from needlepoint.clinics.roles import Permission, Role
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.scheduling import local_day
from needlepoint.patients.models import Patient
from needlepoint.reports.csv import Table
from needlepoint.safety.audit import audit_read

LONGEST = timedelta(days=3660)  # ten years
NONE_KEY = "none"  # the key of the group of rows without a value (no device charted)
PATIENTS_SHOWN = 500


@dataclass(frozen=True)
class Filters:
    """Clinic-local days `first` to `last`, and the practitioner (None: all of them)."""

    first: date
    last: date
    practitioner: Staff | None = None

    def bounds(self, actor: Actor) -> tuple[datetime, datetime]:
        return local_day(self.first, actor.zone).starts_at, local_day(self.last, actor.zone).ends_at

    def detail(self) -> dict[str, object]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "practitioner": self.practitioner.pk if self.practitioner else None,
        }


def practitioners(actor: Actor) -> list[Staff]:
    """The clinic's practitioners, the choices of the practitioner filter."""
    return list(
        Staff.objects.using(reporting_database())
        .filter(clinic=actor.clinic, role=Role.PRACTITIONER.value)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def analytics_filters(
    actor: Actor, first: date, last: date, practitioner_id: int | None = None
) -> Filters:
    """The filters, checked: the days in order and at most ten years apart, the practitioner
    one of this clinic's (another clinic's id is refused like an unknown one)."""
    if last < first:
        raise ValidationError({"last": "The last day comes before the first."})
    if last - first >= LONGEST:
        raise ValidationError({"last": "Choose at most ten years."})
    practitioner = None
    if practitioner_id is not None:
        practitioner = next((s for s in practitioners(actor) if s.pk == practitioner_id), None)
        if practitioner is None:
            raise ValidationError({"practitioner": "Not one of this clinic's practitioners."})
    return Filters(first, last, practitioner)


def deepest(field: str, knowledge: Knowledge) -> Expression:
    """The deepest zone's depth in a `{zone: {depth_mm}}` JSON field (0 when none)."""
    depths = [
        Coalesce(Cast(KeyTextTransform("depth_mm", KeyTransform(zone, field)), FloatField()), 0.0)
        for zone in knowledge.zones
    ]
    return Greatest(*depths)


def key_of(value: object) -> str:
    return NONE_KEY if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Breakdown:
    """A table's grouping: `group` is the annotation (or field) rows are grouped by, `label`
    names a group's value, `parse` reads a group's key back from a link (ValueError if bad)."""

    code: str
    title: str
    group: str
    label: Callable[[Any], str]
    parse: Callable[[str], object] = str
    blank: bool = False  # a text column, where "" means none too
    # Grouped by a finer value (a depth) and merged in buckets (its band): the bucket of a
    # value, and the rows of a bucket's key.
    bucket: Callable[[Any], Any] | None = None
    within: Callable[[str], Q] | None = None

    def value_of(self, key: str) -> object:
        return None if key == NONE_KEY else self.parse(key)

    def only(self, rows: QuerySet[Any], key: str) -> QuerySet[Any]:
        if self.within is not None:
            return rows.filter(self.within(key))
        value = self.value_of(key)
        if value is None:
            none = Q(**{f"{self.group}__isnull": True})
            return rows.filter(none | Q(**{self.group: ""}) if self.blank else none)
        return rows.filter(**{self.group: value})

    def rows(self, grouped: Iterable[dict[str, Any]]) -> list[tuple[Any, dict[str, Any]]]:
        """Each group's value and its counts; bucketed rows merged (their counts summed)."""
        if self.bucket is None:
            return [(row[self.group], row) for row in grouped]
        merged: dict[Any, dict[str, Any]] = {}
        for row in grouped:
            value = self.bucket(row[self.group])
            into = merged.setdefault(value, {})
            for name, count in row.items():
                if name != self.group:
                    into[name] = (into.get(name) or 0) + (count or 0)
        return sorted(merged.items(), key=lambda item: (item[0] is None, str(item[0])))


def depth_breakdown(title: str, knowledge: Knowledge) -> Breakdown:
    """Rows grouped by their deepest zone (the annotation `deepest`), in analytics.toml's
    bands: the database groups by depth, the few depths found are merged into bands."""
    rules = knowledge.analytics
    labels = {band.code: band.label for band in rules.depth_bands}

    def within(key: str) -> Q:
        if key == NONE_KEY:
            return Q(deepest__lte=0)
        above, up_to = rules.band_range(key)
        return Q(deepest__gt=above, deepest__lte=up_to)

    def bucket(depth: float | None) -> str | None:
        band = rules.band_of(depth)
        return band.code if band else None

    def parse(key: str) -> str:
        if key not in labels:
            raise ValueError(key)
        return key

    return Breakdown("depth_band", title, "deepest", choice_label(labels, "No depth"),
                     parse, bucket=bucket, within=within)  # fmt: skip


def number_label(prefix: str) -> Callable[[Any], str]:
    return lambda value: "Not recorded" if value in (None, "") else f"{prefix}{value}"


def choice_label(choices: dict[str, str], empty: str = "Not recorded") -> Callable[[Any], str]:
    return lambda value: choices.get(value, value) if value else empty


@dataclass(frozen=True)
class Figure:
    """What a link to the patients behind a figure names: the page, its table and a group."""

    page: str
    table: str
    key: str

    @property
    def name(self) -> str:
        return f"{self.page}.{self.table}.{self.key}"


@dataclass(frozen=True)
class FigurePatients:
    figure: Figure
    title: str
    patients: list[Patient]
    restricted: int  # restricted records behind the figure, not listed
    more: bool  # more than PATIENTS_SHOWN


def access_patients_behind(
    actor: Actor,
    figure: Figure,
    title: str,
    filters: Filters,
    patient_ids: QuerySet[Any],
) -> FigurePatients:
    """The patients (record number, name) whose rows make a figure: restricted records
    counted, not listed; one audit event naming the figure and the patients shown."""
    actor.require(Permission.CLINICAL_READ)
    rows = (
        Patient.objects.using(reporting_database())
        .filter(clinic=actor.clinic, pk__in=patient_ids)
        .order_by("family_name", "given_name", "pk")
    )
    listed = list(rows.filter(restricted_at__isnull=True)[: PATIENTS_SHOWN + 1])
    restricted = rows.filter(restricted_at__isnull=False).count()
    shown = listed[:PATIENTS_SHOWN]
    audit_read(
        actor,
        "analytics.figure_patients",
        "clinic",
        actor.clinic.pk,
        detail={
            "figure": figure.name,
            "title": title,
            **filters.detail(),
            "patients": [str(patient.pk) for patient in shown],
        },
    )
    return FigurePatients(figure, title, shown, restricted, len(listed) > PATIENTS_SHOWN)


def basis(knowledge: Knowledge, *source_lists: tuple[str, ...]) -> tuple[str, ...]:
    """The citations of the sources behind a page's figures, each once."""
    ids = dict.fromkeys(source for sources in source_lists for source in sources)
    return tuple(knowledge.sources[source].citation for source in ids)


def rounded(value: float | None, places: int = 2) -> float | str:
    return "" if value is None else round(value, places)


def access_csv_table(
    actor: Actor, page: str, table: str, filters: Filters, header: Sequence[str],
    rows: Iterator[Sequence[object]],
) -> Table:  # fmt: skip
    """A table of an analytics page as CSV, its export audited."""
    audit_read(actor, f"analytics.{page}.csv_export", "clinic", actor.clinic.pk,
               detail={"table": table, **filters.detail()})  # fmt: skip
    days = f"{filters.first.isoformat()}-{filters.last.isoformat()}"
    name = f"{actor.clinic.slug}-{page}-{table}-{days}.csv"
    return Table(name, header, rows)


def practitioner_label(staff: Sequence[Staff]) -> Callable[[Any], str]:
    names = {s.pk: s.user.full_name or s.user.email for s in staff}
    return lambda value: names.get(value, "Not recorded") if value else "Not recorded"
