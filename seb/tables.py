"""The standard's prescribed output tables, as docs/spec/output-tables.md.

Each table is declared once, in the standard's data file (`outputs:`): its key,
title, sheet name, the column it counts, its rows in the standard's order with the
codes each row sums, and its base. `build_table` turns a mapping of code to count,
as the database's GROUP BY gives it, into a `Table` of exact counts; `seb.outputs`
makes the published, disclosure-controlled form that every writer renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Final, Literal

from .crosstab import CrossTable
from .derivation import DERIVED_LABELS
from .disclosure import ShownCounts, shown
from .perturbation import KeyedCount, keyed_total
from .standard import CURRENT_VERSION, Mode, OutputDefinition, load_standard

TOTAL_LABEL: Final = "Total"
UNROUNDED_MARK: Final = "(unrounded: disclosure control not applied)"
NSSEC_SYSTEMS: Final = ("5", "3")
CLASSES_CHOICES: Final = ("5", "3", "both")

Base = Literal["all", "asked"]


@dataclass(frozen=True, slots=True)
class RowSpec:
    label: str
    codes: tuple[str, ...]

    @property
    def key(self) -> str:
        """The row's codes, joined: a name for the row that does not change with its label."""
        return "+".join(self.codes)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One prescribed table.

    `column` is the response's field the table counts: a question key (an answer
    code) or a derived variable. `base` is "all" (every complete response in the
    selection) or "asked" (only the responses whose route asked the question).
    """

    key: str
    title: str
    sheet: str
    column: str
    rows: tuple[RowSpec, ...]
    base: Base = "all"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for row in self.rows for code in row.codes)


def _spec(definition: OutputDefinition) -> TableSpec:
    if definition.derived:
        rows = tuple(
            RowSpec(label, (code,)) for code, label in DERIVED_LABELS[definition.derived].items()
        )
    else:
        rows = tuple(RowSpec(row.label, row.codes) for row in definition.rows)
    return TableSpec(
        key=definition.key,
        title=definition.title,
        sheet=definition.sheet,
        column=definition.column,
        rows=rows,
        base="asked" if definition.base == "asked" else "all",
    )


@cache
def table_definitions() -> dict[str, TableSpec]:
    """Every prescribed table by key, in the standard's order."""
    return {spec.key: spec for spec in map(_spec, load_standard().outputs)}


@cache
def tallied_columns() -> tuple[str, ...]:
    """The responses' columns the prescribed tables count, each once, in the standard's
    order: the columns a survey's tallies keep counts of."""
    return tuple(dict.fromkeys(spec.column for spec in table_definitions().values()))


def table_specs(classes: str) -> tuple[TableSpec, ...]:
    """The tables of one output, in the standard's order, with the chosen NS-SEC system(s).

    `classes` is "5", "3" or "both"; anything else is a ValueError.
    """
    if classes not in CLASSES_CHOICES:
        raise ValueError(f"NS-SEC classes are 5, 3 or both, not {classes!r}")
    chosen = NSSEC_SYSTEMS if classes == "both" else (classes,)
    return tuple(
        spec
        for spec in table_definitions().values()
        if not spec.column.startswith("nssec") or spec.column.removeprefix("nssec") in chosen
    )


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
            dates = f"completed from {long_date(self.date_from)} to {long_date(self.date_to)}"
        elif self.date_from:
            dates = f"completed on or after {long_date(self.date_from)}"
        elif self.date_to:
            dates = f"completed on or before {long_date(self.date_to)}"
        else:
            dates = "completed on any date"
        return f"{modes}; {dates}"

    def slug(self) -> str:
        """The selection in a file name: `all-modes`, or `online-telephone_2025-01-01-to-now`."""
        modes = (
            "all-modes"
            if not self.modes or set(self.modes) == set(Mode)
            else "-".join(mode.value.replace("_", "-") for mode in self.modes)
        )
        dates = ""
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "start"
            end = self.date_to.isoformat() if self.date_to else "now"
            dates = f"_{start}-to-{end}"
        return modes + dates

    @property
    def mixes_modes(self) -> bool:
        return len(self.modes) != 1


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    count: int
    # The sum of the counted responses' record keys (seb.perturbation): never shown.
    key_sum: int = 0

    @property
    def keyed(self) -> KeyedCount:
        return KeyedCount(self.count, self.key_sum)


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
    # The record keys' sums of the total and of the responses not asked (never shown).
    total_key_sum: int = 0
    not_asked_key_sum: int = 0

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def keyed_total(self) -> KeyedCount:
        return KeyedCount(self.total, self.total_key_sum)

    @property
    def keyed_not_asked(self) -> KeyedCount:
        return KeyedCount(self.not_asked, self.not_asked_key_sum)

    def shown(self, *, controlled: bool = True) -> ShownCounts:
        """The counts and percentages as they may be shown (disclosure control by default)."""
        return shown([row.keyed for row in self.rows], self.keyed_total, controlled=controlled)


def _keyed(count: int | KeyedCount) -> KeyedCount:
    return count if isinstance(count, KeyedCount) else KeyedCount(count)


def build_table(spec: TableSpec, counts: Mapping[str | None, int | KeyedCount]) -> Table:
    """A Table from the number of complete responses for each code of `spec.column`
    (with the sum of their record keys, when known).

    `None` counts the responses with no value (a question not asked). For a
    table based on all responses, every response is in the base; for one based
    on those asked, the responses not asked are left out of it and counted apart.
    A code outside the table's rows is an error, not a silent loss.
    """
    unknown = {code for code in counts if code is not None} - set(spec.codes)
    if unknown:
        raise TableError(f"{spec.key}: codes outside the table: {sorted(unknown)}")
    keyed = {code: _keyed(count) for code, count in counts.items()}
    cells = [keyed_total(keyed[code] for code in row.codes if code in keyed) for row in spec.rows]
    rows = tuple(
        Row(row.label, cell.count, cell.key_sum) for row, cell in zip(spec.rows, cells, strict=True)
    )
    total = keyed_total(cells)
    missing = keyed.get(None, KeyedCount(0))
    if spec.base == "asked":
        return Table(
            spec=spec,
            rows=rows,
            total=total.count,
            not_asked=missing.count,
            total_key_sum=total.key_sum,
            not_asked_key_sum=missing.key_sum,
        )
    if missing.count:
        # No count here: the message reaches analysts of any selection, under control.
        raise TableError(f"{spec.key}: some complete responses have no value")
    return Table(spec=spec, rows=rows, total=total.count, total_key_sum=total.key_sum)


@dataclass(frozen=True, slots=True)
class TablesReport:
    """The exact counts behind one workbook (or one page of tables).

    `source` names the survey's owner and contact for the cover; `controlled`
    says whether what is published from it is disclosure-controlled.
    """

    survey_name: str
    selection: Selection
    tables: tuple[Table, ...]
    produced_at: datetime
    standard_title: str
    controlled: bool = True
    organisation: str = ""
    contact: str = ""
    standard_version: str = CURRENT_VERSION
    # Two-way tables beyond the standard's (a survey that asks for the job title).
    cross_tables: tuple[CrossTable, ...] = ()

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)
