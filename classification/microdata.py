"""The microdata: counted responses in the interchange format, with their NS-SEC classes.

A row per complete (non-test) response: `mode`, the eight answers (empty where
the question was not on the routing path), `reference`, `nssec5`, `nssec3`, then the
response's `response_id` and the day it was `completed`
(`seb.interchange.MICRODATA_COLUMNS`), oldest completion first. The CSV is
PostgreSQL's own `COPY ... TO STDOUT`, streamed as it comes, with text a user typed
made formula-safe in the query itself; for the other formats, rows are read in chunks
on a server-side cursor and written as they come. Either way a million rows export in
bounded memory. It is unrounded data: only users
allowed to see unrounded figures may download it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final

from django.db import connections
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast, TruncDate

from seb.interchange import COMPLETED, MICRODATA_COLUMNS, REFERENCE, RESPONSE_ID, FileFormat
from seb.interchange.writing import TooManyRows, write_xlsx
from seb.occupation.variables import JOB_TITLE
from seb.safe_text import FORMULA_TRIGGERS
from surveys.models import Response, Survey
from surveys.replica import analysis_db
from surveys.responses.tallies import counted_responses

from .occupation_outputs import field_of
from .statfiles import StatFormat, write_statfile

CHUNK_SIZE: Final = 5000
COPY_CHUNK_BYTES: Final = 256 * 1024
# The model fields behind MICRODATA_COLUMNS, in order; the response's record columns
# are annotations of these names, as text.
MICRODATA_FIELDS: Final = MICRODATA_COLUMNS
RECORD_FIELDS: Final = {
    RESPONSE_ID: Cast("id", output_field=CharField()),
    COMPLETED: Cast(TruncDate("completed_at"), output_field=CharField()),
}
# Columns of text someone typed: made formula-safe in the CSV's query itself.
TYPED_COLUMNS: Final = frozenset({REFERENCE, JOB_TITLE})


def survey_microdata(*, survey: Survey) -> QuerySet[Response]:
    """Every counted response of `survey`."""
    return counted_responses(Response.objects.using(analysis_db()).filter(survey=survey))


def _ordered(responses: QuerySet[Response]) -> QuerySet[Response]:
    return counted_responses(responses).annotate(**RECORD_FIELDS).order_by("completed_at", "id")


def microdata_rows(
    *,
    responses: QuerySet[Response],
    chunk_size: int = CHUNK_SIZE,
    columns: Sequence[str] = MICRODATA_COLUMNS,
) -> Iterator[tuple[str, ...]]:
    """The rows of the microdata, oldest completion first, cells as text.

    `responses` may be any selection; only its counted responses are rows. `columns`
    (`occupation_outputs.microdata_columns`) adds a job-title survey's columns, read
    through a join in the same query.
    """
    fields = [field_of(column) for column in columns]
    rows = _ordered(responses).values_list(*fields).iterator(chunk_size=chunk_size)
    for row in rows:
        yield tuple("" if value is None else str(value) for value in row)


def _copy_sql(
    responses: QuerySet[Response], columns: Sequence[str] = MICRODATA_COLUMNS
) -> tuple[str, tuple[object, ...]]:
    """The microdata query as `COPY (...) TO STDOUT` CSV with a header row."""
    rows = _ordered(responses).values_list(*(field_of(column) for column in columns))
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    quote = connections[rows.db].ops.quote_name
    triggers = ", ".join("'" + trigger.replace("'", "''") + "'" for trigger in FORMULA_TRIGGERS)
    selected = []
    for name in columns:
        if name in TYPED_COLUMNS:
            value = (
                f"CASE WHEN left(q.{quote(name)}, 1) IN ({triggers}) "
                f"THEN '''' || q.{quote(name)} ELSE q.{quote(name)} END"
            )
        else:
            value = f"q.{quote(name)}"
        selected.append(f"{value} AS {quote(name)}")
    # The inner query's columns are named by position, as the file names them.
    aliases = ", ".join(quote(name) for name in columns)
    return (
        f"COPY (SELECT {', '.join(selected)} FROM ({sql}) AS q({aliases})) "  # noqa: S608
        "TO STDOUT WITH (FORMAT csv, HEADER true)",
        params,
    )


def _copy(cursor: Any, sql: str, params: tuple[object, ...]) -> Any:
    """psycopg's COPY with parameters. Django's debug cursor (DEBUG on) wraps `copy`
    without parameters, so this goes to the psycopg cursor it wraps."""
    return cursor.cursor.copy(sql, params)


def _copy_chunks(
    responses: QuerySet[Response], columns: Sequence[str] = MICRODATA_COLUMNS
) -> Iterator[bytes]:
    sql, params = _copy_sql(responses, columns)
    with connections[responses.db].cursor() as cursor, _copy(cursor, sql, params) as copy:
        buffer = bytearray()
        for data in copy:
            buffer += data
            if len(buffer) >= COPY_CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)


def microdata_write(
    *,
    responses: QuerySet[Response],
    stream: IO[bytes],
    file_format: FileFormat,
    columns: Sequence[str] = MICRODATA_COLUMNS,
) -> int:
    """Write the microdata as CSV or XLSX into a binary stream; the number of rows.

    XLSX raises `seb.interchange.writing.TooManyRows` past the rows of one sheet.
    """
    if file_format is FileFormat.CSV:
        sql, params = _copy_sql(responses, columns)
        with connections[responses.db].cursor() as cursor:
            with _copy(cursor, sql, params) as copy:
                for data in copy:
                    stream.write(data)
            return int(cursor.rowcount)
    return write_xlsx(
        microdata_rows(responses=responses, columns=columns),
        stream,
        columns=columns,
        text_columns=TYPED_COLUMNS & set(columns),
    )


def microdata_csv_chunks(
    *, responses: QuerySet[Response], columns: Sequence[str] = MICRODATA_COLUMNS
) -> Iterator[bytes | str]:
    """The microdata CSV a piece at a time, for a StreamingHttpResponse."""
    return _copy_chunks(responses, columns)


class MicrodataFormat(StrEnum):
    """Every format the microdata is written in, by its file extension."""

    CSV = "csv"
    XLSX = "xlsx"
    SAV = "sav"
    DTA = "dta"

    @property
    def content_type(self) -> str:
        if self in (MicrodataFormat.SAV, MicrodataFormat.DTA):
            return StatFormat(self.value).content_type
        return FileFormat(self.value).content_type

    @classmethod
    def for_name(cls, name: str) -> MicrodataFormat:
        suffix = Path(name).suffix.lower().lstrip(".")
        try:
            return cls(suffix)
        except ValueError:
            raise ValueError("The file must be a .csv, .xlsx, .sav or .dta file") from None


def microdata_title(survey: Survey) -> str:
    return f"Socio-economic background microdata: {survey.name}"


# SPSS and Stata files are built in memory: this many responses peak at about 370 MB
# (bench/bench_import_export.py).
STATFILE_MAX_ROWS: Final = 1_000_000


def microdata_statfile(
    *,
    responses: QuerySet[Response],
    survey: Survey,
    file_format: StatFormat,
    columns: Sequence[str] = MICRODATA_COLUMNS,
) -> tuple[IO[bytes], int]:
    """The microdata as an SPSS or Stata file, open for reading, and its number of rows.

    pyreadstat writes a whole table held in memory (about 270 bytes a response), so
    more than STATFILE_MAX_ROWS responses are refused with TooManyRows, before anything
    is read: CSV has no such limit. pyreadstat writes to a path; the file is unlinked
    as soon as it is open, so it disappears when the caller closes it, whatever happens.
    """
    if responses.count() > STATFILE_MAX_ROWS:
        raise TooManyRows(
            f"SPSS and Stata files are made for at most {STATFILE_MAX_ROWS:,} responses "
            "at a time: use CSV for this many, or choose fewer (by mode or by dates)"
        )
    handle, name = tempfile.mkstemp(suffix=f".{file_format.value}")
    os.close(handle)
    path = Path(name)
    try:
        count = write_statfile(
            microdata_rows(responses=responses, columns=columns),
            path,
            file_format,
            title=microdata_title(survey),
            version=survey.standard_version,
            columns=columns,
        )
        stream = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    return stream, count
