"""Writing rows of the interchange format as CSV or XLSX, as they come.

Every cell is made safe (`seb.safe_text`): in CSV it cannot start a formula
(`CsvWriter`, the service's one CSV writer); in XLSX it is a string cell, never a
formula.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import IO, Final

from ..safe_text import CsvWriter
from . import MICRODATA_COLUMNS, REFERENCE
from .xlsx_writer import TooManyRows as TooManyRows
from .xlsx_writer import write_sheet

SHEET_TITLE: Final = "Responses"


class _Echo:
    """A file-like object whose write returns what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    rows: Iterable[Sequence[str]], *, columns: Sequence[str] = MICRODATA_COLUMNS
) -> Iterator[str]:
    """The CSV text of a header and `rows`, a line at a time (for a streamed download)."""
    writer = CsvWriter(_Echo())
    yield str(writer.writerow(columns))
    for row in rows:
        yield str(writer.writerow(row))


def write_csv(
    rows: Iterable[Sequence[str]], stream: IO[bytes], *, columns: Sequence[str] = MICRODATA_COLUMNS
) -> int:
    """Write a UTF-8 CSV file of a header and `rows`; the number of rows written."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    writer = CsvWriter(text)
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow(row)
        written += 1
    text.flush()
    text.detach()
    return written


def write_xlsx(
    rows: Iterable[Sequence[str]],
    stream: IO[bytes],
    *,
    columns: Sequence[str] = MICRODATA_COLUMNS,
    text_columns: Collection[str] = (REFERENCE,),
) -> int:
    """Write an XLSX workbook of a header and `rows` on its one sheet; the number of rows.

    Rows go to the file as they come (`seb.interchange.xlsx_writer`). Every cell is a
    string cell, never a formula; cells of `text_columns` hold text users typed.
    Raises TooManyRows past Excel's limit of a sheet.
    """
    return write_sheet(
        rows, stream, columns=columns, title=SHEET_TITLE, inline_columns=text_columns
    )
