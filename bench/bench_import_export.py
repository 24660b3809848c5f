"""Benchmark: importing and exporting a million responses, beside PostgreSQL's own COPY.

    .venv/bin/python bench/bench_import_export.py              # 1,000,000 rows
    .venv/bin/python bench/bench_import_export.py --rows 100000
    BENCH_ROWS=2000 .venv/bin/python bench/bench_import_export.py  # a smoke run

Makes its own database (seb_bench_io), writes an interchange CSV and XLSX of N
plausible responses, and times, each in a child process with its peak memory:

- the limits, measured in the same run: a bare COPY of the same rows (the text our
  import sends) into a copy of the responses table without indexes, and into one
  with just the indexes the tables and selections use (no constraints);
- the import of the CSV (every check, then COPY, tallies and all): target within
  1.5x the indexed COPY and under 300 MB. The limits and this import run in
  --repeat rounds (3; BENCH_REPEAT), each step into an empty table after a
  CHECKPOINT, and the best of each is compared: on a shared machine the same COPY
  took from 12.5 to 16 s from one run to the next;
- the import of the XLSX: target under 60 s;
- the microdata export as CSV: target within 2x PostgreSQL's COPY ... TO of the same
  query; as XLSX: target under 30 s and 200 MB;
- the microdata export as SPSS (.sav) and Stata (.dta), by the code the download and
  export_responses use (classification.microdata.microdata_statfile, copied into a
  file of the run's temporary folder like export_responses does), each with its file
  size: no time target (printed beside the CSV export's time), and their peak memory
  (the files are built in memory, and capped at 1,000,000 responses).
  --no-stat skips them.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from pathlib import Path
from random import Random
from typing import Any

from common import (
    bench_database_url,
    heading,
    in_child,
    interchange_rows,
    line,
    migrate,
    recreate_database,
    setup_django,
)

IMPORT_RATIO = 1.5
XLSX_IMPORT_SECONDS = 60.0
EXPORT_RATIO = 2.0
XLSX_EXPORT_SECONDS = 30.0
IMPORT_MB = 300.0
XLSX_EXPORT_MB = 200.0
# SPSS and Stata files are built in memory (classification/statfiles.py): the import's
# memory limit; no time target, their time is printed beside the CSV export's.


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 1_000_000)))
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(os.environ.get("BENCH_REPEAT", 3)),
        help="rounds of the COPY limits and the CSV import, the best compared (default 3)",
    )
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX import and export")
    parser.add_argument(
        "--no-stat", action="store_true", help="skip the SPSS (.sav) and Stata (.dta) exports"
    )
    return parser.parse_args()


def write_files(folder: Path, rows: int, seed: int, xlsx: bool) -> tuple[Path, Path | None]:
    from seb.interchange import COLUMNS
    from seb.interchange.writing import write_xlsx

    csv_path = folder / "responses.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(interchange_rows(rows, seed))
    if not xlsx:
        return csv_path, None
    xlsx_path = folder / "responses.xlsx"
    with xlsx_path.open("wb") as handle:
        write_xlsx(interchange_rows(rows, seed), handle, columns=COLUMNS)
    return csv_path, xlsx_path


def copy_text(survey: Any, csv_path: Path, folder: Path) -> Path:
    """The COPY text our import sends for the file's rows, written to a file."""
    from django.utils import timezone

    from seb.interchange import FileFormat
    from seb.interchange.checking import LineChecker, check_header
    from seb.interchange.reading import read_lines
    from surveys.models import Response
    from surveys.responses import bulk

    now = timezone.now()
    keys = Random(1)
    target = folder / "copy.txt"
    with csv_path.open("rb") as stream, target.open("w", encoding="utf-8") as out:
        lines = read_lines(stream, FileFormat.CSV)
        header, _ = check_header(next(lines))
        checker = LineChecker(header=header, standard=survey.standard, modes=survey.modes)
        for checked_line in lines:
            checked = checker.check(checked_line)
            assert not isinstance(checked, list)
            new = bulk.NewResponse(
                complete=checked.response,
                reference=checked.reference,
                completed_at=now,
                started_at=now,
                source=Response.Source.IMPORTED,
            )
            fields = bulk._row_fields(survey, new, now)
            fields["survey"] = fields.pop("survey_id")
            per_row = [
                fields.pop("case_id"),
                fields["reference"],
                fields.pop("interviewer_id"),
                keys.randrange(256),  # the record key, as the import draws it
            ]
            text = "\t".join(bulk._copy_text(fields[name]) for name in bulk.PATTERN_FIELDS)
            out.write("\t".join(map(bulk._copy_text, per_row)) + f"\t{text}\n")
    return target


