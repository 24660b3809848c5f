"""The published form of the output tables: computed once, written many ways.

`publish` turns a `TablesReport` of exact counts into a `Publication`: every cell
already disclosure-controlled (or marked unrounded), every title, note and cover
line already written. The page, the CSV, the XLSX and ODS workbooks and the API
render a Publication as it is and never ask the rules a question of their own.

The notes are written from the rules' own data (`seb.disclosure`,
`seb.derivation.RULES`), so what they say is what the code did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from .crosstab import CrossTable
from .derivation import RULES
from .disclosure import (
    Count,
    Percentage,
    cover_statement,
    percentage_description,
    rule_description,
    shown_count,
    unrounded_warning,
)
from .perturbation import KeyedCount
from .standard import END, Mode, Question, Standard, load_standard
from .statistics import NO_INTERVAL, Interval, interval, interval_description, interval_text
from .tables import TOTAL_LABEL, UNROUNDED_MARK, Table, TablesReport

ALL: Final = frozenset({"*"})
NSSEC: Final = frozenset({"nssec5", "nssec3"})
PUBLICATION_TITLE: Final = "Socio-economic background: output tables"


@dataclass(frozen=True, slots=True)
class Note:
    number: int
    text: str
    tables: frozenset[str]  # the table keys the note applies to ("*" for all)

    def applies_to(self, key: str) -> bool:
        return "*" in self.tables or key in self.tables

    @property
    def reference(self) -> str:
        return f"[note {self.number}]"


def count_text(count: Count) -> str:
    """A count as text: 1,234, or a symbol as it is."""
    return f"{count:,}" if isinstance(count, int) else count


def percentage_text(percentage: Percentage) -> str:
    return f"{percentage:.1f}" if isinstance(percentage, float) else percentage


@dataclass(frozen=True, slots=True)
class PublishedRow:
    """One row as published: a number, or a GSS symbol as text."""

    label: str
    count: Count
    percentage: Percentage
    is_total: bool = False
    # The percentage's 95% confidence interval (seb.statistics), from the figures shown.
    interval: Interval = NO_INTERVAL

    @property
    def count_text(self) -> str:
        return count_text(self.count)

    @property
    def percentage_text(self) -> str:
        return percentage_text(self.percentage)

    @property
    def lower(self) -> Percentage:
        return self.interval.lower

    @property
    def upper(self) -> Percentage:
        return self.interval.upper

    @property
    def lower_text(self) -> str:
        return percentage_text(self.interval.lower)

    @property
    def upper_text(self) -> str:
        return percentage_text(self.interval.upper)

    @property
    def interval_text(self) -> str:
        return interval_text(self.interval)

    @property
    def bar_width(self) -> float:
        return self.percentage if isinstance(self.percentage, float) else 0.0


@dataclass(frozen=True, slots=True)
class PublishedTable:
    key: str
    title: str
    sheet: str
    rows: tuple[PublishedRow, ...]  # the categories in order, then Total
    notes: tuple[Note, ...]
    base: str
    not_asked: Count | None  # responses the routing did not ask, as shown (asked-base tables)
    controlled: bool

    @property
    def categories(self) -> tuple[PublishedRow, ...]:
        return tuple(row for row in self.rows if not row.is_total)

    @property
    def total(self) -> PublishedRow:
        return self.rows[-1]

    @property
    def not_asked_text(self) -> str:
        return "" if self.not_asked is None else count_text(self.not_asked)

    @property
    def note_references(self) -> str:
        return " ".join(note.reference for note in self.notes)


@dataclass(frozen=True, slots=True)
class Publication:
    """Everything a workbook, a page or an API answer of the tables shows."""

    title: str
    survey_name: str
    selection: str
    produced_at: datetime
    standard_title: str
    controlled: bool
    organisation: str
    contact: str
    tables: tuple[PublishedTable, ...]
    notes: tuple[Note, ...]
    # Two-way tables beyond the standard's (seb.crosstab), after the standard's.
    cross_tables: tuple[PublishedCrossTable, ...] = ()

    @property
    def disclosure_statement(self) -> str:
        return cover_statement(controlled=self.controlled)

    def table(self, key: str) -> PublishedTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def _note_count(count: KeyedCount, *, controlled: bool) -> str:
    return f"{shown_count(count, controlled=controlled):,}"


def routed_past(standard: Standard, key: str) -> list[tuple[Question, tuple[str, ...]]]:
    """The earlier questions and answers whose routing skips question `key`."""
    keys = standard.keys
    position = keys.index(key)
    skipping = []
    for question in standard.questions[:position]:
        for rule in question.routing:
            lands = len(keys) if rule.go_to == END else keys.index(rule.go_to)
            if rule.if_answer and lands > position:
                skipping.append((question, tuple(c for c in question.codes if c in rule.if_answer)))
    return skipping


def _not_asked_note(report: TablesReport, table: Table) -> str:
    return not_asked_note(
        report.standard_version, table, controlled=report.controlled, where="the selection"
    )


def not_asked_reason(standard_version: str, column: str) -> str:
    """Who the routing does not ask question `column`, in a sentence."""
    standard = load_standard(standard_version)
    question = standard.question(column)
    reasons = []
    for earlier, codes in routed_past(standard, question.key):
        wording = earlier.wording(Mode.ONLINE)
        answers = [f"“{wording.option(code).label}”" for code in codes]
        listed = ", ".join(answers[:-1]) + f" or {answers[-1]}" if len(answers) > 1 else answers[0]
        reasons.append(f"who answered {listed} to the {earlier.short_label.lower()} question")
    return f"{question.name} is not asked of people {'; or '.join(reasons)}."


def not_asked_note(standard_version: str, table: Table, *, controlled: bool, where: str) -> str:
    """Who a question with an "asked" base is not put to, and how many were not asked."""
    return (
        f"{not_asked_reason(standard_version, table.spec.column)} The table is based on the "
        "responses that were asked the question; "
        f"{_note_count(table.keyed_not_asked, controlled=controlled)} complete responses in "
        f"{where} were not asked it because of the routing."
    )


def report_notes(report: TablesReport) -> tuple[Note, ...]:
    """The numbered notes: selection and bases, every derivation rule, the disclosure rule;
    a two-way table's own description."""
    keys = {table.key for table in report.tables}
    one_way = frozenset(keys)
    cross = frozenset(table.key for table in report.cross_tables)
    asked = [table for table in report.tables if table.spec.base == "asked"]
    all_based = frozenset(table.key for table in report.tables if table.spec.base == "all") | cross
    texts: list[tuple[str, frozenset[str]]] = [
        (
            "The tables count complete responses only (selection: "
            f"{report.selection.describe()}). Responses still in progress, interviews that "
            "were stopped and test responses are never counted.",
            ALL,
        ),
        (
            "These tables are based on all complete responses in the selection.",
            all_based,
        ),
    ]
    for table in asked:
        texts.append((_not_asked_note(report, table), frozenset({table.key})))
    if keys & NSSEC or cross:
        texts.extend((rule.explanation, NSSEC | cross) for rule in RULES)
    texts.extend((table.spec.description, frozenset({table.key})) for table in report.cross_tables)
    texts.append(
        (rule_description() if report.controlled else unrounded_warning(), ALL),
    )
    texts.append((percentage_description(controlled=report.controlled), one_way))
    texts.append((interval_description(controlled=report.controlled), one_way))
    return tuple(
        Note(number=number, text=text, tables=tables)
        for number, (text, tables) in enumerate(
            ((text, tables) for text, tables in texts if tables), start=1
        )
    )


