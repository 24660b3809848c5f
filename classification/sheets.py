"""Workbooks described once and written as XLSX (openpyxl) or ODS (odfpy).

A workbook is a list of `Sheet`s: rows of cells (text, numbers, links to other
sheets), a title in A1 with a heading style, and at most one data table, which
XLSX holds as a named Excel table and ODS as a named database range. Both
writers render the same sheets, so the two files hold the same sheets, cells,
names and headings; only the file format differs.

Text is always written as text (never a formula): in XLSX as a string cell with
Excel's quote prefix, in ODS as a string cell (ODS keeps formulas apart, in an
attribute no cell here has). Characters XML cannot hold are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO, Final

from odf import dc as odf_dc
from odf import meta as odf_meta
from odf import number as odf_number
from odf import style as odf_style
from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

from seb.safe_text import xlsx_text

CREATOR: Final = "SEB harmonised standard reference implementation"
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE: Final = "application/vnd.oasis.opendocument.spreadsheet"
COUNT_FORMAT: Final = "#,##0"
PERCENTAGE_FORMAT: Final = "0.0"
# Excel's built-in heading cell styles (openpyxl's names for "Heading 1" and "Heading 2").
XLSX_STYLES: Final = {"title": "Headline 1", "heading": "Headline 2"}
# The same as ODS named cell styles, shown as "Heading 1" and "Heading 2".
ODS_STYLES: Final = {
    "title": ("Heading_20_1", "Heading 1", "15pt"),
    "heading": ("Heading_20_2", "Heading 2", "12pt"),
}


class Kind(StrEnum):
    """How a column's numbers are formatted."""

    TEXT = "text"
    COUNT = "count"
    PERCENTAGE = "percentage"


@dataclass(frozen=True, slots=True)
class Text:
    """Text with a style: "title" (the sheet's title), "heading", or body text."""

    value: str
    style: str = ""
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A link to the top of another sheet of the same workbook."""

    text: str
    sheet: str


Value = str | int | float | Text | Link | None


@dataclass
class Sheet:
    """One sheet: its rows (row 1 is the title) and, at most, one data table.

    The table's header is at row `table_header_row` (1-based) and its last row
    is the sheet's last: nothing is written below a table.
    """

    name: str
    title: str
    widths: tuple[float, ...] = (100,)
    rows: list[list[Value]] = field(default_factory=list)
    table_name: str = ""
    table_header_row: int = 0
    table_kinds: tuple[Kind, ...] = ()

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows.append([Text(self.title, "title")])

    def add(self, *cells: Value) -> None:
        self.rows.append(list(cells))

    def start_table(self, name: str, header: Sequence[str], kinds: Sequence[Kind]) -> None:
        """The next row is the table's header row; every row after it is the table's."""
        if len(header) != len(kinds):
            raise ValueError("a kind for every column")
        self.rows.append(list(header))
        self.table_name = name
        self.table_header_row = len(self.rows)
        self.table_kinds = tuple(kinds)

    @property
    def table_columns(self) -> int:
        return len(self.table_kinds)

    def kind(self, row: int, column: int) -> Kind:
        """The number format of a cell (1-based), from its table column."""
        if self.table_name and row > self.table_header_row and column <= self.table_columns:
            return self.table_kinds[column - 1]
        return Kind.TEXT


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# XLSX ---------------------------------------------------------------------


def set_text_cell(cell: Cell, value: str) -> Cell:
    """Write `value` into an openpyxl cell as text, never as a formula or error code."""
    cell.value = xlsx_text(value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_xlsx(sheets: Sequence[Sheet], stream: BinaryIO, *, title: str) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for row_number, row in enumerate(sheet.rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = worksheet.cell(row=row_number, column=column_number)
                _xlsx_value(cell, value, sheet.kind(row_number, column_number))
        for number, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[column_letter(number)].width = width
        if sheet.table_name:
            last = f"{column_letter(sheet.table_columns)}{len(sheet.rows)}"
            reference = f"A{sheet.table_header_row}:{last}"
            table = ExcelTable(displayName=sheet.table_name, ref=reference)
            table.tableStyleInfo = TableStyleInfo(
                name="TableStyleLight1", showRowStripes=False, showColumnStripes=False
            )
            worksheet.add_table(table)
    workbook.properties.title = title
    workbook.properties.creator = CREATOR
    workbook.save(stream)


def _xlsx_value(cell: Cell, value: Value, kind: Kind) -> None:
    if isinstance(value, Link):
        cell.style = "Hyperlink"
        set_text_cell(cell, value.text)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{value.sheet}'!A1")
    elif isinstance(value, Text):
        if value.style:
            cell.style = XLSX_STYLES[value.style]
        set_text_cell(cell, value.value)
        if value.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, str):
        set_text_cell(cell, value)
        if kind is not Kind.TEXT:  # a symbol such as [c] in a column of numbers
            cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = value
        if kind is Kind.COUNT:
            cell.number_format = COUNT_FORMAT
        elif kind is Kind.PERCENTAGE:
            cell.number_format = PERCENTAGE_FORMAT


# ODS ----------------------------------------------------------------------


class _OdsStyles:
    """The named and automatic styles one ODS document uses."""

    def __init__(self, document: OpenDocumentSpreadsheet) -> None:
        self.document = document
        self.headings: dict[str, odf_style.Style] = {}
        for key, (name, display, size) in ODS_STYLES.items():
            heading = odf_style.Style(name=name, displayname=display, family="table-cell")
            heading.addElement(odf_style.TextProperties(fontsize=size, fontweight="bold"))
            document.styles.addElement(heading)
            self.headings[key] = heading
        self.numbers = {
            Kind.COUNT: self._number_style("count", decimals=0, grouping=True),
            Kind.PERCENTAGE: self._number_style("percentage", decimals=1, grouping=False),
        }
        self.wrap = odf_style.Style(name="wrapped", family="table-cell")
        self.wrap.addElement(odf_style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
        document.automaticstyles.addElement(self.wrap)
        self.right = odf_style.Style(name="symbol", family="table-cell")
        self.right.addElement(odf_style.ParagraphProperties(textalign="end"))
        document.automaticstyles.addElement(self.right)
        self.columns: dict[float, odf_style.Style] = {}

    def _number_style(self, name: str, *, decimals: int, grouping: bool) -> odf_style.Style:
        data = odf_number.NumberStyle(name=f"{name}-format")
        data.addElement(
            odf_number.Number(
                decimalplaces=str(decimals),
                minintegerdigits="1",
                grouping="true" if grouping else "false",
            )
        )
        self.document.automaticstyles.addElement(data)
        cell = odf_style.Style(name=f"{name}-cell", family="table-cell", datastylename=data)
        self.document.automaticstyles.addElement(cell)
        return cell

    def column(self, width: float) -> odf_style.Style:
        """A column style about as wide as `width` characters of Excel's default font."""
        if width not in self.columns:
            column = odf_style.Style(name=f"column-{len(self.columns) + 1}", family="table-column")
            column.addElement(odf_style.TableColumnProperties(columnwidth=f"{width * 0.19:.2f}cm"))
            self.document.automaticstyles.addElement(column)
            self.columns[width] = column
        return self.columns[width]


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def write_ods(sheets: Sequence[Sheet], stream: BinaryIO, *, title: str) -> None:
    document = OpenDocumentSpreadsheet()
    styles = _OdsStyles(document)
    ranges = odf_table.DatabaseRanges()
    for sheet in sheets:
        table = odf_table.Table(name=sheet.name)
        for width in sheet.widths:
            table.addElement(odf_table.TableColumn(stylename=styles.column(width)))
        for row_number, row in enumerate(sheet.rows, start=1):
            table_row = odf_table.TableRow()
            for column_number, value in enumerate(row, start=1):
                table_row.addElement(
                    _ods_cell(value, sheet.kind(row_number, column_number), styles)
                )
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
        if sheet.table_name:
            quoted = _quoted_sheet(sheet.name)
            last = f"{column_letter(sheet.table_columns)}{len(sheet.rows)}"
            ranges.addElement(
                odf_table.DatabaseRange(
                    name=sheet.table_name,
                    targetrangeaddress=f"{quoted}.A{sheet.table_header_row}:{quoted}.{last}",
                    containsheader="true",
                )
            )
    document.spreadsheet.addElement(ranges)
    document.meta.addElement(odf_dc.Title(text=title))
    document.meta.addElement(odf_meta.InitialCreator(text=CREATOR))
    document.write(stream)


