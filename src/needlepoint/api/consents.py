"""/api/v1/patients/{id}/consents, /api/v1/consents and /api/v1/consent-templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import Problem
from needlepoint.patients import consents, selectors
from needlepoint.patients.models import Consent, ConsentRevocation, ConsentTemplate

router = Router(tags=["consents"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

ConsentKindCode = Literal["treatment", "photo"]
PhotoUseCode = Literal["clinical_record", "teaching", "marketing"]


class ConsentTemplateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: ConsentKindCode
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000, description="Plain text")


class ConsentTemplateOut(Schema):
    id: int
    kind: str
    version: int
    title: str
    body: str
    active: bool
    created_at: datetime
    created_by: str

    @staticmethod
    def resolve_created_by(obj: ConsentTemplate) -> str:
        return obj.created_by.email


class ConsentTemplateFilter(Schema):
    kind: ConsentKindCode | None = None


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    template_id: int
    signed_name: str = Field(
        max_length=200,
        description="The typed signature: the patient's full name as on their record, or the "
        "representative's full name",
    )
    signer: Literal["patient", "representative"] = "patient"
    signer_relationship: str = Field(
        "", max_length=100, description="How a representative is related to the patient"
    )
    signature_drawing: str = Field(
        "",
        max_length=300_000,
        description="Optional drawn signature: a data:image/png;base64 URL of at most 200 kB",
    )
    photo_uses: list[PhotoUseCode] = Field(
        default_factory=list, description="Required for a photo consent, empty for treatment"
    )


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=2000, description="Required from staff")
    uses: list[PhotoUseCode] | None = Field(
        None, description="Photo consent: withdraw only these uses (default: the whole consent)"
    )


class RevocationOut(Schema):
    uses: list[str]
    reason: str
    revoked_at: datetime
    recorded_by: str

    @staticmethod
    def resolve_recorded_by(obj: ConsentRevocation) -> str:
        return obj.recorded_by.email


class ConsentOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    kind: str
    template_id: int
    template_version: int
    template_title: str
    signed_name: str
    signer: str
    signer_relationship: str
    countersigned_at: datetime | None
    has_signature_drawing: bool
    signed_at: datetime
    signed_ip: str | None
    photo_uses: list[str]
    uses_now: list[str]
    revoked_at: datetime | None
    revoked_reason: str
    recorded_by: str
    revocations: list[RevocationOut]

    @staticmethod
    def resolve_kind(obj: Consent) -> str:
        return obj.template.kind

    @staticmethod
    def resolve_template_version(obj: Consent) -> int:
        return obj.template.version

    @staticmethod
    def resolve_template_title(obj: Consent) -> str:
        return obj.template.title

    @staticmethod
    def resolve_has_signature_drawing(obj: Consent) -> bool:
        return bool(obj.signature_drawing)

    @staticmethod
    def resolve_recorded_by(obj: Consent) -> str:
        return obj.recorded_by.email

    @staticmethod
    def resolve_revocations(obj: Consent) -> list[ConsentRevocation]:
        return list(obj.revocations.all())


class ConsentStatusOut(Schema):
    treatment_consented: bool
    photo_uses: list[str] = Field(description="The photo uses consented now")
    treatment: ConsentOut | None = Field(description="The treatment consent in force")
    photo: ConsentOut | None = Field(description="The photo consent in force")
    consents: list[ConsentOut] = Field(description="Every consent, newest first")


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: behind a reverse proxy, the proxy must set it to the client's address.
    return request.META.get("REMOTE_ADDR") or None


@router.get(
    "/patients/{patient_id}/consents",
    response={200: ConsentStatusOut, **ERRORS},
    summary="A patient's consents and what is consented now",
)
def consent_list(request: HttpRequest, patient_id: str) -> dict[str, object]:
    status = selectors.access_consents(request_actor(request), patient_id)
    return {
        "treatment_consented": status.treatment_consented,
        "photo_uses": list(status.photo_uses),
        "treatment": status.treatment,
        "photo": status.photo,
        "consents": status.consents,
    }


@router.post(
    "/patients/{patient_id}/consents",
    response={201: ConsentOut, **ERRORS},
    summary="Record a patient's signature on the active version of a consent template",
)
def consent_sign(request: HttpRequest, patient_id: str, payload: ConsentIn) -> Status[Consent]:
    consent = consents.consent_sign(
        request_actor(request),
        patient_id,
        payload.template_id,
        signed_name=payload.signed_name,
        signature_drawing=payload.signature_drawing,
        photo_uses=payload.photo_uses,
        ip=_client_ip(request),
        signer=payload.signer,
        signer_relationship=payload.signer_relationship,
    )
    return Status(201, consent)


@router.post(
    "/consents/{consent_id}/countersign",
    response={200: ConsentOut, **ERRORS},
    summary="Countersign a consent as the practitioner",
)
def consent_countersign(request: HttpRequest, consent_id: str) -> Consent:
    return consents.consent_countersign(request_actor(request), consent_id)


@router.post(
    "/consents/{consent_id}/revoke",
    response={200: ConsentOut, **ERRORS},
    summary="Withdraw a consent, or some uses of a photo consent",
)
def consent_revoke(request: HttpRequest, consent_id: str, payload: RevokeIn) -> Consent:
    return consents.consent_revoke(
        request_actor(request), consent_id, payload.reason, uses=payload.uses
    )


@router.get(
    "/consent-templates",
    response={200: list[ConsentTemplateOut], **ERRORS},
    summary="The clinic's consent templates, newest version first",
)
def consent_template_list(
    request: HttpRequest, filters: Query[ConsentTemplateFilter]
) -> list[ConsentTemplate]:
    return list(selectors.consent_template_list(request_actor(request), filters.kind))


@router.post(
    "/consent-templates",
    response={201: ConsentTemplateOut, **ERRORS},
    summary="Publish a new version of a consent template (clinic admins)",
)
def consent_template_publish(
    request: HttpRequest, payload: ConsentTemplateIn
) -> Status[ConsentTemplate]:
    template = consents.consent_template_publish(
        request_actor(request), payload.kind, payload.title, payload.body
    )
    return Status(201, template)
