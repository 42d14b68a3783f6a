"""Which tables hold patient data (tenant tables, distributed by clinic) and which are
reference or local tables, with why (ADR 25)."""

from __future__ import annotations

from django.apps import apps
from django.db import models

# Tables that are not a clinic's patient data, by model label (or whole app label).
REFERENCE = {
    "clinics.Clinic": "the tenant itself",
    "clinics.Staff": "a clinic's memberships, few; read by the signed-in user to find the "
    "clinic before any clinic is known (a reference table on Citus)",
    "accounts.User": "sign-in accounts, found by e-mail before the clinic is known",
    "accounts.ApiToken": "found by the token's digest before the clinic is known",
    "accounts.SignInLink": "found by the link's digest before the clinic is known",
    "accounts.User_groups": "Django's groups of users (unused)",
    "accounts.User_user_permissions": "Django's permissions of users (unused)",
    "safety.AuditChainHead": "one row per chain; names its clinic in `chain` (ADR 15): on "
    "Citus it gains a clinic_id and is distributed with the events",
    "auth": "Django's permissions and groups (unused)",
    "contenttypes": "Django's model registry",
    "sessions": "sign-in sessions (a user id, no record)",
    "axes": "sign-in attempts by address and account",
    "otp_totp": "staff two-factor devices, per user",
    "otp_static": "staff recovery codes, per user",
}

# Tenant tables whose clinic is not (yet) a non-null foreign key of their own.
CLINIC_EXCEPTIONS = {
    "safety.AuditEvent": "clinic_id is a plain column, empty for the system chain's events "
    "(ADR 15); on Citus those move to clinic 0 or a local table",
    "courses.Session_product_lots": "Django's link table of sessions and product lots; on "
    "Citus it becomes a model of its own with the session's clinic",
}


def _listed(model: type[models.Model], table: dict[str, str]) -> bool:
    return model._meta.label in table or model._meta.app_label in table


def tenant_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not _listed(model, REFERENCE)
    ]


def tenant_tables() -> set[str]:
    return {model._meta.db_table for model in tenant_models()}
