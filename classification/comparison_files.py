"""A published comparison as a workbook (XLSX or ODS), as CSV, and the CSV's metadata.

The workbook follows the tables workbook (Cover, Contents, Notes, then the
comparison as one named table, wide: a count, percentage and confidence limits
per column, then the differences). The CSV is long ("tidy"): one row per
category and column, which a script reads without knowing how many columns a
comparison has. Both render a `seb.comparisons.PublishedComparison` as it is.
"""

from __future__ import annotations

from typing import Any, Final, TextIO

from seb.comparisons import PublishedComparison, difference_text
from seb.csvw import table_metadata
from seb.disclosure import NOT_APPLICABLE, cover_statement
from seb.outputs import percentage_text
from seb.safe_text import CsvWriter
from seb.statistics import CONFIDENCE_LEVEL

from .sheets import Kind, Sheet, Value
from .workbook import LOWER, UPPER, contents_sheet, cover_sheet, notes_sheet

SHEET: Final = "Comparison"
CSV_HEADER: Final = (
    "Category",
    "Column",
    "Count",
    "Percentage",
    LOWER,
    UPPER,
    "Difference from the first column (percentage points)",
)
CSV_KINDS: Final = (
    "category",
    "group",
    "count",
    "percentage",
    "percentage",
    "percentage",
    "percentage",
)
CSV_DESCRIPTIONS: Final = (
    "The table's category, in the standard's order; Total last.",
    "The column: a mode, survey, period, value of a sample variable or reference distribution.",
    "The number of complete responses in the category and column ([z] for a reference).",
    "The count as a percentage of the column's total.",
    f"The lower limit of the percentage's {CONFIDENCE_LEVEL}% confidence interval.",
    f"The upper limit of the percentage's {CONFIDENCE_LEVEL}% confidence interval.",
    "The column's percentage minus the first column's, from the published percentages.",
)


def comparison_cover(comparison: PublishedComparison) -> list[tuple[str, str]]:
    produced = comparison.produced_at
    lines = [
        (
            "",
            "One of the output tables of the Government Statistical Service’s harmonised "
            "standard on socio-economic background, compared across "
            f"{comparison.dimension.label}s.",
        ),
        ("Survey", comparison.survey_name),
    ]
    if comparison.organisation:
        lines.append(("Organisation", comparison.organisation))
    if comparison.contact:
        lines.append(("Contact", comparison.contact))
    lines += [
        ("Source", f"Responses to the survey, collected with {comparison.standard_title}."),
        ("Selection", f"Complete responses; {comparison.selection}."),
        ("Columns", "; ".join(column.label for column in comparison.columns) + "."),
        ("Date produced", f"{produced.day} {produced:%B %Y, %H:%M}"),
        ("Disclosure control", cover_statement(controlled=comparison.controlled)),
        ("Contents", "The Contents sheet links to the comparison and its notes."),
    ]
    return lines


def wide_header(comparison: PublishedComparison) -> tuple[list[str], list[Kind]]:
    header, kinds = ["Category"], [Kind.TEXT]
    for column in comparison.columns:
        header += [
            f"{column.label}: count",
            f"{column.label}: percentage",
            f"{column.label}: {LOWER.lower()}",
            f"{column.label}: {UPPER.lower()}",
        ]
        kinds += [Kind.COUNT, Kind.PERCENTAGE, Kind.PERCENTAGE, Kind.PERCENTAGE]
    for difference in comparison.differences:
        header.append(f"Difference: {difference.label} (percentage points)")
        kinds.append(Kind.PERCENTAGE)
    return header, kinds


def comparison_sheets(comparison: PublishedComparison) -> list[Sheet]:
    figures = 4 * len(comparison.columns) + len(comparison.differences)
    sheet = Sheet(SHEET, comparison.title, widths=(50, *(14 for _ in range(figures))))
    sheet.add(
        "This worksheet contains one table. Notes for this table: "
        f"{comparison.note_references} (see the Notes worksheet)."
    )
    header, kinds = wide_header(comparison)
    sheet.start_table(comparison.key, header, kinds)
    for row in comparison.rows:
        values: list[Value] = [row.label]
        for cell in row.cells:
            values += [cell.count, cell.percentage, cell.lower, cell.upper]
        values += list(row.differences)
        sheet.add(*values)
    return [
        cover_sheet(comparison.title, comparison_cover(comparison)),
        contents_sheet([(SHEET, comparison.title)]),
        notes_sheet(comparison.notes),
        sheet,
    ]


def comparison_csv_rows(comparison: PublishedComparison) -> list[list[str]]:
    rows = []
    for row in comparison.rows:
        for position, cell in enumerate(row.cells):
            difference = (
                NOT_APPLICABLE
                if position == 0 or row.is_total
                else difference_text(row.differences[position - 1])
            )
            rows.append(
                [
                    row.label,
                    comparison.columns[position].label,
                    cell.count_text.replace(",", ""),
                    cell.percentage_text,
                    percentage_text(cell.lower),
                    percentage_text(cell.upper),
                    difference.lstrip("+"),
                ]
            )
    return rows


def write_comparison_csv(comparison: PublishedComparison, stream: TextIO) -> None:
    writer = CsvWriter(stream, figure_columns=range(2, len(CSV_HEADER)))
    writer.writerow(CSV_HEADER)
    writer.writerows(comparison_csv_rows(comparison))


def comparison_metadata(comparison: PublishedComparison, *, csv_name: str) -> dict[str, Any]:
    metadata = table_metadata(
        csv_name=csv_name,
        title=comparison.title,
        notes=[f"{note.reference} {note.text}" for note in comparison.notes],
        produced_at=comparison.produced_at,
        publisher=comparison.organisation,
        columns=list(zip(CSV_HEADER, CSV_KINDS, CSV_DESCRIPTIONS, strict=True)),
        categories=[*comparison.categories, "Total"],
        groups=[column.label for column in comparison.columns],
    )
    metadata["dc:source"] = comparison.standard_title
    metadata["dc:coverage"] = f"Complete responses; {comparison.selection}"
    return metadata
