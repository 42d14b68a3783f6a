"""sources.toml: the sources every other document cites, and the check that a citation
names one of them."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.common import Source
from needlepoint.domain.knowledge.reading.common import Document, list_of
from needlepoint.domain.parsing import Fields, as_choice, as_str, field_path

SOURCE_KINDS = ("seed", "paper", "regulatory", "secondary", "summary", "clinic")


def read_sources(document: Document) -> dict[str, Source]:
    sources = {}
    for source_id, value in document.items():
        fields = Fields(value, source_id, required=("kind", "citation"))
        sources[source_id] = Source(
            id=source_id,
            kind=fields.read("kind", as_choice, SOURCE_KINDS),
            citation=fields.read("citation", as_str),
        )
    return sources


@dataclass(frozen=True)
class Cite:
    """Reads a `sources` field: a non-empty list of known source ids
    (`fields.read("sources", cite)`)."""

    source_ids: frozenset[str]

    def __call__(self, value: object, path: str) -> tuple[str, ...]:
        ids = list_of(value, path, as_str)
        if not ids:
            raise InvalidInput(path, "must cite at least one source")
        for index, source_id in enumerate(ids):
            if source_id not in self.source_ids:
                raise InvalidInput(field_path(path, index), f"unknown source id {source_id!r}")
        return ids
