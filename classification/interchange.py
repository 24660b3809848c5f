"""The interchange format of shared/spec/codes.md: one row per response.

Columns: `mode`, the eight question keys in the standard's order, then an
optional `reference` (the sender's own identifier, free text). A cell holds an
option code, or nothing when the question was not on the response's routing
path. Microdata adds the derived `nssec5` and `nssec3`. CSV files are UTF-8 with
a header row; XLSX files hold the same layout on their first sheet.

Pure domain code: no Django. Files are read and written as streams, a line at a
time, so any number of rows fits in bounded memory. Checking a line against the
standard says what is wrong in words the person who made the file can act on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import PurePath
from typing import IO, Final

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from classification.derivation import NSSEC, derive
from classification.safe_text import FORMULA_TRIGGERS, safe_text, set_text_cell
from surveys.routing import route
from surveys.standard import QUESTION_KEYS, Mode, Standard

REFERENCE: Final = "reference"
DERIVED_COLUMNS: Final = ("nssec5", "nssec3")
REQUIRED_COLUMNS: Final = ("mode", *QUESTION_KEYS)
COLUMNS: Final = (*REQUIRED_COLUMNS, REFERENCE)
MICRODATA_COLUMNS: Final = (*COLUMNS, *DERIVED_COLUMNS)
# An import may carry the derived columns (a microdata file read back in); they
# are checked against the derivation, never trusted.
KNOWN_COLUMNS: Final = frozenset(MICRODATA_COLUMNS)

REFERENCE_MAX_LENGTH: Final = 200
# One row of this format is well under 1 KB; a longer line is not this format,
# and reading it whole could take any amount of memory.
MAX_LINE_BYTES: Final = 64 * 1024
XLSX_MAX_ROWS: Final = 1_048_576
SHEET_TITLE: Final = "Responses"
ZIP_SIGNATURE: Final = b"PK\x03\x04"
MODES_IN_WORDS: Final = "online, face_to_face or telephone"
KEY_SEPARATOR: Final = "\x1f"


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


class FileProblem(Exception):
    """The file cannot be read (any further): its problem says why and where."""

    def __init__(self, reason: str, *, line: int | None = None, column: str | None = None):
        super().__init__(reason)
        self.problem = Problem(reason=reason, line=line, column=column)


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    cells: tuple[str, ...]

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


# Reading ------------------------------------------------------------------


def read_lines(stream: IO[bytes], file_format: FileFormat) -> Iterator[Line]:
    """Every non-blank line of the file, the header first, from the start of `stream`."""
    stream.seek(0)
    lines = _csv_lines(stream) if file_format is FileFormat.CSV else _xlsx_lines(stream)
    for line in lines:
        if not line.is_blank:
            yield line


def _physical_lines(stream: IO[bytes]) -> Iterator[str]:
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if number == 1 and raw.startswith(ZIP_SIGNATURE):
            raise FileProblem(
                "The file is an Excel workbook, not CSV: upload it with a name ending .xlsx"
            )
        if len(raw) > MAX_LINE_BYTES:
            raise FileProblem(
                "The line is longer than 64 KB, so the file is not in the interchange format",
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


def _csv_lines(stream: IO[bytes]) -> Iterator[Line]:
    reader = csv.reader(_physical_lines(stream))
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
        yield Line(number=ended + 1, cells=tuple(cells))
        ended = reader.line_num


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_lines(stream: IO[bytes]) -> Iterator[Line]:
    unreadable = "The file is not an Excel workbook (.xlsx) that can be opened"
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise FileProblem(unreadable) from None
    try:
        if not workbook.worksheets:
            raise FileProblem("The workbook has no sheets")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        # The read-only reader yields every row from row 1, blank ones included,
        # so counting gives the spreadsheet's own row numbers.
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:
                raise FileProblem(unreadable, line=number + 1) from None
            number += 1
            yield Line(number=number, cells=tuple(_xlsx_text(value) for value in values))
    finally:
        workbook.close()


# The header ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """The columns of a file, by name, and where each is."""

    columns: tuple[str, ...]
    positions: Mapping[str, int]

    def has(self, column: str) -> bool:
        return column in self.positions


def check_header(line: Line) -> tuple[Header, list[Problem]]:
    """The header row: every required column once, no column the format does not know."""
    columns = tuple(cell.strip().lower() for cell in line.cells)
    problems: list[Problem] = []
    here = line.number
    if not KNOWN_COLUMNS & set(columns):
        problems.append(
            Problem(
                "The first row must be the header row, naming the columns " + ", ".join(COLUMNS),
                line=here,
            )
        )
        return Header(columns=columns, positions={}), problems
    positions: dict[str, int] = {}
    for position, column in enumerate(columns):
        if not column:
            # Trailing empty header cells are common in spreadsheets; harmless.
            if any(columns[position:]):
                problems.append(Problem(f"Column {position + 1} has no name", line=here))
        elif column not in KNOWN_COLUMNS:
            problems.append(
                Problem(
                    f"“{column}” is not a column of the interchange format "
                    f"(the columns are {', '.join(COLUMNS)})",
                    line=here,
                    column=column,
                )
            )
        elif column in positions:
            problems.append(Problem("This column appears twice", line=here, column=column))
        else:
            positions[column] = position
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.append(Problem("The header row has no such column", line=here, column=column))
    return Header(columns=columns, positions=positions), problems


# A line -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checked:
    """A line that passed every check: what it says, and what it derives to."""

    mode: Mode
    answers: Mapping[str, str]
    nssec: NSSEC


@dataclass(frozen=True, slots=True)
class CheckedLine:
    answers: Checked
    reference: str
    # The mode, answers and derived cells as read, joined: equal keys, equal answers.
    key: str


def check_answers(
    cells: Mapping[str, str], *, standard: Standard, modes: Collection[Mode]
) -> Checked | list[Problem]:
    """A response's mode and answers, checked against the standard.

    The mode is one the survey takes; each answer is an option code that mode
    offers; exactly the questions on the routing path are answered; derived
    columns, when given, hold what the answers derive to. Problems carry their
    column but no line.
    """
    mode_cell = cells.get("mode", "")
    if not mode_cell:
        return [Problem(f"The mode is empty: enter {MODES_IN_WORDS}", column="mode")]
    try:
        mode = Mode(mode_cell)
    except ValueError:
        return [Problem(f"“{mode_cell}” is not a mode: use {MODES_IN_WORDS}", column="mode")]
    if mode not in modes:
        return [Problem(f"This survey does not take {mode} responses", column="mode")]

    problems: dict[str, Problem] = {}
    offered: dict[str, str] = {}
    for key in QUESTION_KEYS:
        code = cells.get(key, "")
        if not code:
            continue
        question = standard.question(key)
        if code not in question.codes:
            problems[key] = Problem(
                f"“{code}” is not an answer to {key}: use one of {', '.join(question.codes)}",
                column=key,
            )
        elif not question.wording(mode).offers(code):
            problems[key] = Problem(
                f"The {mode} mode does not offer {code} for {key}: it offers "
                + ", ".join(question.wording(mode).codes),
                column=key,
            )
        else:
            offered[key] = code

    walked = route(standard, mode, offered)
    # The route goes forward through the questions in order, so every question
    # before the point where it stops is either on it or routed past.
    stop = QUESTION_KEYS.index(walked.next_question) if walked.next_question else len(QUESTION_KEYS)
    for position, key in enumerate(QUESTION_KEYS[:stop]):
        if key in walked.answers or not cells.get(key, ""):
            continue
        earlier = [k for k in walked.answered if QUESTION_KEYS.index(k) < position]
        because = earlier[-1]
        problems[key] = Problem(
            f"This cell must be empty: {because} = {walked.answers[because]} routes past {key}",
            column=key,
        )
    if walked.next_question is not None and walked.next_question not in problems:
        key = walked.next_question
        if walked.answered:
            because = walked.answered[-1]
            why = f"{because} = {walked.answers[because]} routes to it"
        else:
            why = "every response answers it"
        problems[key] = Problem(f"The answer to {key} is missing: {why}", column=key)
    if problems:
        return [problems[key] for key in QUESTION_KEYS if key in problems]

    nssec = derive(walked.answers)
    derived = {"nssec5": nssec.nssec5, "nssec3": nssec.nssec3}
    wrong = [
        Problem(
            f"{column} is “{cells[column]}” but these answers derive {derived[column]}",
            column=column,
        )
        for column in DERIVED_COLUMNS
        if cells.get(column, "") and cells[column] != derived[column]
    ]
    if wrong:
        return wrong
    return Checked(mode=mode, answers=dict(walked.answers), nssec=nssec)


def check_reference(value: str) -> Problem | None:
    """A reference fits in the database and in a spreadsheet cell."""
    if len(value) > REFERENCE_MAX_LENGTH:
        return Problem(
            f"The reference is {len(value)} characters long: it can be at most "
            f"{REFERENCE_MAX_LENGTH}",
            column=REFERENCE,
        )
    if ILLEGAL_CHARACTERS_RE.search(value):
        return Problem(
            "The reference holds a control character, which spreadsheets cannot hold",
            column=REFERENCE,
        )
    return None


def unquote_csv_reference(value: str) -> str:
    """A reference as written before `safe_text` guarded it with a leading quote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


