"""Reading the output workbook back, for the tests' checks."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from seb.tables import UNROUNDED_MARK

FIRST_SHEETS = ["Cover", "Contents", "Notes"]
TABLE_HEADER = (
    "Category",
    "Count",
    "Percentage",
    "Lower 95% confidence limit",
    "Upper 95% confidence limit",
)


def open_workbook(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def table_sheet(workbook: Workbook, key: str) -> tuple[Worksheet, Any]:
    """The sheet holding the Excel table named `key`, and that table."""
    for sheet in workbook.worksheets:
        if key in sheet.tables:
            return sheet, sheet.tables[key]
    raise AssertionError(f"no table named {key}")


def table_rows(workbook: Workbook, key: str) -> list[tuple[Any, ...]]:
    """The rows of the named Excel table, header first."""
    sheet, table = table_sheet(workbook, key)
    return [tuple(cell.value for cell in row) for row in sheet[table.ref]]


def table_counts(workbook: Workbook, key: str) -> dict[str, tuple[Any, Any]]:
    """Category label to (count, percentage) as stored, Total included."""
    return {label: (count, pct) for label, count, pct, *_ in table_rows(workbook, key)[1:]}


def table_intervals(workbook: Workbook, key: str) -> dict[str, tuple[Any, Any]]:
    """Category label to the (lower, upper) confidence limits as stored, Total included."""
    return {label: (lower, upper) for label, _, _, lower, upper in table_rows(workbook, key)[1:]}


def check_structure(workbook: Workbook, keys: list[str], *, unrounded: bool) -> None:
    """The workbook follows output-tables.md's layout for the tables `keys`."""
    assert workbook.sheetnames[:3] == FIRST_SHEETS
    assert len(workbook.sheetnames) == 3 + len(keys)
    cover_text = " ".join(str(c.value) for row in workbook["Cover"].iter_rows() for c in row)
    assert ("NOT APPLIED" in cover_text) is unrounded
    contents_links = {
        cell.hyperlink.location
        for row in workbook["Contents"].iter_rows()
        for cell in row
        if cell.hyperlink is not None
    }
    for key in keys:
        sheet, table = table_sheet(workbook, key)
        assert f"'{sheet.title}'!A1" in contents_links
        title = sheet["A1"].value
        assert isinstance(title, str) and title
        assert sheet["A1"].style == "Headline 1"  # Excel's "Heading 1" cell style
        assert (UNROUNDED_MARK in title) is unrounded
        first, last = table.ref.split(":")
        header_row = int(first[1:])
        # Notes references sit above the table, under the title.
        assert header_row > 2
        assert "[note " in sheet.cell(row=header_row - 1, column=1).value
        rows = table_rows(workbook, key)
        assert rows[0] == TABLE_HEADER
        assert rows[-1][0] == "Total"
        assert rows[-1][3:] == ("[z]", "[z]")  # a total has no confidence interval
        assert int(last[1:]) == sheet.max_row  # nothing below the table
        for label, count, percentage, lower, upper in rows[1:]:
            assert isinstance(label, str) and label
            # Numbers are numbers; symbols such as [c] are text.
            assert isinstance(count, int) or count == "[c]"
            assert isinstance(percentage, int | float) or percentage in ("[c]", "[x]")
            for limit in (lower, upper):
                assert isinstance(limit, int | float) or limit in ("[c]", "[x]", "[z]")
            if isinstance(percentage, int | float) and label != "Total":
                assert lower <= percentage <= upper
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def published_figure(survey: Any, *, status: str = "complete", **filters: Any) -> int:
    """The figure the cell key method publishes for the survey's counted responses
    matching `filters`, worked out from the responses themselves (not the tallies):
    the oracle the pages, files and API answers are checked against."""
    from django.db.models import Count, Sum

    from seb.disclosure import shown_count
    from seb.perturbation import KeyedCount
    from surveys.models import Response

    found = Response.objects.filter(
        survey=survey, status=status, is_test=False, **filters
    ).aggregate(n=Count("pk"), keys=Sum("record_key", default=0))
    return shown_count(KeyedCount(found["n"], found["keys"]))


def published_pair(survey: Any, base: dict[str, Any], **filters: Any) -> tuple[int, Any]:
    """(published count, published percentage of the published base) for a category."""
    from seb.disclosure import percentage_of

    count = published_figure(survey, **base, **filters)
    return count, percentage_of(count, published_figure(survey, **base))


def published_text(survey: Any, base: dict[str, Any], **filters: Any) -> tuple[str, str]:
    """As published_pair, as the page shows it (1,234 and 12.3)."""
    count, percentage = published_pair(survey, base, **filters)
    shown = f"{percentage:.1f}" if isinstance(percentage, float) else percentage
    return f"{count:,}", shown
