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

from pathlib import Path
from typing import Any

from common import heading, line
from web import BARE, SERVICE_SETTINGS, figures, locust_stats, parse_args, under_load

P99_TARGET_MS = 50.0
SLOWEST_TARGET_MS = 500.0
# Every simulated person comes from one address: the rate limits are raised out of the way.
UNLIMITED = {
    "JOB_TITLE_SUGGESTIONS_PER_RESPONSE": "1000000",
    "JOB_TITLE_SUGGESTIONS_PER_ADDRESS": "1000000000",
}


def prepare() -> None:
    from surveys.models import Survey

    Survey.objects.create(slug="load", name="Load test", asks_job_title=True)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])

    def drive(target: str, port: int, env: dict[str, str], folder: Path) -> dict[str, Any]:
        rows = locust_stats(
            "locust_job_title.py", target, port, args.users, args.seconds, folder, env
        )
        return figures(rows["suggestions" if target == "suggestions" else "bare page"])

    results = under_load(
        "seb_bench_job_title",
        args,
        prepare=prepare,
        targets=(BARE, ("suggestions", "config.wsgi", SERVICE_SETTINGS)),
        drive=drive,
        title="Job title suggestions under load",
        extra_env=UNLIMITED,
    )
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
