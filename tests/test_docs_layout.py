"""docs/development.md's layout names every package of the tree, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "needlepoint"


def _layout() -> str:
    text = (ROOT / "docs" / "development.md").read_text()
    return text.split("```", 2)[1]


def test_the_layout_lists_every_package_and_only_those() -> None:
    listed = set(re.findall(r"^  (\w+)/", _layout(), flags=re.MULTILINE))
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert listed == packages


def test_the_layouts_nested_packages_exist() -> None:
    nested = re.findall(r"^  (\w+)/.*\n((?:    .*\n)*)", _layout(), flags=re.MULTILINE)
    missing = [
        f"{parent}/{child}"
        for parent, block in nested
        for child in re.findall(r"^    (\w+)/", block, flags=re.MULTILINE)
        if not (PACKAGE / parent / child / "__init__.py").exists()
    ]
    assert missing == []
