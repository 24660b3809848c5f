"""One prescribed table side by side across a second dimension, as it may be published.

A comparison puts a table's columns side by side: one per mode, per survey (of
the same version of the standard), per completion period or per value of a
sample variable, or the survey beside a reference distribution. The first
column is the base; every other column has a difference from it, in percentage
points.

Disclosure control is applied to each column on its own, exactly as to a table
(`seb.disclosure`); each percentage's confidence interval is computed from the
column's published figures (`seb.statistics`); and each difference is computed
from the two PUBLISHED percentages, so it tells nothing a reader of the columns
could not work out. A difference is `[c]` where either percentage is `[c]` and
`[x]` where either is `[x]`.

The standard warns that its outputs are comparable only with outputs of the
same standard, and that the questions are put differently in each mode: a
comparison of surveys only ever has surveys of one version, and a note says
when a comparison's columns differ in their modes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from .derivation import RULES
from .disclosure import (
    CONFIDENTIAL,
    DECIMAL_PLACES,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    Percentage,
    percentage_description,
    rule_description,
    shown_count,
    unrounded_warning,
)
from .outputs import (
    ALL,
    NSSEC,
    Note,
    PublishedRow,
    count_text,
    not_asked_reason,
    published_rows,
)
from .perturbation import KeyedCount
from .standard import Mode
from .statistics import NO_INTERVAL, interval_description
from .tables import TOTAL_LABEL, UNROUNDED_MARK, Selection, Table, TableSpec, long_date

# The standard's own words ("Comparability"), quoted in the notes of a comparison of surveys.
COMPARABILITY: Final = (
    "Outputs that use this standard are comparable with other surveys that also use this "
    "standard. We would not recommend comparing levels of socio-economic background from "
    "outputs that use this standard with other outputs that use a different measure."
)
MAX_GROUPS: Final = 8
REFERENCE_TOLERANCE: Final = 1.0  # percentage points either side of 100 a reference may add to


class Dimension(StrEnum):
    MODE = "mode"
    SURVEY = "survey"
    PERIOD = "period"
    VARIABLE = "variable"
    REFERENCE = "reference"

    @property
    def label(self) -> str:
        return {
            Dimension.MODE: "mode",
            Dimension.SURVEY: "survey",
            Dimension.PERIOD: "completion period",
            Dimension.VARIABLE: "sample variable",
            Dimension.REFERENCE: "reference distribution",
        }[self]

    @property
    def heading(self) -> str:
        """How a page names this kind of comparison."""
        return {
            Dimension.MODE: "By mode",
            Dimension.SURVEY: "With another survey",
            Dimension.PERIOD: "Between two periods",
            Dimension.VARIABLE: "By a sample variable",
            Dimension.REFERENCE: "With a reference distribution",
        }[self]


@dataclass(frozen=True, slots=True)
class Side:
    """One column of responses: its label, what it counts, its exact table and the
    modes its responses were collected in."""

    label: str
    description: str
    table: Table
    modes: tuple[Mode, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """A published distribution over a table's categories: percentages only.

    `percentages` follows the table's rows; None where the source gives none.
    """

    name: str
    population: str
    source: str
    publisher: str
    published: date
    url: str
    licence: str
    percentages: tuple[float | None, ...]

    @property
    def citation(self) -> str:
        return (
            f"{self.publisher} ({self.published.year}). {self.source}, published "
            f"{long_date(self.published)}. {self.url} ({self.licence})."
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The exact counts behind one comparison, and what it compares.

    `sides` are the columns of responses in order, the base first; with a
    `reference`, the reference is the base and `sides` has the survey's one column.
    `excluded` counts selected responses in no column (a sample variable's
    responses without a case or a value).
    """

    spec: TableSpec
    dimension: Dimension
    survey_name: str
    selection: Selection
    sides: tuple[Side, ...]
    produced_at: datetime
    standard_title: str
    standard_version: str
    controlled: bool = True
    reference: Reference | None = None
    variable: str = ""
    excluded: KeyedCount = field(default_factory=lambda: KeyedCount(0))
    organisation: str = ""
    contact: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        sides = tuple(side.label for side in self.sides)
        return (self.reference.name, *sides) if self.reference else sides

    @property
    def mixes_modes(self) -> bool:
        """Whether the columns' responses differ in their modes, or any column mixes modes."""
        if self.dimension is Dimension.MODE:
            return True
        present = [side.modes for side in self.sides if side.modes]
        return any(len(modes) > 1 for modes in present) or len(set(present)) > 1


@dataclass(frozen=True, slots=True)
class PublishedColumn:
    label: str
    rows: tuple[PublishedRow, ...]  # the categories in order, then Total
    modes: str  # the modes of its responses in words ("" for a reference)
    is_reference: bool = False

    @property
    def categories(self) -> tuple[PublishedRow, ...]:
        return self.rows[:-1]

    @property
    def total(self) -> PublishedRow:
        return self.rows[-1]


