"""Every table of patient data carries its clinic, and its keys and indexes lead with it, so
the schema distributes by clinic (ADR 25). A new model fails here until it has a clinic or
is listed, with why, in `tenancy.py`."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.db.models.expressions import Col, F

from needlepoint.clinics.models import Clinic
from tests.distribution.tenancy import CLINIC_EXCEPTIONS, REFERENCE, tenant_models

# Keys and indexes of tenant tables that do not lead with the clinic, by (model, name).
NOT_LEADING = {
    ("notify.OutboxMessage", "status+created_at"): "the mail worker drains every clinic's "
    "outbox; on Citus a query across shards, which a queue may be",
    ("courses.Session_product_lots", "session+lot"): "Django's link table (see CLINIC_EXCEPTIONS)",
}
# Single-column unique fields of tenant tables. Citus enforces uniqueness only with the
# distribution column, so each becomes (clinic_id, field) there or moves (ADR 25).
UNIQUE_FIELDS = {
    ("clinics.Staff", "user"): "one membership per user; a reference table",
    ("patients.Patient", "user"): "one record per portal account; unique with the clinic on "
    "Citus, accounts stay one per e-mail",
    ("intakes.Screening", "intake"): "one-to-one with a row of the same clinic",
    ("intakes.Override", "screening"): "one-to-one with a row of the same clinic",
    ("checkins.Alert", "checkin"): "one-to-one with a row of the same clinic",
    ("notify.MailPreference", "patient"): "its primary key is the patient's",
    ("notify.CalendarFeed", "token_digest"): "found by the feed's secret address alone",
    ("scheduling.StaffCalendarFeed", "token_digest"): "found by the feed's secret address alone",
    ("photos.Photo", "file_name"): "a random internal name",
    ("safety.AuditEvent", "hash"): "a MAC; unique by construction",
}


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def test_every_listed_table_exists() -> None:
    labels = {_label(m) for m in apps.get_models(include_auto_created=True)}
    app_labels = {config.label for config in apps.get_app_configs()}
    listed = {*REFERENCE, *CLINIC_EXCEPTIONS, *(m for m, _ in NOT_LEADING | UNIQUE_FIELDS)}
    assert not {name for name in listed if name not in labels | app_labels}


@pytest.mark.parametrize("model", tenant_models(), ids=_label)
def test_each_table_of_patient_data_carries_its_clinic(model: type[models.Model]) -> None:
    if _label(model) in CLINIC_EXCEPTIONS:
        assert any(f.column == "clinic_id" for f in model._meta.concrete_fields) or (
            model._meta.auto_created
        )
        return
    field = model._meta.get_field("clinic")
    assert isinstance(field, models.ForeignKey)
    assert field.related_model is Clinic
    assert not field.null


def _leading(fields: tuple[str, ...] | list[str], expressions: tuple[object, ...]) -> str:
    if fields:
        return fields[0].lstrip("-")
    for node in expressions[0].flatten():  # type: ignore[attr-defined]
        if isinstance(node, F):
            return node.name
        if isinstance(node, Col):
            return node.target.name
    return ""


def _keys(model: type[models.Model]) -> list[tuple[str, str]]:
    """(name, leading field) of every declared index and unique constraint."""
    meta = model._meta
    keys = [("+".join(i.fields) or i.name, _leading(i.fields, i.expressions)) for i in meta.indexes]
    keys += [
        ("+".join(c.fields) or c.name, _leading(c.fields, c.expressions))
        for c in meta.constraints
        if isinstance(c, models.UniqueConstraint)
    ]
    keys += [("+".join(fields), fields[0]) for fields in meta.unique_together]
    return keys


@pytest.mark.parametrize("model", tenant_models(), ids=_label)
def test_keys_and_indexes_lead_with_the_clinic(model: type[models.Model]) -> None:
    """Foreign keys' own indexes and the primary key are left to ADR 25 (on Citus the keys
    become (clinic_id, id) and the foreign keys carry the clinic)."""
    strays = [
        name
        for name, first in _keys(model)
        if first not in ("clinic", "clinic_id") and (_label(model), name) not in NOT_LEADING
    ]
    assert not strays, f"{_label(model)}: {strays} do not lead with the clinic"


@pytest.mark.parametrize("model", tenant_models(), ids=_label)
def test_unique_fields_of_tenant_tables_are_listed(model: type[models.Model]) -> None:
    unique = [
        f.name
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and (_label(model), f.name) not in UNIQUE_FIELDS
    ]
    assert not unique, f"{_label(model)}: unique without the clinic: {unique}"
