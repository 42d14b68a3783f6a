"""Intake answers for tests (plain data: the domain tests use them without a database), and
the intake form's fields that give them."""

from __future__ import annotations

from typing import Any

from needlepoint.cli.demo_answers import CLEAR_ANSWERS

# Every safety question answered and nothing to find (Fitzpatrick II).
CLEAR: dict[str, Any] = {"age": 30, **CLEAR_ANSWERS, "fitzpatrick": 2}

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


def intake_form_data(**changes: str) -> dict[str, str]:
    """The intake form's fields for CLEAR (a yes/no question is "yes" or "no")."""
    answers = {
        name: {True: "yes", False: "no"}.get(value, str(value))
        for name, value in CLEAR.items()
        if name != "isotretinoin_months_ago"
    }
    return {**answers, "isotretinoin_months_ago_never": "on", **changes}
