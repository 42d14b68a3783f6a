"""`needlepoint photo analyze|compare`: JSON on stdout; bad input is one line on stderr and
exit code 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench.synthetic import astronaut, similarity_warp
from click.testing import CliRunner
from PIL import Image

from needlepoint.cli.main import cli

NEEDLEPOINT = str(Path(sys.executable).with_name("needlepoint"))


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from skimage import data

    folder = tmp_path_factory.mktemp("photos")
    face = astronaut(2)
    paths = {
        "face": folder / "baseline.jpg",
        "moved": folder / "followup.jpg",
        "coffee": folder / "coffee.png",
        "fake": folder / "photo.jpg",
        "cut": folder / "cut.jpg",
    }
    face.save(paths["face"], quality=95)
    similarity_warp(face, 0.9, 6.0, (30.0, -20.0)).save(paths["moved"], quality=95)
    Image.fromarray(data.coffee()).save(paths["coffee"])
    paths["fake"].write_text("<html>not a photo</html>")
    whole = paths["face"].read_bytes()
    paths["cut"].write_bytes(whole[: len(whole) // 3])
    return paths


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["photo", *args])


def test_analyze_prints_zones_and_quality(photos: dict[str, Path]) -> None:
    result = _run("analyze", str(photos["face"]))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["face_found"] is True
    assert data["pose"] == "frontal"
    assert {"passed", "instructions", "checks"} <= set(data["quality"])
    assert set(data["zones"]) == {
        "forehead", "left_cheek", "right_cheek", "nose", "chin", "perioral",
    }  # fmt: skip
    for zone in data["zones"].values():
        assert {"L", "a", "b", "ita_deg", "spot_count", "spot_area_fraction", "pixels"} <= set(zone)


def test_analyze_without_a_face_is_an_answer(photos: dict[str, Path]) -> None:
    result = _run("analyze", str(photos["coffee"]))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["face_found"] is False
    assert "no face" in data["reason"]


def test_compare_prints_the_transform_and_deltas(photos: dict[str, Path], tmp_path: Path) -> None:
    aligned = tmp_path / "aligned.png"
    result = _run("compare", str(photos["face"]), str(photos["moved"]), "--aligned", str(aligned))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["transform"]["scale"] == pytest.approx(1 / 0.9, rel=0.02)
    assert data["transform"]["rotation_deg"] == pytest.approx(-6.0, abs=1.0)
    assert {"tx", "ty"} <= set(data["transform"])
    assert {"delta_L", "delta_a", "delta_ita", "delta_spot_count"} <= set(data["zones"]["chin"])
    assert Image.open(aligned).size == Image.open(photos["face"]).size


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("analyze", "{fake}"), "photo.jpg: the file is not a JPEG, PNG or HEIC photo"),
        (("analyze", "{cut}"), "cut.jpg: the photo file is incomplete"),
        (("analyze", "{missing}"), "nothere.jpg: cannot read the file"),
        (("analyze", "{face}", "--pose", "upside_down"), "Invalid value for '--pose'"),
        (("analyze",), "Missing argument 'IMAGE'"),
        (("compare", "{face}", "{coffee}"), "coffee.png: follow-up: no face found"),
        (("compare", "{coffee}", "{face}"), "coffee.png: baseline: no face found"),
        (("compare", "{face}", "{fake}"), "the file is not a JPEG, PNG or HEIC photo"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    photos: dict[str, Path], args: tuple[str, ...], message: str
) -> None:
    names = {key: str(path) for key, path in photos.items()}
    names["missing"] = str(photos["face"].with_name("nothere.jpg"))
    result = _run(*(arg.format(**names) for arg in args))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("needlepoint: error: ")
    assert message in lines[0]


def test_the_installed_command_keeps_stderr_to_one_line(photos: dict[str, Path]) -> None:
    # The landmark model's native logging must not reach stderr either.
    completed = subprocess.run(
        [NEEDLEPOINT, "photo", "compare", str(photos["face"]), str(photos["coffee"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("needlepoint: error: ")
