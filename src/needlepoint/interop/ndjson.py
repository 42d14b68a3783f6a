"""FHIR resources as NDJSON files, the Bulk Data format: one `<Type>.ndjson` per resource type,
one resource a line, written as the resources come so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import orjson

from needlepoint.fhir.json import RESOURCE_TYPE, Resource

# The Unicode line and paragraph separators in UTF-8, and as JSON escapes.
_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def ndjson_line(resource: Resource) -> bytes:
    """The resource as one line of UTF-8 JSON; the Unicode line and paragraph separators
    (valid in JSON strings) escaped too, so no reader splits a resource in two."""
    line = orjson.dumps(resource)
    for raw, escaped in _SEPARATORS:
        line = line.replace(raw, escaped)
    return line + b"\n"


def write_ndjson(resources: Iterable[Resource], out_dir: Path) -> dict[str, int]:
    """Write `resources` into `out_dir`, a file per type made when its first resource comes
    (never over an existing file); how many resources of each type were written."""
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        files: dict[str, BinaryIO] = {}
        for resource in resources:
            kind = resource["resourceType"]
            file = files.get(kind)
            if file is None:
                if not RESOURCE_TYPE.fullmatch(kind):
                    raise ValueError(f"not a resource type: {kind!r}")
                path = out_dir / f"{kind}.ndjson"
                file = files[kind] = stack.enter_context(path.open("xb"))
                counts[kind] = 0
            file.write(ndjson_line(resource))
            counts[kind] += 1
    return counts
