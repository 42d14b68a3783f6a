"""Photo subcommands: `photo analyze IMAGE` and `photo compare BASELINE FOLLOWUP`.

Both print JSON on stdout. A file that is not a usable photo (missing, not an image,
truncated, too large) prints one line, `needlepoint: error: FILE: reason`, on stderr and exits
with code 2. `analyze` on a photo without a face prints `face_found: false` with the reason
and exits 0; `compare` exits 2 naming the photo without a face.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np
from PIL import Image

from needlepoint.cli.rules import InputError, RulesCommand
from needlepoint.imaging import (
    POSES,
    ZONES,
    ColourCorrection,
    ImagingError,
    Similarity,
    analyze,
    compare,
    fit_colour_correction,
    open_image,
    sample_card,
    warp_onto,
)


@contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """The landmark model's native code writes log lines straight to file descriptor 2;
    keep them out of the command's one-line error convention."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _print_json(result: object) -> None:
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


reference_zone_option = click.option(
    "--reference-zone",
    type=click.Choice(ZONES),
    default="forehead",
    show_default=True,
    help="The zone that redness (a_vs_reference) is measured against.",
)


@click.group()
def photo() -> None:
    """Objective photo metrics per facial zone (for documentation; not a diagnosis)."""


@photo.command("analyze", cls=RulesCommand)
@click.argument("image", metavar="IMAGE")
@click.option(
    "--pose",
    "expected_pose",
    type=click.Choice(POSES),
    help="The pose the photo should show; a different one fails the quality gate.",
)
@reference_zone_option
@click.option(
    "--card",
    metavar="X,Y,X,Y,X,Y,X,Y",
    help="Calibrate colour with a ColorChecker Classic in the photo: the card's four outer "
    "corners in pixels (top-left, top-right, bottom-right, bottom-left as the card reads).",
)
def analyze_command(
    image: str, expected_pose: str | None, reference_zone: str, card: str | None
) -> None:
    """Quality, pose and per-zone CIELAB, ITA and dark-spot metrics of a JPEG, PNG or HEIC
    photo."""
    corners = _card_corners(card) if card is not None else None
    try:
        photo = open_image(Path(image).read_bytes(), Path(image).name)
        correction = _card_correction(photo.image, corners) if corners else None
        with _quiet_native_stderr():
            result = analyze(
                photo,
                expected_pose=expected_pose,
                reference_zone=reference_zone,
                correction=correction,
            )
    except OSError as error:
        raise InputError(f"{image}: cannot read the file ({error.strerror or error})") from None
    except ImagingError as error:
        raise InputError(f"{image}: {error}") from None
    data = result.to_json()
    if correction is not None:
        data["calibration"] = {
            "patches": correction.patches,
            "residual_delta_e": round(correction.residual_delta_e, 2),
        }
    _print_json(data)


def _card_corners(text: str) -> tuple[tuple[float, float], ...]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 8:
        raise InputError("--card: give the four corners as eight numbers, X,Y,X,Y,X,Y,X,Y")
    return tuple((values[i], values[i + 1]) for i in range(0, 8, 2))


def _card_correction(
    image: Image.Image, corners: tuple[tuple[float, float], ...]
) -> ColourCorrection:
    try:
        return fit_colour_correction(sample_card(np.asarray(image), corners))
    except ValueError as error:
        raise InputError(f"--card: {error}") from None


@photo.command("compare", cls=RulesCommand)
@click.argument("baseline", metavar="BASELINE")
@click.argument("followup", metavar="FOLLOWUP")
@reference_zone_option
@click.option(
    "--aligned",
    "aligned_path",
    metavar="FILE",
    help="Also write the follow-up registered onto the baseline (PNG or JPEG by extension).",
)
def compare_command(
    baseline: str, followup: str, reference_zone: str, aligned_path: str | None
) -> None:
    """Change per zone of FOLLOWUP relative to BASELINE (same patient, same pose), and the
    transform that registers the follow-up onto the baseline."""
    try:
        with _quiet_native_stderr():
            first = analyze(Path(baseline), reference_zone=reference_zone)
            if not first.face_found:
                raise InputError(f"{baseline}: baseline: {first.reason}")
            second = analyze(Path(followup), reference_zone=reference_zone)
            if not second.face_found:
                raise InputError(f"{followup}: follow-up: {second.reason}")
            result = compare(first, second)
    except ImagingError as error:
        raise InputError(str(error)) from None
    if aligned_path is not None:
        _write_aligned(baseline, followup, result.transform, aligned_path)
    _print_json(result.to_json())


def _write_aligned(baseline: str, followup: str, transform: Similarity, target: str) -> None:
    try:
        base = open_image(Path(baseline).read_bytes(), Path(baseline).name).image
        moving = open_image(Path(followup).read_bytes(), Path(followup).name).image
        aligned: Image.Image = warp_onto(moving, transform, base.size)
        aligned.save(target)
    except (OSError, ValueError, ImagingError) as error:
        raise InputError(f"{target}: cannot write the aligned photo ({error})") from None


COMMANDS = [photo]
