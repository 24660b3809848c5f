"""Benchmark: the job title suggestions endpoint under load, beside a bare Django view.

    .venv/bin/python bench/bench_job_title_suggest.py                    # 20 users, 60 s each
    .venv/bin/python bench/bench_job_title_suggest.py --users 2 --seconds 5   # a smoke run

Makes its own database (seb_bench_job_title), a survey that asks the job title, then runs,
one after the other, under the same gunicorn settings (config/gunicorn.py, production
Django settings, workers forked warm from a master that built the coder's and the
suggestions' indexes):

- the bare view: a Django app with the same middleware for sessions and CSRF, one page
  (bench/bare/);
- the suggestions: Locust people typing job titles from the evaluation set letter by
  letter into a response at its job title page, each letter from the second one request
  (bench/locust_job_title.py), each request checked for the respondent's response and
  counted against the rate limit (the limits are raised out of the way: every simulated
  person comes from one address).

It prints each one's requests per second and latency, and the suggestions against their
targets: p99 under 50 ms at 20 users; the slowest request under 500 ms (no worker builds
an index on its first request: that takes about 1.5 s).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_journey import checkpoint, free_port, serve
from common import ROOT, bench_database_url, heading, line, migrate, recreate_database, setup_django

P99_TARGET_MS = 50.0
SLOWEST_TARGET_MS = 500.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 20)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 60)))
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def load(target: str, port: int, users: int, seconds: int, folder: Path, env: dict) -> dict:
    prefix = folder / target
    subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_job_title.py")),
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
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    measured = rows["suggestions" if target == "suggestions" else "bare page"]
    return {
        "rps": float(measured["Requests/s"]),
        "p50": float(measured["50%"]),
        "p99": float(measured["99%"]),
        "max": float(measured["Max Response Time"]),
        "requests": int(measured["Request Count"]),
        "failures": int(measured["Failure Count"]),
    }


def main() -> None:
    args = parse_args()
    maintenance, url, name = bench_database_url("seb_bench_job_title")
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
        "JOB_TITLE_SUGGESTIONS_PER_RESPONSE": "1000000",
        "JOB_TITLE_SUGGESTIONS_PER_ADDRESS": "1000000000",
    }
    os.environ.update({key: env[key] for key in env if key != "DJANGO_SETTINGS_MODULE"})
    setup_django(url)
    migrate()
    from django.db import connection

    from surveys.models import Survey

    Survey.objects.create(slug="load", name="Load test", asks_job_title=True)
    connection.close()
    folder = Path(tempfile.mkdtemp(prefix="seb-job-title-"))
    try:
        measure(args, env, folder, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            recreate_database(maintenance, name, drop_only=True)


def measure(args: argparse.Namespace, env: dict[str, str], folder: Path, name: str) -> None:
    static = folder / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env={**env, "STATIC_ROOT": str(static)},
        cwd=ROOT,
        check=True,
    )
    env["STATIC_ROOT"] = str(static)
    print(f"Job title suggestions under load: {args.users} users, {args.seconds} s each ({name})")
    results = {}
    for target, app, settings_module in (
        ("bare", "bench.bare.wsgi", "bench.bare.settings"),
        ("suggestions", "config.wsgi", "config.settings.production"),
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
    bare, suggestions = results["bare"], results["suggestions"]
    heading("Requests per second and latency (each HTTP request counted)")
    for label, result in (("bare Django view", bare), ("job title suggestions", suggestions)):
        line(
            label,
            f"{result['rps']:.0f} req/s",
            f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms, "
            f"{result['requests']:,} requests, {result['failures']} failures",
        )
    line(
        "suggestions' p99",
        f"{suggestions['p99']:.0f} ms",
        f"target under {P99_TARGET_MS:.0f} ms",
        suggestions["p99"] < P99_TARGET_MS,
    )
    line(
        "slowest suggestion",
        f"{suggestions['max']:.0f} ms",
        f"target under {SLOWEST_TARGET_MS:.0f} ms (indexes built before the first request)",
        suggestions["max"] < SLOWEST_TARGET_MS,
    )
    line(
        "failed requests",
        str(suggestions["failures"] + bare["failures"]),
        "target 0",
        not (suggestions["failures"] + bare["failures"]),
    )


if __name__ == "__main__":
    main()
