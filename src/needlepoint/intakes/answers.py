"""Intake answers read from JSON at the edges (the API, the demo data): months since an event
count back from today in the clinic's time zone, and a refused answer names its question."""

from __future__ import annotations

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge, read_input
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.screening import Intake, parse_intake


def intake_from_json(actor: Actor, data: object) -> Intake:
    def parse(value: object, knowledge: Knowledge) -> Intake:
        return parse_intake(value, knowledge, actor.today)

    return read_input(parse, data, clinic_knowledge(actor.clinic))
