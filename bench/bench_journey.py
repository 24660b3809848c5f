"""Benchmark: the online journey under load, beside a bare Django view, same server.

    .venv/bin/python bench/bench_journey.py                      # 20 users, 60 s each
    .venv/bin/python bench/bench_journey.py --users 20 --seconds 30
    .venv/bin/python bench/bench_journey.py --users 2 --seconds 5   # a smoke run
    BENCH_USERS=2 BENCH_SECONDS=5 .venv/bin/python bench/bench_journey.py  # the same

Makes its own database (seb_bench_journey), then runs, one after the other, under
the same gunicorn settings (config/gunicorn.py, production Django settings):

- the bare view: a Django app with the same middleware for sessions and CSRF, a
  page whose POST inserts one row and redirects (bench/bare/);
- the service: Locust respondents answering the whole online survey, every page
  shown and every answer posted, one HTTP request at a time (bench/locustfile.py).

It prints each one's requests per second and 99th-percentile latency, and the
journey against its targets: at least 60% of the bare view's requests per second,
with p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, bench_database_url, heading, line, migrate, recreate_database, setup_django

SHARE_TARGET = 0.60
P99_TARGET_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        type=int,
        default=int(os.environ.get("BENCH_USERS", 20)),
        help="simultaneous users (default BENCH_USERS, or 20)",
    )
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("BENCH_SECONDS", 60)),
        help="seconds of load on each server (default BENCH_SECONDS, or 60)",
    )
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(app: str, port: int, env: dict[str, str], workers: int | None) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", app, "-c", str(ROOT / "config" / "gunicorn.py"),
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(
        command, env={**env, "GUNICORN_ACCESS_LOG": "0"}, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break
        except OSError as error:
            if getattr(error, "code", None) == 404:  # the bare app has no health check
                break
            time.sleep(0.3)
    return server


def load(target: str, port: int, users: int, seconds: int, folder: Path, env: dict) -> dict:
    prefix = folder / target
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "LOAD_TARGET": target},
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Path(f"{prefix}_stats.csv").open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows.pop("Aggregated")
    return {
        "rps": float(total["Requests/s"]),
        "p99": float(total["99%"]),
        "p50": float(total["50%"]),
        "failures": int(total["Failure Count"]),
        "requests": int(total["Request Count"]),
        "pages": {
            page: (float(row["50%"]), float(row["99%"]), int(row["Request Count"]))
            for page, row in rows.items()
        },
    }


def main() -> None:
    args = parse_args()
    maintenance, url, name = bench_database_url("seb_bench_journey")
    recreate_database(maintenance, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update({key: env[key] for key in env if key != "DJANGO_SETTINGS_MODULE"})
    setup_django(url)
    migrate()
    from django.db import connection

    from surveys.models import Survey

    Survey.objects.create(slug="load", name="Load test")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare_answer (id bigserial, answer text, at timestamptz)")
    connection.close()
    folder = Path(tempfile.mkdtemp(prefix="seb-load-"))
    try:
        measure(args, env, folder, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            recreate_database(maintenance, name, drop_only=True)


def checkpoint() -> None:
    """Write out what the server still holds of earlier work (a benchmark run before this
    one, or the other target's load), so neither load pays for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connection.close()


def measure(args: argparse.Namespace, env: dict[str, str], folder: Path, name: str) -> None:
    static = folder / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env={**env, "STATIC_ROOT": str(static)},
        cwd=ROOT,
        check=True,
    )
    env["STATIC_ROOT"] = str(static)
    print(f"The journey under load: {args.users} users, {args.seconds} s each (database {name})")
    results = {}
    for target, app, settings_module in (
        ("bare", "bench.bare.wsgi", "bench.bare.settings"),
        ("journey", "config.wsgi", "config.settings.production"),
    ):
        checkpoint()
        port = free_port()
        run_env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}
        server = serve(app, port, run_env, args.web_workers)
        try:
            results[target] = load(target, port, args.users, args.seconds, folder, run_env)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    bare, journey = results["bare"], results["journey"]
    heading("Requests per second and latency (each HTTP request counted)")
    for label, result in (("bare Django view (limit)", bare), ("online journey", journey)):
        line(
            label,
            f"{result['rps']:.0f} req/s",
            f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
            f"{result['requests']:,} requests, {result['failures']} failures",
        )
    heading("The journey's requests, by kind")
    for page, (p50, p99, count) in journey["pages"].items():
        line(f"  {page}", f"p50 {p50:.0f} ms", f"p99 {p99:.0f} ms, {count:,} requests")
    share = journey["rps"] / bare["rps"] if bare["rps"] else 0.0
    line(
        "journey's share of the bare view",
        f"{share:.0%}",
        f"target at least {SHARE_TARGET:.0%}",
        share >= SHARE_TARGET,
    )
    line(
        "journey's p99",
        f"{journey['p99']:.0f} ms",
        f"target under {P99_TARGET_MS:.0f} ms",
        journey["p99"] < P99_TARGET_MS,
    )
    line(
        "failed requests",
        str(journey["failures"] + bare["failures"]),
        "target 0",
        not (journey["failures"] + bare["failures"]),
    )


if __name__ == "__main__":
    main()
