"""Named errors of the photo pipeline. Each carries a plain message meant for the person who
took or uploaded the photo; `code` is stable for programs (API problem types, tests)."""

from __future__ import annotations


class ImagingError(Exception):
    """Base class: a photo could not be used. `str(error)` is one plain sentence."""

    code = "imaging_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def reason(self) -> str:
        return str(self)


class ImageRejected(ImagingError):
    """The file is not a photo this pipeline accepts (too large, not an image, corrupt, ...).

    Codes: empty, too_large, too_many_pixels, too_small, not_an_image, extension_mismatch,
    truncated, corrupt, unsupported_mode, unreadable (a path that cannot be read).
    """

    code = "rejected"


class NoFaceFound(ImagingError):
    """The photo decoded, but no face could be measured in it."""

    code = "no_face"


class PoseMismatch(ImagingError):
    """Two photos to compare were taken from different angles."""

    code = "pose_mismatch"


class LandmarkModelUnavailable(ImagingError):
    """The face-landmark model (mediapipe 0.10.21) is not installed in this environment."""

    code = "model_unavailable"
