"""`needlepoint demo --sample-photos`: the sample series on the portal patient's course,
flagged as sample data, added once; without the option the demo has no photos."""

from __future__ import annotations

from needlepoint.cli.demo_data import seed_demo
from needlepoint.cli.demo_photos import OTHER_POSE
from needlepoint.photos.models import Photo


def test_sample_photos_are_added_once_flagged_and_only_when_asked(db, settings, tmp_path):
    settings.PHOTO_DIR = tmp_path / "photos"
    seed_demo("demo-password-1")
    assert not Photo.objects.exists()
    seed_demo("demo-password-1", sample_photos=True)
    photos = list(Photo.objects.order_by("captured_at"))
    seed_demo("demo-password-1", sample_photos=True)
    assert Photo.objects.count() == len(photos)
    assert {p.patient.user.email for p in photos} == {"patient@demo.needlepoint.test"}
    assert all(p.sample for p in photos)
    frontal = [p for p in photos if p.pose == "frontal"]
    assert frontal
    assert all(p.quality_passed for p in frontal)
    assert [p.session.number for p in frontal] == sorted(p.session.number for p in frontal)
    [other] = [p for p in photos if p.pose == OTHER_POSE]
    assert other.pose_confirmed
    assert other.captured_at > frontal[0].captured_at
