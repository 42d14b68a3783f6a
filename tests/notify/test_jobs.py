"""The jobs through a real huey queue: SQLite (a file) and, under CI=true, Redis (db 14).

Tasks are enqueued as the consumer's scheduler would, dequeued and executed; the e-mails they
send are the side effect checked.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core import mail
from huey import RedisHuey, SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

import needlepoint
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.notify import jobs, outbox
from needlepoint.notify.models import MailKind, OutboxMessage
from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.services import reachable, require

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def queue(request, tmp_path: Path) -> Iterator[jobs.Huey]:  # type: ignore[no-untyped-def]
    """The app's huey with its storage on a fresh SQLite file or Redis database 14."""
    original = jobs.huey.storage
    if request.param == "redis":
        require(reachable("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
        storage = RedisStorage(f"needlepoint-test-{uuid.uuid4().hex}", url=REDIS)
    else:
        storage = SqliteStorage("needlepoint-test", filename=str(tmp_path / "jobs.sqlite3"))
    jobs.huey.storage = storage
    try:
        yield jobs.huey
    finally:
        storage.flush_all()
        jobs.huey.storage = original


def _run_next(queue: jobs.Huey) -> object:
    task = queue.dequeue()
    assert task is not None
    return queue.execute(task)


@pytest.fixture
def day_after(practitioner, mailable):  # type: ignore[no-untyped-def]
    """Signed 24.5 hours ago: the day-1 check-in prompt and the 24-hour milestone are due."""
    return treated_session(as_actor(practitioner), mailable.pk, hours_ago=25)


def test_patient_mail_task_runs_through_the_queue_once(queue, day_after):
    jobs.send_patient_mail()  # enqueue, as the scheduler does
    jobs.send_patient_mail()  # and an overlapping tick
    assert queue.pending_count() == 2
    assert _run_next(queue) == 2
    assert _run_next(queue) == 0
    assert queue.pending_count() == 0
    assert sorted(m.subject.split(" ")[0] for m in mail.outbox) == ["Aftercare", "How"]


def test_a_failed_task_is_retried_by_the_queue_without_sending_twice(queue, day_after, monkeypatch):
    real = outbox.mail_send_pending
    calls: list[int] = []

    def crash_after_one(now: object = None, limit: int = 200) -> int:
        calls.append(1)
        if len(calls) == 1:
            real(limit=1)
            raise ConnectionError("database went away")
        return real()

    monkeypatch.setattr(outbox, "mail_send_pending", crash_after_one)
    jobs.send_patient_mail()
    _run_next(queue)  # fails after one e-mail; huey schedules a retry
    assert len(mail.outbox) == 1
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)
    [retry] = queue.read_schedule(later)
    assert retry.retries == 1
    assert queue.execute(retry, later) == 1  # only the one not sent yet
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2


def test_escalation_task_mails_the_clinic_once(queue, day_after):
    checkin = CheckIn.objects.create(
        clinic=day_after.clinic,
        patient=day_after.patient,
        session=day_after,
        reported_at=day_after.ended_at,
        symptoms={"fever": True},
        level="urgent",
        triage={},
    )
    alert = Alert.objects.create(
        clinic=day_after.clinic, patient=day_after.patient, checkin=checkin
    )
    Alert.objects.filter(pk=alert.pk).update(
        created_at=alert.created_at - timedelta(minutes=day_after.clinic.alert_escalation_minutes)
    )
    jobs.escalate_alerts()
    jobs.escalate_alerts()
    _run_next(queue)
    _run_next(queue)
    assert [m.to for m in mail.outbox] == [["desk@demo.test"]]
    assert OutboxMessage.objects.get().kind == MailKind.ESCALATION
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_the_queue_is_sqlite_in_the_data_dir_unless_redis_is_configured(tmp_path):
    sqlite = jobs.make_huey({"name": "n", "url": "", "filename": tmp_path / "q.sqlite3"})
    assert isinstance(sqlite, SqliteHuey)
    assert (tmp_path / "q.sqlite3").exists()
    redis = jobs.make_huey({"name": "n", "url": REDIS, "filename": tmp_path / "unused"})
    assert isinstance(redis, RedisHuey)
    periodic = set(jobs.huey._registry._periodic_tasks)
    assert {jobs.send_patient_mail.task_class, jobs.escalate_alerts.task_class} <= periodic


def test_worker_command_runs_the_consumer_with_periodic_tasks(monkeypatch):
    from needlepoint.cli.main import cli

    started: list[dict[str, object]] = []

    class FakeConsumer:
        def __init__(self, huey: object, **options: object) -> None:
            started.append(options)

        def run(self) -> None:
            return None

    monkeypatch.setattr("huey.consumer.Consumer", FakeConsumer)
    monkeypatch.setattr("needlepoint.cli.worker.pending_migrations", lambda: False)
    result = CliRunner().invoke(cli, ["worker", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert started == [{"workers": 3, "worker_type": "thread", "periodic": True}]


# The worker's own entry point in a fresh interpreter, with a consumer that prints the names of
# the tasks registered on the queue it is given instead of running them.
_WORKER_TASKS = """
import sys
from unittest import mock
from click.testing import CliRunner

class Listing:
    def __init__(self, huey, **options):
        self.huey = huey

    def run(self):
        print("\\n".join(sorted(self.huey._registry._registry)))

with mock.patch("huey.consumer.Consumer", Listing), mock.patch(
    "needlepoint.cli.worker.pending_migrations", lambda: False
):
    from needlepoint.cli.main import cli
    result = CliRunner().invoke(cli, ["worker", "--data-dir", sys.argv[1]])
sys.stdout.write(result.output)
sys.exit(result.exit_code)
"""


def test_the_worker_process_registers_every_task_the_app_defines(tmp_path):
    for module in pkgutil.walk_packages(needlepoint.__path__, "needlepoint."):
        if module.name.endswith(".jobs"):
            importlib.import_module(module.name)
    defined = set(jobs.huey._registry._registry)
    assert "needlepoint.interop.jobs.bulk_export_job" in defined
    worker = subprocess.run(
        [sys.executable, "-c", _WORKER_TASKS, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    registered = set(worker.stdout.splitlines()[1:])  # after the worker's own first line
    assert defined <= registered, defined - registered
