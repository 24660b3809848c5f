"""The table of self-coded NS-SEC by full NS-SEC (beyond the standard) for a survey that
asks for the job title: its counts, its disclosure control, where it appears (page,
workbooks, CSV, API) and where it does not (a survey that does not ask)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from csvw import CSVW
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from api.tokens import token_create
from classification.selectors import tables_report
from seb.derivation import NSSEC5_LABELS
from seb.occupation.nssec import NSSEC8_LABELS
from seb.occupation.tables import NOT_CODED, SELF_BY_FULL, SELF_BY_FULL_KEY
from seb.outputs import publish
from seb.tables import Selection
from surveys.models import Response, Survey

from .conftest import SLUG, plausible_responses
from .occupation import SECRET_TITLE, add_job_titles
from .ods import ods_sheets

pytestmark = pytest.mark.django_db

API = "/api/v1"
CSV_URL = f"/analysis/{SLUG}/download/two-way/{SELF_BY_FULL_KEY}.csv"


@pytest.fixture
def job_survey(survey: Survey) -> Survey:
    survey.asks_job_title = True
    survey.save(update_fields=["asks_job_title"])
    plausible_responses(survey, 160, seed=33)
    add_job_titles(survey)
    return survey


def true_counts(survey: Survey) -> Counter[tuple[str, str | None]]:
    """(self-coded nssec5, full nssec8 or None) of every complete response, in Python."""
    counted = Counter()
    for response in Response.objects.filter(survey=survey, status="complete", is_test=False):
        title = getattr(response, "job_title", None)
        counted[(response.nssec5, (title.nssec8 if title else "") or None)] += 1
    return counted


def figures(publication_table: Any) -> list[Any]:
    return list(chain.from_iterable((*row.counts, row.total) for row in publication_table.rows))


def test_the_table_counts_every_response_by_its_self_coded_and_full_class(
    job_survey: Survey,
) -> None:
    """Unrounded, each cell is the responses of that self-coded class and full class; a
    response without a coded full NS-SEC is "Not coded"; the total is every response."""
    report = tables_report(survey=job_survey, selection=Selection(), controlled=False)
    table = report.cross_tables[0]
    truth = true_counts(job_survey)
    for row, _ in SELF_BY_FULL.rows:
        for column, _ in SELF_BY_FULL.columns:
            assert table.cell(row, column).count == truth[(row, column)]
    assert table.total.count == 160
    assert table.column_total(None).count == sum(
        n for (_, column), n in truth.items() if column is None
    )
    assert 0 < table.column_total(None).count < 160


def test_totals_are_published_as_the_standards_tables_publish_the_same_responses(
    job_survey: Survey,
) -> None:
    """A row total is the same responses as the nssec5 table's row: the same figure; the
    grand total is the tables' total. Nothing is learnt by setting one beside the other."""
    publication = publish(tables_report(survey=job_survey, selection=Selection()))
    cross = publication.cross_tables[0]
    nssec5 = publication.table("nssec5")
    assert [row.total for row in cross.rows] == [row.count for row in nssec5.rows]


def test_no_published_figure_is_from_1_to_9(job_survey: Survey) -> None:
    """Under disclosure control every cell and total is 0 or at least 10, though the
    table has true cells from 1 to 9."""
    report = tables_report(survey=job_survey, selection=Selection())
    cells = report.cross_tables[0].cells.values()
    assert any(1 <= cell.count <= 9 for cell in cells)
    published = publish(report).cross_tables[0]
    assert published.controlled
    assert all(figure == 0 or figure >= 10 for figure in figures(published))


def test_the_tables_page_shows_the_table_marked_beyond_the_standard(
    plain_client: Client, job_survey: Survey
) -> None:
    page = plain_client.get(f"/analysis/{SLUG}/")
    text = page.content.decode()
    assert f'id="table-{SELF_BY_FULL_KEY}"' in text
    assert "Beyond the standard" in text
    for label in NSSEC8_LABELS.values():
        assert label in text
    assert NOT_CODED in text
    assert SECRET_TITLE not in text and "HYPERLINK" not in text


def test_the_page_reads_the_table_in_one_more_query(
    plain_client: Client, job_survey: Survey
) -> None:
    """One GROUP BY for the table, whatever the number of responses."""
    with CaptureQueriesContext(connection) as with_table:
        plain_client.get(f"/analysis/{SLUG}/")
    job_survey.asks_job_title = False
    job_survey.save(update_fields=["asks_job_title"])
    with CaptureQueriesContext(connection) as without:
        plain_client.get(f"/analysis/{SLUG}/")
    assert len(with_table) == len(without) + 1


