"""The output tables as an Excel workbook, as shared/spec/output-tables.md.

Follows the Government Analysis Function's guidance on releasing statistics in
spreadsheets: a Cover sheet, a Contents sheet linking to each table, a Notes
sheet of numbered notes, then one sheet per table with its title in A1, its
notes references above it, and the table itself as an Excel table object named
by its table key. Numbers are stored as numbers; symbols such as [c] as text;
text from users (the survey's name) as text, never as a formula.

Pure code: no Django. `write_workbook` writes into any binary stream;
`write_table_csv` writes one table as CSV into a text stream.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Final, TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .disclosure import CONFIDENTIAL, NOT_APPLICABLE, ShownCell, shown_count
from .safe_text import safe_text, set_text_cell
from .tables import TOTAL_LABEL, UNROUNDED_MARK, Table, TablesReport

HEADER: Final = ("Category", "Count", "Percentage")
COUNT_FORMAT: Final = "#,##0"
PERCENTAGE_FORMAT: Final = "0.0"
SHEET_NAMES: Final = {
    "school_type": "School_type",
    "free_school_meals": "Free_school_meals",
    "nssec5": "NS-SEC_5_class",
    "nssec3": "NS-SEC_3_class",
    "parental_qualification": "Parental_qualification",
}
TITLE_FONT: Final = Font(bold=True, size=15)
HEADING_FONT: Final = Font(bold=True, size=12)
WRAP: Final = Alignment(wrap_text=True, vertical="top")


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


ALL: Final = frozenset({"*"})
NSSEC: Final = frozenset({"nssec5", "nssec3"})


def report_notes(report: TablesReport) -> tuple[Note, ...]:
    """The numbered notes: routing bases, every derivation choice, the disclosure rule."""
    not_asked = sum(table.not_asked for table in report.tables if table.spec.base == "asked")
    texts: list[tuple[str, frozenset[str]]] = [
        (
            "The tables count complete responses only (selection: "
            f"{report.selection.describe()}). "
            "Responses still in progress and interviews that were stopped are never counted.",
            ALL,
        ),
        (
            "School type, NS-SEC and parental qualification are asked of everyone, so these "
            "tables are based on all complete responses.",
            frozenset({"school_type", *NSSEC, "parental_qualification"}),
        ),
        (
            "Free school meals is not asked of people who attended an independent or "
            "fee-paying school (with or without a bursary) or school outside the UK. "
            "The table is based on the responses that were asked the question; "
            f"{_note_count(not_asked, controlled=report.controlled)} complete responses in "
            "the selection were not asked it because of the routing.",
            frozenset({"free_school_meals"}),
        ),
        (
            "NS-SEC is derived from the answers about the main or highest income earner when "
            "the respondent was about 14, with the ONS self-coded method: an employment "
            "position (from employee, self-employed or not working, the number of employees "
            "and supervisor status) crossed with the type of occupation. The 3-class version "
            "groups the 5 classes: class 1 stays class 1; classes 2 and 3 make class 2; "
            "classes 4 and 5 make class 3.",
            NSSEC,
        ),
        (
            "The number of people working for an employee's employer is collected but does "
            "not change the class: in the self-coded method, managers in large and in small "
            "organisations are both in class 1, and no other class depends on it.",
            NSSEC,
        ),
        (
            "An employee who supervised others (supervisor status 'yes') is placed as a "
            "supervisor; an employee whose supervisor status is no, don't know or prefer not "
            "to say is placed as an employee.",
            NSSEC,
        ),
        (
            "Self-employed earners with 25 or more employees are not asked their occupation "
            "and are in class 1: employers in large establishments are NS-SEC category L1 "
            "whatever their occupation.",
            NSSEC,
        ),
        (
            "Self-employed earners with employees whose number of employees is not known "
            "(don't know or prefer not to say) are in class 1 when their occupation is "
            "professional, which is class 1 in every employment position; with any other "
            "occupation they are counted as 'don't know or prefer not to say', because they "
            "would be class 1 or class 3 depending on the unknown size.",
            NSSEC,
        ),
        (
            "Where the occupation is 'don't know' or 'prefer not to say' (other than for "
            "employers with 25 or more employees), the response cannot be classified and is "
            "counted as 'don't know or prefer not to say'.",
            NSSEC,
        ),
        (
            "Where the main or highest income earner was not working, the response is counted "
            "in its own category, 'They were not working', as the standard asks.",
            NSSEC,
        ),
        (
            "Where the answer to employee, self-employed or not working is 'don't know' or "
            "'prefer not to say', the response is counted as 'don't know or prefer not to "
            "say'. In telephone interviews 'don't know' is routed as 'prefer not to say' is.",
            NSSEC,
        ),
        (_disclosure_note(report.controlled), ALL),
        (
            "Percentages are of the table's total (its base), computed from unrounded counts "
            "and shown to one decimal place, so they may not add up to exactly 100 and may "
            "differ from percentages of the rounded counts. [z] marks a percentage of a total "
            "of zero (not applicable).",
            ALL,
        ),
    ]
    return tuple(
        Note(number=number, text=text, tables=tables)
        for number, (text, tables) in enumerate(texts, start=1)
    )


def _note_count(count: int, *, controlled: bool) -> str:
    shown = shown_count(count, controlled=controlled)
    return "fewer than 10 (shown as [c])" if shown == CONFIDENTIAL else f"{shown:,}"


def _disclosure_note(controlled: bool) -> str:
    if not controlled:
        return (
            "Disclosure control has NOT been applied: these are unrounded counts. They may "
            "identify people and must not be published or shared as they are."
        )
    return (
        "Disclosure control has been applied (the ONS 10-5 practice): a count from 1 to 9 is "
        f"shown as {CONFIDENTIAL} (confidential); every other count, totals included, is "
        "rounded to the nearest 5 (0 stays 0); a percentage is shown as [c] wherever its count "
        "is; and when a table has exactly one [c] cell, the next smallest non-zero category is "
        "also shown as [c] (the first in table order when two are equally small), so the "
        "hidden value cannot be worked out from the total."
    )


def write_workbook(report: TablesReport, stream: BinaryIO) -> None:
    """Write the report's workbook (Cover, Contents, Notes, one sheet per table) into `stream`."""
    TablesWorkbook(report).save(stream)


