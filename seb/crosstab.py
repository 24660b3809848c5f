"""A table of two variables: each row a category of one, each column a category of the
other, with row and column totals. Exact counts in; `seb.outputs` publishes them.

Every cell, every row and column total and the grand total is a cell of its own under
disclosure control: its count and the sum of its responses' record keys
(`seb.perturbation`), so a total is perturbed as the same responses are anywhere else
(a row total of the self-coded class is the figure the one-way table of that class
publishes), and the figures need not add up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .perturbation import KeyedCount, keyed_total

Code = str | None  # None: the responses with no value in the column variable


@dataclass(frozen=True, slots=True)
class CrossSpec:
    """A two-way table: its rows' and columns' codes with their labels, in order."""

    key: str
    title: str
    sheet: str
    row_heading: str
    column_heading: str
    rows: tuple[tuple[str, str], ...]
    columns: tuple[tuple[Code, str], ...]
    # Why the table is there, for its notes (an addition beyond the standard).
    description: str = ""

    @property
    def column_labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.columns)


class CrossTableError(ValueError):
    """Counts that do not fit the table's rows and columns."""


@dataclass(frozen=True, slots=True)
class CrossTable:
    """A two-way table's exact counts, each with its record keys' sum (never shown)."""

    spec: CrossSpec
    cells: Mapping[tuple[str, Code], KeyedCount]

    @property
    def key(self) -> str:
        return self.spec.key

    def cell(self, row: str, column: Code) -> KeyedCount:
        return self.cells.get((row, column), KeyedCount(0))

    def row_total(self, row: str) -> KeyedCount:
        return keyed_total(self.cell(row, column) for column, _ in self.spec.columns)

    def column_total(self, column: Code) -> KeyedCount:
        return keyed_total(self.cell(row, column) for row, _ in self.spec.rows)

    @property
    def total(self) -> KeyedCount:
        return keyed_total(self.cells.values())


def build_cross(spec: CrossSpec, counts: Mapping[tuple[str, Code], KeyedCount]) -> CrossTable:
    """The table of `counts` ((row code, column code) to count); a code outside the
    table is an error, not a silent loss."""
    rows = {code for code, _ in spec.rows}
    columns = {code for code, _ in spec.columns}
    unknown = sorted(
        f"{row}/{column}" for row, column in counts if row not in rows or column not in columns
    )
    if unknown:
        raise CrossTableError(f"{spec.key}: counts outside the table: {unknown}")
    return CrossTable(spec=spec, cells=dict(counts))
