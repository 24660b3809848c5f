"""Benchmark: a sample load, its codes file included, beside a bare COPY of its cases.

    .venv/bin/python bench/bench_sample_load.py                 # 1,000,000 cases
    .venv/bin/python bench/bench_sample_load.py --cases 200000  # a quicker check

Works in its own database (`seb_bench_sample_load`, or BENCH_DATABASE) on the server
of DATABASE_URL, dropped at the end unless --keep. In one run it times:

- the load: a CSV sample file of N cases (the fieldwork benchmark's) read, each line
  checked, staged, the whole-file checks run, the cases written with their
  credentials and each case's reference, access code and link written to the codes
  file as the case is made, all in one transaction (in a forked child, so its peak
  memory is its own);
- the limit's measure: the same N case rows, as the load left them in the cases
  table, copied out to a file (not timed), then a bare `COPY ... FROM STDIN` of that
  file into an empty copy of the cases table with all its indexes and constraints
  (`LIKE ... INCLUDING ALL`; no triggers, no foreign keys);
- beside it, the same rows (under a second survey and load, their hashes rehashed so
  they stay unique) copied into the cases table itself, its references' and tallies'
  statement triggers run as for any insert, in autocommit.

The limit: the load, codes file included, within twice the bare COPY.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench_fieldwork import load_sample_with_codes, write_sample
from common import (
    heading,
    in_bench_database,
    in_child,
    line,
    rss_mb,
)

DEFAULT_CASES = 1_000_000
TIMES_COPY = 2.0
BARE_TABLE = "bench_bare_case"
READ_BLOCK = 1 << 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=int(os.environ.get("BENCH_CASES", DEFAULT_CASES))
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    in_bench_database(
        "seb_bench_sample_load", keep=args.keep, work=lambda name, folder: run(args, name, folder)
    )


def run(args: argparse.Namespace, name: str, workdir: Path) -> None:
    from django.conf import settings
    from django.db import connection

    from surveys.models import Case, Survey

    settings.PUBLIC_BASE_URL = settings.PUBLIC_BASE_URL or "https://surveys.example.org"
    survey = Survey.objects.create(slug="bench", name="Bench", access=Survey.Access.INVITATION)
    print(f"A sample load at {args.cases:,} cases (database {name})", flush=True)
    sample = workdir / "sample.csv"
    write_sample(sample, args.cases, args.seed)
    line("sample file", f"{sample.stat().st_size / 1024**2:,.1f} MB")
    codes_path = workdir / "codes.csv"

    def load() -> int:
        return load_sample_with_codes(sample, codes_path)

    heading("The load, its codes file included (in a child process)")
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")  # both timings start with no checkpoint owed
    at_fork = rss_mb()
    load_seconds, peak, created = in_child(load)
    with codes_path.open("rb") as codes:
        rows = sum(1 for _ in codes) - 1
    assert created == rows == args.cases, (created, rows)
    assert Case.objects.filter(survey=survey).count() == args.cases
    line("load: check, stage, create cases, write codes", f"{load_seconds:.1f} s")
    line("codes file", f"{codes_path.stat().st_size / 1024**2:,.1f} MB", f"{rows:,} rows")
    line("peak memory", f"{peak:,.0f} MB", f"forked at {at_fork:,.0f} MB")

    heading("The same case rows, a bare COPY into a copy of the cases table")
    table = connection.ops.quote_name(Case._meta.db_table)
    rows_file = workdir / "cases.copy"
    with connection.cursor() as cursor:
        with rows_file.open("wb") as out, cursor.copy(f"COPY {table} TO STDOUT") as copy:
            for block in copy:
                out.write(block)
        cursor.execute(f"CREATE TABLE {BARE_TABLE} (LIKE {table} INCLUDING ALL)")
        cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        with rows_file.open("rb") as source, cursor.copy(f"COPY {BARE_TABLE} FROM STDIN") as copy:
            while block := source.read(READ_BLOCK):
                copy.write(block)
        copy_seconds = time.perf_counter() - started
        cursor.execute(f"SELECT COUNT(*) FROM {BARE_TABLE}")
        assert cursor.fetchone()[0] == args.cases
        cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = %s", [BARE_TABLE])
        indexes = cursor.fetchone()[0]
    line(f"COPY of {args.cases:,} case rows ({indexes} indexes)", f"{copy_seconds:.1f} s")
    into_cases = copy_into_cases(survey, workdir / "cases-again.copy")
    line(
        "the same rows into the cases table itself",
        f"{into_cases:.1f} s",
        f"(its triggers; the load is {load_seconds / into_cases:.2f} x)",
    )
    limit = TIMES_COPY * copy_seconds
    line(
        "the load, codes file included",
        f"{load_seconds:.1f} s",
        f"limit {limit:.1f} s ({TIMES_COPY:.0f} x the COPY; {load_seconds / copy_seconds:.2f} x)",
        load_seconds <= limit,
    )


def copy_into_cases(survey: object, rows_file: Path) -> float:
    """Seconds to COPY the survey's case rows into the cases table again, as the cases
    of a second survey and load (the rows copied out first, not timed)."""
    from django.db import connection

    from surveys.models import Case, SampleLoad, Survey

    other = Survey.objects.create(
        slug="bench-copy", name="Bench copy", access=Survey.Access.INVITATION
    )
    other_load = SampleLoad.objects.create(survey=other)
    quote = connection.ops.quote_name
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    rehashed = ("access_code_hash", "link_token_hash")
    given = {"survey": str(int(other.pk)), "sample_load": str(int(other_load.pk))}
    selected = ", ".join(
        given.get(f.name)
        or (
            f"encode(sha256(convert_to({quote(f.column)}, 'UTF8')), 'hex')"
            if f.name in rehashed
            else quote(f.column)
        )
        for f in fields
    )
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(Case._meta.db_table)
    source = int(survey.pk)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        query = f"SELECT {selected} FROM {table} WHERE survey_id = {source} ORDER BY id"
        with rows_file.open("wb") as out, cursor.copy(f"COPY ({query}) TO STDOUT") as copy:
            for block in copy:
                out.write(block)
        cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        with (
            rows_file.open("rb") as source_file,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            while block := source_file.read(READ_BLOCK):
                copy.write(block)
        seconds = time.perf_counter() - started
    assert Case.objects.filter(survey=other).count() == Case.objects.filter(survey=survey).count()
    return seconds


if __name__ == "__main__":
    main()
