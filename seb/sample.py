"""A survey's sample as a file (docs/spec/fieldwork.md): its columns and each row's checks.

One row a case. The header names the columns: `reference` (required, the
owner's own identifier), then any of `email`, `phone`, `name`, `address`, `mode`
(the case's preferred mode: online, face_to_face or telephone) and `interviewer`
(the username of the interviewer the case is assigned to). Every other column
is a **sample variable**, kept as text for the rates' breakdowns (e.g. region).

The checks here are those one row can answer on its own; the loader
(`surveys.fieldwork.samples`) adds those that need the whole file or the database (a
reference repeated in the file or already in the sample, an interviewer who
is not one). Problems use the interchange format's `Problem` (line, column,
reason), so a sample's report reads like a response import's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Final

from .interchange import Line, Problem, quoted
from .interchange.checking import check_reference, unquote_csv_reference
from .phones import PhoneKind, phone_classify
from .safe_text import has_illegal_characters
from .standard import Mode

REFERENCE: Final = "reference"
EMAIL: Final = "email"
PHONE: Final = "phone"
NAME: Final = "name"
ADDRESS: Final = "address"
MODE: Final = "mode"
INTERVIEWER: Final = "interviewer"
CASE_COLUMNS: Final = (REFERENCE, EMAIL, PHONE, NAME, ADDRESS, MODE, INTERVIEWER)
TEMPLATE_COLUMNS: Final = (*CASE_COLUMNS, "region")
VARIABLE_NAME: Final = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Breakdown names the rates file already uses.
RESERVED_NAMES: Final = frozenset({"overall", "group", "cases", "outcome"})
# Column names that hold contact details: never sample variables, which are shown
# in the monitoring breakdowns and the rates file.
CONTACT_LIKE: Final = re.compile(
    r"^(address|postcode|post_code|e_?mail|phone|mobile|telephone|tel|"
    r"first_?name|last_?name|surname|forename|full_?name|date_of_birth|dob)"
)
LIMITS: Final = {NAME: 200, EMAIL: 254, PHONE: 40, ADDRESS: 1000}
VARIABLE_VALUE_MAX: Final = 200
EMAIL_ADDRESS: Final = re.compile(r"^[^@\s,;<>()\[\]\\\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE_NUMBER: Final = re.compile(r"^\+?[0-9 ()-]+$")
MODES_IN_WORDS: Final = ", ".join(mode.value for mode in Mode)
MODES_BY_VALUE: Final = {mode.value: mode for mode in Mode}


def variable_name(header_cell: str) -> str:
    """A header cell as a sample variable's name: lower case, spaces as underscores."""
    return re.sub(r"[\s-]+", "_", header_cell.strip().lower())


@dataclass(frozen=True, slots=True)
class SampleHeader:
    """Where each known column is, and the sample variables in file order."""

    positions: Mapping[str, int]
    variables: tuple[tuple[str, int], ...]
    width: int

    def has(self, column: str) -> bool:
        return column in self.positions


def check_sample_header(line: Line) -> tuple[SampleHeader, list[Problem]]:
    """The header row: a `reference` column, each column named once, variable names
    that can be breakdowns, and no contact detail as a variable."""
    here = line.number
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    variables: list[tuple[str, int]] = []
    names = [variable_name(cell) for cell in line.cells]
    last_named = max((i for i, name in enumerate(names) if name), default=-1)
    for position, name in enumerate(names):
        if not name:
            if position < last_named:
                problems.append(Problem(f"Column {position + 1} has no name", line=here))
            continue
        if name in positions or name in dict(variables):
            problems.append(Problem("This column appears twice", line=here, column=name))
        elif name in CASE_COLUMNS:
            positions[name] = position
        elif CONTACT_LIKE.match(name):
            problems.append(
                Problem(
                    f"{quoted(name)} looks like a contact detail. Put contact details in "
                    "the name, email, phone or address column (they are deleted after the "
                    "survey), or leave the column out",
                    line=here,
                    column=name,
                )
            )
        elif name in RESERVED_NAMES or not VARIABLE_NAME.match(name):
            problems.append(
                Problem(
                    f"{quoted(name)} cannot be a sample variable's name: use up to 40 "
                    "letters, digits and underscores, starting with a letter (not "
                    f"{', '.join(sorted(RESERVED_NAMES))})",
                    line=here,
                    column=quoted(name, limit=20).strip("“”"),
                )
            )
        else:
            variables.append((name, position))
    if REFERENCE not in positions:
        problems.insert(
            0,
            Problem(
                "The header row has no reference column: the first row names the columns, "
                f"one of them {REFERENCE} (the others can be {', '.join(CASE_COLUMNS[1:])} "
                "and your own sample variables)",
                line=here,
            ),
        )
    header = SampleHeader(positions=positions, variables=tuple(variables), width=len(names))
    return header, problems


@dataclass(slots=True)  # not frozen: made once a line of a million-line file
class SampleRow:
    """One case as the file gives it, its own checks passed."""

    line: int
    reference: str
    email: str = ""
    phone: str = ""
    name: str = ""
    address: str = ""
    mode: str = ""
    interviewer: str = ""
    variables: Mapping[str, str] = field(default_factory=dict)


_NO_VALUES: Final = dict.fromkeys(CASE_COLUMNS, "")


