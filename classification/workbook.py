"""The output tables as an Excel workbook, as docs/spec/output-tables.md.

Follows the Government Analysis Function's guidance on releasing statistics in
spreadsheets: a Cover sheet, a Contents sheet linking to each table, a Notes
sheet of numbered notes, then one sheet per table with its title in A1, its
notes references above it, and the table itself as an Excel table object named
by its table key. Numbers are stored as numbers; symbols such as [c] as text;
text from users (the survey's name) as text, never as a formula.

Writers render a `seb.outputs.Publication` as it is: every figure, title and
note is already written there. `write_workbook` writes into any binary stream;
`write_table_csv` writes one table as CSV into a text stream.
"""

from __future__ import annotations

import csv
from typing import BinaryIO, Final, TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from seb.disclosure import CONFIDENTIAL, NOT_AVAILABLE
from seb.outputs import Publication, PublishedRow, PublishedTable
from seb.safe_text import safe_text, xlsx_text

HEADER: Final = ("Category", "Count", "Percentage")
COUNT_FORMAT: Final = "#,##0"
PERCENTAGE_FORMAT: Final = "0.0"
TITLE_FONT: Final = Font(bold=True, size=15)
HEADING_FONT: Final = Font(bold=True, size=12)
WRAP: Final = Alignment(wrap_text=True, vertical="top")
CREATOR: Final = "SEB harmonised standard reference implementation"


def set_text_cell(cell: Cell, value: str) -> Cell:
    """Write `value` into an openpyxl cell as text, never as a formula or error code."""
    cell.value = xlsx_text(value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


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
        ("Contents", "The Contents sheet links to each table."),
    ]
    return lines


def write_workbook(publication: Publication, stream: BinaryIO) -> None:
    """Write the publication's workbook (Cover, Contents, Notes, a sheet per table)."""
    TablesWorkbook(publication).save(stream)


class TablesWorkbook:
    """Builds the XLSX workbook of one Publication."""

    def __init__(self, publication: Publication) -> None:
        self.publication = publication
        self.workbook = Workbook()
        self._build()

    def save(self, stream: BinaryIO) -> None:
        self.workbook.save(stream)

    def _build(self) -> None:
        cover = self.workbook.active
        assert cover is not None
        cover.title = "Cover"
        self._cover(cover)
        self._contents(self.workbook.create_sheet("Contents"))
        self._notes(self.workbook.create_sheet("Notes"))
        for table in self.publication.tables:
            self._table(self.workbook.create_sheet(table.sheet), table)
        self.workbook.properties.title = self.publication.title
        self.workbook.properties.creator = CREATOR

    def _cover(self, sheet: Worksheet) -> None:
        sheet.column_dimensions["A"].width = 100
        set_text_cell(sheet.cell(row=1, column=1), self.publication.title).font = TITLE_FONT
        row = 1
        for heading, text in cover_lines(self.publication):
            if heading:
                row += 1
                set_text_cell(sheet.cell(row=row, column=1), heading).font = HEADING_FONT
            row += 1
            set_text_cell(sheet.cell(row=row, column=1), text).alignment = WRAP
        _link(sheet.cell(row=row, column=1), "Contents")

    def _contents(self, sheet: Worksheet) -> None:
        set_text_cell(sheet["A1"], "Contents").font = TITLE_FONT
        set_text_cell(sheet["A2"], "This worksheet contains one table.")
        sheet.append(["Sheet name", "Table title"])
        for table in self.publication.tables:
            row = sheet.max_row + 1
            _link(sheet.cell(row=row, column=1, value=table.sheet), table.sheet)
            set_text_cell(sheet.cell(row=row, column=2), table.title)
        notes_row = sheet.max_row + 1
        _link(sheet.cell(row=notes_row, column=1, value="Notes"), "Notes")
        sheet.cell(row=notes_row, column=2, value="Notes for every table")
        _add_table(sheet, "contents", first_row=3, last_row=notes_row, last_column="B")
        sheet.column_dimensions["A"].width = 26
        sheet.column_dimensions["B"].width = 110

    def _notes(self, sheet: Worksheet) -> None:
        set_text_cell(sheet["A1"], "Notes").font = TITLE_FONT
        set_text_cell(sheet["A2"], "This worksheet contains one table.")
        sheet.append(["Note number", "Note text"])
        for note in self.publication.notes:
            sheet.append([note.reference, note.text])
            sheet.cell(row=sheet.max_row, column=2).alignment = WRAP
        _add_table(sheet, "notes", first_row=3, last_row=sheet.max_row, last_column="B")
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 110

    def _table(self, sheet: Worksheet, table: PublishedTable) -> None:
        set_text_cell(sheet["A1"], table.title).font = TITLE_FONT
        set_text_cell(
            sheet["A2"],
            f"This worksheet contains one table. Notes for this table: {table.note_references} "
            "(see the Notes worksheet).",
        )
        sheet.append(list(HEADER))
        for row in table.rows:
            _append_row(sheet, row)
        _add_table(sheet, table.key, first_row=3, last_row=sheet.max_row, last_column="C")
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 12
        sheet.column_dimensions["C"].width = 14


def _link(cell: Cell, sheet_name: str) -> None:
    """Make `cell` a link to the top of another sheet of this workbook."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet_name}'!A1")
    cell.style = "Hyperlink"


def _append_row(sheet: Worksheet, published: PublishedRow) -> None:
    sheet.append([published.label, published.count, published.percentage])
    row = sheet.max_row
    count, percentage = sheet.cell(row=row, column=2), sheet.cell(row=row, column=3)
    count.number_format = COUNT_FORMAT
    percentage.number_format = PERCENTAGE_FORMAT
    for symbol in (count, percentage):
        if symbol.value in (CONFIDENTIAL, NOT_AVAILABLE):
            symbol.alignment = Alignment(horizontal="right")


def _add_table(
    sheet: Worksheet, name: str, *, first_row: int, last_row: int, last_column: str
) -> None:
    table = ExcelTable(displayName=name, ref=f"A{first_row}:{last_column}{last_row}")
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight1", showRowStripes=False, showColumnStripes=False
    )
    sheet.add_table(table)


def write_table_csv(table: PublishedTable, stream: TextIO) -> None:
    """One table as CSV: a single header row (Category, Count, Percentage), Total last.

    Percentages are written to one decimal place; symbols such as [c] as they are.
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in table.rows:
        writer.writerow([safe_text(row.label), row.count, row.percentage_text])
