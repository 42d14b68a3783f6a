"""Clinical knowledge as data: the TOML files beside this module, loaded into typed objects."""

from needlepoint.domain.knowledge.loader import build_knowledge, load_knowledge, read_documents
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.overrides import ClinicOverrides, merge_overrides, parse_overrides

__all__ = [
    "ClinicOverrides",
    "Knowledge",
    "build_knowledge",
    "load_knowledge",
    "merge_overrides",
    "parse_overrides",
    "read_documents",
]
