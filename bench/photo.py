"""Time and peak memory to analyse a 12-megapixel photo, as ratios to a floor measured in the
same run: decoding the same JPEG and downscaling it for the landmark model (what any use of
the photo costs at least).

Targets: analysis time <= 2x the floor; peak memory <= 3x the decoded image (width x height x 3
bytes).

Peak memory is the growth of the process's resident set (VmHWM after resetting it through
/proc/self/clear_refs) over what it held before the step, so it counts Pillow's and the
model's native buffers too, not only Python objects.

Run from the repository root: `.venv/bin/python -m bench.photo [--runs N]`
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from bench.synthetic import astronaut
from needlepoint.imaging import analyze
from needlepoint.imaging.analysis import DEFAULT_SETTINGS

WIDTH, HEIGHT = 3000, 4000  # 12 MP, portrait, as a phone takes it


def make_photo() -> bytes:
    """A 12-MP JPEG: the astronaut enlarged to fill the frame's width (the face about 530 px
    wide), on a grey background, with sensor-like noise so it compresses like a photo."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    canvas.paste(astronaut(WIDTH / 512), (0, 400))
    pixels = np.asarray(canvas).astype(np.int16)
    noise = np.random.default_rng(1).normal(0, 3, pixels.shape).astype(np.int16)
    noisy = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def floor(data: bytes) -> None:
    """Decode and downscale as the pipeline does for the landmark model."""
    image = Image.open(io.BytesIO(data))
    image.load()
    factor = DEFAULT_SETTINGS.detect_long_side / max(image.size)
    size = (round(image.width * factor), round(image.height * factor))
    image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def analysis(data: bytes) -> None:
    result = analyze(data)
    assert result.face_found


_libc = ctypes.CDLL("libc.so.6")
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(step: Callable[[bytes], None], data: bytes) -> tuple[float, float]:
    """Seconds and peak resident-memory growth (bytes) of one call."""
    gc.collect()
    _libc.malloc_trim(0)
    _CLEAR_REFS.write_text("5")  # reset the high-water mark to the current resident set
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    step(data)
    elapsed = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    return elapsed, (peak - before) * 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    data = make_photo()
    decoded_bytes = WIDTH * HEIGHT * 3
    analysis(data)  # load the model and warm caches once, outside the timings
    floor(data)
    floor_times, floor_peaks, times, peaks = [], [], [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        seconds, peak = measure(floor, data)
        floor_times.append(seconds)
        floor_peaks.append(peak)
        seconds, peak = measure(analysis, data)
        times.append(seconds)
        peaks.append(peak)
    floor_time, analysis_time = statistics.median(floor_times), statistics.median(times)
    floor_peak, analysis_peak = statistics.median(floor_peaks), statistics.median(peaks)
    mb = 1024 * 1024
    size = f"{len(data) / mb:.1f} MB, decoded {decoded_bytes / mb:.1f} MB"
    floor_ms, analysis_ms = floor_time * 1e3, analysis_time * 1e3
    print(f"photo: {WIDTH}x{HEIGHT} JPEG, {size}")
    print(f"runs: {runs} (medians)")
    print(f"floor (decode + downscale): {floor_ms:6.1f} ms, peak +{floor_peak / mb:.1f} MB")
    print(f"analysis:                   {analysis_ms:6.1f} ms, peak +{analysis_peak / mb:.1f} MB")
    print(
        f"time ratio (analysis / floor):          {analysis_time / floor_time:5.2f}  (target <= 2)"
    )
    print(f"memory ratio (analysis peak / decoded): {analysis_peak / decoded_bytes:5.2f}  (<= 3)")
    print(f"memory ratio (floor peak / decoded):    {floor_peak / decoded_bytes:5.2f}")


if __name__ == "__main__":
    main()
