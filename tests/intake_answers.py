"""Intake answers for tests (plain data: the domain tests use them without a database)."""

from __future__ import annotations

from typing import Any

# Every safety question answered and nothing to find (Fitzpatrick II).
CLEAR: dict[str, Any] = {
    "age": 30,
    "pregnant": False,
    "breastfeeding": False,
    "active_acne_in_area": False,
    "active_infection_in_area": False,
    "herpes_simplex_history": False,
    "keloid_history": False,
    "isotretinoin_months_ago": None,
    "anticoagulants": False,
    "bleeding_disorder": False,
    "diabetes": "none",
    "immunosuppressed": False,
    "skin_condition_flare_in_area": False,
    "open_wound_or_sunburn_in_area": False,
    "anaesthetic_allergy": False,
    "fitzpatrick": 2,
}
