"""The clinic analytics at scale (docs/performance.md): `python -m bench.outcome_analytics`.

PostgreSQL only: the database named by `--database-url` (its name must contain `bench`: it is
dropped and created) gets the demo clinic grown with `needlepoint bench-data` to `--patients`
(12 sessions asked per patient: about 10 once deferred and ineligible patients are left
without a course, so 100,000 patients make about a million sessions). Each analytics read
model (the outcomes and the safety page, all their tables) is then timed against its floor:
for every table, a plain `SELECT key, count(*) ... GROUP BY key` over the same joins and the
same filters, as SQL sent straight to the database. Floor and read model alternate in
`--rounds` rounds and the best round of each counts. It prints the milliseconds, the ratio
(target at most 3) and the queries of each.
"""

from __future__ import annotations

import argparse
import functools
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.scale import world


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/needlepoint_analytics_bench"
    )
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--sessions-per-patient", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def _floors(actor: Any, filters: Any, knowledge: Any) -> dict[str, list[tuple[str, list[Any]]]]:
    """Each read model's plain aggregates: per table, count(*) GROUP BY its key over the
    rows it reads (the same joins and filters), as SQL and parameters."""
    from django.db.models import Count

    from needlepoint.reports import outcome_analytics as outcomes
    from needlepoint.reports import safety_analytics as safety

    def grouped(rows: Any, key: str) -> tuple[str, list[Any]]:
        sql, params = rows.values(key).annotate(n=Count("pk")).order_by().query.sql_with_params()
        return sql, list(params)

    courses = outcomes.courses_compared(actor, filters, knowledge)
    outcome_keys = ["clinic_id", "assessment__scar_types"] + [
        b.group for b in outcomes.breakdowns(knowledge)
    ]
    sessions = safety.sessions_signed(actor, filters, knowledge)
    return {
        "outcomes": [grouped(courses, key) for key in outcome_keys]
        + [grouped(outcomes.gais_responses(actor, filters), "measure")]
        + [
            grouped(outcomes.gais_latest(actor, filters, knowledge), key)
            for key in ["course__assessment__scar_types", *outcome_keys[2:]]
        ],
        "safety": [grouped(sessions, b.group) for b in safety.breakdowns(actor, knowledge)]
        + [
            grouped(safety.events_of_sessions(actor, filters, knowledge), "kind"),
            grouped(safety.checkins_of_sessions(actor, filters, knowledge), "level"),
            grouped(safety.alerts_raised(actor, filters), "status"),
        ],
    }


def _timed(run: Callable[[], object]) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
    return seconds, len(captured)


def _plain(statements: list[tuple[str, list[Any]]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def measure(rounds: int) -> list[tuple[str, float, int, float, int]]:
    from django.utils import timezone

    from needlepoint.accounts.models import User
    from needlepoint.clinics.actors import actor_for
    from needlepoint.clinics.knowledge import clinic_knowledge
    from needlepoint.reports.analytics import analytics_filters
    from needlepoint.reports.outcome_analytics import outcome_report
    from needlepoint.reports.safety_analytics import safety_report

    actor = actor_for(User.objects.select_related("staff__clinic").get(email=world.PRACTITIONER))
    assert actor is not None
    filters = analytics_filters(actor, actor.today - timedelta(days=5 * 365), actor.today)
    knowledge = clinic_knowledge(actor.clinic)
    floors = _floors(actor, filters, knowledge)
    now = timezone.now()
    models: dict[str, Callable[[], object]] = {
        "outcomes": lambda: outcome_report(actor, filters),
        "safety": lambda: safety_report(actor, filters, now),
    }
    results = []
    for name, read in models.items():
        best: dict[str, tuple[float, int]] = {}
        floor = functools.partial(_plain, floors[name])
        for _ in range(rounds):
            for label, run in (("floor", floor), ("model", read)):
                seconds, queries = _timed(run)
                if label not in best or seconds < best[label][0]:
                    best[label] = (seconds, queries)
        results.append((name, *best["model"], *best["floor"]))
    return results


def _counts() -> dict[str, int]:
    from needlepoint.checkins.models import Alert, CheckIn
    from needlepoint.courses.models import Course, Session
    from needlepoint.patients.models import Patient

    return {
        "patients": Patient.objects.count(),
        "courses": Course.objects.count(),
        "sessions": Session.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "alerts": Alert.objects.count(),
    }


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="needlepoint-bench-") as data_dir:
        os.environ.update(
            DATABASE_URL=args.database_url,
            NEEDLEPOINT_DATA_DIR=data_dir,
            SECRET_KEY=secrets.token_urlsafe(50),
        )
        world.reset_database(args.database_url)
        from needlepoint.cli.django_app import start_django

        start_django(Path(data_dir))
        world.seed(secrets.token_urlsafe(16))
        world.generate(Path(data_dir), args.patients, args.sessions_per_patient, args.seed)
        print(", ".join(f"{count:,} {name}" for name, count in _counts().items()))
        print(f"{'read model':<10} {'ms':>9} {'queries':>8} {'floor ms':>9} {'queries':>8} ratio")
        for name, seconds, queries, floor, floor_queries in measure(args.rounds):
            print(
                f"{name:<10} {seconds * 1000:>9.1f} {queries:>8} {floor * 1000:>9.1f} "
                f"{floor_queries:>8} {seconds / floor:5.2f}"
            )


if __name__ == "__main__":
    main()
