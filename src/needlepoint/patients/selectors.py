"""Reads of patient data: the one door. Every read is scoped to the actor's clinic and audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.http import Http404

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.patients.models import Consent, ConsentKind, ConsentTemplate, Patient, PhotoUse
from needlepoint.safety.audit import audit_read

MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000  # the API refuses a later page; offsets stay far inside a 64-bit integer
COUNT_AHEAD = 1_000  # a search counts at most this many matches past the start of its page
SEARCHED = ("given_name", "family_name", "record_number", "email", "phone")
SUBSTRING_FROM = 3  # on PostgreSQL, a term this long matches anywhere in a field


def _visible_patients(actor: Actor) -> QuerySet[Patient]:
    patients = Patient.objects.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        patients = patients.filter(pk=actor.patient_id)
    return patients


def patient_in_scope(actor: Actor, patient_id: object, permission: Permission) -> Patient:
    """The patient if the actor holds `permission` on it, else 404; not audited (callers do)."""
    actor.require(permission)
    try:
        key = uuid.UUID(str(patient_id))
    except ValueError:
        raise Http404("No such patient.") from None
    patient = _visible_patients(actor).select_related("user").filter(pk=key).first()
    if patient is None:
        raise OutOfScope("patient", key)
    patient.clinic = actor.clinic  # the one it was looked up in: not read again
    return patient


def access_patient(actor: Actor, patient_id: object) -> Patient:
    """Read one patient: scoped to the actor's clinic (404 outside it) and audited."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_READ)
    audit_read(actor, "patient.read", "patient", patient.pk)
    return patient


