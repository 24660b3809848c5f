"""Benchmark: the output tables, the workbook, the microdata export and the import at scale.

    make bench                                   # 1,000,000 responses
    BENCH_ROWS=100000 make bench                 # a quick check
    .venv/bin/python bench/bench_tables.py --rows 100000 --explain --xlsx --keep

It works in its own database (`seb_bench`, or BENCH_DATABASE), made on the server
of DATABASE_URL and dropped at the end (unless --keep); it never touches the
database DATABASE_URL names. It fills one survey with N complete, routing-valid
responses through COPY, then times:

- the four prescribed tables (classification.selectors.tables_report), cold and warm,
  and the same counts as plain COUNT(*) GROUP BY queries;
- the workbook of those tables;
- the microdata export (CSV; XLSX with --xlsx);
- the import of that CSV file (N lines) into a new survey.

Export and import run in a forked child so their peak memory (maximum resident
set size) is their own; it is printed beside the size of the process they
started from. The target: all four tables in under one second.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROWS = 1_000_000
TABLES_TARGET_SECONDS = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=int(os.environ.get("BENCH_ROWS", DEFAULT_ROWS)),
        help=f"responses to fill (default BENCH_ROWS or {DEFAULT_ROWS:,})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--xlsx", action="store_true", help="also time the XLSX microdata export")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each table's query"
    )
    parser.add_argument(
        "--tables-only", action="store_true", help="time the tables and workbook only"
    )
    parser.add_argument("--seed", type=int, default=2023)
    return parser.parse_args()


# The bench database -------------------------------------------------------


def bench_database_url() -> tuple[str, str, str]:
    """(server maintenance URL, bench URL, bench database name)."""
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/seb")
    parts = urlsplit(server)
    name = os.environ.get("BENCH_DATABASE", "seb_bench")
    if parts.path.lstrip("/") == name:
        sys.exit(f"BENCH_DATABASE {name!r} is the database DATABASE_URL names: choose another")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return maintenance, urlunsplit(parts._replace(path=f"/{name}")), name


def recreate_database(maintenance: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# Measuring ------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def in_child(work: Callable[[], Any]) -> tuple[float, float, float, Any]:
    """Run `work` in a forked child: (seconds, peak RSS MB, RSS MB at the fork, its result)."""
    from django.db import connections

    connections.close_all()
    start_rss = rss_mb()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(reader)
        code = 0
        try:
            started = time.perf_counter()
            result = work()
            payload = {"seconds": time.perf_counter() - started, "result": result}
        except BaseException as error:
            payload = {"error": repr(error)}
            code = 1
        with os.fdopen(writer, "w") as out:
            json.dump(payload, out)
        os._exit(code)
    os.close(writer)
    with os.fdopen(reader) as out:
        payload = json.loads(out.read() or "{}")
    _, _, usage = os.wait4(pid, 0)
    if "error" in payload:
        raise RuntimeError(payload["error"])
    return payload["seconds"], usage.ru_maxrss / 1024, start_rss, payload["result"]


def report(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<44} {seconds:8.3f} s  {extra}", flush=True)


# Filling --------------------------------------------------------------------


def answer_patterns() -> list[tuple[str, dict[str, str], float]]:
    """Every complete set of answers per mode, with its chance under a random walk.

    Each question's answer is drawn evenly from the options its mode offers, so
    the patterns are routing-valid by construction.
    """
    from seb.standard import END, Mode, load_standard

    standard = load_standard()
    patterns: list[tuple[str, dict[str, str], float]] = []

    def walk(mode: Mode, key: str, answers: dict[str, str], chance: float) -> None:
        if key == END:
            patterns.append((mode.value, answers, chance / len(Mode)))
            return
        question = standard.question(key)
        codes = question.wording(mode).codes
        for code in codes:
            walk(mode, question.next_after(code), {**answers, key: code}, chance / len(codes))

    for mode in Mode:
        walk(mode, standard.first.key, {}, 1.0)
    return patterns


def fill(survey_id: int, rows: int, seed: int) -> None:
    """N complete responses through one COPY, completed over the past year."""
    from django.db import connection
    from surveys.options import option_index

    from seb.derivation import derive
    from surveys.models import QUESTION_KEYS, Response, Survey

    survey = Survey.objects.select_related("standard").get(pk=survey_id)
    index = option_index(survey.standard.version)
    patterns = answer_patterns()
    texts = []
    for mode, answers, _ in patterns:
        nssec = derive(answers)
        ids = [
            "\\N" if key not in answers else str(index.id_for(key, answers[key]))
            for key in QUESTION_KEYS
        ]
        texts.append("\t".join([mode, *ids, nssec.nssec5, nssec.nssec3]))
    weights = [chance for _, _, chance in patterns]
    generator = random.Random(seed)
    chosen = generator.choices(range(len(patterns)), weights=weights, k=rows)
    fields = ["id", "reference", "completed_at", "mode", *QUESTION_KEYS, "nssec5", "nssec3"]
    fixed = {
        "survey": str(survey.pk),
        "standard": str(survey.standard_id),
        "status": "complete",
        "source": "collected",
        "stop_reason": "",
        "revision": "1",
        "started_at": datetime.now(UTC).isoformat(),
        "updated_at": datetime.now(UTC).isoformat(),
    }
    columns = [Response._meta.get_field(name).column for name in [*fields, *fixed]]
    tail = "\t".join(fixed.values())
    year_ago = datetime.now(UTC) - timedelta(days=365)
    seconds = [generator.randrange(365 * 24 * 3600) for _ in range(1000)]
    stamps = [(year_ago + timedelta(seconds=s)).isoformat() for s in sorted(seconds)]
    quote = connection.ops.quote_name
    copy_sql = (
        f"COPY {quote(Response._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        batch: list[str] = []
        for number, pattern in enumerate(chosen):
            stamp = stamps[number * len(stamps) // rows]
            batch.append(f"{uuid.uuid4()}\tbench-{number}\t{stamp}\t{texts[pattern]}\t{tail}\n")
            if len(batch) == 20_000:
                copy.write("".join(batch))
                batch.clear()
        copy.write("".join(batch))


# The benchmark --------------------------------------------------------------


def table_queries(survey_id: int) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL of each table's GROUP BY, as the selectors run it."""
    from classification.selectors import table_counts_query
    from seb.tables import Selection, table_specs
    from surveys.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    queries = []
    for spec in table_specs("5"):
        queryset = table_counts_query(survey=survey, selection=Selection(), spec=spec)
        sql, params = queryset.query.sql_with_params()
        queries.append((sql, tuple(str(p) if isinstance(p, str) else p for p in params)))
    return queries


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    """(best, median) seconds of `runs` runs of `work`."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return seconds[0], seconds[len(seconds) // 2]


def against_target(best: float, median: float) -> str:
    verdict = "within" if best < TABLES_TARGET_SECONDS else "OVER"
    return f"median {median:.3f} s; {verdict} the {TABLES_TARGET_SECONDS:.0f} s target"


TABLE_COLUMNS = ("school_type_id", "free_school_meals_id", "nssec5", "parental_qualification_id")


def raw_tables(survey_id: int) -> dict[str, dict[Any, int]]:
    """The four tables' counts by plain COUNT(*) GROUP BY queries (no ORM)."""
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for column in TABLE_COLUMNS:
            cursor.execute(
                f"SELECT {column}, COUNT(*) FROM surveys_response "  # noqa: S608 - fixed names
                "WHERE survey_id = %s AND status = 'complete' GROUP BY 1",
                [survey_id],
            )
            counts[column] = dict(cursor.fetchall())
    return counts