def test_a_survey_that_does_not_ask_has_no_table_anywhere(
    plain_client: Client, survey: Survey, analyst_user: Any
) -> None:
    """Page, workbook, API and the CSV's address: as before the job title existed."""
    plausible_responses(survey, 40, seed=2)
    add_job_titles(survey)
    page = plain_client.get(f"/analysis/{SLUG}/").content.decode()
    assert SELF_BY_FULL_KEY not in page and "Beyond the standard" not in page
    workbook = plain_client.get(f"/analysis/{SLUG}/download/output-tables-nssec5.xlsx")
    assert SELF_BY_FULL.sheet not in load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert plain_client.get(CSV_URL).status_code == 404
    _, token = token_create(user=analyst_user, name="t")
    answer = plain_client.get(
        f"{API}/surveys/{SLUG}/tables/", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert answer["cross_tables"] == []


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_the_workbooks_hold_the_table_after_the_standards(
    plain_client: Client, job_survey: Survey, extension: str
) -> None:
    response = plain_client.get(f"/analysis/{SLUG}/download/output-tables-nssec5.{extension}")
    assert response.status_code == 200
    if extension == "ods":
        sheets = ods_sheets(response.content)
        assert list(sheets)[-1] == SELF_BY_FULL.sheet
        text = json.dumps(sheets, default=str)
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[-1] == SELF_BY_FULL.sheet
        sheet = workbook[SELF_BY_FULL.sheet]
        rows = [row for row in sheet.iter_rows(values_only=True)]
        assert rows[2] == (SELF_BY_FULL.row_heading, *SELF_BY_FULL.column_labels, "Total")
        assert [row[0] for row in rows[3:]] == [*NSSEC5_LABELS.values(), "Total"]
        numbers = [cell for row in rows[3:] for cell in row[1:]]
        assert all(isinstance(cell, int) and (cell == 0 or cell >= 10) for cell in numbers)
        contents = [row[1] for row in workbook["Contents"].iter_rows(values_only=True)]
        assert any("beyond the harmonised standard" in str(title) for title in contents)
        text = " ".join(
            str(cell)
            for name in workbook.sheetnames
            for row in workbook[name].iter_rows(values_only=True)
            for cell in row
        )
    assert SECRET_TITLE not in text and "HYPERLINK" not in text


def test_the_csv_validates_against_its_metadata(
    plain_client: Client, job_survey: Survey, tmp_path: Path
) -> None:
    listed = plain_client.get(CSV_URL)
    assert listed.status_code == 200
    described = plain_client.get(CSV_URL.replace(".csv", ".csv-metadata.json"))
    metadata = json.loads(described.content)
    (tmp_path / metadata["url"]).write_text(listed.content.decode("utf-8-sig"), encoding="utf-8")
    (tmp_path / "meta.json").write_bytes(described.content)
    validator = CSVW(
        str(tmp_path / metadata["url"]), md_url=str(tmp_path / "meta.json"), validate=True
    )
    assert validator.is_valid
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert rows[0] == [SELF_BY_FULL.row_heading, *SELF_BY_FULL.column_labels, "Total"]
    assert all(int(cell) == 0 or int(cell) >= 10 for row in rows[1:] for cell in row[1:])
    assert SECRET_TITLE not in listed.content.decode("utf-8-sig")


def test_unrounded_figures_of_the_table_need_the_permission(
    plain_client: Client, unrounded_client: Client, job_survey: Survey
) -> None:
    assert plain_client.get(f"{CSV_URL}?figures=unrounded").status_code == 403
    assert plain_client.get(f"/analysis/{SLUG}/?figures=unrounded").status_code == 403
    exact = unrounded_client.get(f"{CSV_URL}?figures=unrounded")
    assert exact.status_code == 200
    rows = list(csv.reader(io.StringIO(exact.content.decode("utf-8-sig"))))
    assert rows[-1][-1] == "160"


def test_the_api_gives_the_table_controlled_and_unrounded_only_with_the_permission(
    client: Client, job_survey: Survey, analyst_user: Any, unrounded_analyst: Any
) -> None:
    _, token = token_create(user=analyst_user, name="t")
    _, exact_token = token_create(user=unrounded_analyst, name="t")
    answer = client.get(
        f"{API}/surveys/{SLUG}/tables/", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    (table,) = answer.json()["cross_tables"]
    assert table["key"] == SELF_BY_FULL_KEY and table["beyond_standard"] is True
    assert table["controlled"] is True
    values = [value for row in table["rows"] for value in (*row["counts"], row["total"])]
    assert all(value == 0 or value >= 10 for value in values)
    assert SECRET_TITLE not in answer.content.decode()
    refused = client.get(
        f"{API}/surveys/{SLUG}/tables/?figures=unrounded",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 403
    exact = client.get(
        f"{API}/surveys/{SLUG}/tables/?figures=unrounded",
        headers={"Authorization": f"Bearer {exact_token}"},
    ).json()
    assert exact["cross_tables"][0]["rows"][-1]["total"] == 160


def test_the_typed_title_is_in_no_controlled_output_nor_the_api(
    plain_client: Client, job_survey: Survey, analyst_user: Any
) -> None:
    """Page, workbooks, table CSVs and their metadata, codebook, every API answer an
    analyst without the unrounded permission can have: none holds a typed title."""
    urls = [
        f"/analysis/{SLUG}/",
        f"/analysis/{SLUG}/download/output-tables-nssecboth.xlsx",
        f"/analysis/{SLUG}/download/output-tables-nssecboth.ods",
        CSV_URL,
        CSV_URL.replace(".csv", ".csv-metadata.json"),
        f"/analysis/{SLUG}/download/nssec5.csv",
        "/analysis/standard/codebook/",
        "/analysis/standard/codebook/codes.csv",
        "/analysis/",
    ]
    for url in urls:
        response = plain_client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET_TITLE.encode() not in content, url
        assert b"HYPERLINK" not in content, url
    _, token = token_create(user=analyst_user, name="t")
    for path in (
        "surveys/",
        f"surveys/{SLUG}/",
        f"surveys/{SLUG}/tables/",
        f"surveys/{SLUG}/tables/nssec5/",
        f"surveys/{SLUG}/microdata/",
    ):
        answer = plain_client.get(f"{API}/{path}", headers={"Authorization": f"Bearer {token}"})
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert SECRET_TITLE.encode() not in content, path