class TablesWorkbook:
    """Builds the workbook of one TablesReport."""

    def __init__(self, report: TablesReport) -> None:
        self.report = report
        self.notes = report_notes(report)
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
        for table in self.report.tables:
            self._table(self.workbook.create_sheet(SHEET_NAMES[table.key]), table)
        self.workbook.properties.title = self._title()
        self.workbook.properties.creator = "SEB harmonised standard reference implementation"

    def _title(self) -> str:
        title = "Socio-economic background: output tables"
        return title if self.report.controlled else f"{title} {UNROUNDED_MARK}"

    def _cover(self, sheet: Worksheet) -> None:
        report = self.report
        sheet.column_dimensions["A"].width = 100
        lines: list[tuple[str, Font | None]] = [
            (self._title(), TITLE_FONT),
            (
                "The output tables that the Government Statistical Service's harmonised "
                "standard on socio-economic background prescribes, for one survey.",
                None,
            ),
            ("Survey", HEADING_FONT),
            (report.survey_name, None),
            ("Selection", HEADING_FONT),
            (f"Complete responses; {report.selection.describe()}.", None),
            ("Date produced", HEADING_FONT),
            (f"{report.produced_at.day} {report.produced_at:%B %Y, %H:%M}", None),
            ("Standard and method", HEADING_FONT),
            (
                f"{report.standard_title}. NS-SEC is derived with the ONS self-coded method "
                "(5-class, and 3-class grouped from it); see the Notes sheet.",
                None,
            ),
            ("Disclosure control", HEADING_FONT),
            (
                "Applied: counts from 1 to 9 are shown as [c] and other counts are rounded to "
                "the nearest 5; see the Notes sheet."
                if report.controlled
                else "NOT APPLIED. This workbook holds unrounded figures. They may identify "
                "people: do not publish or share it.",
                None,
            ),
            ("Contents", HEADING_FONT),
            ("The Contents sheet links to each table.", None),
        ]
        for row, (text, font) in enumerate(lines, start=1):
            cell = set_text_cell(sheet.cell(row=row, column=1), text)
            cell.alignment = WRAP
            if font is not None:
                cell.font = font
        _link(sheet.cell(row=len(lines), column=1), "Contents")

    def _contents(self, sheet: Worksheet) -> None:
        set_text_cell(sheet["A1"], "Contents").font = TITLE_FONT
        set_text_cell(sheet["A2"], "This worksheet contains one table.")
        sheet.append(["Sheet name", "Table title"])
        for table in self.report.tables:
            name = SHEET_NAMES[table.key]
            row = sheet.max_row + 1
            _link(sheet.cell(row=row, column=1, value=name), name)
            set_text_cell(sheet.cell(row=row, column=2), self.report.title_of(table))
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
        for note in self.notes:
            sheet.append([note.reference, note.text])
            sheet.cell(row=sheet.max_row, column=2).alignment = WRAP
        _add_table(sheet, "notes", first_row=3, last_row=sheet.max_row, last_column="B")
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 110

    def _table(self, sheet: Worksheet, table: Table) -> None:
        report = self.report
        set_text_cell(sheet["A1"], report.title_of(table)).font = TITLE_FONT
        references = " ".join(note.reference for note in self.notes if note.applies_to(table.key))
        set_text_cell(
            sheet["A2"],
            f"This worksheet contains one table. Notes for this table: {references} "
            "(see the Notes worksheet).",
        )
        sheet.append(list(HEADER))
        shown = table.shown(controlled=report.controlled)
        for row, cell in zip(table.rows, shown.categories, strict=True):
            _append_row(sheet, row.label, cell)
        _append_row(sheet, TOTAL_LABEL, shown.total)
        _add_table(sheet, table.key, first_row=3, last_row=sheet.max_row, last_column="C")
        sheet.column_dimensions["A"].width = 60
        sheet.column_dimensions["B"].width = 12
        sheet.column_dimensions["C"].width = 14


