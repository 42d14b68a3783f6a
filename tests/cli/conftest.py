"""The demo clinic with every mapped resource type, for the FHIR commands."""

from tests.interop.conftest import demo

__all__ = ["demo"]