@dataclass(frozen=True, slots=True)
class PublishedDifference:
    """One column's differences from the base column, in percentage points."""

    label: str
    values: tuple[Percentage, ...]  # per category

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(difference_text(value) for value in self.values)


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One category across the columns, for a template."""

    label: str
    cells: tuple[PublishedRow, ...]
    differences: tuple[Percentage, ...]
    is_total: bool = False

    @property
    def difference_texts(self) -> tuple[str, ...]:
        return tuple(difference_text(value) for value in self.differences)


@dataclass(frozen=True, slots=True)
class PublishedComparison:
    """Everything a page, a file or an API answer of one comparison shows."""

    key: str
    title: str
    table_key: str
    table_title: str
    dimension: Dimension
    survey_name: str
    selection: str
    produced_at: datetime
    standard_title: str
    controlled: bool
    organisation: str
    contact: str
    categories: tuple[str, ...]
    columns: tuple[PublishedColumn, ...]
    differences: tuple[PublishedDifference, ...]
    notes: tuple[Note, ...]
    mixes_modes: bool

    @property
    def base(self) -> PublishedColumn:
        return self.columns[0]

    @property
    def rows(self) -> tuple[ComparisonRow, ...]:
        """The categories, then Total, each across the columns with its differences."""
        rows = [
            ComparisonRow(
                label=label,
                cells=tuple(column.rows[position] for column in self.columns),
                differences=tuple(difference.values[position] for difference in self.differences),
            )
            for position, label in enumerate(self.categories)
        ]
        rows.append(
            ComparisonRow(
                label=TOTAL_LABEL,
                cells=tuple(column.total for column in self.columns),
                differences=tuple(NOT_APPLICABLE for _ in self.differences),
                is_total=True,
            )
        )
        return tuple(rows)

    @property
    def note_references(self) -> str:
        return " ".join(note.reference for note in self.notes)


def difference(base: Percentage, other: Percentage) -> Percentage:
    """`other` minus `base`, in percentage points, from two percentages as published."""
    if CONFIDENTIAL in (base, other):
        return CONFIDENTIAL
    if not isinstance(base, float) or not isinstance(other, float):
        return NOT_AVAILABLE
    scale = 10**DECIMAL_PLACES
    # Both are published to DECIMAL_PLACES: subtract whole tenths, exactly.
    return (round(other * scale) - round(base * scale)) / scale


def difference_text(value: Percentage) -> str:
    if isinstance(value, float):
        return f"{value:+.{DECIMAL_PLACES}f}" if value else f"{0:.{DECIMAL_PLACES}f}"
    return value


def modes_text(modes: Sequence[Mode]) -> str:
    if not modes:
        return "no responses"
    return ", ".join(mode.label for mode in Mode if mode in modes)


def reference_column(spec: TableSpec, reference: Reference) -> PublishedColumn:
    rows = [
        PublishedRow(
            row.label,
            NOT_APPLICABLE,
            NOT_AVAILABLE if value is None else round(value, DECIMAL_PLACES),
            interval=NO_INTERVAL,
        )
        for row, value in zip(spec.rows, reference.percentages, strict=True)
    ]
    given = [value for value in reference.percentages if value is not None]
    rows.append(
        PublishedRow(
            TOTAL_LABEL,
            NOT_APPLICABLE,
            round(sum(given), DECIMAL_PLACES) if given else NOT_AVAILABLE,
            is_total=True,
        )
    )
    return PublishedColumn(reference.name, tuple(rows), modes="", is_reference=True)


def comparison_title(comparison: Comparison) -> str:
    spec, dimension = comparison.spec, comparison.dimension
    if dimension is Dimension.REFERENCE and comparison.reference:
        what = f"compared with {comparison.reference.name}"
    elif dimension is Dimension.SURVEY:
        # The first column is the survey the analyst came from; the other is compared.
        what = "compared with " + comparison.sides[-1].label
    elif dimension is Dimension.VARIABLE:
        what = f"by sample variable “{comparison.variable}”"
    else:
        what = f"by {dimension.label}"
    title = f"{spec.title}: {comparison.survey_name}, {what}"
    return title if comparison.controlled else f"{title} {UNROUNDED_MARK}"


def _shown(count: KeyedCount, *, controlled: bool) -> str:
    return count_text(shown_count(count, controlled=controlled))


def comparison_notes(comparison: Comparison) -> tuple[Note, ...]:
    """The numbered notes of a comparison, written from the rules' own data."""
    spec, controlled = comparison.spec, comparison.controlled
    columns = "; ".join(f"{side.label}: {side.description}" for side in comparison.sides)
    texts: list[str] = [
        "Each column counts complete responses only; responses in progress, stopped "
        "interviews and test responses are never counted. "
        f"Columns: {columns}.",
    ]
    dimension = comparison.dimension
    if dimension is Dimension.SURVEY:
        texts.append(
            f"Both surveys were collected with {comparison.standard_title}. The standard "
            f"says: “{COMPARABILITY}”"
        )
    elif dimension is Dimension.PERIOD:
        texts.append(
            "Periods are of the date each response was completed, both days included; they "
            "do not overlap, so no response is in both columns."
        )
    elif dimension is Dimension.VARIABLE:
        texts.append(
            f"Columns group the responses by the value of the sample variable "
            f"“{comparison.variable}” of the case each was given for. "
            f"{_shown(comparison.excluded, controlled=controlled)} complete responses in the "
            "selection had no case or no value for it and are in no column."
        )
    elif dimension is Dimension.REFERENCE and comparison.reference:
        reference = comparison.reference
        texts.append(
            f"The reference distribution “{reference.name}” is of {reference.population}. "
            f"Source: {reference.citation} It gives percentages only: its column has no "
            f"counts ({NOT_APPLICABLE}), {NOT_AVAILABLE} where it gives no figure for a "
            "category, and its total is the sum of the percentages it gives. The standard "
            f"says: “{COMPARABILITY}” Compare only with a distribution of the same measure."
        )
    if comparison.mixes_modes:
        if dimension is Dimension.MODE:
            texts.append(
                "This comparison is between modes. The standard words its questions "
                "differently for each mode and offers some answers only in some modes, so a "
                "difference between modes may come from the mode itself as well as from who "
                "answered in it."
            )
        else:
            mixes = "; ".join(
                f"{side.label}: {modes_text(side.modes)}" for side in comparison.sides
            )
            texts.append(
                "This comparison mixes modes: the columns' responses were collected in "
                f"different modes ({mixes}). The standard words its questions differently for "
                "each mode, so differences between the columns may partly come from their "
                "mixes of modes."
            )
    if spec.base == "asked":
        not_asked = "; ".join(
            f"{side.label}: {_shown(side.table.keyed_not_asked, controlled=controlled)}"
            for side in comparison.sides
        )
        texts.append(
            f"{not_asked_reason(comparison.standard_version, spec.column)} Each column is "
            "based on the responses that were asked the question. Complete responses not "
            f"asked it because of the routing: {not_asked}."
        )
    if spec.column in NSSEC:
        texts.extend(rule.explanation for rule in RULES)
    texts.append(
        f"{rule_description()} Each column's cells are cells of their own."
        if controlled
        else unrounded_warning()
    )
    texts.append(percentage_description(controlled=controlled))
    base = comparison.labels[0]
    texts.append(
        "Differences are in percentage points: each column's percentage minus the first "
        f"column's ({base}), computed from the percentages shown, so they tell nothing the "
        f"columns do not. A difference is {CONFIDENTIAL} where either percentage is "
        f"{CONFIDENTIAL} and {NOT_AVAILABLE} where either is {NOT_AVAILABLE}. The confidence "
        "intervals are for each column's percentages, not for the differences: intervals "
        "that overlap do not show that a difference is due to chance."
    )
    texts.append(interval_description(controlled=controlled))
    return tuple(Note(number, text, ALL) for number, text in enumerate(texts, start=1))


