"""The demo's sample photos (`needlepoint demo --sample-photos`): a series made from the
public-domain astronaut portrait (`imaging.samples`), attached to the signed sessions of the
portal patient's course, each later photo a little less red so that the figures move, and one
photo of another pose so that the portal's progress view shows why it compares no such pair.
Every one is flagged as sample data. Seeding twice changes nothing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Count, Q
from PIL import Image

from needlepoint.cli.demo_clinical import practitioner_actor
from needlepoint.cli.demo_people import PORTAL_PATIENT, demo_patient
from needlepoint.clinics.models import Clinic
from needlepoint.courses.models import Course, Session
from needlepoint.imaging.samples import close_up_image
from needlepoint.photos.models import Photo
from needlepoint.photos.services import photo_upload

RED_STEP = 0.03  # each later session's photo: the red channel 3% lower than the one before
OTHER_POSE = "left_profile"  # the photo that may not be compared with the frontal ones


def sample_jpeg(step: int, taken: datetime) -> bytes:
    """The close-up with its red channel lowered `step` times, as a camera's JPEG that says
    when it was taken (local time and its UTC offset)."""
    pixels = np.asarray(close_up_image(), dtype=np.float32).copy()
    pixels[..., 0] *= 1 - RED_STEP * step
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    offset = taken.strftime("%z")
    sub[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def seed_sample_photos(clinic: Clinic) -> int:
    """Add the series to the portal patient's course with the most signed sessions (a
    completed one first): a frontal photo before each signed session, and one of another pose
    at the course's middle session (else its last signed one). Returns how many were added:
    none when the series is there already or no session is signed."""
    patient = demo_patient(clinic, PORTAL_PATIENT[1])
    if patient is None or Photo.objects.filter(patient=patient, sample=True).exists():
        return 0
    courses = (
        Course.objects.filter(clinic=clinic, patient=patient)
        .annotate(signed=Count("sessions", filter=Q(sessions__status=Session.Status.SIGNED)))
        .filter(signed__gt=0)
    )
    course = max(
        courses,
        key=lambda c: (c.status == Course.Status.COMPLETED, c.signed, c.created_at),
        default=None,
    )
    if course is None:
        return 0
    sessions = list(course.sessions.exclude(status=Session.Status.CANCELLED).order_by("number"))
    signed = [s for s in sessions if s.status == Session.Status.SIGNED]
    middle = sessions[(len(sessions) - 1) // 2]
    other_pose_at = middle if middle in signed else signed[-1]
    actor = practitioner_actor(clinic)
    zone = ZoneInfo(clinic.time_zone)
    added = 0
    for step, session in enumerate(signed):
        start = (session.started_at or session.scheduled_at).astimezone(zone)
        photo_upload(
            actor,
            sample_jpeg(step, start - timedelta(minutes=5)),
            f"sample-session-{session.number}.jpg",
            session_id=session.pk,
            pose="frontal",
            sample=True,
        )
        added += 1
        if session == other_pose_at:
            photo_upload(
                actor,
                sample_jpeg(step, start - timedelta(minutes=4)),
                f"sample-session-{session.number}-{OTHER_POSE}.jpg",
                session_id=session.pk,
                pose=OTHER_POSE,
                keep_anyway=True,  # the gate sees a frontal face: kept as named, and flagged
                sample=True,
            )
            added += 1
    return added
