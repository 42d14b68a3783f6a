"""The FHIR export's rate against PostgreSQL's own (docs/performance.md):
`python -m bench.fhir_export`.

For each size the demo clinic is grown with `needlepoint bench-data` and exported as the
Bulk Data job and `needlepoint fhir export` do (the clinic's resources streamed into one
NDJSON file per type), in a process of its own whose peak memory is read when it ends. In the
same run the rows the export reads are read with `COPY (SELECT …) TO STDOUT`: the export's
resources per second over COPY's rows per second is the figure that holds on another machine.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scale import world

REPO = Path(__file__).resolve().parents[1]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/needlepoint_bench_fhir"
    )
    parser.add_argument("--sizes", default="2000,8000", help="patients, comma-separated")
    parser.add_argument("--sessions-per-patient", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--export-into", type=Path, help=argparse.SUPPRESS)  # the child's run
    return parser.parse_args()


def export_into(out: Path) -> dict[str, float]:
    """Export the demo clinic into `out` (run in the child process, Django started)."""
    from needlepoint.clinics.models import Clinic
    from needlepoint.interop.export import clinic_resources
    from needlepoint.interop.ndjson import write_ndjson

    clinic = Clinic.objects.get(slug=world.CLINIC)
    start = time.perf_counter()
    counts = write_ndjson(clinic_resources(clinic), out)
    return {"resources": sum(counts.values()), "seconds": time.perf_counter() - start}


def exported() -> dict[str, float]:
    """The export in a process of its own: its figures and its peak resident memory."""
    with tempfile.TemporaryDirectory(prefix="needlepoint-fhir-") as out:
        command = [sys.executable, "-m", "bench.fhir_export", "--export-into", out]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"the export failed (exit {child.returncode})")
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    return figures


def copied() -> dict[str, float]:
    """`COPY … TO STDOUT` of every row the export reads, whole (every column of its table,
    whichever the export selects), as fast as PostgreSQL gives them."""
    from django.db import connection

    from needlepoint.clinics.models import Clinic
    from needlepoint.interop.sources import SOURCES

    clinic = Clinic.objects.get(slug=world.CLINIC)
    connection.ensure_connection()
    rows, start = 0, time.perf_counter()
    with connection.connection.cursor() as cursor:
        for source in SOURCES:
            read = source.rows(clinic).order_by()
            columns = [field.attname for field in read.model._meta.concrete_fields]
            sql, params = read.values(*columns).query.sql_with_params()
            with cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
                rows += sum(bytes(block).count(b"\n") for block in copy)
    return {"rows": rows, "seconds": time.perf_counter() - start}


def measure(size: int) -> dict[str, float]:
    export = exported()
    copy = copied()
    export_rate = export["resources"] / export["seconds"]
    copy_rate = copy["rows"] / copy["seconds"]
    return {
        "patients": size,
        "resources": export["resources"],
        "export_s": export["seconds"],
        "resources_per_s": export_rate,
        "copy_rows": copy["rows"],
        "copy_rows_per_s": copy_rate,
        "ratio": export_rate / copy_rate,
        "peak_rss_mb": export["peak_rss_mb"],
    }


def report(results: list[dict[str, float]]) -> None:
    print(
        f"{'patients':>8} {'resources':>10} {'export s':>9} {'res/s':>8} {'COPY rows':>10}"
        f" {'rows/s':>8} {'ratio':>6} {'peak MB':>8}"
    )
    for r in results:
        print(
            f"{r['patients']:>8.0f} {r['resources']:>10.0f} {r['export_s']:>9.1f}"
            f" {r['resources_per_s']:>8.0f} {r['copy_rows']:>10.0f} {r['copy_rows_per_s']:>8.0f}"
            f" {r['ratio']:>6.1%} {r['peak_rss_mb']:>8.0f}"
        )


def main() -> None:
    args = _arguments()
    if args.export_into:
        from needlepoint.cli.django_app import start_django

        start_django(Path(os.environ["NEEDLEPOINT_DATA_DIR"]))
        print(json.dumps(export_into(args.export_into)))
        return
    with tempfile.TemporaryDirectory(prefix="needlepoint-bench-") as data_dir:
        results = run(args, Path(data_dir))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def run(args: argparse.Namespace, data_dir: Path) -> list[dict[str, float]]:
    os.environ.update(
        DATABASE_URL=args.database_url,
        NEEDLEPOINT_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    world.reset_database(args.database_url)
    from needlepoint.cli.django_app import start_django

    start_django(data_dir)
    world.seed(secrets.token_urlsafe(16))
    results, have = [], 0
    for size in sorted(int(size) for size in args.sizes.split(",")):
        world.generate(data_dir, size - have, args.sessions_per_patient, args.seed + size)
        have = size
        results.append(measure(size))
        print(f"measured {size} patients", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
