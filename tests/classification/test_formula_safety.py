"""Text from users never becomes a formula in any CSV or XLSX the analyst area writes."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from seb.safe_text import FORMULA_TRIGGERS
from surveys.models import Survey

from .conftest import STATE_EMPLOYEE_CLERICAL, BulkResponses
from .helpers import open_workbook

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("https://example.com/steal","Click")', "+1", "-1", "@SUM(1)"]


@pytest.fixture(params=DANGEROUS)
def dangerous(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def hostile_survey(
    dangerous: str, make_survey: Callable[..., Survey], bulk_responses: BulkResponses
) -> Survey:
    """A survey named with formula text, with responses whose reference is formula text too."""
    survey = make_survey("hostile", name=dangerous)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 12, reference=dangerous)
    return survey


def assert_no_formulas(content: bytes) -> None:
    """No cell of any sheet is a formula, in openpyxl's reading or in the raw XML."""
    workbook = open_workbook(content)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode()


def xlsx_texts(content: bytes) -> set[str]:
    workbook = open_workbook(content)
    return {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def assert_csv_cells_safe(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), cell


def test_workbook_download_keeps_the_survey_name_as_text(
    analyst_client: Client, hostile_survey: Survey, dangerous: str
) -> None:
    """The survey's name is in the workbook verbatim, as a text cell, never a formula."""
    response = analyst_client.get("/analysis/hostile/download/output-tables-nssecboth.xlsx")
    assert response.status_code == 200
    assert_no_formulas(response.content)
    assert dangerous in xlsx_texts(response.content)


def test_export_tables_file_keeps_the_survey_name_as_text(
    tmp_path: Path, hostile_survey: Survey, dangerous: str
) -> None:
    """The command's workbook is as safe as the download."""
    output = tmp_path / "tables.xlsx"
    call_command(
        "export_tables", "--survey", "hostile", "--output", str(output), stdout=io.StringIO()
    )
    assert_no_formulas(output.read_bytes())
    assert dangerous in xlsx_texts(output.read_bytes())


@pytest.mark.parametrize("key", ["school_type", "free_school_meals", "nssec5", "nssec3"])
def test_table_csv_downloads_have_no_formula_cells(
    analyst_client: Client, hostile_survey: Survey, key: str
) -> None:
    """No cell of a table CSV starts with a formula character."""
    response = analyst_client.get(f"/analysis/hostile/download/{key}.csv")
    assert response.status_code == 200
    assert_csv_cells_safe(response.content.decode("utf-8-sig"))


def test_microdata_downloads_keep_references_as_text(
    unrounded_client: Client, hostile_survey: Survey, dangerous: str
) -> None:
    """References in the microdata are quoted in CSV and text cells in XLSX."""
    response = unrounded_client.get("/analysis/hostile/download/microdata.csv")
    text = b"".join(response.streaming_content).decode()
    assert_csv_cells_safe(text)
    assert "'" + dangerous in {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    xlsx = b"".join(
        unrounded_client.get("/analysis/hostile/download/microdata.xlsx").streaming_content
    )
    assert_no_formulas(xlsx)
    assert dangerous in xlsx_texts(xlsx)


def test_survey_pages_escape_the_survey_name(
    analyst_client: Client, make_survey: Callable[..., Survey]
) -> None:
    """A survey name with markup is shown as text on the analyst pages."""
    make_survey("markup", name='<script>alert("x")</script>')
    for url in ("/analysis/", "/analysis/markup/"):
        html = analyst_client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html
