"""The microdata of a survey that asks the job title: the occupation columns, their
labels in the SPSS and Stata files and the codebook, and the typed title only for those
allowed unrounded figures and microdata (who alone get microdata)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from classification.microdata import microdata_rows, microdata_write
from classification.occupation_outputs import microdata_columns
from seb.interchange import MICRODATA_COLUMNS, FileFormat
from seb.occupation.data import unit_group_titles
from seb.occupation.nssec import NSSEC8_LABELS
from seb.occupation.variables import JOB_TITLE, OCCUPATION_COLUMNS, occupation_variables
from surveys.models import JobTitle, Response, Survey

from .conftest import SLUG, plausible_responses
from .occupation import FORMULA_TITLE, SECRET_TITLE, add_job_titles
from .statfile_reader import read_back

pytestmark = pytest.mark.django_db

OCCUPATION_HEADER = [*MICRODATA_COLUMNS, *OCCUPATION_COLUMNS, JOB_TITLE]


@pytest.fixture
def job_survey(survey: Survey) -> Survey:
    survey.asks_job_title = True
    survey.save(update_fields=["asks_job_title"])
    plausible_responses(survey, 90, seed=21)
    add_job_titles(survey)
    return survey


def _csv(client: Client) -> list[dict[str, str]]:
    response = client.get(f"/analysis/{SLUG}/download/microdata.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_microdata_of_a_job_title_survey_gain_the_occupation_columns_and_the_title(
    unrounded_client: Client, job_survey: Survey
) -> None:
    """The CSV's header is the standard's columns, the occupation columns, then the
    typed title; every coded title's row holds its codes and full NS-SEC."""
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert next(csv.reader(io.StringIO(text))) == OCCUPATION_HEADER
    rows = _csv(unrounded_client)
    coded = JobTitle.objects.filter(status="coded").select_related("response")
    by_text = {row[JOB_TITLE]: row for row in rows if row[JOB_TITLE]}
    assert len(by_text) == JobTitle.objects.count()
    for title in coded:
        if title.text == FORMULA_TITLE:
            continue
        row = by_text[title.text]
        assert row["soc2020"] == title.soc2020
        assert row["soc2010"] == title.soc2010
        assert row["job_title_status"] == "coded"
        assert row["coding_method"] == title.method
        assert row["coding_score"] == str(title.score)
        assert row["nssec8"] == title.nssec8
        assert row["nssec_operational"] == title.nssec_operational
        assert row["nssec5_full"] == title.nssec5_full
        assert row["nssec3_full"] == title.nssec3_full
    not_asked = [row for row in rows if not row["earner_occupation"]]
    assert not_asked and all(not row["soc2020"] and not row[JOB_TITLE] for row in not_asked)


def test_a_typed_title_that_starts_a_formula_is_written_as_text(
    unrounded_client: Client, job_survey: Survey, tmp_path: Path
) -> None:
    """The CSV puts a ' before it; the XLSX holds it as a string cell, never a formula."""
    assert "'" + FORMULA_TITLE in [row[JOB_TITLE] for row in _csv(unrounded_client)]
    stream = io.BytesIO()
    microdata_write(
        responses=Response.objects.filter(survey=job_survey),
        stream=stream,
        file_format=FileFormat.XLSX,
        columns=microdata_columns(job_survey, typed_title=True),
    )
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == FORMULA_TITLE]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_a_survey_that_does_not_ask_the_job_title_has_the_standards_columns_only(
    unrounded_client: Client, survey: Survey
) -> None:
    """No occupation column, even where job title rows exist (a setting turned off)."""
    plausible_responses(survey, 30, seed=4)
    add_job_titles(survey)
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert next(csv.reader(io.StringIO(text))) == list(MICRODATA_COLUMNS)
    assert SECRET_TITLE not in text
    metadata = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv-metadata.json")
    names = [column["name"] for column in json.loads(metadata.content)["tableSchema"]["columns"]]
    assert names == list(MICRODATA_COLUMNS)


def test_the_microdata_read_job_titles_in_the_same_query_whatever_the_rows(
    job_survey: Survey,
) -> None:
    """One query for the rows (a join), not one a response."""
    columns = microdata_columns(job_survey, typed_title=True)
    responses = Response.objects.filter(survey=job_survey)
    with CaptureQueriesContext(connection) as queries:
        rows = list(microdata_rows(responses=responses, columns=columns))
    assert len(rows) == 90
    assert len(queries) == 1
    # The CSV is one COPY statement of the same query (it bypasses Django's query log).
    stream = io.BytesIO()
    assert (
        microdata_write(
            responses=responses, stream=stream, file_format=FileFormat.CSV, columns=columns
        )
        == 90
    )


