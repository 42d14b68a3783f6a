"""The intake answers the demo patients give (plain data, also the tests' clear intake):
every safety question answered and nothing to find. Age and skin type come from the patient."""

from __future__ import annotations

from typing import Any

CLEAR_ANSWERS: dict[str, Any] = {
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
}
