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


CHUNK_BYTES: Final = 1024 * 1024
BOM: Final = b"\xef\xbb\xbf"
# One record (a line, or a quoted cell running over several) may span this many
# physical lines at most, so no record can grow without bound.
LINES_PER_RECORD: Final = 100


class _Lines:
    """The physical lines of a UTF-8 text stream, read a megabyte at a time.

    Each block is checked (no line over the limit), decoded and split at once, so a
    line costs a few string operations in C. `record_start` is the first line of the
    record being parsed: a record that runs on for too many lines is refused.
    """

    def __init__(self, stream: IO[bytes], limits: Limits) -> None:
        self.stream = stream
        self.limit = limits.line_bytes
        self.given = 0  # physical lines handed out
        self.record_start = 1

    def too_long(self, number: int) -> FileProblem:
        return FileProblem(
            f"The line is longer than {self.limit // 1024} KB, so the file is not in the "
            "interchange format (its lines are a few dozen characters)",
            line=number,
        )

    def __iter__(self) -> Iterator[str]:
        pending = b""
        first = True
        while True:
            data = self.stream.read(CHUNK_BYTES)
            if first:
                first = False
                if data.startswith(ZIP_SIGNATURE):
                    raise FileProblem(
                        "The file is an Excel workbook, not CSV: upload it with a name ending .xlsx"
                    )
                data = data.removeprefix(BOM)
            block = pending + data
            if not data:
                if block:
                    yield from self.decoded(block + b"\n")
                return
            cut = block.rfind(b"\n") + 1
            pending = block[cut:]
            if len(pending) > self.limit:
                raise self.too_long(self.given + block.count(b"\n", 0, cut) + 1)
            if cut:
                yield from self.decoded(block[:cut])

    def decoded(self, block: bytes) -> list[str]:
        parts = block.split(b"\n")[:-1]
        if max(map(len, parts)) > self.limit:
            over = next(i for i, part in enumerate(parts) if len(part) > self.limit)
            raise self.too_long(self.given + over + 1)
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileProblem(
                "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again",
                line=self.given + block.count(b"\n", 0, error.start) + 1,
            ) from None
        # Every line given before this block has been read by now: a record that
        # started more than LINES_PER_RECORD lines ago is still not finished.
        if self.given + 1 - self.record_start > LINES_PER_RECORD:
            raise FileProblem(
                f"A quoted cell runs over more than {LINES_PER_RECORD} lines, so the file is "
                "not in the interchange format",
                line=self.record_start,
            )
        lines = [line + "\n" for line in text.split("\n")[:-1]]
        self.given += len(lines)
        return lines


def _csv_lines(stream: IO[bytes], limits: Limits) -> Iterator[Line]:
    physical = _Lines(stream, limits)
    reader = csv.reader(physical)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileProblem(
                    f"A cell holds more than {limits.cell_characters:,} characters: the cells "
                    "of the interchange format hold short codes and references",
                    line=physical.record_start,
                ) from None
            raise FileProblem(
                f"The line is not valid CSV ({error})", line=reader.line_num
            ) from None
        number = physical.record_start
        check_cells(cells, number, limits)
        yield Line(number=number, cells=tuple(cells))
        physical.record_start = reader.line_num + 1


def check_cells(cells: list[str], number: int, limits: Limits) -> None:
    """A line's cells are within the limits of the format (a few short codes)."""
    if len(cells) > limits.cells_per_line:
        raise FileProblem(
            f"The line has {len(cells):,} cells: a line of the interchange format has at most "
            f"{limits.cells_per_line}",
            line=number,
        )
    if cells and max(map(len, cells)) > limits.cell_characters:
        for position, cell in enumerate(cells, start=1):
            if len(cell) > limits.cell_characters:
                raise cell_too_long(number, position, limits)
