"""Request and response shapes of the API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from needlepoint.domain.knowledge.model.common import SKIN_TYPES

SexCode = Literal["female", "male", "other", "unknown"]


class Strict(Schema):
    """A request body that refuses fields it does not define."""

    model_config = ConfigDict(extra="forbid")


class PatientIn(Schema):
    model_config = ConfigDict(extra="forbid")

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date
    sex: SexCode
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=1000)
    fitzpatrick: int | None = Field(None, ge=SKIN_TYPES.min, le=SKIN_TYPES.max)
    preferred_language: str = Field("en", max_length=8)


class PatientPatch(Schema):
    """The fields to change; a field left out keeps its value, and only `fitzpatrick` may be
    set to null (not assessed)."""

    model_config = ConfigDict(extra="forbid")

    given_name: str | None = Field(None, min_length=1, max_length=100)
    family_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: date | None = None
    sex: SexCode | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=1000)
    fitzpatrick: int | None = Field(None, ge=SKIN_TYPES.min, le=SKIN_TYPES.max)
    preferred_language: str | None = Field(None, max_length=8)
    archived: bool | None = None

    @field_validator(
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "address",
        "preferred_language",
        "archived",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only on a field that was sent: an explicit null is refused, not stored.
        if value is None:
            raise ValueError("may not be null")
        return value


class PatientOut(Schema):
    id: uuid.UUID
    record_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    email: str
    phone: str
    address: str
    fitzpatrick: int | None
    preferred_language: str
    archived: bool
    has_portal_account: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_has_portal_account(obj: object) -> bool:
        return getattr(obj, "user_id", None) is not None


class PatientPageOut(Schema):
    items: list[PatientOut]
    count: int = Field(
        description="The patients matching; when `count_capped`, a lower bound: a search "
        "counts at most 1,000 matches past the start of its page"
    )
    count_capped: bool = Field(description="More patients match than `count`")
    page: int
    page_size: int
    pages: int = Field(description="The pages `count` fills")


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None


ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