def table_title(report: TablesReport, table: Table) -> str:
    """A table's title with the survey's name, marked when its figures are unrounded."""
    title = f"{table.spec.title}: {report.survey_name}"
    return title if report.controlled else f"{title} {UNROUNDED_MARK}"


def published_rows(table: Table, *, controlled: bool) -> tuple[PublishedRow, ...]:
    """A table's rows as they may be shown, each with its confidence interval computed
    from the shown count over the shown total; the Total row last."""
    shown = table.shown(controlled=controlled)
    return (
        *(
            PublishedRow(
                row.label,
                cell.count,
                cell.percentage,
                interval=interval(cell.count, shown.total.count),
            )
            for row, cell in zip(table.rows, shown.categories, strict=True)
        ),
        PublishedRow(TOTAL_LABEL, shown.total.count, shown.total.percentage, is_total=True),
    )


def publish_table(report: TablesReport, table: Table, notes: tuple[Note, ...]) -> PublishedTable:
    rows = published_rows(table, controlled=report.controlled)
    return PublishedTable(
        key=table.key,
        title=table_title(report, table),
        sheet=table.spec.sheet,
        rows=rows,
        notes=tuple(note for note in notes if note.applies_to(table.key)),
        base=table.spec.base,
        not_asked=(
            shown_count(table.keyed_not_asked, controlled=report.controlled)
            if table.spec.base == "asked"
            else None
        ),
        controlled=report.controlled,
    )


