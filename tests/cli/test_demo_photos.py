"""`needlepoint demo --sample-photos`: the sample series on the portal patient's course,
flagged as sample data, added once; without the option the demo has no photos."""

from __future__ import annotations

from needlepoint.cli.demo_data import seed_demo
from needlepoint.cli.demo_photos import OTHER_POSE, seed_sample_photos
from needlepoint.clinics.models import Clinic
from needlepoint.photos.models import Photo


def test_sample_photos_are_added_once_flagged_and_only_when_asked(db, settings, tmp_path):
    settings.PHOTO_DIR = tmp_path / "photos"
    seed_demo("demo-password-1")
    assert not Photo.objects.exists()
    clinic = Clinic.objects.get(slug="demo")
    added = seed_sample_photos(clinic)
    photos = list(Photo.objects.order_by("captured_at"))
    assert added == len(photos) >= 2
    assert seed_sample_photos(clinic) == 0  # seeding again adds nothing
    assert {p.patient.user.email for p in photos} == {"patient@demo.needlepoint.test"}
    assert all(p.sample for p in photos)
    frontal = [p for p in photos if p.pose == "frontal"]
    assert all(p.quality_passed for p in frontal)
    assert [p.session.number for p in frontal] == sorted(p.session.number for p in frontal)
    reds = [p.analysis["zones"]["left_cheek"]["a"] for p in frontal]
    assert reds == sorted(reds, reverse=True)  # each later photo a little less red
    [other] = [p for p in photos if p.pose == OTHER_POSE]
    assert other.pose_confirmed
    assert other.captured_at > frontal[0].captured_at
