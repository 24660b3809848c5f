"""Writing rows of the interchange format as CSV or XLSX, as they come.

Every cell that holds text a user typed is made safe (`seb.safe_text`): in CSV
it cannot start a formula; in XLSX it is a string cell, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import IO, Final

import xlsxwriter

from ..safe_text import safe_text, xlsx_text
from . import MICRODATA_COLUMNS, REFERENCE

XLSX_MAX_ROWS: Final = 1_048_576
SHEET_TITLE: Final = "Responses"


class _Echo:
    """A file-like object whose write returns what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    rows: Iterable[Sequence[str]], *, columns: Sequence[str] = MICRODATA_COLUMNS
) -> Iterator[str]:
    """The CSV text of a header and `rows`, a line at a time (for a streamed download)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([safe_text(cell) for cell in row])


def write_csv(
    rows: Iterable[Sequence[str]], stream: IO[bytes], *, columns: Sequence[str] = MICRODATA_COLUMNS
) -> int:
    """Write a UTF-8 CSV file of a header and `rows`; the number of rows written."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow([safe_text(cell) for cell in row])
        written += 1
    text.flush()
    text.detach()
    return written


class TooManyRows(ValueError):
    """More rows than one Excel sheet holds."""


def write_xlsx(
    rows: Iterable[Sequence[str]],
    stream: IO[bytes],
    *,
    columns: Sequence[str] = MICRODATA_COLUMNS,
    text_columns: Collection[str] = (REFERENCE,),
) -> int:
    """Write an XLSX workbook of a header and `rows` on its one sheet; the number of rows.

    xlsxwriter's constant-memory mode writes each row to disk as it comes. Every
    cell is written as a string (a code, or text a user typed), never a formula.
    Raises TooManyRows past Excel's limit of a sheet.
    """
    del text_columns  # every cell is a string cell; user text needs nothing more
    workbook = xlsxwriter.Workbook(
        stream,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        sheet = workbook.add_worksheet(SHEET_TITLE)
        write = sheet.write_string
        for column, name in enumerate(columns):
            write(0, column, name)
        written = 0
        for row in rows:
            written += 1
            if written >= XLSX_MAX_ROWS:
                raise TooManyRows(
                    f"An Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} rows under its header: "
                    "use CSV for this many responses"
                )
            for column, cell in enumerate(row):
                if cell:
                    write(written, column, xlsx_text(cell))
    finally:
        workbook.close()
    return written