def publish(report: TablesReport) -> Publication:
    """The report as it may be published: disclosure control applied unless it says not."""
    notes = report_notes(report)
    title = PUBLICATION_TITLE if report.controlled else f"{PUBLICATION_TITLE} {UNROUNDED_MARK}"
    return Publication(
        title=title,
        survey_name=report.survey_name,
        selection=report.selection.describe(),
        produced_at=report.produced_at,
        standard_title=report.standard_title,
        controlled=report.controlled,
        organisation=report.organisation,
        contact=report.contact,
        tables=tuple(publish_table(report, table, notes) for table in report.tables),
        notes=notes,
        cross_tables=tuple(publish_cross(report, table, notes) for table in report.cross_tables),
    )


@dataclass(frozen=True, slots=True)
class PublishedCrossRow:
    """One row of a two-way table as published: a figure per column, then its total."""

    label: str
    counts: tuple[Count, ...]
    total: Count
    is_total: bool = False

    @property
    def count_texts(self) -> tuple[str, ...]:
        return tuple(count_text(count) for count in self.counts)

    @property
    def total_text(self) -> str:
        return count_text(self.total)


@dataclass(frozen=True, slots=True)
class PublishedCrossTable:
    """A two-way table as published: every cell and total perturbed on its own (or
    unrounded), the Total row last. Counts only: no percentages."""

    key: str
    title: str
    sheet: str
    row_heading: str
    column_heading: str
    column_labels: tuple[str, ...]
    rows: tuple[PublishedCrossRow, ...]
    notes: tuple[Note, ...]
    controlled: bool
    # Each column's short name (its class number), "" where its label is short already.
    column_codes: tuple[str, ...] = ()
    beyond_standard: bool = True

    @property
    def note_references(self) -> str:
        return " ".join(note.reference for note in self.notes)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """(short name, label) of each column, for a page that names columns briefly."""
        return tuple(zip(self.column_codes, self.column_labels, strict=True))


def publish_cross(
    report: TablesReport, table: CrossTable, notes: tuple[Note, ...]
) -> PublishedCrossTable:
    controlled = report.controlled

    def shown(cell: KeyedCount) -> Count:
        return shown_count(cell, controlled=controlled)

    spec = table.spec
    columns = [code for code, _ in spec.columns]
    rows = [
        PublishedCrossRow(
            label,
            tuple(shown(table.cell(code, column)) for column in columns),
            shown(table.row_total(code)),
        )
        for code, label in spec.rows
    ]
    rows.append(
        PublishedCrossRow(
            TOTAL_LABEL,
            tuple(shown(table.column_total(column)) for column in columns),
            shown(table.total),
            is_total=True,
        )
    )
    title = f"{spec.title}: {report.survey_name}"
    return PublishedCrossTable(
        key=spec.key,
        title=title if controlled else f"{title} {UNROUNDED_MARK}",
        sheet=spec.sheet,
        row_heading=spec.row_heading,
        column_heading=spec.column_heading,
        column_labels=spec.column_labels,
        rows=tuple(rows),
        notes=tuple(note for note in notes if note.applies_to(spec.key)),
        controlled=controlled,
        column_codes=tuple(code or "" for code in columns),
    )
