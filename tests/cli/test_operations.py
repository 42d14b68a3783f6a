"""The operational subcommands: demo (idempotent seed), token, audit, serve."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from needlepoint.accounts.models import User
from needlepoint.cli.demo_data import seed_demo
from needlepoint.cli.main import cli
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.config.environment import make_private
from needlepoint.patients.models import Patient
from needlepoint.safety.models import AuditEvent
from tests.factories import PatientFactory, StaffFactory

NEEDLEPOINT = str(Path(sys.executable).with_name("needlepoint"))


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Clinic, Staff, User, Patient, AuditEvent))


def _state() -> list[tuple[object, ...]]:
    return list(User.objects.order_by("email").values_list("email", "password"))


def test_seed_is_idempotent_and_shows_tenancy(db):
    seed_demo("demo-password-1")
    first, users = _counts(), _state()
    seed_demo("demo-password-1")
    assert _counts() == first
    assert _state() == users
    demo, northside = Clinic.objects.get(slug="demo"), Clinic.objects.get(slug="northside")
    assert demo.patients.count() >= 12
    assert northside.patients.exists()
    practitioner = Staff.objects.get(user__email="practitioner@demo.needlepoint.test")
    assert practitioner.licence_number
    portal = Patient.objects.get(user__email="patient@demo.needlepoint.test")
    assert portal.clinic == demo


def test_seed_applies_a_new_demo_password(db):
    seed_demo("demo-password-1")
    seed_demo("demo-password-2")
    assert User.objects.get(email="admin@demo.needlepoint.test").check_password("demo-password-2")


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment inherited from nothing but PATH, as a fresh shell would have."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), **extra}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEEDLEPOINT, *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.own_data_dir
def test_demo_token_audit_and_backup_share_one_data_dir(tmp_path):
    env, practitioner = _clean_env(tmp_path), "practitioner@demo.needlepoint.test"

    def needlepoint(*args: str) -> subprocess.CompletedProcess[str]:
        return _run(*args, "--data-dir", str(tmp_path / "data"), env=env)

    first = needlepoint("demo", "--no-serve", "--demo-password", "pw-for-tests-1")
    assert first.returncode == 0, first.stderr
    assert practitioner in first.stdout
    again = needlepoint("demo", "--no-serve", "--demo-password", "pw-for-tests-1")
    assert again.returncode == 0, again.stderr
    token = needlepoint("token", "create", "--email", practitioner)
    assert token.returncode == 0, token.stderr
    assert token.stdout.startswith("np_")
    listed = needlepoint("token", "list", "--email", practitioner)
    assert token.stdout[:10] in listed.stdout
    assert "active" in listed.stdout
    revoked = needlepoint("token", "revoke", "--email", practitioner)
    assert revoked.stdout.strip() == "revoked 1 token"
    verify = needlepoint("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "intact" in verify.stdout
    backup = needlepoint("backup", "--out", str(tmp_path / "backup.tar.gz"))
    assert backup.returncode == 0, backup.stderr
    restored = str(tmp_path / "restored")
    (tmp_path / "restored").mkdir()  # the key goes apart from the backup, then first
    shutil.copy(tmp_path / "data" / "audit-key", tmp_path / "restored" / "audit-key")
    restore = _run("restore", str(tmp_path / "backup.tar.gz"), "--data-dir", restored, env=env)
    assert restore.returncode == 0, restore.stderr
    assert verify.stdout in restore.stdout  # the same chain, intact
    again = _run("restore", str(tmp_path / "backup.tar.gz"), "--data-dir", restored, env=env)
    assert (again.returncode, again.stderr.count("\n")) == (2, 1)
    assert "is not empty" in again.stderr


def test_token_for_unknown_email_is_a_clear_error(db):
    result = CliRunner().invoke(cli, ["token", "create", "--email", "nobody@example.test"])
    assert result.exit_code == 2
    assert "no staff member with e-mail 'nobody@example.test'" in result.output


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "SECRET_KEY is not set"),
        ("django-insecure-needlepoint-development-only-never-use-in-production", "insecure"),
        ("short", "too short"),
    ],
)
def test_serve_refuses_an_insecure_secret(secret, reason, monkeypatch):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "refusing to start in production mode" in result.output
    assert reason in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(server: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                assert page.status == 200
                assert "Sign in" in page.read().decode()
                return
        except OSError:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "server did not start in 30 s"
            time.sleep(0.3)


def _appears(socket_path: Path, seconds: float = 15) -> bool:
    """Gunicorn opens its control socket once it is up, shortly after it serves."""
    deadline = time.monotonic() + seconds
    while not socket_path.is_socket():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _modes(data: Path) -> dict[str, int]:
    return {
        str(path.relative_to(data)): path.stat().st_mode & 0o777
        for path in [data, *data.rglob("*")]
        if not path.is_socket()
    }


@pytest.mark.own_data_dir
def test_serve_runs_two_instances_on_loopback_with_private_files():
    """Two instances on one host, each with its own data directory and control socket,
    listening on 127.0.0.1 when no --host is given; every file they keep is private."""
    base = Path(tempfile.mkdtemp(prefix="np-"))  # short: a socket path has a length limit
    servers, outputs = [], []
    try:
        for name, workers in (("one", 2), ("two", 1)):
            data = base / name
            env = _clean_env(
                base, SECRET_KEY="k" + os.urandom(40).hex(), NEEDLEPOINT_DATA_DIR=str(data)
            )
            migrated = subprocess.run(
                [NEEDLEPOINT, "migrate"], capture_output=True, env=env, timeout=120, umask=0o022
            )
            assert migrated.returncode == 0, migrated.stderr
            (data / "mail").mkdir(mode=0o755)
            (data / "mail" / "earlier.log").write_text("written before")
            (data / "mail" / "earlier.log").chmod(0o644)
            port = _free_port()
            server = subprocess.Popen(
                [NEEDLEPOINT, "serve", "--port", str(port), "--workers", str(workers)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                umask=0o022,
            )
            servers.append(server)
            _wait_until_serving(server, port)
            assert _appears(data / f"gunicorn-{port}.ctl"), "no control socket of its own"
        for name in ("one", "two"):
            modes = _modes(base / name)
            assert modes.pop(".") == 0o700
            assert modes.pop("mail") == 0o700
            assert "needlepoint.sqlite3" in modes
            assert all(mode in (0o600, 0o700) for mode in modes.values()), modes
    finally:
        for server in servers:
            server.terminate()
            outputs.append(server.communicate(timeout=30)[0])
        shutil.rmtree(base, ignore_errors=True)
    assert outputs[0].count("Booting worker") >= 2
    assert all("Listening at: http://127.0.0.1:" in output for output in outputs)


@pytest.mark.own_data_dir
def test_demo_runs_the_worker_which_sends_what_is_due_at_once_and_stops_with_it(tmp_path):
    """The demo's worker sends the messages due at start (not five minutes later), by the
    demo's data directory, and ends with the server."""
    port, lines = _free_port(), []
    demo = subprocess.Popen(
        [NEEDLEPOINT, "demo", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        env=_clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert demo.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(demo.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 90
    try:
        while not any(line.startswith("patient mail: ") for line in lines):
            assert demo.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        [banner] = [line for line in lines if line.startswith("Background worker (pid ")]
        assert f"texts in {tmp_path / 'data' / 'sms'}" in banner
        worker = int(banner.removeprefix("Background worker (pid ").partition(")")[0])
        assert Path(f"/proc/{worker}").exists()
    finally:
        demo.terminate()
        demo.wait(timeout=60)
        reader.join(timeout=10)
    assert not Path(f"/proc/{worker}").exists()


def test_every_subcommand_has_help():
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0, name
        for sub in getattr(command, "commands", {}):
            assert runner.invoke(cli, [name, sub, "--help"]).exit_code == 0, f"{name} {sub}"


def test_make_private_takes_group_and_other_permissions_off(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir(mode=0o755)
    (photos / "a.jpg").write_bytes(b"jpeg")
    (photos / "a.jpg").chmod(0o644)
    (tmp_path / "link").symlink_to("/etc/hostname")
    make_private(tmp_path)
    assert tmp_path.stat().st_mode & 0o777 == 0o700
    assert photos.stat().st_mode & 0o777 == 0o700
    assert (photos / "a.jpg").stat().st_mode & 0o777 == 0o600
    assert Path("/etc/hostname").stat().st_mode & 0o077  # a link's target is left alone


def test_seed_stays_idempotent_beside_patients_who_share_demo_names(db):
    """Real patients named like demo patients (even born the same day), and a second
    practitioner, are neither taken for the demo's nor given its portal account."""
    demo = Clinic.objects.create(
        slug="demo", name="Demo Clinic", time_zone="America/New_York", record_prefix="DC"
    )
    twin = PatientFactory(
        clinic=demo, given_name="Maya", family_name="Thompson", date_of_birth=date(1994, 3, 12)
    )
    seed_demo("demo-password-1")
    PatientFactory(clinic=demo, given_name="Daniel", family_name="Kim")
    StaffFactory(clinic=demo, role="practitioner", licence_number="LIC-9")
    counts, users = _counts(), _state()
    seed_demo("demo-password-1")
    assert _counts() == counts
    assert _state() == users
    twin.refresh_from_db()
    assert twin.user is None
    portal = Patient.objects.get(user__email="patient@demo.needlepoint.test")
    assert portal != twin
    assert portal.courses.exists()
