"""The microdata: complete responses in the interchange format, with their NS-SEC classes.

A row per complete response: `mode`, the eight answers (empty where the question
was not on the routing path), `reference`, `nssec5`, `nssec3`
(`interchange.MICRODATA_COLUMNS`). Rows are read from the database in chunks on
a server-side cursor and written as they come, so a million rows export in
bounded memory. It is unrounded data: only users allowed to see unrounded
figures may download it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Final

from django.db.models import QuerySet

from surveys.models import QUESTION_KEYS, Option, Response, Survey

from .interchange import FileFormat, csv_chunks, write_csv, write_xlsx

CHUNK_SIZE: Final = 5000


def survey_microdata(*, survey: Survey) -> QuerySet[Response]:
    """Every complete response of `survey`."""
    return Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)


def microdata_rows(
    *, responses: QuerySet[Response], chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[str, ...]]:
    """The rows of the microdata, oldest completion first.

    `responses` may be any selection; only its complete responses are rows.
    """
    codes = dict(Option.objects.values_list("id", "code"))
    fields = ("mode", *(f"{key}_id" for key in QUESTION_KEYS), "reference", "nssec5", "nssec3")
    rows = (
        responses.filter(status=Response.Status.COMPLETE)
        .order_by("completed_at", "id")
        .values_list(*fields)
        .iterator(chunk_size=chunk_size)
    )
    for mode, *answers, reference, nssec5, nssec3 in rows:
        yield (
            mode,
            *("" if option_id is None else codes[option_id] for option_id in answers),
            reference,
            nssec5,
            nssec3,
        )


def microdata_write(
    *, responses: QuerySet[Response], stream: IO[bytes], file_format: FileFormat
) -> int:
    """Write the microdata as CSV or XLSX into a binary stream; the number of rows.

    XLSX raises `interchange.TooManyRows` past the million-odd rows of one sheet.
    """
    rows = microdata_rows(responses=responses)
    if file_format is FileFormat.CSV:
        return write_csv(rows, stream)
    return write_xlsx(rows, stream)


def microdata_csv_chunks(*, responses: QuerySet[Response]) -> Iterator[str]:
    """The microdata CSV a line at a time, for a StreamingHttpResponse."""
    return csv_chunks(microdata_rows(responses=responses))
