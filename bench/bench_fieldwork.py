"""Benchmark: fieldwork at scale (docs/spec/fieldwork.md, Scale).

    .venv/bin/python bench/bench_fieldwork.py                 # 1,000,000 cases
    .venv/bin/python bench/bench_fieldwork.py --cases 100000  # a quick check
    BENCH_CASES=2000 .venv/bin/python bench/bench_fieldwork.py  # a smoke run

Works in its own database (`seb_bench_fieldwork`, or BENCH_DATABASE) on the server
of DATABASE_URL, dropped at the end unless --keep. It times, each beside its limit:

- loading a sample file of N cases (CSV, all or nothing), its mail-merge file of
  every case's code and link written as the cases are made, in a forked child so
  the peak memory is its own (the limit: memory that does not grow with N, so the
  peak is printed beside the memory the process had when it forked; its time
  beside a bare COPY of the same rows is `bench_sample_load.py`'s);
- queueing an invitation round for every case (limit: under a minute);
- the monitoring page and the rates file, with a third of the cases complete and
  a tenth stopped part way (limit: under a second each, best of five, warm);
- sending: messages a second through the local backend, unpaced (the real pace is
  NOTIFY_MESSAGES_PER_MINUTE; this shows the service is not the bottleneck).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path
from statistics import median

from common import (
    heading,
    in_bench_database,
    in_child,
    line,
    rss_mb,
)

DEFAULT_CASES = 1_000_000
QUEUE_LIMIT = 60.0
PAGE_LIMIT = 1.0
REGIONS = ("North", "Midlands", "South", "Wales", "Scotland", "Northern Ireland")
GRADES = ("Junior", "Middle", "Senior")
SEND_RATE_NEEDED = 40.0  # messages a second: Notify's 2,400 a minute
# The answers of every complete response the bench stores (a state school, a
# clerical employee): the bench's own, not the test suite's.
COMPLETE_ANSWERS = {
    "school_type": "state",
    "free_school_meals": "yes",
    "earner_employment_status": "employee",
    "employer_size": "1_to_24",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "degree",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=int,
        default=int(os.environ.get("BENCH_CASES", DEFAULT_CASES)),
        help="cases in the sample (default BENCH_CASES, or 1,000,000)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--seed", type=int, default=2023)
    return parser.parse_args()


def write_sample(path: Path, cases: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("reference,email,region,grade\n")
        for number in range(1, cases + 1):
            out.write(
                f"C{number:07d},person{number}@example.org,{rng.choice(REGIONS)},"
                f"{rng.choice(GRADES)}\n"
            )


def load_sample_with_codes(sample: Path, codes: Path) -> int:
    """Load the bench sample file into the survey `bench`, its codes file written by the
    load itself; the number of cases made."""
    from seb.interchange import FileFormat
    from surveys.fieldwork.codes_file import CodesOut
    from surveys.fieldwork.samples import sample_load
    from surveys.models import Survey

    with sample.open("rb") as stream:
        report = sample_load(
            survey=Survey.objects.get(slug="bench"),
            stream=stream,
            file_format=FileFormat.CSV,
            file_name="sample.csv",
            codes=CodesOut(path=codes, open=lambda path: path.open("xb")),
        )
    assert report.ok, report.problems[:3]
    return report.created


def main() -> None:
    args = parse_args()
    in_bench_database(
        "seb_bench_fieldwork", keep=args.keep, work=lambda name, folder: run(args, name, folder)
    )


def run(args: argparse.Namespace, name: str, workdir: Path) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from seb.standard import Mode
    from surveys.fieldwork.contacts import round_create, round_queue, round_send
    from surveys.fieldwork.notify import LocalBackend, Pacer
    from surveys.models import Case, ContactRound, Message, Response, Survey
    from surveys.responses.bulk import NewResponse, complete, responses_create

    settings.ALLOWED_HOSTS = ["*"]
    survey = Survey.objects.create(
        slug="bench", name="Bench", access=Survey.Access.INVITATION, offers_telephone=True
    )
    print(f"Fieldwork at {args.cases:,} cases (database {name})", flush=True)
    sample = workdir / "sample.csv"
    write_sample(sample, args.cases, args.seed)
    line("sample file", f"{sample.stat().st_size / 1024**2:,.1f} MB")

    heading("Loading the sample (in a child process)")

    def load_and_write() -> dict[str, float]:
        started = time.perf_counter()
        codes = workdir / "codes.csv"
        load_sample_with_codes(sample, codes)
        with codes.open("rb") as written:
            rows = sum(1 for _ in written) - 1
        return {"load": time.perf_counter() - started, "rows": rows}

    at_fork = rss_mb()
    _, peak, result = in_child(load_and_write)
    assert result["rows"] == args.cases, result
    line("load: check, stage, create cases, write codes file", f"{result['load']:.1f} s")
    line(
        "peak memory of the load and its file",
        f"{peak:,.0f} MB",
        f"limit: not growing with N (forked at {at_fork:,.0f} MB)",
    )
    assert Case.objects.filter(survey=survey).count() == args.cases

    # Progress: a third complete (through the services' bulk path), a tenth stopped.
    rng = random.Random(args.seed)
    ids = list(Case.objects.filter(survey=survey).values_list("pk", flat=True))
    rng.shuffle(ids)
    third, tenth = len(ids) // 3, len(ids) // 10
    done = complete(survey, Mode.ONLINE, COMPLETE_ANSWERS)
    started = time.perf_counter()
    responses_create(
        survey=survey,
        responses=(NewResponse(complete=done, case_id=pk) for pk in ids[:third]),
    )
    table, cases = Response._meta.db_table, Case._meta.db_table
    with connection.cursor() as cursor:
        # Bench data only: unfinished responses and the outcomes the services would derive.
        cursor.execute(
            f"INSERT INTO {table} (id, survey_id, standard_version, mode, status, source, "
            "is_test, case_id, reference, stop_reason, revision, next_question, start_token, "
            "started_at, updated_at, nssec5, nssec3) SELECT gen_random_uuid(), survey_id, "
            "'2023-07-07', 'online', 'abandoned', 'collected', false, id, reference, '', 1, "
            "(ARRAY['free_school_meals','earner_employment_status','parental_qualification'])"
            "[1 + (id %% 3)], '', now(), now(), '', '' FROM "
            f"{cases} WHERE id = ANY(%s)",
            [ids[third : third + tenth]],
        )
        cursor.execute(
            f"UPDATE {cases} SET outcome = '1.1', mode = 'online' WHERE id = ANY(%s)",
            [ids[:third]],
        )
        cursor.execute(
            f"UPDATE {cases} SET outcome = CASE WHEN id %% 3 = 2 THEN '1.2' ELSE '2.12' END, "
            "mode = 'online' WHERE id = ANY(%s)",
            [ids[third : third + tenth]],
        )
        cursor.execute("ANALYZE")
    line(
        "(bench data: a third complete, a tenth stopped)", f"{time.perf_counter() - started:.1f} s"
    )

    heading("Contacting the sample")
    round_ = round_create(
        survey=survey,
        kind=ContactRound.Kind.INVITATION,
        email_template_id="t",
        sms_template_id="",
        user=None,
    )
    started = time.perf_counter()
    queued = round_queue(round_)
    queue_seconds = time.perf_counter() - started
    line(
        f"queue an invitation round ({queued:,} messages)",
        f"{queue_seconds:.1f} s",
        f"limit {QUEUE_LIMIT:.0f} s",
        queue_seconds < QUEUE_LIMIT,
    )

    # Sending: the first 5,000 of the round, unpaced, through the local backend; the
    # rest are moved to another round, so as not to send them.
    sample_round = round_create(
        survey=survey,
        kind=ContactRound.Kind.REMINDER,
        email_template_id="t",
        sms_template_id="",
        user=None,
    )
    keep = list(
        Message.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True)[5000:5001]
    )
    if keep:
        Message.objects.filter(round=round_, pk__gte=keep[0]).update(round=sample_round)
    started = time.perf_counter()
    report = round_send(round_, backend=LocalBackend(), pacer=Pacer(0))
    sent_seconds = time.perf_counter() - started
    rate = report.sent / sent_seconds if sent_seconds else 0.0
    line(
        f"send {report.sent:,} messages (local backend, unpaced)",
        f"{rate:,.0f} /s",
        f"limit at least {SEND_RATE_NEEDED:.0f}/s (Notify's 2,400 a minute)",
        rate >= SEND_RATE_NEEDED,
    )

    heading("Monitoring (warm, best of 5)")
    user = User.objects.create_superuser("bench", password="bench-password-not-secret")  # noqa: S106
    client = Client()
    client.force_login(user)
    for path, label in (
        ("/manage/bench/monitoring/", "monitoring page"),
        ("/manage/bench/monitoring/response-rates.csv", "rates file"),
    ):
        client.get(path)  # warm: the chart renderer's first start, the caches
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        line(
            f"{label} (median {median(times):.3f} s)",
            f"{min(times):.3f} s",
            f"limit {PAGE_LIMIT:.0f} s",
            min(times) < PAGE_LIMIT,
        )
    line("this process's memory at the end", f"{rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
