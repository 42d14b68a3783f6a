"""Face landmarks (mediapipe face mesh, 478 points, model files inside the installed wheel)
and the head pose derived from them.

The model is loaded once per process, on first use, and guarded by a lock (a FaceMesh graph
is not safe to call from two threads at once). Nothing is downloaded: mediapipe 0.10.21
carries its `.tflite` files; see docs/adr/0008-imaging-dependencies.md.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from needlepoint.imaging.errors import LandmarkModelUnavailable

FloatArray = npt.NDArray[np.float64]

MEDIAPIPE_VERSION = "0.10.21"

# Anatomical landmark indices of the face mesh (patient's right = image left on a frontal,
# non-mirrored photo).
RIGHT_FACE_EDGE = 234
LEFT_FACE_EDGE = 454
FOREHEAD_TOP = 10
CHIN = 152

# Pairs of mirror-image landmarks (patient's right, patient's left) used for the head pose.
_SYMMETRIC_PAIRS = ((234, 454), (33, 263), (133, 362), (61, 291), (117, 346), (93, 323))


@dataclass(frozen=True)
class FaceLandmarks:
    """478 landmarks in pixel coordinates of the image they were found in.

    `points[:, 0:2]` are x, y (pixel edges at integers, so the first pixel's centre is at
    0.5); `points[:, 2]` is mediapipe's relative depth in the same pixel scale (smaller is
    nearer the camera).
    """

    points: FloatArray
    image_size: tuple[int, int]

    def xy(self) -> FloatArray:
        return self.points[:, :2]

    def scaled(self, factor: float, offset: tuple[float, float] = (0.0, 0.0)) -> FaceLandmarks:
        """The same landmarks in an image resampled by `factor` after cropping at `offset`."""
        points = self.points.copy()
        points[:, 0] = (points[:, 0] - offset[0]) * factor
        points[:, 1] = (points[:, 1] - offset[1]) * factor
        points[:, 2] = points[:, 2] * factor
        width, height = self.image_size
        return FaceLandmarks(points, (round(width * factor), round(height * factor)))

    def face_width(self) -> float:
        """Distance between the two face-edge landmarks at cheek level, in 3D (so it barely
        changes when the head turns): the face's scale."""
        return float(np.linalg.norm(self.points[LEFT_FACE_EDGE] - self.points[RIGHT_FACE_EDGE]))

    def to_json(self) -> list[list[float]]:
        """The points as [x, y, depth] rows, to a hundredth of a pixel."""
        return np.round(self.points, 2).tolist()  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, rows: list[list[float]], image_size: tuple[int, int]) -> FaceLandmarks:
        points = np.asarray(rows, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 3:
            raise ValueError("landmarks must be [x, y, depth] rows")
        return cls(points, image_size)

    def bounding_box(self) -> tuple[float, float, float, float]:
        xy = self.xy()
        return (
            float(xy[:, 0].min()),
            float(xy[:, 1].min()),
            float(xy[:, 0].max()),
            float(xy[:, 1].max()),
        )


@dataclass(frozen=True)
class HeadPose:
    """Head rotation from the landmarks, in degrees.

    yaw: positive when the head is turned to the patient's right, so that the patient's left
    cheek faces the camera (a left oblique view); pitch: positive when the chin is raised;
    roll: positive when the head tilts towards the patient's left shoulder (clockwise on
    the image).
    """

    yaw: float
    pitch: float
    roll: float

    @property
    def name(self) -> str:
        return pose_name(self.yaw)


POSES = ("frontal", "left_oblique", "right_oblique", "left_profile", "right_profile")
FRONTAL_MAX_YAW = 15.0
OBLIQUE_MAX_YAW = 60.0


def pose_name(yaw: float) -> str:
    """frontal (|yaw| < 15 deg), left/right oblique (to 60 deg), left/right profile beyond.
    "left" names the side of the patient's face shown to the camera."""
    side = "left" if yaw > 0 else "right"
    if abs(yaw) < FRONTAL_MAX_YAW:
        return "frontal"
    if abs(yaw) <= OBLIQUE_MAX_YAW:
        return f"{side}_oblique"
    return f"{side}_profile"


def head_pose(landmarks: FaceLandmarks) -> HeadPose:
    """Yaw, pitch and roll from a face frame built on the landmarks: the x axis through
    mirror-image pairs (patient's right to left), the y axis down the mid-line."""
    points = landmarks.points
    across = np.zeros(3)
    for right, left in _SYMMETRIC_PAIRS:
        across += points[left] - points[right]
    across /= np.linalg.norm(across)
    down = points[CHIN] - points[FOREHEAD_TOP]
    down = down - across * float(down @ across)
    down /= np.linalg.norm(down)
    # Looking at a frontal face, the patient's left is image right (+x) and depth grows away
    # from the camera (+z). Turning the head to the patient's right brings the left side
    # nearer: the across axis gains a negative depth component.
    yaw = math.degrees(math.atan2(-across[2], across[0]))
    roll = math.degrees(math.atan2(across[1], across[0]))
    pitch = _PITCH_LEVEL - math.degrees(math.atan2(down[2], down[1]))
    return HeadPose(yaw=yaw, pitch=pitch, roll=roll)


# On a level head the forehead-to-chin line of the mesh leans back by about this much (the
# chin sits deeper than the forehead top); measured on a frontal reference photo.
_PITCH_LEVEL = 9.5


# ---------------------------------------------------------------- the model


_lock = threading.Lock()
_mesh: Any = None


def _quiet_native_logging() -> None:
    # mediapipe's C++ side logs through absl/glog; keep it to errors.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _load_mesh() -> Any:
    global _mesh
    if _mesh is None:
        _quiet_native_logging()
        try:
            from mediapipe.python.solutions import face_mesh
        except ImportError as error:
            raise LandmarkModelUnavailable(
                f"the face-landmark model (mediapipe {MEDIAPIPE_VERSION}) is not installed: "
                f"run scripts/bootstrap ({error})"
            ) from None
        _mesh = face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=2,
            refine_landmarks=True,
            min_detection_confidence=0.5,
        )
    return _mesh


def model_available() -> bool:
    """True when the landmark model can be loaded (it is, once scripts/bootstrap has run)."""
    try:
        with _lock:
            _load_mesh()
    except LandmarkModelUnavailable:
        return False
    return True


def detect_faces(rgb: npt.NDArray[np.uint8]) -> list[FaceLandmarks]:
    """All faces (at most two) in an RGB image (H x W x 3, uint8), largest first."""
    height, width = rgb.shape[:2]
    with _lock:
        mesh = _load_mesh()
        result = mesh.process(np.ascontiguousarray(rgb))
    faces: list[FaceLandmarks] = []
    for face in result.multi_face_landmarks or []:
        points = np.array([(p.x * width, p.y * height, p.z * width) for p in face.landmark])
        faces.append(FaceLandmarks(points=points, image_size=(width, height)))
    faces.sort(key=lambda face: face.face_width(), reverse=True)
    return faces
