"""`needlepoint photo analyze|compare`: JSON on stdout; bad input is one line on stderr and
exit code 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bench.synthetic import astronaut, relight, similarity_warp
from click.testing import CliRunner
from PIL import Image

from needlepoint.cli.main import cli
from needlepoint.imaging.colour import colorchecker_linear_srgb, linear_to_srgb

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


def _colour_card(width: int, height: int) -> Image.Image:
    """A ColorChecker Classic drawn from its published values, 6 x 4 patches."""
    linear = np.clip(colorchecker_linear_srgb(), 0, 1)
    patches = np.rint(linear_to_srgb(linear) * 255).astype(np.uint8).reshape(4, 6, 3)
    return Image.fromarray(patches).resize((width, height), Image.Resampling.NEAREST)


def test_a_colour_card_in_the_photo_cancels_a_colour_cast(tmp_path: Path) -> None:
    scene = astronaut(2)
    scene.paste(_colour_card(300, 200), (20, 800))
    corners = "20,800,320,800,320,1000,20,1000"
    neutral, cast = tmp_path / "neutral.png", tmp_path / "cast.png"
    scene.save(neutral)
    relight(scene, (1.15, 1.0, 0.75)).save(cast)  # warm light

    def forehead_a(path: Path, *card: str) -> float:
        result = _run("analyze", str(path), *card)
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["calibrated"] is bool(card)
        if card:
            assert data["calibration"]["patches"] >= 20
            assert data["calibration"]["residual_delta_e"] < 3.0
        return float(data["zones"]["forehead"]["a"])

    truth = forehead_a(neutral, "--card", corners)
    assert abs(forehead_a(cast) - truth) > 2.0  # the cast shifts raw redness (by about 3)
    assert forehead_a(cast, "--card", corners) == pytest.approx(truth, abs=1.0)


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ("1,2,3", "--card: give the four corners as eight numbers"),
        ("0,0,5000,0,5000,3000,0,3000", "--card: the card's corners lie outside the photo"),
    ],
)
def test_bad_card_corners_are_one_line_and_exit_2(
    photos: dict[str, Path], corners: str, message: str
) -> None:
    result = _run("analyze", str(photos["face"]), "--card", corners)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
