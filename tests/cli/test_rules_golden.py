"""Golden cases: each file in golden/ holds the CLI arguments, the JSON input and the output.

To refresh the outputs after a deliberate change of knowledge or rules, run with
NEEDLEPOINT_UPDATE_GOLDEN=1 and review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from needlepoint.cli.main import cli

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))


def test_there_are_golden_cases_for_every_subcommand() -> None:
    commands = {json.loads(case.read_text(encoding="utf-8"))["args"][0] for case in CASES}
    assert commands == {"screen", "score", "plan", "aftercare", "triage"}


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_golden_case(case: Path) -> None:
    golden = json.loads(case.read_text(encoding="utf-8"))
    stdin = None if golden.get("input") is None else json.dumps(golden["input"])
    result = CliRunner().invoke(cli, golden["args"], input=stdin)
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    if os.environ.get("NEEDLEPOINT_UPDATE_GOLDEN") == "1":
        golden["output"] = output
        case.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert output == golden["output"]