def _cell(cells: tuple[str, ...], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def phone_digits(phone: str) -> int:
    return sum(char.isdigit() for char in phone)


def check_sample_line(
    header: SampleHeader, line: Line, *, modes: Collection[Mode], csv_quoting: bool = True
) -> tuple[SampleRow | None, list[Problem]]:
    """A case from one line and every problem with it (a case is made only when there
    are none; with problems, the row still goes to the whole-file checks, so the
    report lists a bad row's every problem). None when the line is unreadable.

    A cell holding a control character (a NUL byte among them) is reported with its
    line and column and checked no further; the row holds it empty, so nothing after
    (the staging table, the whole-file checks, the report) ever holds one.
    """
    here = line.number
    if (problem := too_many_cells(header, line)) is not None:
        return None, [problem]
    problems = control_character_problems(header, line)
    bad = {problem.column for problem in problems}
    values = dict(_NO_VALUES)
    cells, count = line.cells, len(line.cells)
    for column, position in header.positions.items():
        if position < count and column not in bad:
            values[column] = cells[position].strip()
    if csv_quoting:
        values[REFERENCE] = unquote_csv_reference(values[REFERENCE])
    for rule in CELL_RULES:
        for problem in rule(values, modes):
            if problem.column not in bad:
                problems.append(Problem(problem.reason, line=here, column=problem.column))
    variables = {}
    for name, position in header.variables:
        value = _cell(line.cells, position)
        if name in bad:
            continue
        if len(value) > VARIABLE_VALUE_MAX:
            problems.append(
                Problem(
                    f"This is longer than {VARIABLE_VALUE_MAX} characters", line=here, column=name
                )
            )
        elif value:
            variables[name] = value
    return SampleRow(
        line=here,
        reference=values[REFERENCE],
        email=values[EMAIL],
        phone=values[PHONE],
        name=values[NAME],
        address=values[ADDRESS],
        mode=values[MODE].lower(),
        interviewer=values[INTERVIEWER],
        variables=variables,
    ), problems


def too_many_cells(header: SampleHeader, line: Line) -> Problem | None:
    """A line has no filled cell beyond the columns the header names."""
    cells = line.cells
    if len(cells) > header.width and any(cell.strip() for cell in cells[header.width :]):
        return Problem(
            f"The line has {len(cells)} cells but the header row names {header.width} columns",
            line=line.number,
        )
    return None


def control_character_problems(header: SampleHeader, line: Line) -> list[Problem]:
    """No cell holds a control character (a NUL byte, an escape...): a database, a
    spreadsheet or a letter cannot hold one."""
    if not has_illegal_characters("".join(line.cells)):  # most lines: one search
        return []
    named = [*header.positions.items(), *((name, at) for name, at in header.variables)]
    return [
        Problem("This holds a control character", line=line.number, column=column)
        for column, position in sorted(named, key=lambda item: item[1])
        if position < len(line.cells) and has_illegal_characters(line.cells[position])
    ]


Values = Mapping[str, str]


def reference_problems(values: Values, modes: Collection[Mode]) -> list[Problem]:
    """Every case has a reference that fits in the database and a spreadsheet."""
    reference = values[REFERENCE]
    if not reference:
        return [Problem("Enter the case's reference", column=REFERENCE)]
    problem = check_reference(reference)
    return [] if problem is None else [Problem(problem.reason, column=REFERENCE)]


def length_problems(values: Values, modes: Collection[Mode]) -> list[Problem]:
    """Contact details fit their columns (LIMITS)."""
    return [
        Problem(f"This is longer than {limit:,} characters", column=column)
        for column, limit in LIMITS.items()
        if len(values[column]) > limit
    ]


def email_problems(values: Values, modes: Collection[Mode]) -> list[Problem]:
    """An email address, when given, looks like one."""
    email = values[EMAIL]
    if email and not EMAIL_ADDRESS.match(email):
        return [
            Problem(f"{quoted(email)} is not an email address, like name@example.com", column=EMAIL)
        ]
    return []


def phone_problems(values: Values, modes: Collection[Mode]) -> list[Problem]:
    """A phone number, when given, has 7 to 15 digits and nothing but digits, spaces,
    brackets, hyphens and a leading plus, and is a valid number (`seb.phones`: UK
    numbers unless it starts with +)."""
    phone = values[PHONE]
    if phone and (
        not PHONE_NUMBER.match(phone)
        or not 7 <= phone_digits(phone) <= 15
        or phone_classify(phone).kind is PhoneKind.INVALID
    ):
        return [
            Problem(
                f"{quoted(phone)} is not a phone number, like 07700 900123 or +44 7700 900123",
                column=PHONE,
            )
        ]
    return []


def mode_problems(values: Values, modes: Collection[Mode]) -> list[Problem]:
    """A preferred mode, when given, is one of the modes the survey offers."""
    given = values[MODE]
    if not given:
        return []
    mode = MODES_BY_VALUE.get(given.lower())
    if mode is None:
        return [
            Problem(
                f"{quoted(given)} is not a mode: use {MODES_IN_WORDS}, or leave it empty",
                column=MODE,
            )
        ]
    if mode not in modes:
        return [Problem(f"The survey does not offer {mode.label.lower()}", column=MODE)]
    return []


CELL_RULES: Final = (
    reference_problems,
    length_problems,
    email_problems,
    phone_problems,
    mode_problems,
)
