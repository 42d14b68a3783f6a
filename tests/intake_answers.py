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
    "hypertrophic_scar_history": False,
    "isotretinoin_months_ago": "never",
    "anticoagulants": False,
    "bleeding_disorder": False,
    "diabetes": "none",
    "immunosuppressed": False,
    "skin_condition_flare_in_area": False,
    "koebner_condition": False,
    "open_wound_or_sunburn_in_area": False,
    "filler_or_threads_in_area": False,
    "tattoo_or_permanent_makeup_in_area": False,
    "anaesthetic_allergy": False,
    "granulomatous_reaction_history": False,
    "metal_allergy": False,
    "implanted_electronic_device": False,
    "fitzpatrick": 2,
}

# The questions added by the clinical safety review, and an intake recorded before them.
SAFETY_REVIEW_QUESTIONS = (
    "hypertrophic_scar_history",
    "koebner_condition",
    "filler_or_threads_in_area",
    "tattoo_or_permanent_makeup_in_area",
    "granulomatous_reaction_history",
    "metal_allergy",
    "implanted_electronic_device",
)
BEFORE_SAFETY_REVIEW = {k: v for k, v in CLEAR.items() if k not in SAFETY_REVIEW_QUESTIONS}