def _ods_cell(value: Value, kind: Kind, styles: _OdsStyles) -> odf_table.TableCell:
    if value is None:
        return odf_table.TableCell()
    if isinstance(value, Link):
        cell = odf_table.TableCell(valuetype="string")
        paragraph = odf_text.P()
        paragraph.addElement(
            odf_text.A(href=f"#{_quoted_sheet(value.sheet)}.A1", text=xlsx_text(value.text))
        )
        cell.addElement(paragraph)
        return cell
    if isinstance(value, Text):
        if value.style:
            cell = odf_table.TableCell(valuetype="string", stylename=styles.headings[value.style])
        elif value.wrap:
            cell = odf_table.TableCell(valuetype="string", stylename=styles.wrap)
        else:
            cell = odf_table.TableCell(valuetype="string")
        cell.addElement(odf_text.P(text=xlsx_text(value.value)))
        return cell
    if isinstance(value, str):
        if kind is Kind.TEXT:
            cell = odf_table.TableCell(valuetype="string")
        else:
            cell = odf_table.TableCell(valuetype="string", stylename=styles.right)
        cell.addElement(odf_text.P(text=xlsx_text(value)))
        return cell
    number_style = styles.numbers.get(kind)
    if number_style is None:
        cell = odf_table.TableCell(valuetype="float", value=value)
        shown = str(value)
    else:
        cell = odf_table.TableCell(valuetype="float", value=value, stylename=number_style)
        shown = f"{value:,}" if kind is Kind.COUNT else f"{value:.1f}"
    cell.addElement(odf_text.P(text=shown))
    return cell


class WorkbookFormat(StrEnum):
    XLSX = "xlsx"
    ODS = "ods"

    @property
    def content_type(self) -> str:
        return XLSX_TYPE if self is WorkbookFormat.XLSX else ODS_TYPE


def write_sheets(
    sheets: Sequence[Sheet], stream: BinaryIO, *, title: str, file_format: WorkbookFormat
) -> None:
    if file_format is WorkbookFormat.XLSX:
        write_xlsx(sheets, stream, title=title)
    else:
        write_ods(sheets, stream, title=title)
