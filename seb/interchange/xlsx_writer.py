"""A minimal XLSX writer for one sheet of text, fast and in constant memory.

Why not a library: xlsxwriter's constant-memory mode, the fastest of the well-kept
writers, took 110 to 195 seconds for a million rows of twelve cells on the
development machine (openpyxl's write-only mode, 210), against the 30-second
target; both spend their time on per-cell Python objects and formatting this
format never uses. This writer makes what a spreadsheet needs and nothing more:
the package parts, a workbook of one sheet, and the sheet streamed into the zip
as rows are given.

Codes repeat: each distinct value is written once to the shared strings and cells
refer to it; text users typed (references) is written inline, so the shared
strings stay as small as the code lists. Every cell is a string cell: nothing can
be read as a formula. Rows and cells carry no references (both are optional in
SpreadsheetML), so an empty cell is `<c/>`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Iterable, Sequence
from typing import IO, Final
from xml.sax.saxutils import escape

from ..safe_text import xlsx_text

MAX_ROWS: Final = 1_048_576
COMPRESSION: Final = 1  # zlib's fastest: the sheet is repetitive and compresses well anyway

CONTENT_TYPES: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)  # fmt: skip
ROOT_RELATIONSHIPS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)  # fmt: skip
WORKBOOK_RELATIONSHIPS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)  # fmt: skip
STYLES: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Arial"/></font>'
    '<font><b/><sz val="11"/><name val="Arial"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)  # fmt: skip
SHEET_START: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
SHEET_END: Final = "</sheetData></worksheet>"


class TooManyRows(ValueError):
    """More rows than one Excel sheet holds."""


def _workbook(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _inline(value: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(xlsx_text(value))}</t></is></c>'


def write_sheet(
    rows: Iterable[Sequence[str]],
    stream: IO[bytes],
    *,
    columns: Sequence[str],
    title: str,
    inline_columns: Collection[str] = (),
) -> int:
    """Write a workbook of one sheet: a bold header row, then `rows`; the rows written.

    Cells of `inline_columns` (free text) are written inline; the others (codes) go
    through the shared strings. Raises TooManyRows past Excel's limit of a sheet.
    """
    shared: dict[str, int] = {}
    cells: dict[str, str] = {"": "<c/>"}

    def shared_cell(value: str) -> str:
        cell = cells.get(value)
        if cell is None:
            index = shared.setdefault(value, len(shared))
            cell = cells[value] = f'<c t="s"><v>{index}</v></c>'
        return cell

    inline = frozenset(position for position, name in enumerate(columns) if name in inline_columns)
    written = 0
    with zipfile.ZipFile(
        stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION
    ) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELATIONSHIPS)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", _workbook(title))
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            header = "".join(
                f'<c s="1" t="inlineStr"><is><t>{escape(name)}</t></is></c>' for name in columns
            )
            sheet.write(f"{SHEET_START}<row>{header}</row>".encode())
            batch: list[str] = []
            for row in rows:
                written += 1
                if written >= MAX_ROWS:
                    raise TooManyRows(
                        f"An Excel sheet holds at most {MAX_ROWS - 1:,} rows under its header: "
                        "use CSV for this many responses"
                    )
                parts = [
                    (_inline(value) if value else "<c/>")
                    if position in inline
                    else (cells.get(value) or shared_cell(value))
                    for position, value in enumerate(row)
                ]
                batch.append("<row>" + "".join(parts) + "</row>")
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + SHEET_END).encode())
        strings = "".join(
            f'<si><t xml:space="preserve">{escape(xlsx_text(value))}</t></si>' for value in shared
        )
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>',
        )
    return written
