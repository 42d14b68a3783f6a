"""A signed consent as a Consent: treatment or photographs, the time of signature, who signed,
the photo uses as provisions per purpose (a use withdrawn since is a deny from that time), and
revocation as the status becoming inactive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir.codes import (
    CANONICAL,
    CONSENT_DOCUMENT,
    CONSENT_SCOPE,
    LOINC,
    coding,
    concept,
    own,
)
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Node, Resource, compact, first, instant, one_of_type, reference

CONSENT_KIND = own("consent-kind")
PHOTO_USE = own("photo-use")
# The clinic's consent form and its version, as a policy URI (`<POLICY>/treatment-v1`).
POLICY = f"{CANONICAL}/consent-form"
SCOPES = {"treatment": "treatment", "photo": "patient-privacy"}


@dataclass(frozen=True)
class Withdrawal:
    use: str
    at: datetime


@dataclass(frozen=True)
class Consent:
    """`template` names the clinic's form and version (`treatment-v1`); `performer` is who
    signed: the Patient, or the Practitioner recording a representative's signature."""

    id: str
    patient_id: str
    organization_id: str
    kind: str
    template: str
    signed_at: datetime
    signed_name: str
    photo_uses: tuple[str, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPES:
            raise FhirMappingError("Consent.category", f"a consent is one of {', '.join(SCOPES)}")
        if self.kind == "treatment" and self.photo_uses:
            raise FhirMappingError("Consent.provision", "only a photo consent has photo uses")
        if any(withdrawal.use not in self.photo_uses for withdrawal in self.withdrawals):
            raise FhirMappingError("Consent.provision", "only a use consented can be withdrawn")


def _use(consent: Consent, use: str) -> Resource:
    provision: Resource = {
        "type": "permit",
        "period": {"start": instant(consent.signed_at, "Consent.provision.period")},
        "purpose": [coding(PHOTO_USE, use)],
    }
    for withdrawal in consent.withdrawals:
        if withdrawal.use == use:
            provision["period"]["end"] = instant(withdrawal.at, "Consent.provision.period")
    return provision


def consent_resources(consent: Consent) -> list[Resource]:
    code, display = CONSENT_DOCUMENT
    period = {"start": instant(consent.signed_at, "Consent.provision.period")}
    if consent.revoked_at:
        period["end"] = instant(consent.revoked_at, "Consent.provision.period")
    provision = compact(
        {
            "type": "permit",
            "period": period,
            "provision": [_use(consent, use) for use in consent.photo_uses],
        }
    )
    resource = {
        "resourceType": "Consent",
        "id": consent.id,
        "status": "inactive" if consent.revoked_at else "active",
        "scope": concept(CONSENT_SCOPE, SCOPES[consent.kind]),
        "category": [concept(LOINC, code, display), concept(CONSENT_KIND, consent.kind)],
        "patient": reference("Patient", consent.patient_id),
        "dateTime": instant(consent.signed_at, "Consent.dateTime"),
        "performer": [{**reference("Patient", consent.patient_id), "display": consent.signed_name}],
        "organization": [reference("Organization", consent.organization_id)],
        "policy": [{"uri": f"{POLICY}/{consent.template}"}],
        "provision": provision,
    }
    return [compact(resource)]


def _withdrawn(use: str, provision: Node) -> list[Withdrawal]:
    end = provision.field("period").maybe("end")
    return [Withdrawal(use, end.instant())] if end else []


def consent_from_resources(resources: list[Resource]) -> Consent:
    node = one_of_type(resources, "Consent")
    provision = node.field("provision")
    kind = [
        c for c in node.list("category") if first(c, "coding").field("system").value == CONSENT_KIND
    ]
    if not kind:
        raise node.field("category").fail(f"needs a code from {CONSENT_KIND}")
    policy = first(node, "policy").field("uri").text()
    if not policy.startswith(f"{POLICY}/"):
        raise first(node, "policy").field("uri").fail(f"must be {POLICY}/<form-version>")
    uses = [(first(p, "purpose").code(PHOTO_USE), p) for p in provision.list("provision")]
    end = provision.field("period").maybe("end")
    return Consent(
        id=node.field("id").text(),
        patient_id=node.field("patient").reference("Patient"),
        organization_id=first(node, "organization").reference("Organization"),
        kind=kind[0].code(CONSENT_KIND),
        template=policy.removeprefix(f"{POLICY}/"),
        signed_at=node.field("dateTime").instant(),
        signed_name=first(node, "performer").field("display").text(),
        photo_uses=tuple(use for use, _ in uses),
        withdrawals=tuple(w for use, p in uses for w in _withdrawn(use, p)),
        revoked_at=end.instant() if end else None,
    )
