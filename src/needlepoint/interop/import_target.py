"""The clinic a folder is imported into, as the writers of each family see it: the records
made so far by their folder `Type/id`, the clinic's own records a reference may name, and
the refusals gathered (any refusal and the whole import is rolled back)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model

from needlepoint.accounts.models import User
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.fhir import ids
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.mappers import provenance
from needlepoint.intakes.models import Screening
from needlepoint.interop.imports import Refusal
from needlepoint.interop.sources import sources_of
from needlepoint.patients.models import Patient

M = TypeVar("M", bound=Model)
R = TypeVar("R")


class Refused(Exception):
    """A record refused: each element refused and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.problems = [(path, reason)]

    @classmethod
    def all(cls, problems: list[tuple[str, str]]) -> Refused:
        refused = cls(*problems[0])
        refused.problems = problems
        return refused


@dataclass
class Target:
    clinic: Clinic
    folder: set[str]  # every `Type/id` the folder holds
    signatures: dict[str, provenance.Record]  # the Provenance of a record, by its key
    rows: dict[str, Model] = field(default_factory=dict)  # folder `Type/id` -> record made
    ids: dict[str, str] = field(default_factory=dict)  # folder `Type/id` -> the new record's
    refused: list[Refusal] = field(default_factory=list)
    by_patient: defaultdict[object, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    @cached_property
    def knowledge(self) -> Knowledge:
        return clinic_knowledge(self.clinic)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.time_zone)

    def made(self, key: str, row: Model, patient_id: object | None = None) -> None:
        """`row` is what the folder's `key` became (counted for its patient, if any)."""
        self.rows[key] = row
        kind = key.partition("/")[0]
        source = next(s for s in sources_of(kind) if s.rows(self.clinic).model is type(row))
        self.ids[key] = f"{kind}/{ids.of(source.kind or '', row.pk)}"
        if patient_id is not None:
            self.by_patient[patient_id][kind] += 1

    def row(self, reference: str, model: type[M], path: str) -> M:
        """The record a reference names: made by this import, else the clinic's own."""
        made = self.rows.get(reference)
        if isinstance(made, model):
            return made
        if reference in self.folder:
            raise Refused(path, f"{reference} is refused, or is no {_name(model)}")
        kind, _, resource_id = reference.partition("/")
        for source in sources_of(kind):
            # A source may read its rows as tuples: the record itself is read by its key.
            rows = source.rows(self.clinic)
            key = source.key(resource_id)
            if rows.model is model and key is not None and rows.filter(pk=key).exists():
                return model._default_manager.get(pk=key)
        raise Refused(path, f"{reference} is no {_name(model)} of {self.clinic.slug}")

    def staff(self, practitioner_id: str, path: str) -> Staff:
        return self.row(f"Practitioner/{practitioner_id}", Staff, path)

    def user(self, who: tuple[str, str], path: str) -> User:
        """The account of a Practitioner, or of a Patient with a portal account."""
        kind, resource_id = who
        if kind == "Practitioner":
            return self.staff(resource_id, path).user
        patient = self.row(f"Patient/{resource_id}", Patient, path)
        if patient.user is None:
            raise Refused(path, f"Patient/{resource_id} has no portal account here to record it")
        return patient.user

    def signature(self, key: str, role: str) -> tuple[tuple[str, str], datetime]:
        """Who signed (`role`) the record `key` according to its Provenance, and when."""
        signature = self.signatures.get(key)
        agents = (
            [agent.who for agent in signature.agents if agent.role == role] if signature else []
        )
        if signature is None or not agents:
            raise Refused("Provenance", f"needs the Provenance of {key} naming its {role}")
        return agents[0], signature.recorded

    def findings_at(self, patient: Patient, at: datetime) -> frozenset[str]:
        """The finding codes of the patient's latest screening at `at` (as the source saw it)."""
        screening = (
            Screening.objects.filter(patient=patient, screened_at__lte=at)
            .order_by("-intake__version")
            .first()
        )
        return frozenset(str(f["code"]) for f in screening.findings) if screening else frozenset()

    def each(self, records: list[tuple[str, R]], write: Callable[[Target, str, R], Any]) -> None:
        """Write each record, turning what refuses it into the import's refusals."""
        for key, record in records:
            try:
                write(self, key, record)
            except Refused as refusal:
                self.refused += [Refusal(key, path, reason) for path, reason in refusal.problems]
            except FhirMappingError as error:
                self.refused.append(Refusal(key, error.path, error.message))
            except InvalidInput as error:
                self.refused.append(Refusal(key, error.field, error.message))
            except ValidationError as error:
                for name, messages in _messages(error).items():
                    path = "" if name == NON_FIELD_ERRORS else name
                    self.refused.append(Refusal(key, path, " ".join(messages)))


def keep_times(row: Model, **times: datetime) -> None:
    """Keep the source's times over those the model stamps when a row is made."""
    type(row)._default_manager.filter(pk=row.pk).update(**times)
    for name, value in times.items():
        setattr(row, name, value)


def _name(model: type[Model]) -> str:
    return str(model._meta.verbose_name)


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
