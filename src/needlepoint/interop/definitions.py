"""Needlepoint's definitions as resources: its CodeSystems and the Questionnaires of its
forms. They hold no patient data: the server publishes the shipped ones to anyone, so that
every code and form an export uses resolves at its canonical URL."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404

from needlepoint.domain.knowledge import Knowledge, load_knowledge
from needlepoint.fhir.codesystems import code_system_resources
from needlepoint.fhir.json import Resource
from needlepoint.fhir.mapping import to_resources
from needlepoint.interop.forms import forms
from needlepoint.interop.vocabulary import app_concepts

DEFINITION_TYPES = ("CodeSystem", "Questionnaire")


def code_systems(knowledge: Knowledge) -> Iterator[Resource]:
    return code_system_resources(app_concepts(knowledge))


def questionnaires(knowledge: Knowledge) -> Iterator[Resource]:
    for form in forms(knowledge):
        yield from to_resources(form)


def definition(resource_type: str, resource_id: str) -> Resource:
    """One of the shipped CodeSystems or Questionnaires, by id; else 404."""
    knowledge = load_knowledge()
    found = code_systems(knowledge) if resource_type == "CodeSystem" else questionnaires(knowledge)
    for resource in found:
        if resource["id"] == resource_id:
            return resource
    raise Http404(f"No such {resource_type}.")
