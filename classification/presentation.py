"""Tables as the analyst's page shows them: text for each cell and a bar for the chart.

Pure code: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from .disclosure import Count, Percentage, shown_count
from .tables import Table, TablesReport
from .workbook import Note, report_notes, table_rows


def count_text(count: Count) -> str:
    return f"{count:,}" if isinstance(count, int) else count


def percentage_text(percentage: Percentage) -> str:
    return f"{percentage:.1f}" if isinstance(percentage, float) else percentage


@dataclass(frozen=True, slots=True)
class RowView:
    label: str
    count: str
    percentage: str
    bar: float  # the bar's length, as a percentage of the chart's width (0 when hidden)
    is_total: bool = False


@dataclass(frozen=True, slots=True)
class TableView:
    key: str
    title: str
    rows: tuple[RowView, ...]
    notes: tuple[Note, ...]
    not_asked: str | None  # responses the routing did not ask, as shown

    @property
    def categories(self) -> tuple[RowView, ...]:
        return tuple(row for row in self.rows if not row.is_total)


def table_view(report: TablesReport, table: Table, notes: tuple[Note, ...]) -> TableView:
    rows = table_rows(table, controlled=report.controlled)
    last = len(rows) - 1
    return TableView(
        key=table.key,
        title=report.title_of(table),
        rows=tuple(
            RowView(
                label=label,
                count=count_text(cell.count),
                percentage=percentage_text(cell.percentage),
                bar=cell.percentage if isinstance(cell.percentage, float) else 0.0,
                is_total=position == last,
            )
            for position, (label, cell) in enumerate(rows)
        ),
        notes=tuple(note for note in notes if note.applies_to(table.key)),
        not_asked=(
            count_text(shown_count(table.not_asked, controlled=report.controlled))
            if table.spec.base == "asked"
            else None
        ),
    )


def report_view(report: TablesReport) -> tuple[tuple[TableView, ...], tuple[Note, ...]]:
    """Each table of the report as the page shows it, and the report's notes."""
    notes = report_notes(report)
    return tuple(table_view(report, table, notes) for table in report.tables), notes
