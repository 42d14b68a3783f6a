"""The typed form of aftercare.toml: timed instructions and their windows."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence


@dataclass(frozen=True)
class Window:
    """When an instruction applies: from hours after the session until hours after it, or,
    for an instruction that runs with the course, until months after its last session."""

    starts_after_hours: float
    ends_after_hours: float | None = None
    ends_months_after_course: int | None = None


CLINIC_CONTACT = "{clinic}"  # in an aftercare text: "the clinic on PHONE", or "the clinic"


@dataclass(frozen=True)
class AftercareInstruction:
    """`sun`: starts no earlier than the next morning when the session ended after sunset.
    `announce_end`: False for an instruction whose end is never announced (no "ends now"
    e-mail or reminder, no end date shown to the patient); its text says how long it lasts.
    The text may name the clinic's contact as `CLINIC_CONTACT`."""

    code: str
    title: str
    text: str
    window: Window
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
    sun: bool = False
    announce_end: bool = True


@dataclass(frozen=True)
class AfterSunset:
    """Sun items of a session that ended in the dark start at `morning_hour` (clinic-local)
    the next morning; `evening_hour` stands for sunset where the clinic's location is unknown."""

    morning_hour: int
    evening_hour: int
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
