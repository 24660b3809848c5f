"""Text that came from users, made safe to write into CSV and XLSX files.

Spreadsheet programs run a cell as a formula when its text starts with `=`, `+`,
`-` or `@` (and some when it starts with a tab or a carriage return). OWASP's
advice on CSV injection is to put a single quote in front of such text, so that
the program shows it as text. In an XLSX file the cell's type says whether it is
text, so there the text is kept as it is and the cell is forced to be a text
cell (with Excel's own "quote prefix" flag, which keeps it text when edited).

Pure code: no Django.
"""

from __future__ import annotations

from typing import Final

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` for a CSV cell: prefixed with `'` when it would start a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """`value` without the control characters that an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def set_text_cell(cell: Cell, value: str) -> Cell:
    """Write `value` into an openpyxl cell as text, never as a formula or error code.

    Works for ordinary cells and for `openpyxl.cell.WriteOnlyCell` (write-only
    workbooks). Returns the cell, so it can be appended to a row.
    """
    cell.value = xlsx_text(value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
