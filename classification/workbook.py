"""The output tables as a workbook (XLSX or ODS), as docs/spec/output-tables.md.

Follows the Government Analysis Function's guidance on releasing statistics in
spreadsheets: a Cover sheet, a Contents sheet linking to each table, a Notes
sheet of numbered notes, then one sheet per table with its title in A1 (in the
"Heading 1" cell style), its notes references above it, and the table itself as
a named table (an Excel table object in XLSX, a database range in ODS) named by
its table key. Numbers are stored as numbers; symbols such as [c] as text; text
from users (the survey's name) as text, never as a formula.

Writers render a `seb.outputs.Publication` as it is: every figure, title and
note is already written there. `publication_sheets` lays the workbook out once
(`classification.sheets`); `write_workbook` writes it as XLSX or ODS into any
binary stream; `write_table_csv` writes one table as CSV into a text stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, Final, TextIO

from seb.outputs import Note, Publication, PublishedCrossTable, PublishedRow, PublishedTable
from seb.safe_text import CsvWriter
from seb.statistics import CONFIDENCE_LEVEL

from .sheets import (
    Kind,
    Link,
    Sheet,
    Text,
    Value,
    WorkbookFormat,
    write_sheets,
)

LOWER: Final = f"Lower {CONFIDENCE_LEVEL}% confidence limit"
UPPER: Final = f"Upper {CONFIDENCE_LEVEL}% confidence limit"
HEADER: Final = ("Category", "Count", "Percentage", LOWER, UPPER)
TOTAL_COLUMN: Final = "Total"
KINDS: Final = (Kind.TEXT, Kind.COUNT, Kind.PERCENTAGE, Kind.PERCENTAGE, Kind.PERCENTAGE)


def cover_lines(publication: Publication) -> list[tuple[str, str]]:
    """The cover sheet as (heading, text) pairs; a heading of "" is body text."""
    produced = publication.produced_at
    lines = [
        (
            "",
            "The output tables that the Government Statistical Service’s harmonised standard "
            "on socio-economic background prescribes, for one survey.",
        ),
        ("Survey", publication.survey_name),
    ]
    if publication.organisation:
        lines.append(("Organisation", publication.organisation))
    if publication.contact:
        lines.append(("Contact", publication.contact))
    lines += [
        ("Source", f"Responses to the survey, collected with {publication.standard_title}."),
        ("Selection", f"Complete responses; {publication.selection}."),
        ("Date produced", f"{produced.day} {produced:%B %Y, %H:%M}"),
        (
            "Standard and method",
            f"{publication.standard_title}. NS-SEC is derived with the ONS self-coded method "
            "(5-class, and 3-class grouped from it); see the Notes sheet.",
        ),
        ("Disclosure control", publication.disclosure_statement),
    ]
    if publication.cross_tables:
        lines.append(
            (
                "Beyond the standard",
                "After the prescribed tables, this workbook holds tables the standard does "
                "not prescribe, from the job title the survey also asked for: "
                + "; ".join(table.title for table in publication.cross_tables)
                + ".",
            )
        )
    lines.append(("Contents", "The Contents sheet links to each table."))
    return lines


def cover_sheet(title: str, lines: Sequence[tuple[str, str]]) -> Sheet:
    sheet = Sheet("Cover", title, widths=(100,))
    for heading, text in lines:
        if heading:
            sheet.add(Text(heading, "heading"))
        sheet.add(Text(text, wrap=True))
    sheet.add(Link("Contents", "Contents"))
    return sheet


def contents_sheet(entries: Sequence[tuple[str, str]]) -> Sheet:
    """A link to each (sheet, title), then to the Notes."""
    sheet = Sheet("Contents", "Contents", widths=(26, 110))
    sheet.add("This worksheet contains one table.")
    sheet.start_table("contents", ("Sheet name", "Table title"), (Kind.TEXT, Kind.TEXT))
    for name, title in entries:
        sheet.add(Link(name, name), title)
    sheet.add(Link("Notes", "Notes"), "Notes for every table")
    return sheet


def notes_sheet(notes: Sequence[Note]) -> Sheet:
    sheet = Sheet("Notes", "Notes", widths=(14, 110))
    sheet.add("This worksheet contains one table.")
    sheet.start_table("notes", ("Note number", "Note text"), (Kind.TEXT, Kind.TEXT))
    for note in notes:
        sheet.add(note.reference, Text(note.text, wrap=True))
    return sheet


def row_values(row: PublishedRow) -> list[Value]:
    return [row.label, row.count, row.percentage, row.lower, row.upper]


def table_sheet(table: PublishedTable) -> Sheet:
    sheet = Sheet(table.sheet, table.title, widths=(60, 12, 14, 16, 16))
    sheet.add(
        f"This worksheet contains one table. Notes for this table: {table.note_references} "
        "(see the Notes worksheet)."
    )
    sheet.start_table(table.key, HEADER, KINDS)
    for row in table.rows:
        sheet.add(*row_values(row))
    return sheet


def cross_header(table: PublishedCrossTable) -> tuple[str, ...]:
    return (table.row_heading, *table.column_labels, TOTAL_COLUMN)


def cross_sheet(table: PublishedCrossTable) -> Sheet:
    """A two-way table: a row per row category, a column per column category, totals."""
    header = cross_header(table)
    sheet = Sheet(table.sheet, table.title, widths=(50, *(16,) * (len(header) - 1)))
    sheet.add(
        f"This worksheet contains one table. {table.column_heading} across, an addition "
        f"beyond the harmonised standard. Notes for this table: {table.note_references} "
        "(see the Notes worksheet)."
    )
    sheet.start_table(table.key, header, (Kind.TEXT, *(Kind.COUNT,) * (len(header) - 1)))
    for row in table.rows:
        sheet.add(row.label, *row.counts, row.total)
    return sheet


def publication_sheets(publication: Publication) -> list[Sheet]:
    """Cover, Contents, Notes, then a sheet per table, the two-way tables last."""
    return [
        cover_sheet(publication.title, cover_lines(publication)),
        contents_sheet(
            [(table.sheet, table.title) for table in publication.tables]
            + [
                (table.sheet, f"{table.title} (beyond the harmonised standard)")
                for table in publication.cross_tables
            ]
        ),
        notes_sheet(publication.notes),
        *(table_sheet(table) for table in publication.tables),
        *(cross_sheet(table) for table in publication.cross_tables),
    ]


def write_workbook(
    publication: Publication,
    stream: BinaryIO,
    file_format: WorkbookFormat = WorkbookFormat.XLSX,
) -> None:
    """Write the publication's workbook (Cover, Contents, Notes, a sheet per table)."""
    write_sheets(
        publication_sheets(publication),
        stream,
        title=publication.title,
        file_format=file_format,
    )


def write_table_csv(table: PublishedTable, stream: TextIO) -> None:
    """One table as CSV: a single header row, the categories in order, Total last.

    Percentages and confidence limits are written to one decimal place; symbols
    such as [c] as they are.
    """
    writer = CsvWriter(stream, figure_columns=range(1, len(HEADER)))
    writer.writerow(HEADER)
    for row in table.rows:
        writer.writerow([row.label, row.count, row.percentage_text, row.lower_text, row.upper_text])


def write_cross_csv(table: PublishedCrossTable, stream: TextIO) -> None:
    """A two-way table as CSV: a header row (the row heading, each column's label,
    Total), a row per row category, the Total row last; symbols as they are."""
    header = cross_header(table)
    writer = CsvWriter(stream, figure_columns=range(1, len(header)))
    writer.writerow(header)
    for row in table.rows:
        writer.writerow([row.label, *row.counts, row.total])
