"""Background jobs on a huey queue: SQLite in the data directory by default, Redis when
REDIS_URL is set. `needlepoint worker` runs the consumer, which also fires the periodic tasks.

Every task is safe to run twice or at the same time as itself: the outbox's unique keys and
claims (see `outbox`) make sure each message goes out once per channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from huey import Huey, RedisHuey, SqliteHuey, crontab

from needlepoint.notify import escalations, outbox, patient_mail
from needlepoint.notify.outcome_mail import queue_outcome_prompts
from needlepoint.notify.statistics import refresh_statistics
from needlepoint.outcomes.services import followups_refresh

logger = logging.getLogger(__name__)


def make_huey(config: Mapping[str, Any] | None = None) -> Huey:
    """The queue the HUEY setting describes: {"name", "url" (Redis; empty for SQLite),
    "filename" (the SQLite file), "immediate"}."""
    config = config if config is not None else settings.HUEY
    name, immediate = config.get("name", "needlepoint"), bool(config.get("immediate", False))
    if config.get("url"):
        return RedisHuey(name, url=config["url"], immediate=immediate, results=False)
    return SqliteHuey(name, filename=str(config["filename"]), immediate=immediate, results=False)


huey = make_huey()


def _fresh_connections() -> None:
    """Drop database connections that broke or outlived CONN_MAX_AGE, as a request would
    (never inside a transaction, e.g. a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


@huey.pre_execute()  # type: ignore[untyped-decorator]
def _before(task: Any) -> None:
    _fresh_connections()


@huey.post_execute()  # type: ignore[untyped-decorator]
def _after(task: Any, task_value: Any, exc: BaseException | None) -> None:
    _fresh_connections()


def _queue_and_send(what: str, queue: Callable[[], int]) -> int:
    """Queue what is due, then send the whole outbox (anything an earlier run left too)."""
    queued = queue()
    sent = outbox.mail_send_pending()
    logger.info("%s: %s queued, %s sent", what, queued, sent)
    return sent


@huey.periodic_task(crontab(minute="*/5"), retries=2, retry_delay=60)  # type: ignore[untyped-decorator]
def send_patient_mail() -> int:
    """Every five minutes: queue the reminders, check-in prompts and aftercare updates that
    are due, then send the outbox."""
    return _queue_and_send("patient mail", patient_mail.mail_queue_due)


@huey.periodic_task(crontab(minute="*"), retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def escalate_alerts() -> int:
    """Every minute: e-mail the clinic about alerts left open too long, then send the outbox."""
    return _queue_and_send("alert escalations", escalations.alert_escalations_queue)


@huey.periodic_task(crontab(minute="*/5"), retries=2, retry_delay=60)  # type: ignore[untyped-decorator]
def send_outcome_prompts() -> int:
    """Every five minutes: queue the outcome questions of the timepoints that opened, then
    send the outbox."""
    return _queue_and_send("outcome questions", queue_outcome_prompts)


@huey.periodic_task(crontab(minute="41"), retries=2, retry_delay=300)  # type: ignore[untyped-decorator]
def refresh_followups() -> int:
    """Hourly: keep the follow-up timepoints of finished courses, so the clinic's list of
    follow-ups overdue and the follow-ups' prompts read them."""
    changed = followups_refresh()
    logger.info("follow-ups: %s created or changed", changed)
    return changed


@huey.periodic_task(crontab(minute="17", hour="3"))  # type: ignore[untyped-decorator]
def refresh_query_statistics() -> None:
    """Nightly: refresh the planner's statistics, so searches keep using their indexes."""
    refresh_statistics()
