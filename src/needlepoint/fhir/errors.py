"""The one error the mappers raise: a resource or an input they refuse, named by its path."""

from __future__ import annotations


class FhirMappingError(ValueError):
    """`path` is the FHIRPath-like location of the offending element (`Patient.gender`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
