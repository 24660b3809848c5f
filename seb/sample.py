"""A survey's sample as a file (docs/spec/fieldwork.md): its columns and each row's checks.

One row a case. The header names the columns: `reference` (required, the
owner's own identifier), then any of `email`, `phone`, `name`, `address`, `mode`
(the case's preferred mode: online, face_to_face or telephone) and `interviewer`
(the username of the interviewer the case is assigned to). Every other column
is a **sample variable**, kept as text for the rates' breakdowns (e.g. region).

The checks here are those one row can answer on its own; the loader
(`surveys.samples`) adds those that need the whole file or the database (a
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


@dataclass(frozen=True, slots=True)
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
    report lists a bad row's every problem). None when the line is unreadable."""
    cells = line.cells
    here = line.number
    if len(cells) > header.width and any(cell.strip() for cell in cells[header.width :]):
        return None, [
            Problem(
                f"The line has {len(cells)} cells but the header row names {header.width} columns",
                line=here,
            )
        ]
    values = {column: _cell(cells, header.positions.get(column)) for column in CASE_COLUMNS}
    problems: list[Problem] = []
    reference = values[REFERENCE]
    if csv_quoting:
        reference = unquote_csv_reference(reference)
    if not reference:
        problems.append(Problem("Enter the case's reference", line=here, column=REFERENCE))
    elif (problem := check_reference(reference)) is not None:
        problems.append(Problem(problem.reason, line=here, column=REFERENCE))
    for column, limit in LIMITS.items():
        if len(values[column]) > limit:
            problems.append(
                Problem(f"This is longer than {limit:,} characters", line=here, column=column)
            )
        elif has_illegal_characters(values[column]):
            problems.append(Problem("This holds a control character", line=here, column=column))
    email = values[EMAIL]
    if email and not EMAIL_ADDRESS.match(email):
        problems.append(
            Problem(
                f"{quoted(email)} is not an email address, like name@example.com",
                line=here,
                column=EMAIL,
            )
        )
    phone = values[PHONE]
    if phone and (not PHONE_NUMBER.match(phone) or not 7 <= phone_digits(phone) <= 15):
        problems.append(
            Problem(
                f"{quoted(phone)} is not a phone number, like 07700 900123 or +44 7700 900123",
                line=here,
                column=PHONE,
            )
        )
    mode = values[MODE].lower()
    if mode:
        known = {m.value: m for m in Mode}
        if mode not in known:
            problems.append(
                Problem(
                    f"{quoted(values[MODE])} is not a mode: use {MODES_IN_WORDS}, or leave "
                    "it empty",
                    line=here,
                    column=MODE,
                )
            )
        elif known[mode] not in modes:
            problems.append(
                Problem(
                    f"The survey does not offer {known[mode].label.lower()}",
                    line=here,
                    column=MODE,
                )
            )
    variables = {}
    for name, position in header.variables:
        value = _cell(cells, position)
        if len(value) > VARIABLE_VALUE_MAX:
            problems.append(
                Problem(
                    f"This is longer than {VARIABLE_VALUE_MAX} characters", line=here, column=name
                )
            )
        elif has_illegal_characters(value):
            problems.append(Problem("This holds a control character", line=here, column=name))
        elif value:
            variables[name] = value
    return SampleRow(
        line=here,
        reference=reference,
        email=email,
        phone=phone,
        name=values[NAME],
        address=values[ADDRESS],
        mode=mode,
        interviewer=values[INTERVIEWER],
        variables=variables,
    ), problems
