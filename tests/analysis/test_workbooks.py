"""The output workbook as ODS as well as XLSX: the same sheets, cells, tables and headings."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from classification.sheets import WorkbookFormat
from classification.workbook import write_workbook
from seb.disclosure import CONFIDENTIAL, percentage_of
from seb.outputs import publish
from seb.standard import Mode
from seb.statistics import interval
from seb.tables import Selection, TablesReport, build_table, table_definitions
from surveys.models import Survey
from tests.classification.helpers import published_figure

from .conftest import SLUG, STATE_EMPLOYEE_CLERICAL, BulkResponses
from .ods import ods_cell_styles, ods_links, ods_ranges, ods_sheets

SPECS = table_definitions()


def report(*, controlled: bool = True) -> TablesReport:
    return TablesReport(
        survey_name='=HYPERLINK("http://example.org")',
        selection=Selection(modes=(Mode.ONLINE,), date_from=date(2025, 1, 1)),
        tables=(
            build_table(SPECS["school_type"], {"state": 40, "state_selective": 7, "outside_uk": 3}),
            build_table(SPECS["free_school_meals"], {"yes": 21, "no": 38, None: 3}),
            build_table(SPECS["nssec5"], {"1": 30, "5": 32, "not_working": 12}),
        ),
        produced_at=datetime(2025, 6, 30, 9, 15),
        standard_title="Socio-economic background (2023-07-07)",
        controlled=controlled,
        organisation="Department of Examples",
        contact="stats@example.org",
    )


def both(controlled: bool = True) -> tuple[bytes, bytes]:
    publication = publish(report(controlled=controlled))
    files = []
    for file_format in WorkbookFormat:
        stream = io.BytesIO()
        write_workbook(publication, stream, file_format)
        files.append(stream.getvalue())
    return files[0], files[1]


def xlsx_sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            values = list(row)
            while values and values[-1] is None:
                values.pop()
            rows.append(tuple(values))
        sheets[sheet.title] = rows
    return sheets


@pytest.mark.parametrize("controlled", [True, False])
def test_ods_holds_the_same_sheets_and_cells_as_xlsx(controlled: bool) -> None:
    """Sheet for sheet and cell for cell, the ODS workbook is the XLSX one."""
    xlsx, ods = both(controlled)
    from_xlsx, from_ods = xlsx_sheets(xlsx), ods_sheets(ods)
    assert list(from_ods) == list(from_xlsx)
    assert list(from_ods)[:3] == ["Cover", "Contents", "Notes"]
    for name, rows in from_xlsx.items():
        assert from_ods[name] == rows, name


def test_ods_names_each_table_as_xlsx_does_and_links_the_contents() -> None:
    xlsx, ods = both()
    workbook = load_workbook(io.BytesIO(xlsx))
    xlsx_tables = {
        name: f"'{sheet.title}'.{reference}"
        for sheet in workbook.worksheets
        for name, reference in sheet.tables.items()
    }
    ranges = ods_ranges(ods)
    assert set(ranges) == set(xlsx_tables)
    assert set(ranges) == {"contents", "notes", "school_type", "free_school_meals", "nssec5"}
    for name, address in ranges.items():
        sheet, cells = xlsx_tables[name].split(".")
        first, last = cells.split(":")
        assert address == f"{sheet}.{first}:{sheet}.{last}"
    assert {f"#'{name}'.A1" for name in ("School_type", "Notes", "Contents")} <= set(ods_links(ods))


def test_titles_are_heading_styled_in_both_formats() -> None:
    """Each sheet's title is in the "Heading 1" cell style; the cover's headings in
    "Heading 2" (openpyxl calls Excel's built-in styles "Headline 1" and "Headline 2")."""
    xlsx, ods = both()
    workbook = load_workbook(io.BytesIO(xlsx))
    for sheet in workbook.worksheets:
        assert sheet["A1"].style == "Headline 1", sheet.title
    cover = [cell for cell in workbook["Cover"]["A"] if cell.value == "Survey"]
    assert cover[0].style == "Headline 2"
    for name in ods_sheets(ods):
        assert ods_cell_styles(ods, name)[0] == "Heading_20_1", name
    styles = ods_cell_styles(ods, "Cover")
    rows = ods_sheets(ods)["Cover"]
    assert styles[rows.index(("Survey",))] == "Heading_20_2"


def test_cover_names_organisation_contact_source_and_selection() -> None:
    _, ods = both()
    cover = [row[0] for row in ods_sheets(ods)["Cover"] if row]
    for heading, text in (
        ("Organisation", "Department of Examples"),
        ("Contact", "stats@example.org"),
        (
            "Source",
            "Responses to the survey, collected with Socio-economic background (2023-07-07).",
        ),
        ("Selection", "Complete responses; online; completed on or after 1 January 2025."),
    ):
        assert cover[cover.index(heading) + 1] == text


def test_user_text_is_text_in_ods_never_a_formula() -> None:
    """The survey's name starts with "=" and stays a string cell with no formula."""
    _, ods = both()
    assert b"table:formula" not in io.BytesIO(ods).getvalue()
    cover = [row[0] for row in ods_sheets(ods)["Cover"] if row]
    assert '=HYPERLINK("http://example.org")' in cover


def test_every_published_figure_in_the_ods_follows_the_disclosure_rules() -> None:
    """Counts are 0, [c] or multiples of 5 from 10; each percentage and interval is computed
    from the published count over the published total."""
    _, ods = both()
    for key, sheet in (("school_type", "School_type"), ("nssec5", "NS-SEC_5_class")):
        del key
        rows = ods_sheets(ods)[sheet]
        header = rows.index(
            (
                "Category",
                "Count",
                "Percentage",
                "Lower 95% confidence limit",
                "Upper 95% confidence limit",
            )
        )
        body = rows[header + 1 :]
        total = body[-1][1]
        assert isinstance(total, int) and total not in range(1, 10)
        for label, count, percentage, lower, upper in body[:-1]:
            if count == CONFIDENTIAL:
                assert (percentage, lower, upper) == (CONFIDENTIAL,) * 3, label
                continue
            assert count == 0 or count >= 10, label  # no figure from 1 to 9
            assert percentage == percentage_of(count, total)
            expected = interval(count, total)
            assert (lower, upper) == (expected.lower, expected.upper)


@pytest.mark.django_db
def test_ods_download_and_command(
    analyst_client: Client, survey: Survey, bulk_responses: BulkResponses, tmp_path: Path
) -> None:
    """The page's ODS download and `export_tables --output F.ods` write the same workbook."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 23)
    response = analyst_client.get(f"/analysis/{SLUG}/download/output-tables-nssec5.ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].endswith('.ods"')
    output = tmp_path / "tables.ods"
    call_command("export_tables", "--survey", SLUG, "--output", str(output), stdout=io.StringIO())
    downloaded, written = ods_sheets(response.content), ods_sheets(output.read_bytes())
    del downloaded["Cover"], written["Cover"]  # the time each was produced
    assert downloaded == written
    assert written["School_type"][-1][:3] == ("Total", published_figure(survey), 100)


@pytest.mark.django_db
def test_export_tables_refuses_other_extensions(survey: Survey, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx or \.ods"):
        call_command("export_tables", "--survey", SLUG, "--output", str(tmp_path / "t.xls"))
    assert not (tmp_path / "t.xls").exists()
