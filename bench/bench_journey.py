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

from pathlib import Path
from typing import Any

from common import heading, line
from web import BARE, SERVICE_SETTINGS, figures, locust_stats, parse_args, under_load

SHARE_TARGET = 0.60
P99_TARGET_MS = 100.0


def prepare() -> None:
    from django.db import connection

    from surveys.models import Survey

    Survey.objects.create(slug="load", name="Load test")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare_answer (id bigserial, answer text, at timestamptz)")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])

    def drive(target: str, port: int, env: dict[str, str], folder: Path) -> dict[str, Any]:
        rows = locust_stats("locustfile.py", target, port, args.users, args.seconds, folder, env)
        total = rows.pop("Aggregated")
        pages = {
            page: (float(row["50%"]), float(row["99%"]), int(row["Request Count"]))
            for page, row in rows.items()
        }
        return {**figures(total), "pages": pages}

    results = under_load(
        "seb_bench_journey",
        args,
        prepare=prepare,
        targets=(BARE, ("journey", "config.wsgi", SERVICE_SETTINGS)),
        drive=drive,
        title="The journey under load",
    )
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
