"""/api/v1/patients: the patient registry."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, PatientIn, PatientOut, PatientPageOut, PatientPatch
from needlepoint.patients import selectors, services
from needlepoint.patients.models import Patient

router = Router(tags=["patients"])


class PatientFilter(Schema):
    q: str = Field("", max_length=100, description="Name, record number, e-mail or phone")
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE, description="Past the last: the last")
    page_size: int = Field(25, ge=1, le=selectors.MAX_PAGE_SIZE)
    include_archived: bool = False


@router.get("/patients", response={200: PatientPageOut, **ERRORS}, summary="Search patients")
def patient_list(request: HttpRequest, filters: Query[PatientFilter]) -> PatientPageOut:
    page = selectors.access_patients(
        request_actor(request),
        filters.q,
        page=filters.page,
        page_size=filters.page_size,
        include_archived=filters.include_archived,
    )
    return PatientPageOut(
        items=[PatientOut.from_orm(p) for p in page.patients],
        count=page.count,
        count_capped=page.count_capped,
        page=page.page,
        page_size=page.page_size,
        pages=page.pages,
    )


@router.post("/patients", response={201: PatientOut, **ERRORS}, summary="Register a patient")
def patient_create(request: HttpRequest, payload: PatientIn) -> Status[Patient]:
    return Status(201, services.patient_create(request_actor(request), **payload.dict()))


@router.get(
    "/patients/{patient_id}", response={200: PatientOut, **ERRORS}, summary="Read a patient"
)
def patient_read(request: HttpRequest, patient_id: str) -> Patient:
    return selectors.access_patient(request_actor(request), patient_id)


@router.patch(
    "/patients/{patient_id}", response={200: PatientOut, **ERRORS}, summary="Update a patient"
)
def patient_update(request: HttpRequest, patient_id: str, payload: PatientPatch) -> Patient:
    changes = payload.dict(exclude_unset=True)
    return services.patient_update(request_actor(request), patient_id, **changes)