@dataclass
class LineChecker:
    """Checks the lines of one file, remembering the verdict on each set of answers.

    Real files repeat a few hundred answer patterns across any number of lines,
    so the verdicts are kept (up to `memory` of them) and most lines cost a
    dictionary look-up.
    """

    header: Header
    standard: Standard
    modes: Collection[Mode]
    csv_quoting: bool = False
    memory: int = 50_000
    _verdicts: dict[str, Checked | list[Problem]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        present = [
            column for column in (*REQUIRED_COLUMNS, *DERIVED_COLUMNS) if self.header.has(column)
        ]
        self._keyed = tuple(present)
        self._key_positions = tuple(self.header.positions[column] for column in present)
        self._reference_position = self.header.positions.get(REFERENCE)
        self._width = len(self.header.columns)

    def check(self, line: Line) -> CheckedLine | list[Problem]:
        cells = line.cells
        if len(cells) > self._width and any(cell.strip() for cell in cells[self._width :]):
            return [
                Problem(
                    f"The line has {len(cells)} cells but the header row names "
                    f"{self._width} columns",
                    line=line.number,
                )
            ]
        count = len(cells)
        if count >= self._width:
            values = [cells[position].strip() for position in self._key_positions]
        else:
            values = [
                cells[position].strip() if position < count else ""
                for position in self._key_positions
            ]
        key = KEY_SEPARATOR.join(values)
        # A separator inside a cell could make two different lines one key.
        remembered = key.count(KEY_SEPARATOR) == len(values) - 1
        verdict = self._verdicts.get(key) if remembered else None
        if verdict is None:
            verdict = check_answers(
                dict(zip(self._keyed, values, strict=True)),
                standard=self.standard,
                modes=self.modes,
            )
            if remembered and len(self._verdicts) < self.memory:
                self._verdicts[key] = verdict
        position = self._reference_position
        reference = cells[position] if position is not None and position < count else ""
        if self.csv_quoting:
            reference = unquote_csv_reference(reference)
        reference_problem = check_reference(reference)
        problems = [] if isinstance(verdict, Checked) else list(verdict)
        if reference_problem:
            problems.append(reference_problem)
        if problems:
            return [replace(problem, line=line.number) for problem in problems]
        assert isinstance(verdict, Checked)
        return CheckedLine(answers=verdict, reference=reference, key=key)


# Writing ------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns what it was given."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    rows: Iterable[Sequence[str]], *, columns: Sequence[str] = MICRODATA_COLUMNS
) -> Iterator[str]:
    """The CSV text of a header and `rows`, a line at a time (for a streamed download).

    Every cell is passed through `safe_text`, so no text a user typed can start
    a formula when a spreadsheet program opens the file.
    """
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

    The workbook is write-only: rows go to disk as they come. Cells in
    `text_columns` (text users typed) are text cells, never formulas. Raises
    TooManyRows past Excel's limit of a sheet.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(list(columns))
    text_positions = frozenset(i for i, column in enumerate(columns) if column in text_columns)
    written = 0
    for row in rows:
        written += 1
        if written >= XLSX_MAX_ROWS:
            raise TooManyRows(
                f"An Excel sheet holds at most {XLSX_MAX_ROWS - 1:,} rows under its header: "
                "use CSV for this many responses"
            )
        sheet.append(
            [
                set_text_cell(WriteOnlyCell(sheet), cell) if i in text_positions else cell
                for i, cell in enumerate(row)
            ]
        )
    workbook.save(stream)
    return written
