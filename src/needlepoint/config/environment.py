"""Reading the environment: data directory, flags and the secret-key policy."""

from __future__ import annotations

import os
from pathlib import Path

# Used only when SECRET_KEY is unset; `needlepoint serve` refuses to run with it.
INSECURE_SECRET_KEY = "django-insecure-needlepoint-development-only-never-use-in-production"  # noqa: S105


def data_dir() -> Path:
    """The directory holding the embedded database, mail spool and uploads."""
    configured = os.environ.get("NEEDLEPOINT_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "needlepoint"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path.resolve()


def keep_files_private() -> None:
    """Files and directories this process creates are its user's alone (0600, 0700): the
    database and its WAL, the mail spool, photos, keys, the job queue and the cache."""
    os.umask(0o077)


def make_private(directory: Path) -> None:
    """Take group and other permissions off the data directory and everything in it, for
    files written before `keep_files_private` (or by another program)."""
    for path in [directory, *directory.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(mode & 0o700)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key_problem(secret: str | None) -> str | None:
    """Why a secret key is unfit for production, or None when it is fit."""
    if not secret:
        return "SECRET_KEY is not set"
    if secret == INSECURE_SECRET_KEY or secret.startswith("django-insecure"):
        return "SECRET_KEY is the insecure development default"
    if len(secret) < 50 or len(set(secret)) < 5:
        return "SECRET_KEY is too short or too simple (use at least 50 random characters)"
    return None


def photo_storage() -> dict[str, object]:
    """Where photos' files are kept (`STORAGES["photos"]`): an S3-compatible bucket when
    `NEEDLEPOINT_S3_BUCKET` is set, so any app host reads any photo; else the photo directory
    under the data directory. Objects are private and never given a public address: the app
    reads them and serves them through its checked, audited views."""
    bucket = os.environ.get("NEEDLEPOINT_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "needlepoint.photos.storage.PhotoDirectory"}
    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": os.environ.get("NEEDLEPOINT_S3_PREFIX", "photos"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    # Unset ones fall back to boto3's own chain (AWS_* variables, ~/.aws, an instance role).
    for option, variable in (
        ("endpoint_url", "NEEDLEPOINT_S3_ENDPOINT_URL"),
        ("region_name", "NEEDLEPOINT_S3_REGION"),
        ("access_key", "NEEDLEPOINT_S3_ACCESS_KEY_ID"),
        ("secret_key", "NEEDLEPOINT_S3_SECRET_ACCESS_KEY"),
    ):
        if os.environ.get(variable):
            options[option] = os.environ[variable]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
