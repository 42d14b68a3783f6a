"""What a refused request must leave as it was: every row of the tenant's tables. The audit
trail (a refusal is recorded there), and the accounts and sign-in tables (the matrix's own
sign-ins write them), are not part of it."""

from __future__ import annotations

from typing import Any

from django.apps import apps

NOT_TENANT_DATA = {"safety.AuditEvent", "safety.AuditChainHead"}


def tenant_state() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model.__module__.startswith("needlepoint.")
        and model._meta.app_label != "accounts"
        and model._meta.label not in NOT_TENANT_DATA
    }


def changed_tables(before: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    after = tenant_state()
    return sorted(label for label in before if before[label] != after[label])
