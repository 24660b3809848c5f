"""The standard's four prescribed output tables, as shared/spec/output-tables.md.

Pure domain code: each table is declared once (its key, title, rows in the
spec's order with the codes each row sums, and its base); `build_table` turns a
mapping of code to count, as the database's GROUP BY gives it, into a Table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from surveys.standard import Mode

from .derivation import DONT_KNOW_PREFER_NOT_TO_SAY, NSSEC3_LABELS, NSSEC5_LABELS
from .disclosure import ShownCounts, control, unrounded

DONT_KNOW_OR_PREFER_NOT: Final = NSSEC5_LABELS[DONT_KNOW_PREFER_NOT_TO_SAY]
UNKNOWN: Final = ("dont_know", "prefer_not_to_say")
TOTAL_LABEL: Final = "Total"
UNROUNDED_MARK: Final = "(unrounded: disclosure control not applied)"

Base = Literal["all", "asked"]


@dataclass(frozen=True, slots=True)
class RowSpec:
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One prescribed table.

    `column` is the response's field the table counts: a question key (an answer
    code) or a derived variable. `base` is "all" (every complete response in the
    selection) or "asked" (only the responses whose route asked the question).
    """

    key: str
    title: str
    column: str
    rows: tuple[RowSpec, ...]
    base: Base = "all"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for row in self.rows for code in row.codes)


def _nssec_rows(labels: Mapping[str, str]) -> tuple[RowSpec, ...]:
    return tuple(RowSpec(label, (code,)) for code, label in labels.items())


SCHOOL_TYPE = TableSpec(
    key="school_type",
    title="Type of school attended",
    column="school_type",
    rows=(
        RowSpec("Non-selective state", ("state",)),
        RowSpec("Selective state", ("state_selective",)),
        RowSpec("Independent or fee-paying", ("independent",)),
        RowSpec("Independent or fee-paying with a bursary", ("independent_bursary",)),
        RowSpec("Attended school outside the UK", ("outside_uk",)),
        RowSpec(DONT_KNOW_OR_PREFER_NOT, UNKNOWN),
    ),
)
FREE_SCHOOL_MEALS = TableSpec(
    key="free_school_meals",
    title="Eligibility for free school meals",
    column="free_school_meals",
    rows=(
        RowSpec("Eligible", ("yes",)),
        RowSpec("Not eligible", ("no",)),
        RowSpec("Not applicable", ("not_applicable",)),
        RowSpec(DONT_KNOW_OR_PREFER_NOT, UNKNOWN),
    ),
    base="asked",
)
NSSEC5 = TableSpec(
    key="nssec5",
    title="Occupation of the main or highest income earner at age 14: NS-SEC 5-class",
    column="nssec5",
    rows=_nssec_rows(NSSEC5_LABELS),
)
NSSEC3 = TableSpec(
    key="nssec3",
    title="Occupation of the main or highest income earner at age 14: NS-SEC 3-class",
    column="nssec3",
    rows=_nssec_rows(NSSEC3_LABELS),
)
PARENTAL_QUALIFICATION = TableSpec(
    key="parental_qualification",
    title="Highest level of qualification achieved by either parent or guardian by age 18",
    column="parental_qualification",
    rows=(
        RowSpec("Degree or above", ("degree",)),
        RowSpec("Below degree", ("below_degree",)),
        RowSpec("No qualifications", ("no_qualifications",)),
        RowSpec("Not applicable", ("not_applicable",)),
        RowSpec(DONT_KNOW_OR_PREFER_NOT, UNKNOWN),
    ),
)

TABLES: Final = {
    spec.key: spec
    for spec in (SCHOOL_TYPE, FREE_SCHOOL_MEALS, NSSEC5, NSSEC3, PARENTAL_QUALIFICATION)
}
NSSEC_TABLES: Final = {"5": NSSEC5, "3": NSSEC3}


class TableError(ValueError):
    """The stored responses cannot be put in a table as they stand."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which complete responses of a survey a set of tables counts.

    No modes means every mode; the dates are of completion, both inclusive.
    """

    modes: tuple[Mode, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        """The selection in words, for covers, notes and page headings."""
        modes = (
            "all modes"
            if not self.modes or set(self.modes) == set(Mode)
            else ", ".join(mode.label.lower() for mode in self.modes)
        )
        if self.date_from and self.date_to:
            dates = f"completed from {_long(self.date_from)} to {_long(self.date_to)}"
        elif self.date_from:
            dates = f"completed on or after {_long(self.date_from)}"
        elif self.date_to:
            dates = f"completed on or before {_long(self.date_to)}"
        else:
            dates = "completed on any date"
        return f"{modes}; {dates}"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def table_specs(classes: str) -> tuple[TableSpec, ...]:
    """The tables of one output, in the standard's order, with the chosen NS-SEC system(s).

    `classes` is "5", "3" or "both"; anything else is a ValueError.
    """
    if classes == "both":
        nssec: tuple[TableSpec, ...] = (NSSEC5, NSSEC3)
    elif classes in NSSEC_TABLES:
        nssec = (NSSEC_TABLES[classes],)
    else:
        raise ValueError(f"NS-SEC classes are 5, 3 or both, not {classes!r}")
    return (SCHOOL_TYPE, FREE_SCHOOL_MEALS, *nssec, PARENTAL_QUALIFICATION)


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Table:
    """A table's exact counts for one selection.

    `total` is the base; `not_asked` counts the complete responses the routing
    did not ask (only for a table whose base is "asked").
    """

    spec: TableSpec
    rows: tuple[Row, ...]
    total: int
    not_asked: int = 0

    @property
    def key(self) -> str:
        return self.spec.key

    def shown(self, *, controlled: bool = True) -> ShownCounts:
        """The counts and percentages as they may be shown (disclosure control by default)."""
        counts = [row.count for row in self.rows]
        return control(counts, self.total) if controlled else unrounded(counts, self.total)


def build_table(spec: TableSpec, counts: Mapping[str | None, int]) -> Table:
    """A Table from the number of complete responses for each code of `spec.column`.

    `None` counts the responses with no value (a question not asked). For a
    table based on all responses, every response is in the base; for one based
    on those asked, the responses not asked are left out of it and counted apart.
    A code outside the table's rows is an error, not a silent loss.
    """
    unknown = {code for code in counts if code is not None} - set(spec.codes)
    if unknown:
        raise TableError(f"{spec.key}: codes outside the table: {sorted(unknown)}")
    rows = tuple(
        Row(row.label, sum(counts.get(code, 0) for code in row.codes)) for row in spec.rows
    )
    missing = counts.get(None, 0)
    if spec.base == "asked":
        return Table(spec=spec, rows=rows, total=sum(row.count for row in rows), not_asked=missing)
    if missing:
        raise TableError(f"{spec.key}: {missing} complete responses have no value")
    return Table(spec=spec, rows=rows, total=sum(row.count for row in rows))


@dataclass(frozen=True, slots=True)
class TablesReport:
    """Everything one workbook (or one page of tables) shows."""

    survey_name: str
    selection: Selection
    tables: tuple[Table, ...]
    produced_at: datetime
    standard_title: str
    controlled: bool = True

    def title_of(self, table: Table) -> str:
        """A table's title, marked when its figures are unrounded."""
        title = f"{table.spec.title}: {self.survey_name}"
        return title if self.controlled else f"{title} {UNROUNDED_MARK}"

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)
