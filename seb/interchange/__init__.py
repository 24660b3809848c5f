"""The interchange format of docs/spec/codes.md: one row per response.

Columns: `mode`, the eight question keys in the standard's order, then an
optional `reference` (the sender's own identifier, free text). A cell holds an
option code, or nothing when the question was not on the response's routing
path. Microdata adds the derived `nssec5` and `nssec3`. CSV files are UTF-8 with
a header row; XLSX files hold the same layout on their first sheet.

Three jobs, three modules: `reading` turns a file into lines of text cells, in
bounded memory whatever the file holds; `checking` says what is wrong with a
header or a line, in words the person who made the file can act on; `writing`
writes rows as CSV or XLSX. This module holds what they share: the columns, the
file formats, the limits and the shape of a problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Final, NamedTuple

from ..derivation import DERIVED_LABELS
from ..standard import QUESTION_KEYS

REFERENCE: Final = "reference"
DERIVED_COLUMNS: Final = tuple(DERIVED_LABELS)
REQUIRED_COLUMNS: Final = ("mode", *QUESTION_KEYS)
COLUMNS: Final = (*REQUIRED_COLUMNS, REFERENCE)
# The response's own record in the microdata: its id and the day it was completed.
# Written for analysts (who may link a row to the service's record), ignored on import.
RESPONSE_ID: Final = "response_id"
COMPLETED: Final = "completed"
RECORD_COLUMNS: Final = (RESPONSE_ID, COMPLETED)
MICRODATA_COLUMNS: Final = (*COLUMNS, *DERIVED_COLUMNS, *RECORD_COLUMNS)
# An import may carry the derived columns (a microdata file read back in); they
# are checked against the derivation, never trusted.
KNOWN_COLUMNS: Final = frozenset(MICRODATA_COLUMNS)
REFERENCE_MAX_LENGTH: Final = 200


@dataclass(frozen=True, slots=True)
class Limits:
    """What a file may hold before it is refused, whatever it is.

    Every limit is far above what a real file of this format needs (a code is a
    few characters, a row twelve cells) and low enough that reading the file
    stays in bounded memory and time.
    """

    cell_characters: int = 1_000
    cells_per_line: int = 100
    line_bytes: int = 64 * 1024
    # XLSX only: the parts of the zip, as they would be unpacked.
    part_bytes: int = 1024**3
    shared_strings_bytes: int = 64 * 1024**2
    compression_ratio: int = 100
    xml_depth: int = 20
    problems_listed: int = 1_000
    quoted_characters: int = 40


LIMITS: Final = Limits()


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def content_type(self) -> str:
        if self is FileFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    @classmethod
    def for_name(cls, name: str) -> FileFormat:
        """The format a file name's extension says; FileProblem for any other."""
        suffix = PurePath(name).suffix.lower().lstrip(".")
        if suffix == "xls":
            raise FileProblem(
                "The file is an old Excel workbook (.xls): save it as .xlsx or as CSV UTF-8"
            )
        try:
            return cls(suffix)
        except ValueError:
            raise FileProblem("The file must be a CSV or XLSX file") from None


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file, or one of its lines, cannot be imported.

    `line` is the line of a CSV file or the row of a spreadsheet (the header is
    line 1); `column` names the column at fault. Either is None when the problem
    is not in one place.
    """

    reason: str
    line: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"Line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}" if parts else f"Column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass
class ProblemLog:
    """The problems a file was found to have: every one counted, the first few listed.

    `listener`, when given, is called with every problem as it is found, listed or not
    (a command prints them all this way, in bounded memory).
    """

    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    listener: Callable[[Problem], None] | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def unlisted(self) -> int:
        return self.problem_count - len(self.problems)

    def add(self, problems: list[Problem], *, limit: int) -> None:
        self.problem_count += len(problems)
        if self.listener is not None:
            for problem in problems:
                self.listener(problem)
        room = limit - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])


class FileProblem(Exception):
    """The file cannot be read (any further): its problem says why and where."""

    def __init__(self, reason: str, *, line: int | None = None, column: str | None = None):
        super().__init__(reason)
        self.problem = Problem(reason=reason, line=line, column=column)


def cell_too_long(number: int, column: int, limits: Limits) -> FileProblem:
    return FileProblem(
        f"Cell {column} holds more than {limits.cell_characters:,} characters: the cells of "
        "the interchange format hold short codes and references",
        line=number,
    )


def quoted(value: str, *, limit: int = LIMITS.quoted_characters) -> str:
    """`value` in curly quotes for a message, cut to a readable length."""
    if len(value) > limit:
        value = value[:limit] + f"… ({len(value):,} characters)"
    return f"“{value}”"


class Line(NamedTuple):
    """One line (record) of a file: its number (the header is 1) and its cells."""

    number: int
    cells: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        return not "".join(self.cells).strip()
