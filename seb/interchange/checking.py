"""Checking an interchange file: its header, then each line against the standard.

A line is a response: its mode must be one the survey takes, and its answers must
make a complete response (`seb.routing.complete_response`, the one check every
stored response passes). Problems are said in words the person who made the file
can act on, with the line and column at fault.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Final, NamedTuple

from ..routing import CompleteResponse, Fault, RouteProblem, complete_response
from ..safe_text import FORMULA_TRIGGERS, has_illegal_characters
from ..standard import Mode, Standard
from . import (
    COLUMNS,
    DERIVED_COLUMNS,
    KNOWN_COLUMNS,
    REFERENCE,
    REFERENCE_MAX_LENGTH,
    REQUIRED_COLUMNS,
    Line,
    Problem,
    quoted,
)

MODES_IN_WORDS: Final = "online, face_to_face or telephone"


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
                    f"{quoted(column)} is not a column of the interchange format "
                    f"(the columns are {', '.join(COLUMNS)})",
                    line=here,
                    column=quoted(column, limit=20).strip("“”"),
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


class CheckedLine(NamedTuple):
    response: CompleteResponse
    reference: str
    # The mode, answers and derived cells as read: equal keys, equal answers.
    key: tuple[str, ...]


def route_problem_text(problem: RouteProblem, standard: Standard, mode: Mode) -> str:
    """A RouteProblem as a file's author reads it."""
    key = problem.key
    if problem.fault is Fault.UNKNOWN_CODE:
        codes = ", ".join(standard.question(key).codes)
        return f"{quoted(problem.code)} is not an answer to {key}: use one of {codes}"
    if problem.fault is Fault.NOT_OFFERED:
        offered = ", ".join(standard.question(key).wording(mode).codes)
        return f"The {mode} mode does not offer {problem.code} for {key}: it offers {offered}"
    if problem.fault is Fault.OFF_ROUTE:
        assert problem.because is not None
        earlier, code = problem.because
        return f"This cell must be empty: {earlier} = {code} routes past {key}"
    if problem.because is None:
        return f"The answer to {key} is missing: every response answers it"
    earlier, code = problem.because
    return f"The answer to {key} is missing: {earlier} = {code} routes to it"


def check_answers(
    cells: Mapping[str, str], *, standard: Standard, modes: Collection[Mode]
) -> CompleteResponse | list[Problem]:
    """A response's mode and answers, checked against the standard.

    The mode is one the survey takes; the answers make a complete response; derived
    columns, when given, hold what the answers derive to. Problems carry their
    column but no line.
    """
    mode_cell = cells.get("mode", "")
    if not mode_cell:
        return [Problem(f"The mode is empty: enter {MODES_IN_WORDS}", column="mode")]
    try:
        mode = Mode(mode_cell)
    except ValueError:
        return [Problem(f"{quoted(mode_cell)} is not a mode: use {MODES_IN_WORDS}", column="mode")]
    if mode not in modes:
        return [Problem(f"This survey does not take {mode} responses", column="mode")]
    answers = {key: cells.get(key, "") for key in standard.keys}
    complete = complete_response(standard, mode, answers)
    if isinstance(complete, list):
        return [
            Problem(route_problem_text(problem, standard, mode), column=problem.key)
            for problem in complete
        ]
    derived = {"nssec5": complete.nssec.nssec5, "nssec3": complete.nssec.nssec3}
    wrong = [
        Problem(
            f"{column} is {quoted(cells[column])} but these answers derive {derived[column]}",
            column=column,
        )
        for column in DERIVED_COLUMNS
        if cells.get(column, "") and cells[column] != derived[column]
    ]
    return wrong or complete


def check_reference(value: str) -> Problem | None:
    """A reference fits in the database and in a spreadsheet cell."""
    if len(value) > REFERENCE_MAX_LENGTH:
        return Problem(
            f"The reference is {len(value):,} characters long: it can be at most "
            f"{REFERENCE_MAX_LENGTH}",
            column=REFERENCE,
        )
    if has_illegal_characters(value):
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
    _verdicts: dict[tuple[str, ...], CompleteResponse | list[Problem]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        present = [
            column for column in (*REQUIRED_COLUMNS, *DERIVED_COLUMNS) if self.header.has(column)
        ]
        self._keyed = tuple(present)
        self._key_positions = tuple(self.header.positions[column] for column in present)
        self._key_of = itemgetter(*self._key_positions)
        self._reference_position = self.header.positions.get(REFERENCE)
        self._width = len(self.header.columns)

    def check(self, line: Line) -> CheckedLine | list[Problem]:
        cells = line.cells
        count = len(cells)
        if count > self._width and any(cell.strip() for cell in cells[self._width :]):
            return [
                Problem(
                    f"The line has {count} cells but the header row names {self._width} columns",
                    line=line.number,
                )
            ]
        if count >= self._width:
            key = self._key_of(cells)
        else:
            key = tuple(cells[p] if p < count else "" for p in self._key_positions)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdict(key)
        reference, reference_problem = self._reference(cells, count)
        if reference_problem is None and not isinstance(verdict, list):
            return CheckedLine(response=verdict, reference=reference, key=key)
        problems = list(verdict) if isinstance(verdict, list) else []
        if reference_problem:
            problems.append(reference_problem)
        return [replace(problem, line=line.number) for problem in problems]

    def _verdict(self, key: tuple[str, ...]) -> CompleteResponse | list[Problem]:
        """The answers of `key` checked, remembered while there is room."""
        verdict = check_answers(
            dict(zip(self._keyed, (value.strip() for value in key), strict=True)),
            standard=self.standard,
            modes=self.modes,
        )
        if len(self._verdicts) < self.memory:
            self._verdicts[key] = verdict
        return verdict

    def _reference(self, cells: Sequence[str], count: int) -> tuple[str, Problem | None]:
        """The line's reference (unquoted), and what is wrong with it, if anything."""
        position = self._reference_position
        reference = cells[position] if position is not None and position < count else ""
        if not reference:
            return "", None
        if self.csv_quoting and reference[0] == "'":
            reference = unquote_csv_reference(reference)
        if len(reference) > REFERENCE_MAX_LENGTH or not reference.isprintable():
            return reference, check_reference(reference)
        return reference, None