def copy_into(table: str, text: Path) -> int:
    from django.db import connection

    from surveys.models import Response
    from surveys.responses import bulk

    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Response._meta.get_field(name).column)
        for name in (*bulk.PER_ROW_FIELDS, *bulk.PATTERN_FIELDS)
    )
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy, text.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            copy.write(chunk)
    return int(cursor.rowcount)


def fresh_tables() -> None:
    """Empty the responses table (as before the first import) and the limits' copies,
    then CHECKPOINT, so the next step starts with nothing of the last one to write."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute("DROP TABLE IF EXISTS bench_indexed")
        cursor.execute("TRUNCATE surveys_response CASCADE")
        cursor.execute("DELETE FROM surveys_responsetally")
        cursor.execute("CHECKPOINT")


def limit_table(name: str, *, indexes: bool) -> None:
    from django.db import connection

    including = "INCLUDING DEFAULTS INCLUDING INDEXES" if indexes else "INCLUDING DEFAULTS"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} (LIKE surveys_response {including})")


def main() -> None:
    args = parse_args()
    maintenance, url, name = bench_database_url("seb_bench_io")
    recreate_database(maintenance, name)
    setup_django(url)
    migrate()
    from django.db import connection

    from classification.imports import import_file
    from classification.microdata import (
        STATFILE_MAX_ROWS,
        _copy_sql,
        microdata_statfile,
        microdata_write,
        survey_microdata,
    )
    from classification.statfiles import StatFormat
    from seb.interchange import FileFormat
    from surveys.models import Survey

    rows = args.rows
    print(f"Import and export of {rows:,} responses (database {name})")
    folder = Path(tempfile.mkdtemp(prefix="seb-bench-"))
    try:
        csv_path, xlsx_path = write_files(folder, rows, args.seed, not args.no_xlsx)
        print(f"  files: CSV {csv_path.stat().st_size / 1e6:.0f} MB", end="")
        if xlsx_path:
            print(f", XLSX {xlsx_path.stat().st_size / 1e6:.0f} MB", end="")
        print()
        source = Survey.objects.create(
            slug="bench-source", name="Bench", offers_face_to_face=True, offers_telephone=True
        )
        text = copy_text(source, csv_path, folder)

        def run_import(path: Path, file_format: FileFormat, slug: str) -> dict[str, Any]:
            survey = Survey.objects.create(
                slug=slug, name=slug, offers_face_to_face=True, offers_telephone=True
            )
            with path.open("rb") as stream:
                report = import_file(
                    survey=survey, stream=stream, file_format=file_format, file_name=path.name
                )
            return {"ok": report.ok, "imported": report.imported, "summary": report.summary}

        # The limits and the CSV import, in rounds: each step into an empty table,
        # after a CHECKPOINT (so none pays for the writes of the one before), the
        # best of the rounds compared (the machine's other work only slows a step).
        bare, indexed, imported, peaks = [], [], [], []
        for round_ in range(1, args.repeat + 1):
            fresh_tables()
            limit_table("bench_bare", indexes=False)
            bare.append(in_child(lambda: copy_into("bench_bare", text))[0])
            fresh_tables()
            limit_table("bench_indexed", indexes=True)
            indexed.append(in_child(lambda: copy_into("bench_indexed", text))[0])
            fresh_tables()
            slug = "csv" if round_ == args.repeat else f"csv-{round_}"
            seconds, peak, result = in_child(lambda s=slug: run_import(csv_path, FileFormat.CSV, s))
            assert result["imported"] == rows, result
            imported.append(seconds)
            peaks.append(peak)

        def runs(times: list[float]) -> str:
            return f"best of {len(times)}: " + ", ".join(f"{t:.1f}" for t in times) + " s"

        heading("Limits, measured in this run")
        line("COPY into a table without indexes", f"{min(bare):.1f} s", runs(bare))
        label = "COPY into a table with just the tables' indexes"
        line(label, f"{min(indexed):.1f} s", runs(indexed))
        heading("Import (every check, COPY, tallies, one transaction)")
        limit = IMPORT_RATIO * min(indexed)
        line(
            f"CSV import, {rows:,} rows",
            f"{min(imported):.1f} s",
            f"limit {IMPORT_RATIO}x indexed COPY = {limit:.1f} s "
            f"({min(imported) / min(indexed):.2f}x); {runs(imported)}",
            min(imported) <= limit,
        )
        line(
            "  its peak memory",
            f"{max(peaks):.0f} MB",
            f"limit {IMPORT_MB:.0f} MB",
            max(peaks) < IMPORT_MB,
        )
        if xlsx_path:
            seconds, peak, result = in_child(lambda: run_import(xlsx_path, FileFormat.XLSX, "xlsx"))
            assert result["imported"] == rows, result
            line(
                f"XLSX import, {rows:,} rows",
                f"{seconds:.1f} s",
                f"limit {XLSX_IMPORT_SECONDS:.0f} s",
                seconds < XLSX_IMPORT_SECONDS,
            )
            line(
                "  its peak memory", f"{peak:.0f} MB", f"limit {IMPORT_MB:.0f} MB", peak < IMPORT_MB
            )

        heading("Export (the microdata of the CSV import's survey)")
        survey = Survey.objects.get(slug="csv")

        def raw_copy_to() -> int:
            sql, params = _copy_sql(survey_microdata(survey=survey))
            total = 0
            with connection.cursor() as cursor, cursor.copy(sql, params) as copy:
                for data in copy:
                    total += len(data)
            return total

        def export(file_format: FileFormat) -> int:
            with (folder / f"export.{file_format.value}").open("wb") as stream:
                return microdata_write(
                    responses=survey_microdata(survey=survey),
                    stream=stream,
                    file_format=file_format,
                )

        def stat_export(file_format: StatFormat) -> list[int]:
            """As export_responses: the statfile made, then copied into the output."""
            target = folder / f"export.{file_format.value}"
            made, count = microdata_statfile(
                responses=survey_microdata(survey=survey), survey=survey, file_format=file_format
            )
            with made, target.open("wb") as stream:
                while chunk := made.read(1024 * 1024):
                    stream.write(chunk)
            return [count, target.stat().st_size]

        copy_seconds, _, _ = in_child(raw_copy_to)
        line("limit: COPY ... TO of the same query", f"{copy_seconds:.1f} s")
        csv_seconds, peak, written = in_child(lambda: export(FileFormat.CSV))
        assert written == rows
        line(
            "CSV export",
            f"{csv_seconds:.1f} s",
            f"limit {EXPORT_RATIO}x COPY TO = {EXPORT_RATIO * copy_seconds:.1f} s "
            f"({csv_seconds / copy_seconds:.2f}x)",
            csv_seconds <= EXPORT_RATIO * copy_seconds,
        )
        line("  its peak memory", f"{peak:.0f} MB")
        if xlsx_path:
            seconds, peak, written = in_child(lambda: export(FileFormat.XLSX))
            assert written == rows
            line(
                "XLSX export",
                f"{seconds:.1f} s",
                f"limit {XLSX_EXPORT_SECONDS:.0f} s",
                seconds < XLSX_EXPORT_SECONDS,
            )
            line(
                "  its peak memory",
                f"{peak:.0f} MB",
                f"limit {XLSX_EXPORT_MB:.0f} MB",
                peak < XLSX_EXPORT_MB,
            )
        if not args.no_stat:
            for label, stat_format in (("SAV", StatFormat.SAV), ("DTA", StatFormat.DTA)):
                seconds, peak, (written, size) = in_child(lambda f=stat_format: stat_export(f))
                assert written == rows
                (folder / f"export.{stat_format.value}").unlink()
                line(
                    f"{label} export, {size / 1e6:.1f} MB",
                    f"{seconds:.1f} s",
                    f"no target; CSV export {csv_seconds:.1f} s ({seconds / csv_seconds:.1f}x)",
                )
                line(
                    "  its peak memory",
                    f"{peak:.0f} MB",
                    f"built in memory; files are capped at {STATFILE_MAX_ROWS:,} responses",
                )
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(maintenance, name, drop_only=True)


if __name__ == "__main__":
    main()
