"""The NDJSON writer: a file per type, a resource a line, counts, never over a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from needlepoint.interop.ndjson import write_ndjson

RESOURCES = [
    {"resourceType": "Patient", "id": "a", "name": [{"text": "Zoë \u00e9\u2028"}]},
    {"resourceType": "Observation", "id": "b"},
    {"resourceType": "Patient", "id": "c"},
]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_each_type_gets_its_file_with_a_resource_a_line(tmp_path: Path) -> None:
    counts = write_ndjson(iter(RESOURCES), tmp_path)
    assert counts == {"Patient": 2, "Observation": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Observation.ndjson", "Patient.ndjson"]
    patients = [json.loads(line) for line in _lines(tmp_path / "Patient.ndjson")]
    assert patients == [RESOURCES[0], RESOURCES[2]]
    assert (tmp_path / "Patient.ndjson").read_text(encoding="utf-8").endswith("}\n")


def test_never_writes_over_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "Patient.ndjson").write_text("kept\n")
    with pytest.raises(FileExistsError):
        write_ndjson(RESOURCES, tmp_path)
    assert (tmp_path / "Patient.ndjson").read_text() == "kept\n"


def test_refuses_a_type_that_is_not_a_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a resource type"):
        write_ndjson([{"resourceType": "../Patient"}], tmp_path)
    assert list(tmp_path.iterdir()) == []