def test_the_typed_title_is_a_column_only_when_asked_for(job_survey: Survey) -> None:
    """The columns leave the title out unless the reader may see it."""
    assert JOB_TITLE not in microdata_columns(job_survey)
    assert microdata_columns(job_survey, typed_title=True)[-1] == JOB_TITLE


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_spss_and_stata_files_label_the_occupation_variables(
    unrounded_client: Client, job_survey: Survey, extension: str, tmp_path: Path
) -> None:
    """SOC codes are stored as their numbers, labelled with their unit group titles; the
    NS-SEC classes with the ONS class names; the score is a number; each variable's
    label is the codebook's."""
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert response.status_code == 200
    frame, meta = read_back(b"".join(response.streaming_content), extension, tmp_path)
    assert list(frame.columns) == OCCUPATION_HEADER
    labels = meta.variable_value_labels
    titles = unit_group_titles()
    assert {int(value): label for value, label in labels["soc2020"].items()} == {
        int(code): title for code, title in titles.items()
    }
    assert labels["nssec8"][1] == NSSEC8_LABELS["1"]
    column_labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    for variable in occupation_variables():
        assert column_labels[variable.name] == variable.label
    coded = JobTitle.objects.filter(status="coded").exclude(text=FORMULA_TITLE)
    socs = {int(value) for value in frame["soc2020"] if value == value and value is not None}
    assert socs == {int(title.soc2020) for title in coded}
    scores = [value for value in frame["coding_score"] if value == value and value is not None]
    assert all(isinstance(value, float) and 0 <= value <= 100 for value in scores)
    assert SECRET_TITLE in set(frame[JOB_TITLE])


def test_the_csv_metadata_describes_the_occupation_columns_as_beyond_the_standard(
    unrounded_client: Client, job_survey: Survey
) -> None:
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv-metadata.json")
    columns = json.loads(response.content)["tableSchema"]["columns"]
    assert [column["name"] for column in columns] == OCCUPATION_HEADER
    for column in columns[len(MICRODATA_COLUMNS) :]:
        assert "An addition beyond the harmonised standard." in column["dc:description"]


def test_microdata_without_the_unrounded_permission_are_refused_title_and_all(
    analyst_client: Client, job_survey: Survey
) -> None:
    for extension in ("csv", "xlsx", "sav", "dta", "csv-metadata.json"):
        response = analyst_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
        assert response.status_code == 403
        assert SECRET_TITLE.encode() not in response.content


def test_the_export_command_adds_typed_titles_only_when_told(
    job_survey: Survey, tmp_path: Path
) -> None:
    """Run by someone with the server in hand, it writes the coded columns; the titles
    as typed only with --typed-job-titles."""
    plain, typed = tmp_path / "plain.csv", tmp_path / "typed.csv"
    call_command("export_responses", survey=SLUG, output=plain, stdout=io.StringIO())
    call_command(
        "export_responses", survey=SLUG, output=typed, typed_job_titles=True, stdout=io.StringIO()
    )
    header = next(csv.reader(io.StringIO(plain.read_text(encoding="utf-8"))))
    assert header == [*MICRODATA_COLUMNS, *OCCUPATION_COLUMNS]
    assert SECRET_TITLE not in plain.read_text(encoding="utf-8")
    assert SECRET_TITLE in typed.read_text(encoding="utf-8")
    described = json.loads((tmp_path / "plain.csv-metadata.json").read_text(encoding="utf-8"))
    assert [column["name"] for column in described["tableSchema"]["columns"]] == header


def test_the_codebook_lists_the_occupation_variables_as_beyond_the_standard(
    plain_client: Client,
) -> None:
    text = plain_client.get("/analysis/standard/codebook/").content.decode()
    assert "Additions beyond the harmonised standard" in text
    for name in (*OCCUPATION_COLUMNS, JOB_TITLE):
        assert f'id="variable-{name}"' in text
    assert "412 codes" in text
    workbook = load_workbook(
        io.BytesIO(plain_client.get("/analysis/standard/codebook/seb-codebook.xlsx").content)
    )
    rows = list(workbook["Variables"].iter_rows(values_only=True))
    sources = {row[0]: row[-1] for row in rows[3:]}
    assert sources["nssec5"] == "The harmonised standard"
    assert all(
        sources[name] == "An addition beyond the harmonised standard"
        for name in (*OCCUPATION_COLUMNS, JOB_TITLE)
    )
    codes = list(workbook["Codes"].iter_rows(values_only=True))
    assert ("soc2020", 2231, "2231") in [row[:3] for row in codes]


@pytest.mark.parametrize("extension", ["xlsx", "sav"])
def test_a_background_job_writes_the_occupation_columns_too(
    unrounded_client: Client, job_survey: Survey, extension: str, tmp_path: Path, settings: Any
) -> None:
    """A selection too large for the request is written by a job, with the same columns."""
    from jobs.models import Job

    settings.MICRODATA_IN_REQUEST_ROWS = 10
    asked = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert asked.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    content = b"".join(unrounded_client.get(f"/jobs/{job.pk}/download/").streaming_content)
    if extension == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        header = [cell.value for cell in next(sheet.iter_rows())]
    else:
        frame, _ = read_back(content, extension, tmp_path)
        header = list(frame.columns)
    assert header == OCCUPATION_HEADER
