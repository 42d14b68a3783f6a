"""The scale benchmark (docs/performance.md): `python -m bench.scale.run`.

For each size, the demo clinic is grown to that many patients with `needlepoint bench-data`,
served by `needlepoint serve`, and every endpoint is loaded with wrk right after the floor (a
bare view reading one patient by primary key), round after round, so both see the same machine.
Prints req/s and p50/p95/p99 per endpoint, each p95 over the adjacent floor's p95, and how that
ratio grows from the smallest size to the largest.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.scale import world

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FLOOR = "floor"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/needlepoint_bench"
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/15",
        help="cache and sessions, as a group of clinics runs them (flushed); '' for files",
    )
    parser.add_argument("--sizes", default="10000,100000", help="patients, comma-separated")
    # Some patients are deferred or not eligible and get no course: 12 asked makes ~10 each.
    parser.add_argument("--sessions-per-patient", type=int, default=12)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=6, help="per run of one endpoint")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def _environment(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "NEEDLEPOINT_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "bench.scale.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        # The limiter stays in every request's path; its limit must not be what is measured.
        "NEEDLEPOINT_API_RATE_LIMIT": "10000000/min",
    }


@contextmanager
def serving(port: int, data_dir: Path, probe: str) -> Iterator[str]:
    """`needlepoint serve` (its production defaults) until the block ends."""
    executable = Path(sys.executable).with_name("needlepoint")
    command = [str(executable), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + probe, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(30)


def wrk(base: str, requests_file: Path, connections: int, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(HERE / "requests.lua"), base]
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file)}
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def measure(
    base: str, files: dict[str, Path], args: argparse.Namespace
) -> dict[str, dict[str, float]]:
    """Each endpoint right after the floor, for every round; the median of the rounds."""
    for name in files:  # warm up: caches, connections, imports
        wrk(base, files[name], args.connections, 2)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in files if name != FLOOR}
    for _ in range(args.rounds):
        for name in runs:
            floor = wrk(base, files[FLOOR], args.connections, args.seconds)
            run = wrk(base, files[name], args.connections, args.seconds)
            run["floor_p95_ms"] = floor["p95_ms"]
            # No floor request finished in the run: the server was still busy with the last one.
            run["ratio"] = run["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else math.inf
            runs[name].append(run)
    return {
        name: {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        for name, rounds in runs.items()
    }


def report(results: dict[int, dict[str, dict[str, float]]]) -> None:
    sizes = sorted(results)
    print(
        f"{'endpoint':26} {'patients':>8} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
        f" {'floor':>6} {'x floor':>7}"
    )
    for name in results[sizes[0]]:
        for size in sizes:
            r = results[size][name]
            print(
                f"{name:26} {size:>8} {r['rps']:7.0f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f}"
                f" {r['p99_ms']:7.1f} {r['floor_p95_ms']:6.1f} {r['ratio']:7.2f}"
                + (f"  {r['non_2xx']:.0f} non-2xx" if r["non_2xx"] else "")
                + (f"  {r['socket_errors']:.0f} socket errors" if r["socket_errors"] else "")
            )
        if len(sizes) > 1:
            growth = results[sizes[-1]][name]["ratio"] / results[sizes[0]][name]["ratio"]
            print(f"{'':26} growth {sizes[0]} -> {sizes[-1]}: {growth:.2f}")


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="needlepoint-bench-") as data_dir:
        results = run(args, Path(data_dir))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def run(args: argparse.Namespace, data_dir: Path) -> dict[int, dict[str, dict[str, float]]]:
    sizes = sorted(int(size) for size in args.sizes.split(","))
    os.environ.update(_environment(args, data_dir))
    world.reset_database(args.database_url)
    if args.redis_url:
        world.reset_cache(args.redis_url)

    from needlepoint.cli.django_app import start_django

    start_django(data_dir)
    world.seed(secrets.token_urlsafe(16))
    world.generate(data_dir, 1, world.TIMELINE_SESSIONS, args.seed)
    timeline = world.timeline_patient()
    results: dict[int, dict[str, dict[str, float]]] = {}
    have = 0
    for size in sizes:
        world.generate(data_dir, size - have, args.sessions_per_patient, args.seed + size)
        have = size
        files = {}
        for name, requests in world.requests(timeline, random.Random(args.seed)).items():
            files[name] = data_dir / f"{name.replace(' ', '-')}.requests"
            files[name].write_text("".join(r.line() + "\n" for r in requests))
        probe = files[FLOOR].read_text().split("\t")[1]
        with serving(args.port, data_dir, probe) as base:
            results[size] = measure(base, files, args)
        print(f"measured {size} patients", file=sys.stderr)
        if args.json:  # what is measured so far, should a later size fail
            args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
