"""Reading an ODS workbook back with odfpy, for the tests' checks."""

from __future__ import annotations

import io
from typing import Any

from odf import opendocument
from odf.namespaces import OFFICENS, TABLENS, XLINKNS
from odf.table import DatabaseRange, Table, TableCell, TableRow
from odf.text import A, P


def _text(cell: Any) -> str:
    return "\n".join(str(paragraph) for paragraph in cell.getElementsByType(P))


def cell_value(cell: Any) -> Any:
    kind = cell.getAttrNS(OFFICENS, "value-type")
    if kind == "float":
        value = float(cell.getAttrNS(OFFICENS, "value"))
        return int(value) if value.is_integer() else value
    if kind == "string":
        return _text(cell)
    return None


def ods_sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows of cell values, trailing empty cells dropped."""
    document = opendocument.load(io.BytesIO(content))
    sheets = {}
    for table in document.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            values = []
            for cell in row.getElementsByType(TableCell):
                repeat = cell.getAttrNS(TABLENS, "number-columns-repeated")
                values.extend([cell_value(cell)] * int(repeat or 1))
            while values and values[-1] is None:
                values.pop()
            rows.append(tuple(values))
        sheets[table.getAttrNS(TABLENS, "name")] = rows
    return sheets


def ods_ranges(content: bytes) -> dict[str, str]:
    """The named database ranges (the tables) and the cells each covers."""
    document = opendocument.load(io.BytesIO(content))
    return {
        item.getAttrNS(TABLENS, "name"): item.getAttrNS(TABLENS, "target-range-address")
        for item in document.spreadsheet.getElementsByType(DatabaseRange)
    }


def ods_cell_styles(content: bytes, sheet: str) -> list[str]:
    """The named cell style of each cell in the sheet's first column."""
    document = opendocument.load(io.BytesIO(content))
    for table in document.spreadsheet.getElementsByType(Table):
        if table.getAttrNS(TABLENS, "name") == sheet:
            return [
                row.getElementsByType(TableCell)[0].getAttrNS(TABLENS, "style-name") or ""
                for row in table.getElementsByType(TableRow)
            ]
    raise KeyError(sheet)


def ods_links(content: bytes) -> list[str]:
    """Where every link in the workbook goes."""
    document = opendocument.load(io.BytesIO(content))
    return [link.getAttrNS(XLINKNS, "href") for link in document.spreadsheet.getElementsByType(A)]
