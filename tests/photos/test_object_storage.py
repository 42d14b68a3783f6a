"""Photos in S3-compatible object storage (`NEEDLEPOINT_S3_BUCKET`), against a local
S3-compatible server (moto's, started here on a free port): the files go to the bucket and
not the app host, stay private, and are served only through the app's checked, audited
views, and the patient's export carries them."""

from __future__ import annotations

import io
import socket
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from needlepoint.config.environment import photo_storage
from needlepoint.imaging import ingest
from needlepoint.photos import storage
from needlepoint.photos.models import Photo
from needlepoint.photos.services import photo_upload
from needlepoint.records.export import access_patient_export
from needlepoint.safety.models import AuditEvent
from tests.clinical_data import treated_session
from tests.conftest import as_actor, signed_in
from tests.photos import helpers

BUCKET = "needlepoint-photos"
CREDENTIALS = {"NEEDLEPOINT_S3_ACCESS_KEY_ID": "test", "NEEDLEPOINT_S3_SECRET_ACCESS_KEY": "test"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """The photos storage as the environment configures it for a bucket, and the bucket."""
    settings.PHOTO_DIR = tmp_path / "photos"
    for variable, value in {
        **CREDENTIALS,
        "NEEDLEPOINT_S3_BUCKET": BUCKET,
        "NEEDLEPOINT_S3_ENDPOINT_URL": s3_endpoint,
        "NEEDLEPOINT_S3_REGION": "eu-west-2",
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "photos": photo_storage()}
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def photo(practitioner: Any, admin: Any, patient: Any, bucket: Any) -> Photo:
    session = treated_session(as_actor(practitioner), patient.pk)
    helpers.photo_consent(admin, patient)
    return photo_upload(
        as_actor(practitioner), helpers.close_up(), "cheek.jpg", session_id=session.pk
    )


def _keys(client: Any) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_without_a_bucket_photos_stay_in_the_photo_directory(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NEEDLEPOINT_S3_BUCKET", raising=False)
    assert photo_storage() == {"BACKEND": "needlepoint.photos.storage.PhotoDirectory"}


def test_a_photo_is_a_private_object_in_the_bucket_not_a_file_on_the_host(  # type: ignore[no-untyped-def]
    photo, bucket, settings
):
    assert _keys(bucket) == [f"photos/{photo.file_name}"]
    assert not (settings.PHOTO_DIR / photo.file_name).exists()
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=f"photos/{photo.file_name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"  # the owner, nobody else
    stored = bucket.get_object(Bucket=BUCKET, Key=f"photos/{photo.file_name}")
    assert stored["Body"].read() == storage.read(photo.file_name)
    assert stored["CacheControl"] == "private, no-store"


def test_the_app_serves_the_object_through_its_audited_view(photo, practitioner, bucket):  # type: ignore[no-untyped-def]
    response = signed_in(practitioner).get(f"/photos/{photo.pk}/image.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == storage.read(photo.file_name)
    assert AuditEvent.objects.filter(action="photo.image").count() == 1


def test_the_patients_export_carries_the_photo_from_the_bucket(photo, admin, bucket):  # type: ignore[no-untyped-def]
    export = access_patient_export(as_actor(admin), photo.patient_id)
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert archive.read(f"photos/{photo.pk}.jpg") == storage.read(photo.file_name)


def test_a_stored_name_is_never_written_twice_and_a_lost_object_reads_as_missing(  # type: ignore[no-untyped-def]
    photo, bucket
):
    with pytest.raises(FileExistsError):
        storage.store(replace(ingest(helpers.close_up(1), "b.jpg"), internal_name=photo.file_name))
    assert _keys(bucket) == [f"photos/{photo.file_name}"]
    bucket.delete_object(Bucket=BUCKET, Key=f"photos/{photo.file_name}")
    with pytest.raises(storage.PhotoFileMissing):
        storage.read(photo.file_name)