def time_tables(survey_id: int, *, explain: bool, label: str = "") -> Any:
    from django.db import connection

    from classification.selectors import tables_report
    from seb.tables import Selection
    from surveys.models import Survey

    survey = Survey.objects.select_related("standard").get(pk=survey_id)

    def tables(classes: str = "5") -> Any:
        return tables_report(survey=survey, selection=Selection(), classes=classes)

    started = time.perf_counter()
    built = tables()
    report(f"four tables{label}, first run", time.perf_counter() - started)
    best, median = best_of(5, tables)
    report(f"four tables{label}, best of 5", best, against_target(best, median))
    best, median = best_of(3, lambda: tables("both"))
    report(f"five tables{label} (NS-SEC 5 and 3), best of 3", best)
    best, median = best_of(5, lambda: raw_tables(survey_id))
    report(f"four tables{label} as COUNT(*) SQL, best of 5", best, against_target(best, median))
    if explain:
        with connection.cursor() as cursor:
            for sql, params in table_queries(survey_id):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                print("\n" + sql % params)
                for (line,) in cursor.fetchall():
                    print("    " + line)
        print()
    return built


def time_workbook(built: Any) -> None:
    from classification.workbook import write_workbook

    stream = io.BytesIO()
    started = time.perf_counter()
    write_workbook(built, stream)
    report(
        "workbook of the four tables",
        time.perf_counter() - started,
        f"{len(stream.getvalue()):,} bytes",
    )


