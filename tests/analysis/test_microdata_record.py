"""The microdata's record columns: each row's response id and the day it was completed,
in every format (CSV, XLSX, SPSS, Stata), the codebook and the CSVW metadata, for
those allowed unrounded data only; a microdata file read back imports, the record
columns ignored."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from seb.codebook import codebook
from seb.interchange import MICRODATA_COLUMNS, Line
from seb.interchange.checking import check_header
from surveys.models import Response, Survey

from .conftest import SLUG, plausible_responses
from .statfile_reader import read_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey: Survey) -> Survey:
    plausible_responses(survey, 12, seed=5)
    return survey


def expected_record(survey: Survey) -> dict[str, str]:
    return {
        str(response.pk): timezone.localtime(response.completed_at).date().isoformat()
        for response in Response.objects.filter(survey=survey, completed_at__isnull=False)
    }


def test_the_csv_has_each_rows_response_id_and_completion_date(
    unrounded_client: Client, answered: Survey
) -> None:
    body = b"".join(
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv").streaming_content
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0])[-2:] == ["response_id", "completed"]
    assert {row["response_id"]: row["completed"] for row in rows} == expected_record(answered)


def test_the_xlsx_has_the_record_columns(unrounded_client: Client, answered: Survey) -> None:
    content = b"".join(
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.xlsx").streaming_content
    )
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[-2:] == ["response_id", "completed"]
    assert {row[-2]: row[-1] for row in rows} == expected_record(answered)


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_spss_and_stata_label_the_record_columns(
    unrounded_client: Client, answered: Survey, extension: str, tmp_path: Path
) -> None:
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    frame, meta = read_back(b"".join(response.streaming_content), extension, tmp_path)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert (labels["response_id"], labels["completed"]) == ("Response id", "Date completed")
    assert dict(zip(frame["response_id"], frame["completed"], strict=True)) == expected_record(
        answered
    )


def test_the_codebook_and_csvw_metadata_describe_the_record_columns(
    unrounded_client: Client, answered: Survey
) -> None:
    names = [variable.name for variable in codebook()]
    assert names[-2:] == ["response_id", "completed"]
    described = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv-metadata.json")
    columns = json.loads(described.content)["tableSchema"]["columns"]
    assert [column["name"] for column in columns][-2:] == ["response_id", "completed"]
    page = unrounded_client.get("/analysis/standard/codebook/").content.decode()
    assert 'id="variable-response_id"' in page and 'id="variable-completed"' in page


def test_the_record_columns_need_the_unrounded_permission(
    plain_client: Client, answered: Survey
) -> None:
    for extension in ("csv", "xlsx", "sav", "dta"):
        assert (
            plain_client.get(f"/analysis/{SLUG}/download/microdata.{extension}").status_code == 403
        )


def test_a_microdata_file_read_back_has_a_header_the_import_knows() -> None:
    _header, problems = check_header(Line(number=1, cells=tuple(MICRODATA_COLUMNS)))
    assert problems == []
