"""Named domain errors: the API turns them into 4xx responses, the CLI into one line and exit 2."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class InvalidInput(DomainError):
    """Input that breaks the expected shape; `field` is its path, e.g. `symptoms.redness`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field or 'input'}: {message}")
        self.field = field
        self.message = message


class KnowledgeError(DomainError):
    """A knowledge file, or a clinic's override of one, that is malformed or inconsistent."""

    def __init__(self, document: str, message: str) -> None:
        super().__init__(f"{document}: {message}")
        self.document = document
        self.message = message