def time_export(survey_id: int, path: Path, file_format: str) -> None:
    def work() -> int:
        from classification.interchange import FileFormat

        from classification.microdata import microdata_write, survey_microdata
        from surveys.models import Survey

        survey = Survey.objects.get(pk=survey_id)
        with path.open("wb") as stream:
            return microdata_write(
                responses=survey_microdata(survey=survey),
                stream=stream,
                file_format=FileFormat(file_format),
            )

    seconds, peak, start, rows = in_child(work)
    report(
        f"microdata export, {file_format.upper()}",
        seconds,
        f"{rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB; peak RSS {peak:,.0f} MB "
        f"(from {start:,.0f} MB)",
    )


def time_import(path: Path, rows: int) -> None:
    def work() -> int:
        from classification.interchange import FileFormat

        from classification.imports import import_responses, survey_for_import

        survey = survey_for_import(slug="bench-import", create=True)
        with path.open("rb") as stream:
            result = import_responses(survey=survey, stream=stream, file_format=FileFormat.CSV)
        if not result.ok:
            raise RuntimeError("; ".join(str(p) for p in result.problems[:5]))
        return result.imported

    seconds, peak, start, imported = in_child(work)
    assert imported == rows, (imported, rows)
    report(
        "import of that CSV (check, then COPY)",
        seconds,
        f"{imported:,} rows; peak RSS {peak:,.0f} MB (from {start:,.0f} MB)",
    )


def main() -> None:
    args = parse_args()
    maintenance, url, name = bench_database_url()
    print(f"Benchmark: {args.rows:,} responses in database {name!r}", flush=True)
    recreate_database(maintenance, name)
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from classification.imports import survey_for_import

        call_command("migrate", verbosity=0)
        survey = survey_for_import(slug="bench", create=True, name="Benchmark survey")
        started = time.perf_counter()
        fill(survey.pk, args.rows, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveys_response")
        report("set-up: fill through COPY, VACUUM ANALYZE", time.perf_counter() - started)
        print("Timings:")
        built = time_tables(survey.pk, explain=args.explain)
        total = next(table for table in built.tables if table.key == "school_type").total
        print(f"  {'(base of the school type table)':<44} {total:>10,}")
        time_workbook(built)
        with tempfile.TemporaryDirectory(prefix="seb-bench-") as folder:
            csv_path = Path(folder) / "microdata.csv"
            if not args.tables_only:
                time_export(survey.pk, csv_path, "csv")
                if args.xlsx:
                    time_export(survey.pk, Path(folder) / "microdata.xlsx", "xlsx")
                time_import(csv_path, args.rows)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'peak RSS of the benchmark process itself':<44} {own:8.0f} MB")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept database {name!r}.")
        else:
            recreate_database(maintenance, name, drop_only=True)


if __name__ == "__main__":
    main()
