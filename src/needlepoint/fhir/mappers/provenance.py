"""Who recorded what: a Provenance naming the resources made from one record, when it was
recorded, and its agents (the author; for a signed chart, the practitioner who signed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir.codes import DATA_OPERATION, PROVENANCE_AGENT_TYPE, concept
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource, instant, one_of_type, reference

ROLES = ("author", "attester", "enterer")
AGENTS = ("Practitioner", "Patient")


@dataclass(frozen=True)
class Agent:
    role: str
    who: tuple[str, str]

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise FhirMappingError("Provenance.agent.type", f"one of {', '.join(ROLES)}")


@dataclass(frozen=True)
class Record:
    id: str
    targets: tuple[tuple[str, str], ...]
    recorded: datetime
    agents: tuple[Agent, ...]

    def __post_init__(self) -> None:
        if not self.targets or not self.agents:
            raise FhirMappingError("Provenance", "names at least one target and one agent")


def provenance_resources(record: Record) -> list[Resource]:
    provenance = {
        "resourceType": "Provenance",
        "id": record.id,
        "target": [reference(*target) for target in record.targets],
        "recorded": instant(record.recorded, "Provenance.recorded"),
        "activity": concept(DATA_OPERATION, "CREATE"),
        "agent": [
            {"type": concept(PROVENANCE_AGENT_TYPE, agent.role), "who": reference(*agent.who)}
            for agent in record.agents
        ],
    }
    return [provenance]


def provenance_from_resources(resources: list[Resource]) -> Record:
    node = one_of_type(resources, "Provenance")
    return Record(
        id=node.field("id").text(),
        targets=tuple(target.typed_reference() for target in node.list("target")),
        recorded=node.field("recorded").instant(),
        agents=tuple(
            Agent(
                role=agent.field("type").code(PROVENANCE_AGENT_TYPE),
                who=agent.field("who").typed_reference(*AGENTS),
            )
            for agent in node.list("agent")
        ),
    )