def publish_comparison(comparison: Comparison) -> PublishedComparison:
    """The comparison as it may be published: each column controlled on its own."""
    spec = comparison.spec
    columns = [
        PublishedColumn(
            side.label,
            published_rows(side.table, controlled=comparison.controlled),
            modes=modes_text(side.modes),
        )
        for side in comparison.sides
    ]
    if comparison.reference is not None:
        columns.insert(0, reference_column(spec, comparison.reference))
    base = columns[0]
    differences = tuple(
        PublishedDifference(
            label=f"{column.label} minus {base.label}",
            values=tuple(
                difference(first.percentage, other.percentage)
                for first, other in zip(base.categories, column.categories, strict=True)
            ),
        )
        for column in columns[1:]
    )
    return PublishedComparison(
        key=f"{spec.key}_{comparison.dimension.value}",
        title=comparison_title(comparison),
        table_key=spec.key,
        table_title=spec.title,
        dimension=comparison.dimension,
        survey_name=comparison.survey_name,
        selection=comparison.selection.describe(),
        produced_at=comparison.produced_at,
        standard_title=comparison.standard_title,
        controlled=comparison.controlled,
        organisation=comparison.organisation,
        contact=comparison.contact,
        categories=tuple(row.label for row in spec.rows),
        columns=tuple(columns),
        differences=differences,
        notes=comparison_notes(comparison),
        mixes_modes=comparison.mixes_modes,
    )


def check_reference_percentages(values: Sequence[float | None]) -> str | None:
    """What is wrong with a reference distribution's percentages, or None.

    Each is from 0 to 100; at least two are given; together they add up to 100,
    give or take REFERENCE_TOLERANCE for rounding.
    """
    given = [value for value in values if value is not None]
    if len(given) < 2:
        return "Give a percentage for at least two categories"
    if any(value < 0 or value > 100 for value in given):
        return "Each percentage must be between 0 and 100"
    total = sum(given)
    if abs(total - 100) > REFERENCE_TOLERANCE:
        return (
            f"The percentages add up to {total:.1f}: they must add up to 100 (give or take "
            f"{REFERENCE_TOLERANCE:g} for rounding)"
        )
    return None
