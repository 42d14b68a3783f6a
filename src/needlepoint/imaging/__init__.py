"""Photos with objective metrics: safe ingest, quality gate, face landmarks and zones,
aligned before/after, redness and pigmentation per zone.

A pure package (numpy, Pillow and the offline face-landmark model; no Django). The figures are
for documentation and comparison of photos of one patient, shown with their basis; they are
not a diagnosis or a scar grade. See docs/imaging.md.

    photo = ingest(data, "IMG_0042.HEIC")          # ImageRejected(reason) if unusable
    result = analyze(photo)                        # Analysis; result.to_json()
    change = compare(baseline_photo, followup_photo)   # Comparison
    overlay = align(baseline_photo, followup_photo)    # follow-up in the baseline's frame
"""

from needlepoint.imaging.align import Similarity, estimate_similarity, warp_onto
from needlepoint.imaging.analysis import (
    Analysis,
    AnalysisSettings,
    Comparison,
    ImageInput,
    Series,
    ZoneDelta,
    ZoneMetrics,
    align,
    analyze,
    compare,
    locate_face,
    series,
)
from needlepoint.imaging.colour import ColourCorrection, fit_colour_correction, sample_card
from needlepoint.imaging.errors import (
    ImageRejected,
    ImagingError,
    LandmarkModelUnavailable,
    NoFaceFound,
    PoseMismatch,
)
from needlepoint.imaging.ingest import (
    CaptureTime,
    DecodedPhoto,
    IngestedImage,
    IngestLimits,
    ingest,
    open_image,
)
from needlepoint.imaging.landmarks import POSES, FaceLandmarks, HeadPose
from needlepoint.imaging.quality import QualityCheck, QualityLimits, QualityReport
from needlepoint.imaging.serialization import to_json
from needlepoint.imaging.zones import ZONES

__all__ = [
    "POSES",
    "ZONES",
    "Analysis",
    "AnalysisSettings",
    "CaptureTime",
    "ColourCorrection",
    "Comparison",
    "DecodedPhoto",
    "FaceLandmarks",
    "HeadPose",
    "ImageInput",
    "ImageRejected",
    "ImagingError",
    "IngestLimits",
    "IngestedImage",
    "LandmarkModelUnavailable",
    "NoFaceFound",
    "PoseMismatch",
    "QualityCheck",
    "QualityLimits",
    "QualityReport",
    "Series",
    "Similarity",
    "ZoneDelta",
    "ZoneMetrics",
    "align",
    "analyze",
    "compare",
    "estimate_similarity",
    "fit_colour_correction",
    "ingest",
    "locate_face",
    "open_image",
    "sample_card",
    "series",
    "to_json",
    "warp_onto",
]
