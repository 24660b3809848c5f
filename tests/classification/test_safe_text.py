"""Formula-safe text for CSV and XLSX cells (no database)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from classification.sheets import set_text_cell
from seb.safe_text import safe_text

DANGEROUS = ['=HYPERLINK("https://example.com","x")', "+1", "-1", "@SUM(1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_safe_text_prefixes_a_quote_when_text_would_start_a_formula(value: str) -> None:
    """Text starting with =, +, -, @, tab or CR gets a leading single quote (OWASP)."""
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", ["Survey 2024", "", "a=b", " x", "'quoted"])
def test_safe_text_leaves_ordinary_text_alone(value: str) -> None:
    """Text that cannot start a formula is written unchanged."""
    assert safe_text(value) == value


def _read_back(workbook: Workbook) -> tuple[list[tuple[object, str]], str]:
    stream = io.BytesIO()
    workbook.save(stream)
    with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    return [(cell.value, cell.data_type) for cell in sheet[1]], sheet_xml


def test_set_text_cell_writes_formula_like_text_as_text() -> None:
    """An XLSX cell written with set_text_cell holds the text verbatim, typed as text."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for column, value in enumerate([*DANGEROUS, "#N/A"], start=1):
        set_text_cell(sheet.cell(row=1, column=column), value)
    cells, sheet_xml = _read_back(workbook)
    assert cells == [(value, "s") for value in [*DANGEROUS, "#N/A"]]
    assert "<f>" not in sheet_xml


def test_set_text_cell_works_in_write_only_workbooks() -> None:
    """WriteOnlyCell values written through set_text_cell are text, not formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append([set_text_cell(WriteOnlyCell(sheet), value) for value in DANGEROUS])
    cells, sheet_xml = _read_back(workbook)
    assert cells == [(value, "s") for value in DANGEROUS]
    assert "<f>" not in sheet_xml


def test_set_text_cell_drops_characters_xlsx_cannot_hold() -> None:
    """Control characters that XLSX forbids are dropped rather than failing the file."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    set_text_cell(sheet["A1"], "a\x01b")
    cells, _ = _read_back(workbook)
    assert cells == [("ab", "s")]