def _page_count(count: int, page_size: int) -> int:
    return max(1, -(-count // page_size))


@dataclass(frozen=True)
class PatientPage:
    """One page of a search. `count` is exact unless `count_capped`: then more patients match
    than the `count` counted (`COUNT_AHEAD` past the page's start), and `pages` are those."""

    patients: list[Patient]
    count: int
    page: int
    page_size: int
    count_capped: bool = False

    @property
    def pages(self) -> int:
        return _page_count(self.count, self.page_size)


def term_matches(term: str, vendor: str) -> Q:
    """Where one search term may match. PostgreSQL finds it anywhere in a field (a trigram
    index serves `UPPER(field) LIKE`); terms shorter than trigrams, and every term on SQLite,
    match the start of a field, which an index serves there."""
    anywhere = vendor == "postgresql" and len(term) >= SUBSTRING_FROM
    lookup = "icontains" if anywhere else "istartswith"
    matches = Q()
    for field in SEARCHED:
        matches |= Q(**{f"{field}__{lookup}": term})
    return matches


# The list walks the index on (clinic, family name, given name); matches are sorted after the
# search indexes found them, in an order that index cannot give, because walking it in search
# of a few matches that sort late (every "Zh…") would read the whole clinic.
_LIST_ORDER = ("family_name", "given_name", "pk")
_MATCHES_ORDER = (Upper("family_name"), Upper("given_name"), "pk")


def _counted(patients: QuerySet[Patient], start: int) -> tuple[int, bool]:
    """The number of matches, counting no further than `COUNT_AHEAD` past `start`."""
    limit = start + COUNT_AHEAD
    found = patients.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


def access_patients(
    actor: Actor,
    query: str = "",
    *,
    page: int = 1,
    page_size: int = 25,
    include_archived: bool = False,
    include_restricted: bool = False,
) -> PatientPage:
    """One page of the actor's patients matching every term of `query` (in a name, record
    number, e-mail or phone; see `term_matches`), by family then given name; a page past the
    last is the last. Restricted records are left out, except for a clinic admin who asks."""
    actor.require(Permission.PATIENT_READ)
    if include_restricted:
        actor.require(Permission.PATIENT_DATA_RIGHTS)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    patients = _visible_patients(actor)
    if not include_archived:
        patients = patients.filter(archived=False)
    if not include_restricted:
        patients = patients.filter(restricted_at__isnull=True)
    terms = query.split()
    for term in terms:
        patients = patients.filter(term_matches(term, connections[patients.db].vendor))
    page = min(max(page, 1), MAX_PAGE)
    count, capped = _counted(patients, (page - 1) * page_size)
    page = min(page, _page_count(count, page_size))
    ordered = patients.order_by(*(_MATCHES_ORDER if terms else _LIST_ORDER))
    rows = list(ordered[(page - 1) * page_size : page * page_size])
    audit_read(
        actor,
        "patient.search",
        "patient",
        detail={"query": query, "page": page, "ids": [str(p.pk) for p in rows]},
    )
    return PatientPage(rows, count, page, page_size, capped)


# Consent templates and signed consents.


def consent_template_list(actor: Actor, kind: str | None = None) -> QuerySet[ConsentTemplate]:
    """The clinic's consent templates, newest version first; a patient sees the active ones."""
    actor.require(Permission.CONSENT_RECORD)
    templates = ConsentTemplate.objects.filter(clinic=actor.clinic).select_related("created_by")
    if actor.role is Role.PATIENT:
        templates = templates.filter(active=True)
    if kind is not None:
        templates = templates.filter(kind=kind)
    return templates.order_by("kind", "-version")


def consent_template_in_scope(actor: Actor, template_id: object) -> ConsentTemplate:
    """One of the clinic's consent templates by id, else 404."""
    key = record_key(template_id, "consent template")
    template = consent_template_list(actor).filter(pk=key).first()
    if template is None:
        raise OutOfScope("consent template", key, object_type="consent_template")
    return template


def consent_template_active(actor: Actor, kind: str) -> ConsentTemplate | None:
    """The version of the `kind` template that patients sign now, if the clinic has one."""
    return consent_template_list(actor, kind).filter(active=True).first()


def _consents(actor: Actor) -> QuerySet[Consent]:
    consents = Consent.objects.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        consents = consents.filter(patient_id=actor.patient_id)
    return consents.select_related("template", "patient", "recorded_by").prefetch_related(
        "revocations__recorded_by"
    )


def consent_in_scope(
    actor: Actor, consent_id: object, permission: Permission, *, for_update: bool = False
) -> Consent:
    """One consent the actor may see (a patient: only their own), else 404; not audited."""
    actor.require(permission)
    try:
        key = uuid.UUID(str(consent_id))
    except ValueError:
        raise Http404("No such consent.") from None
    consents = _consents(actor)
    if for_update:
        consents = consents.select_for_update(of=("self",))
    consent = consents.filter(pk=key).first()
    if consent is None:
        raise OutOfScope("consent", key)
    return consent


@dataclass(frozen=True)
class ConsentStatus:
    """What a patient has consented to at one moment.

    Per kind, the most recently signed consent is the one in force (an older template version
    still counts); signing again replaces the earlier consent, and revoking the latest leaves
    nothing in force for that kind.
    """

    treatment: Consent | None
    photo: Consent | None
    photo_uses: tuple[str, ...]
    consents: list[Consent]  # every consent signed by then, newest first

    @property
    def treatment_consented(self) -> bool:
        return self.treatment is not None

    @property
    def photo_use_labels(self) -> list[str]:
        return [PhotoUse(use).label for use in self.photo_uses]

    @property
    def current_ids(self) -> frozenset[object]:
        return frozenset(c.pk for c in (self.treatment, self.photo) if c is not None)

    def allows_photo_use(self, use: str) -> bool:
        return use in self.photo_uses


def _uses_at(consent: Consent, at: datetime | None) -> list[str]:
    if at is None:
        return consent.uses_now
    if consent.revoked_at is not None and consent.revoked_at <= at:
        return []
    withdrawn = {use for r in consent.revocations.all() if r.revoked_at <= at for use in r.uses}
    return [use for use in consent.photo_uses if use not in withdrawn]


def consent_status(consents: Iterable[Consent], at: datetime | None = None) -> ConsentStatus:
    """The status given a patient's consents (with their templates and revocations), now or
    at an earlier moment `at`. Pure: no queries beyond the prefetched relations."""
    signed = sorted(
        (c for c in consents if at is None or c.signed_at <= at),
        key=lambda c: c.signed_at,
        reverse=True,
    )

    def in_force(kind: str) -> Consent | None:
        latest = next((c for c in signed if c.template.kind == kind), None)
        if latest is None:
            return None
        revoked = latest.revoked_at is not None and (at is None or latest.revoked_at <= at)
        return None if revoked else latest

    treatment, photo = in_force(ConsentKind.TREATMENT), in_force(ConsentKind.PHOTO)
    uses = tuple(_uses_at(photo, at)) if photo is not None else ()
    return ConsentStatus(treatment, photo if uses else None, uses, signed)


def access_consents(actor: Actor, patient_id: object) -> ConsentStatus:
    """A patient's consents and what they consent to now; scoped (404) and audited."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_READ)
    status = consent_status(_consents(actor).filter(patient=patient))
    audit_read(actor, "consent.read", "patient", patient.pk)
    return status
