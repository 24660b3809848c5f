"""Reading an interchange file into lines of text cells, in bounded memory.

Whatever a file holds, reading it takes memory bounded by `Limits`, not by the
file: CSV is read a physical line at a time, XLSX is unpacked and parsed as a
stream (`seb.interchange.xlsx`). A file that breaks a limit is refused with a
`FileProblem` that names the limit, where it was broken, and what to do.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Final

from . import LIMITS, FileFormat, FileProblem, Limits, Line, cell_too_long
from .xlsx import xlsx_rows

ZIP_SIGNATURE: Final = b"PK\x03\x04"


def read_lines(
    stream: IO[bytes], file_format: FileFormat, *, limits: Limits = LIMITS
) -> Iterator[Line]:
    """Every non-blank line of the file, the header first, from the start of `stream`."""
    stream.seek(0)
    if file_format is FileFormat.CSV:
        lines = _csv_lines(stream, limits)
    else:
        lines = (Line(number, cells) for number, cells in xlsx_rows(stream, limits=limits))
    for line in lines:
        if not line.is_blank:
            yield line


class _Budget:
    """Counts the bytes read for the record being parsed, so one record (a quoted
    cell may run over several physical lines) cannot grow without bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0


def _physical_lines(stream: IO[bytes], budget: _Budget) -> Iterator[str]:
    number = 0
    while raw := stream.readline(budget.limit + 1):
        number += 1
        if number == 1 and raw.startswith(ZIP_SIGNATURE):
            raise FileProblem(
                "The file is an Excel workbook, not CSV: upload it with a name ending .xlsx"
            )
        budget.used += len(raw)
        if budget.used > budget.limit:
            raise FileProblem(
                f"The line is longer than {budget.limit // 1024} KB, so the file is not in the "
                "interchange format (its lines are a few dozen characters)",
                line=number,
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem(
                "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again",
                line=number,
            ) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def _csv_lines(stream: IO[bytes], limits: Limits) -> Iterator[Line]:
    budget = _Budget(limits.line_bytes)
    reader = csv.reader(_physical_lines(stream, budget))
    ended = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileProblem(
                f"The line is not valid CSV ({error})", line=reader.line_num
            ) from None
        number = ended + 1
        check_cells(cells, number, limits)
        yield Line(number=number, cells=tuple(cells))
        ended = reader.line_num
        budget.used = 0


def check_cells(cells: list[str], number: int, limits: Limits) -> None:
    """A line's cells are within the limits of the format (a few short codes)."""
    if len(cells) > limits.cells_per_line:
        raise FileProblem(
            f"The line has {len(cells):,} cells: a line of the interchange format has at most "
            f"{limits.cells_per_line}",
            line=number,
        )
    for position, cell in enumerate(cells, start=1):
        if len(cell) > limits.cell_characters:
            raise cell_too_long(number, position, limits)