def _link(cell: Cell, sheet_name: str) -> None:
    """Make `cell` a link to the top of another sheet of this workbook."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet_name}'!A1")
    cell.style = "Hyperlink"


def _append_row(sheet: Worksheet, label: str, cell: ShownCell) -> None:
    sheet.append([label, cell.count, cell.percentage])
    row = sheet.max_row
    count, percentage = sheet.cell(row=row, column=2), sheet.cell(row=row, column=3)
    count.number_format = COUNT_FORMAT
    percentage.number_format = PERCENTAGE_FORMAT
    for symbol in (count, percentage):
        if symbol.value in (CONFIDENTIAL, NOT_APPLICABLE):
            symbol.alignment = Alignment(horizontal="right")


def _add_table(
    sheet: Worksheet, name: str, *, first_row: int, last_row: int, last_column: str
) -> None:
    table = ExcelTable(displayName=name, ref=f"A{first_row}:{last_column}{last_row}")
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight1", showRowStripes=False, showColumnStripes=False
    )
    sheet.add_table(table)


def table_rows(table: Table, *, controlled: bool) -> Sequence[tuple[str, ShownCell]]:
    """A table's rows as shown (Total last), for the page and the CSV download."""
    shown = table.shown(controlled=controlled)
    return [
        *((row.label, cell) for row, cell in zip(table.rows, shown.categories, strict=True)),
        (TOTAL_LABEL, shown.total),
    ]


def write_table_csv(table: Table, stream: TextIO, *, controlled: bool = True) -> None:
    """One table as CSV: a single header row (Category, Count, Percentage), Total last.

    Percentages are written to one decimal place; symbols such as [c] as they are.
    """
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(HEADER)
    for label, cell in table_rows(table, controlled=controlled):
        percentage = cell.percentage
        writer.writerow(
            [
                safe_text(label),
                cell.count,
                f"{percentage:.1f}" if isinstance(percentage, float) else percentage,
            ]
        )
