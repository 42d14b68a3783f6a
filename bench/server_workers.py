"""Gunicorn's sync workers against threaded (gthread) ones, serving the demo data with
`needlepoint serve`, measured with wrk: requests per second and latency percentiles of a few
pages and API reads, each server configuration in turn on the same data, and the ratio of
each to the first configuration's (the floor of the comparison, same run).

Prepare the data once (`needlepoint demo --no-serve --data-dir DIR --demo-password PW`, with
DATABASE_URL for PostgreSQL), then
`.venv/bin/python -m bench.server_workers --data-dir DIR --demo-password PW` (DATABASE_URL
as for the demo). wrk is a Debian package (`scripts/bootstrap` installs it).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PRACTITIONER = "practitioner@demo.needlepoint.test"
WRK = ["wrk", "-t2", "--timeout", "10s"]  # two load threads: the machine's cores
NEEDLEPOINT = str(Path(sys.executable).with_name("needlepoint"))
PERSISTENT = {"DATABASE_CONN_MAX_AGE": "600"}
# name -> (serve flags, environment): persistent connections unless the name says otherwise
CONFIGURATIONS: dict[str, tuple[list[str], dict[str, str]]] = {
    "sync": (["--worker-class", "sync"], PERSISTENT),
    "gthread": (["--worker-class", "gthread", "--threads", "4"], PERSISTENT),
    "gthread-new-conn": (
        ["--worker-class", "gthread", "--threads", "4"],
        {"DATABASE_CONN_MAX_AGE": "0"},
    ),
}
PERCENTILES = """
done = function(summary, latency, requests)
  io.write(string.format("percentiles %d %d %d errors %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def _serve(
    port: int, flags: list[str], env: dict[str, str], workers: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [NEEDLEPOINT, "serve", "--port", str(port)]
    with log.open("ab") as output:
        server = subprocess.Popen(
            [*command, "--workers", str(workers), *flags],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve {' '.join(flags)} did not start") from None
            time.sleep(0.3)


def _sign_in(base: str, password: str) -> str:
    """The session cookie of the demo practitioner, signed in through the sign-in page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the sign-in page has a CSRF token"
    form = {"csrfmiddlewaretoken": token.group(1), "username": PRACTITIONER, "password": password}
    opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(form).encode())
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, "signed in"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _paths(env: dict[str, str]) -> dict[str, str]:
    code = (
        "from needlepoint.cli.django_app import start_django; start_django(None)\n"
        "from needlepoint.courses.models import Session\n"
        "s = Session.objects.filter(clinic__slug='demo').order_by('pk').first()\n"
        "print(s.patient_id, s.pk)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    patient, session = run.stdout.split()
    return {
        "patient page": f"/patients/{patient}/",
        "session page": f"/sessions/{session}/",
        "dashboard": "/dashboard/",
        "API patient": f"/api/v1/patients/{patient}",
        "API patients": "/api/v1/patients",
    }


def _token(env: dict[str, str]) -> str:
    run = subprocess.run(
        [NEEDLEPOINT, "token", "create", "--email", PRACTITIONER],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.split()[-1]


def _wrk(url: str, header: str, seconds: int, connections: int, script: Path) -> list[float]:
    """Requests per second, p50, p95, p99 (ms)."""
    run = subprocess.run(
        [*WRK, f"-c{connections}", f"-d{seconds}s", "-s", str(script), "-H", header, url],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", run.stdout)
    found = re.search(r"percentiles (\d+) (\d+) (\d+) errors (\d+)", run.stdout)
    assert rate, run.stdout
    assert found, run.stdout
    if int(found.group(4)):
        raise SystemExit(f"{url}: {found.group(4)} errors\n{run.stdout}")
    return [float(rate.group(1)), *(int(found.group(i)) / 1000 for i in (1, 2, 3))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--demo-password", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--only", nargs="*", default=["sync", "gthread"], choices=CONFIGURATIONS)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run scripts/bootstrap (or apt-get install wrk)")
    env = {
        **os.environ,
        "NEEDLEPOINT_DATA_DIR": str(args.data_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "NEEDLEPOINT_API_RATE_LIMIT": "10000000/min",
    }
    paths, token = _paths(env), _token(env)
    scratch = Path(tempfile.mkdtemp())
    script, log = scratch / "percentiles.lua", scratch / "server.log"
    script.write_text(PERCENTILES)
    print(f"server log: {log}")
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, dict[str, list[float]]] = {}
    for name in args.only:
        flags, extra = CONFIGURATIONS[name]
        server = _serve(args.port, flags, {**env, **extra}, args.workers, log)
        try:
            cookie = f"Cookie: {_sign_in(base, args.demo_password)}"
            results[name] = {
                label: _wrk(
                    base + path,
                    f"Authorization: Bearer {token}" if path.startswith("/api/") else cookie,
                    args.seconds,
                    args.connections,
                    script,
                )
                for label, path in paths.items()
            }
        finally:
            server.terminate()
            server.wait(30)
    _report(results, args)


def _report(results: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> None:
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    print(f"{database}, {args.workers} workers, {args.connections} connections, {args.seconds} s")
    floor = results[next(iter(results))]
    columns = f"{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'p95/floor':>10}"
    print(f"{'':<14}{'server':<12}{columns}")
    for label in floor:
        for name, figures in results.items():
            rate, p50, p95, p99 = figures[label]
            ratio = p95 / floor[label][2] if floor[label][2] else 0
            print(
                f"{label:<14}{name:<12}{rate:>8.0f}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}{ratio:>9.2f}x"
            )


if __name__ == "__main__":
    main()
