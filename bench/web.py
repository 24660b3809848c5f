"""What the web benchmarks share: a database and production settings of their own, the
service and the bare view served one after the other by gunicorn as in production,
and Locust's people driving each.

    results = under_load("seb_bench_x", args, prepare, targets, drive, title)

makes the database (migrated, then `prepare()`d), collects the static files, then for
each (target, WSGI app, settings) serves the app on a free port, calls
`drive(target, port, env, folder)` and stops the server; the database is dropped at
the end unless --keep.
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import ROOT, bench_database_url, migrate, recreate_database, setup_django

Drive = Callable[[str, int, dict[str, str], Path], dict[str, Any]]
BARE = ("bare", "bench.bare.wsgi", "bench.bare.settings")
SERVICE_SETTINGS = "config.settings.production"


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
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


def checkpoint() -> None:
    """Write out what the server still holds of earlier work (a benchmark run before this
    one, or the other target's load), so neither load pays for it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connection.close()


def locust_stats(
    locustfile: str, target: str, port: int, users: int, seconds: int, folder: Path, env: dict
) -> dict[str, dict[str, str]]:
    """Locust's people on the server at `port` for `seconds`: its statistics' rows, by
    request name ("Aggregated" for all)."""
    prefix = folder / target
    subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / locustfile)),
            *("--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix)),
            *("--only-summary", "--loglevel", "WARNING"),
        ],
        env={**env, "LOAD_TARGET": target},
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Path(f"{prefix}_stats.csv").open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def figures(row: dict[str, str]) -> dict[str, Any]:
    """One row of Locust's statistics as the figures the benchmarks print."""
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p99": float(row["99%"]),
        "max": float(row["Max Response Time"]),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def under_load(
    default_name: str,
    args: argparse.Namespace,
    *,
    prepare: Callable[[], None],
    targets: Sequence[tuple[str, str, str]],
    drive: Drive,
    title: str,
    extra_env: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Each target served in turn and driven; what `drive` measured, by target."""
    maintenance, url, name = bench_database_url(default_name)
    recreate_database(maintenance, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": SERVICE_SETTINGS,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    os.environ.update({key: env[key] for key in env if key != "DJANGO_SETTINGS_MODULE"})
    setup_django(url)
    migrate()
    prepare()
    from django.db import connection

    connection.close()
    folder = Path(tempfile.mkdtemp(prefix=f"{default_name}-"))
    try:
        static = folder / "static"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            env={**env, "STATIC_ROOT": str(static)},
            cwd=ROOT,
            check=True,
        )
        env["STATIC_ROOT"] = str(static)
        print(f"{title}: {args.users} users, {args.seconds} s each (database {name})")
        results = {}
        for target, app, settings_module in targets:
            checkpoint()
            port = free_port()
            run_env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}
            server = serve(app, port, run_env, args.web_workers)
            try:
                results[target] = drive(target, port, run_env, folder)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            recreate_database(maintenance, name, drop_only=True)
