"""Benchmark: the four output tables at 10,000,000 responses, with and without a date range.

    .venv/bin/python bench/bench_tables.py                 # 10,000,000 responses
    .venv/bin/python bench/bench_tables.py --rows 1000000 --explain
    BENCH_TABLE_ROWS=20000 .venv/bin/python bench/bench_tables.py  # a smoke run

Makes its own database (seb_bench_tables), fills one survey with N plausible
complete responses completed over the past year (COPY, then the tallies counted
once), and times `classification.selectors.tables_report` and `seb.outputs.publish`
(the counts with their record keys' sums, then every cell perturbed): every mode and date,
then a three-month range, then one mode; best and median of five runs each,
against the target of one second. --explain prints each table's query plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from random import Random

from common import (
    answer_pool,
    bench_database_url,
    heading,
    line,
    migrate,
    recreate_database,
    setup_django,
    timed,
)

TARGET_SECONDS = 1.0
RUNS = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=int(os.environ.get("BENCH_TABLE_ROWS", 10_000_000))
    )
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--explain", action="store_true", help="print each table's query plan")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args()


def fill(survey_id: int, rows: int, seed: int) -> None:
    """N complete responses in one COPY per million, completed over the past year."""
    from django.db import connection

    from surveys.models import Response, Survey
    from surveys.responses import bulk

    survey = Survey.objects.get(pk=survey_id)
    pool = answer_pool(5000, seed)
    now = datetime.now(UTC)
    stamps = [now - timedelta(days=365) + timedelta(minutes=m) for m in range(0, 365 * 1440, 7)]
    texts = []
    for mode, answers in pool:
        new = bulk.NewResponse(complete=bulk.complete(survey, mode, answers))
        fields = bulk._row_fields(survey, new, now)
        fields["survey"] = fields.pop("survey_id")
        texts.append([bulk._copy_text(fields[name]) for name in bulk.PATTERN_FIELDS])
    position = {name: i for i, name in enumerate(bulk.PATTERN_FIELDS)}
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Response._meta.get_field(name).column)
        for name in (*bulk.PER_ROW_FIELDS, *bulk.PATTERN_FIELDS)
    )
    sql = f"COPY {quote(Response._meta.db_table)} ({columns}) FROM STDIN"
    generator = Random(seed)
    done = 0
    while done < rows:
        size = min(1_000_000, rows - done)
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            batch = []
            for number in range(done, done + size):
                cells = list(texts[generator.randrange(len(texts))])
                stamp = stamps[number * len(stamps) // rows].isoformat()
                for name in ("started_at", "updated_at", "completed_at"):
                    cells[position[name]] = stamp
                key = generator.randrange(256)  # the record key
                batch.append(f"\\N\t\t\\N\t{key}\t" + "\t".join(cells) + "\n")
                if len(batch) == 50_000:
                    copy.write("".join(batch))
                    batch.clear()
            copy.write("".join(batch))
        done += size
        print(f"  filled {done:,}", flush=True)


def main() -> None:
    args = parse_args()
    maintenance, url, name = bench_database_url("seb_bench_tables")
    recreate_database(maintenance, name)
    setup_django(url)
    migrate()
    from django.db import connection

    from classification.selectors import table_counts_query, tables_report
    from seb.outputs import publish
    from seb.standard import Mode
    from seb.tables import Selection, table_specs
    from surveys.models import Survey
    from surveys.responses.tallies import tallies_rebuild

    print(f"Output tables at {args.rows:,} responses (database {name})")
    survey = Survey.objects.create(
        slug="bench", name="Bench", offers_face_to_face=True, offers_telephone=True
    )
    seconds, _ = timed(lambda: fill(survey.pk, args.rows, args.seed))
    line("fill (COPY)", f"{seconds:.0f} s")
    seconds, tallies = timed(lambda: tallies_rebuild(survey=survey))
    line("count the tallies once", f"{seconds:.0f} s", f"{tallies:,} tally rows")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
        cursor.execute("VACUUM ANALYZE surveys_responsetally")

    today = date.today()
    selections = {
        "every mode and date": Selection(),
        "three months": Selection(
            date_from=today - timedelta(days=120), date_to=today - timedelta(days=30)
        ),
        "online only": Selection(modes=(Mode.ONLINE,)),
    }
    heading(f"The four tables, counted and published with perturbation, best of {RUNS}")
    for label, selection in selections.items():
        runs = []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = tables_report(survey=survey, selection=selection)
            publish(report)  # every cell perturbed (seb.perturbation), notes written
            runs.append(time.perf_counter() - started)
        total = report.tables[0].total
        best, median = min(runs), statistics.median(runs)
        line(
            f"{label} ({total:,} responses)",
            f"{best:.3f} s",
            f"median {median:.3f} s; target under {TARGET_SECONDS:.0f} s",
            median < TARGET_SECONDS,
        )
    if args.explain:
        heading("Query plans")
        for spec in table_specs("5"):
            query = table_counts_query(
                survey=survey, selection=selections["three months"], spec=spec
            )
            sql, params = query.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                print(f"\n  {spec.key}:")
                for (plan_line,) in cursor.fetchall():
                    print(f"    {plan_line}")
    connection.close()
    if not args.keep:
        recreate_database(maintenance, name, drop_only=True)


if __name__ == "__main__":
    main()
