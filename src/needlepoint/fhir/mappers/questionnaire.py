"""The clinic's forms as Questionnaires (the medical-history intake, before a session, and the
recovery check-in) and each filled form as a QuestionnaireResponse."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir.codes import CANONICAL, identifier_system
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Node, Resource, compact, first, instant, one_of_type, reference

Answer = bool | int | float | str
KINDS = ("boolean", "integer", "decimal", "string", "open-choice")
AUTHORS = ("Practitioner", "Patient")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ANSWER_TYPES = ("valueBoolean", "valueInteger", "valueDecimal", "valueDate", "valueString")


@dataclass(frozen=True)
class FormItem:
    """`open-choice` is a choice of `options`, or (a date question) a date or an option."""

    link_id: str
    text: str
    kind: str
    options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FhirMappingError("Questionnaire.item.type", f"unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class FormResponse:
    """`version` numbers a patient's intakes; `procedure_id` is the session a check-in is
    about; `author` who filled it in: ("Practitioner", id) or ("Patient", id)."""

    id: str
    form: str
    patient_id: str
    author: tuple[str, str]
    authored: datetime
    answers: Mapping[str, Answer]
    version: int | None = None
    procedure_id: str | None = None

    def __post_init__(self) -> None:
        if self.author[0] not in AUTHORS:
            raise FhirMappingError("QuestionnaireResponse.author", "a Practitioner or the Patient")


def form_url(name: str) -> str:
    return f"{CANONICAL}/Questionnaire/{name}"


def form_resources(form: Form) -> list[Resource]:
    def item(entry: FormItem) -> Resource:
        options = [{"valueString": option} for option in entry.options]
        return compact(
            {
                "linkId": entry.link_id,
                "text": entry.text,
                "type": entry.kind,
                "answerOption": options,
            }
        )

    questionnaire = {
        "resourceType": "Questionnaire",
        "id": form.name,
        "url": form_url(form.name),
        "title": form.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [item(entry) for entry in form.items],
    }
    return [questionnaire]


def form_from_resources(resources: list[Resource]) -> Form:
    node = one_of_type(resources, "Questionnaire")
    return Form(
        name=node.field("id").text(),
        title=node.field("title").text(),
        items=tuple(
            FormItem(
                link_id=item.field("linkId").text(),
                text=item.field("text").text(),
                kind=item.field("type").one_of(KINDS),
                options=tuple(o.field("valueString").text() for o in item.list("answerOption")),
            )
            for item in node.list("item")
        ),
    )


def _answer(value: Answer) -> Resource:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueDate" if ISO_DATE.fullmatch(value) else "valueString": value}


def response_resources(response: FormResponse) -> list[Resource]:
    version = (
        {"system": identifier_system("intake-version"), "value": str(response.version)}
        if response.version is not None
        else None
    )
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": response.id,
        "identifier": version,
        "partOf": [reference("Procedure", response.procedure_id)] if response.procedure_id else [],
        "questionnaire": form_url(response.form),
        "status": "completed",
        "subject": reference("Patient", response.patient_id),
        "authored": instant(response.authored, "QuestionnaireResponse.authored"),
        "author": reference(*response.author),
        "item": [
            {"linkId": link_id, "answer": [_answer(value)]}
            for link_id, value in response.answers.items()
        ],
    }
    return [compact(resource)]


def _value(item: Node) -> Answer:
    answer = first(item, "answer")
    for name in ANSWER_TYPES:
        if answer.has(name):
            value = answer.field(name)
            if name == "valueBoolean":
                return value.boolean()
            if name == "valueInteger":
                return value.integer()
            return value.number() if name == "valueDecimal" else value.text()
    raise answer.fail(f"needs one of {', '.join(ANSWER_TYPES)}")


def response_from_resources(resources: list[Resource]) -> FormResponse:
    node = one_of_type(resources, "QuestionnaireResponse")
    url = node.field("questionnaire").text()
    if not url.startswith(form_url("")):
        raise node.field("questionnaire").fail(
            f"must be one of Needlepoint's: {form_url('<name>')}"
        )
    identifier = node.maybe("identifier")
    version = identifier.field("value").text() if identifier else None
    if version is not None and not version.isdigit():
        raise node.field("identifier").fail("an intake's version is a whole number")
    parts = node.list("partOf")
    return FormResponse(
        id=node.field("id").text(),
        form=url.removeprefix(form_url("")),
        patient_id=node.field("subject").reference("Patient"),
        author=node.field("author").typed_reference(*AUTHORS),
        authored=node.field("authored").instant(),
        answers={item.field("linkId").text(): _value(item) for item in node.list("item")},
        version=int(version) if version is not None else None,
        procedure_id=parts[0].reference("Procedure") if parts else None,
    )
