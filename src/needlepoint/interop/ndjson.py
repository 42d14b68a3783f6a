"""FHIR resources as NDJSON files, the Bulk Data format: one `<Type>.ndjson` per resource type,
one resource a line, written as the resources come so memory stays flat."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from needlepoint.fhir.json import RESOURCE_TYPE, Resource


def ndjson_line(resource: Resource) -> str:
    """The resource as one line of UTF-8 JSON; the Unicode line and paragraph separators
    (valid in JSON strings) escaped too, so no reader splits a resource in two."""
    text = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def write_ndjson(resources: Iterable[Resource], out_dir: Path) -> dict[str, int]:
    """Write `resources` into `out_dir`, a file per type made when its first resource comes
    (never over an existing file); how many resources of each type were written."""
    counts: dict[str, int] = {}
    with ExitStack() as stack:
        files: dict[str, TextIO] = {}
        for resource in resources:
            kind = resource["resourceType"]
            file = files.get(kind)
            if file is None:
                if not RESOURCE_TYPE.fullmatch(kind):
                    raise ValueError(f"not a resource type: {kind!r}")
                path = out_dir / f"{kind}.ndjson"
                file = files[kind] = stack.enter_context(path.open("x", encoding="utf-8"))
                counts[kind] = 0
            file.write(ndjson_line(resource))
            counts[kind] += 1
    return counts
