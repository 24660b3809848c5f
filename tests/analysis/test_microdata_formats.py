"""The microdata as SPSS and Stata files, the codebook, and CSV on the Web metadata."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import pytest
from csvw import CSVW
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from classification.microdata import microdata_rows, survey_microdata
from seb.codebook import asked_of, codebook, missing_values_text
from seb.interchange import MICRODATA_COLUMNS
from seb.standard import Mode, load_standard
from surveys.models import Survey

from .conftest import SLUG, plausible_responses
from .ods import ods_sheets
from .statfile_reader import decoded_rows, read_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey: Survey) -> Survey:
    plausible_responses(survey, 120, seed=11)
    return survey


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_spss_and_stata_files_read_back_with_the_standards_labels(
    unrounded_client: Client, answered: Survey, extension: str, tmp_path: Path
) -> None:
    """Every variable is labelled with its question's name; every coded value carries the
    standard's label; decoded, the file holds exactly the microdata's rows."""
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    content = b"".join(response.streaming_content)
    frame, meta = read_back(content, extension, tmp_path)
    standard = load_standard()
    assert list(frame.columns) == list(MICRODATA_COLUMNS)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    for question in standard.questions:
        assert labels[question.key] == question.name
    for variable in codebook():
        if variable.is_coded:
            stored = {
                value if isinstance(value, str) else int(value): label
                for value, label in meta.variable_value_labels[variable.name].items()
            }
            assert stored == {
                (code.missing if extension == "dta" else "") or code.value: code.label
                for code in variable.codes
            }
    assert meta.variable_value_labels["school_type"][1] == "A state-run or state-funded school"
    assert meta.variable_value_labels["mode"][2] == Mode.FACE_TO_FACE.label
    decoded = decoded_rows(frame)
    expected = list(microdata_rows(responses=survey_microdata(survey=answered)))
    assert decoded == expected
    assert len(decoded) == 120


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_export_responses_writes_spss_and_stata_by_extension(
    answered: Survey, extension: str, tmp_path: Path
) -> None:
    output = tmp_path / f"out.{extension}"
    out = io.StringIO()
    call_command("export_responses", "--survey", SLUG, "--output", str(output), stdout=out)
    assert "120 responses written" in out.getvalue()
    frame, meta = read_back(output.read_bytes(), extension, tmp_path)
    assert len(frame) == 120
    assert meta.column_labels[MICRODATA_COLUMNS.index("nssec5")].startswith("NS-SEC 5-class")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("extension", ["xlsx", "sav", "dta"])
def test_a_large_selection_is_made_by_a_job_and_downloaded_from_its_page(
    unrounded_client: Client, answered: Survey, extension: str, tmp_path: Path, settings
) -> None:
    """Past MICRODATA_IN_REQUEST_ROWS the file is a background job's: the download
    leads to the job's page, which offers the same file once it is made, to its owner
    alone."""
    from django.contrib.auth.models import User

    from jobs.models import Job

    settings.MICRODATA_IN_REQUEST_ROWS = 119
    asked = unrounded_client.get(
        f"/analysis/{SLUG}/download/microdata.{extension}?mode=online&mode=telephone&mode=face_to_face"
    )
    assert asked.status_code == 302
    job = Job.objects.get()
    assert asked["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED, job.error
    page = unrounded_client.get(asked["Location"]).content.decode()
    assert "120 responses of" in page and "ready to download" in page
    download = unrounded_client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(f'.{extension}"')
    assert download["Cache-Control"] == "no-store"
    content = b"".join(download.streaming_content)
    if extension == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        assert sum(1 for _ in sheet.iter_rows()) == 121
    else:
        frame, _ = read_back(content, extension, tmp_path)
        assert len(frame) == 120
    other = User.objects.create_user("another-analyst", password="x" * 20)
    unrounded_client.force_login(other)
    assert unrounded_client.get(f"/jobs/{job.pk}/download/").status_code == 404
    settings.MICRODATA_IN_REQUEST_ROWS = 120
    unrounded_client.force_login(job.owner)
    assert (
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}").status_code == 200
    )


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_too_many_responses_for_spss_or_stata_are_refused_with_a_way_on(
    unrounded_client: Client, answered: Survey, extension: str, tmp_path: Path, monkeypatch
) -> None:
    """Those files are built in memory, so their size is capped: the page says to use
    CSV or choose fewer, and the command stops without leaving a file."""
    from django.core.management import CommandError

    import classification.microdata

    monkeypatch.setattr(classification.microdata, "STATFILE_MAX_ROWS", 119)
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert response.status_code == 422
    assert "at most 119 responses" in response.content.decode()
    assert "use CSV for this many" in response.content.decode()
    output = tmp_path / f"out.{extension}"
    with pytest.raises(CommandError, match="at most 119 responses"):
        call_command("export_responses", "--survey", SLUG, "--output", str(output))
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(classification.microdata, "STATFILE_MAX_ROWS", 120)
    ok = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/analysis/{SLUG}/download/microdata.sav",
        f"/analysis/{SLUG}/download/microdata.dta",
        f"/analysis/{SLUG}/download/microdata.csv-metadata.json",
    ],
)
def test_microdata_files_need_the_unrounded_permission(
    plain_client: Client, answered: Survey, url: str
) -> None:
    assert plain_client.get(url).status_code == 403


def test_microdata_csv_metadata_validates_against_the_csv(
    unrounded_client: Client, answered: Survey, tmp_path: Path
) -> None:
    """The CSVW metadata names the CSV it describes, lists its columns in order with each
    coded column's codes, and a CSVW validator finds every cell valid."""
    download = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv")
    described = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv-metadata.json")
    assert described.status_code == 200
    assert described["Content-Type"] == "application/csvm+json"
    csv_name = download["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert described["Content-Disposition"].endswith(f'{csv_name}-metadata.json"')
    metadata = json.loads(described.content)
    assert metadata["url"] == csv_name
    columns = metadata["tableSchema"]["columns"]
    assert [column["name"] for column in columns] == list(MICRODATA_COLUMNS)
    school = columns[MICRODATA_COLUMNS.index("school_type")]
    assert "state = A state-run or state-funded school" in school["rdfs:comment"]
    assert school["required"] is True
    (tmp_path / csv_name).write_bytes(b"".join(download.streaming_content))
    (tmp_path / f"{csv_name}-metadata.json").write_bytes(described.content)
    validator = CSVW(
        str(tmp_path / csv_name), md_url=str(tmp_path / f"{csv_name}-metadata.json"), validate=True
    )
    assert validator.is_valid
    rows = list(validator.tablegroup.tables[0].iterdicts())
    assert len(rows) == 120


def test_microdata_csv_metadata_refuses_a_cell_outside_the_codes(
    unrounded_client: Client, answered: Survey, tmp_path: Path
) -> None:
    """The metadata is a real check: a code the standard does not have makes the file invalid."""
    download = b"".join(
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv").streaming_content
    )
    metadata = json.loads(
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv-metadata.json").content
    )
    lines = download.decode().splitlines()
    cells = next(csv.reader([lines[1]]))
    cells[MICRODATA_COLUMNS.index("school_type")] = "grammar"
    lines[1] = ",".join(cells)
    (tmp_path / metadata["url"]).write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    (tmp_path / "meta.json").write_text(json.dumps(metadata), encoding="utf-8")
    assert not CSVW(
        str(tmp_path / metadata["url"]), md_url=str(tmp_path / "meta.json"), validate=True
    ).is_valid


def test_table_csv_metadata_validates_against_the_table_csv(
    plain_client: Client, answered: Survey, tmp_path: Path
) -> None:
    """A table's CSV (rounded, with [c] and [z] symbols) validates against its metadata."""
    query = "?mode=telephone"
    download = plain_client.get(f"/analysis/{SLUG}/download/nssec5.csv{query}")
    described = plain_client.get(f"/analysis/{SLUG}/download/nssec5.csv-metadata.json{query}")
    assert described.status_code == 200
    metadata = json.loads(described.content)
    assert "telephone" in metadata["url"]
    assert metadata["dc:coverage"].startswith("Complete responses; telephone")
    assert [c["titles"] for c in metadata["tableSchema"]["columns"]][:3] == [
        "Category",
        "Count",
        "Percentage",
    ]
    text = download.content.decode("utf-8-sig")
    assert "[c]" in text or "[z]" in text
    (tmp_path / metadata["url"]).write_text(text, encoding="utf-8")
    (tmp_path / "meta.json").write_bytes(described.content)
    validator = CSVW(
        str(tmp_path / metadata["url"]), md_url=str(tmp_path / "meta.json"), validate=True
    )
    assert validator.is_valid
    rows = list(validator.tablegroup.tables[0].iterdicts())
    assert rows[-1]["Category"] == "Total"
    # Symbols are read as "no number", never as a number.
    assert all(row["Count"] is None or isinstance(row["Count"], int) for row in rows)


def test_codebook_says_who_was_asked_from_the_routing(standard: object) -> None:
    """Who was asked comes from the routing graph, not from hand-written text."""
    standard = load_standard()
    assert asked_of(standard, "school_type").startswith("Everyone")
    assert asked_of(standard, "parental_qualification").startswith("Everyone")
    fsm = asked_of(standard, "free_school_meals")
    assert "“A state-run or state-funded school”" in fsm and "Independent" not in fsm
    occupation = asked_of(standard, "earner_occupation")
    assert "“Employee”" in occupation and "“1 to 24”" in occupation
    assert "“25 or more”" not in occupation


def test_codebook_page_and_downloads(plain_client: Client) -> None:
    page = plain_client.get("/analysis/standard/codebook/")
    assert page.status_code == 200
    text = page.content.decode()
    for variable in codebook():
        assert f'id="variable-{variable.name}"' in text
    assert "Only those who answered" in text
    assert html.escape(missing_values_text(), quote=False) in text
    # Every question's "Don't know" is declared missing, as Stata's .a.
    assert text.count("SPSS user-missing, Stata <code>.a</code>") == 8
    xlsx = plain_client.get("/analysis/standard/codebook/seb-codebook.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Cover", "Contents", "Notes", "Variables", "Codes"]
    codes = [row for row in workbook["Codes"].iter_rows(values_only=True)][2:]
    assert (
        "school_type",
        1,
        "state",
        "A state-run or state-funded school",
        "All modes",
        None,
        None,
    ) in codes
    assert (
        "school_type",
        6,
        "dont_know",
        "Don’t know",
        "All modes",
        "Online: “I don’t know”",
        ".a",
    ) in codes
    cover = " ".join(
        str(cell) for row in workbook["Cover"].iter_rows(values_only=True) for cell in row
    )
    assert missing_values_text() in cover
    ods = plain_client.get("/analysis/standard/codebook/seb-codebook.ods")
    assert list(ods_sheets(ods.content)) == workbook.sheetnames
    code_list = plain_client.get("/analysis/standard/codebook/codes.csv")
    rows = list(csv.reader(io.StringIO(code_list.content.decode("utf-8-sig"))))
    assert rows[0] == ["variable", "value", "code", "label", "modes", "other_wordings", "missing"]
    assert [
        "earner_employment_status",
        "5",
        "dont_know",
        "Don’t know",
        "Telephone",
        "",
        ".a",
    ] in rows
    # The standard's variables end with nssec3; the additions beyond it follow.
    standard_rows = [row for row in rows if row[0] == "nssec3"]
    assert standard_rows[-1][:3] == ["nssec3", "5", "dont_know_prefer_not_to_say"]
    assert standard_rows[-1][-1] == ".c"
    assert rows[-1][:3] == ["nssec3_full", "3", "3"]
    assert [row[-1] for row in rows if row[:3] == ["school_type", "1", "state"]] == [""]


def test_the_code_list_validates_against_its_metadata(plain_client: Client, tmp_path: Path) -> None:
    listed = plain_client.get("/analysis/standard/codebook/codes.csv")
    described = plain_client.get("/analysis/standard/codebook/codes.csv-metadata.json")
    metadata = json.loads(described.content)
    (tmp_path / metadata["url"]).write_text(listed.content.decode("utf-8-sig"), encoding="utf-8")
    (tmp_path / "meta.json").write_bytes(described.content)
    validator = CSVW(
        str(tmp_path / metadata["url"]), md_url=str(tmp_path / "meta.json"), validate=True
    )
    assert validator.is_valid
    rows = list(validator.tablegroup.tables[0].iterdicts())
    assert {k: rows[0][k] for k in ("variable", "value")} == {"variable": "mode", "value": 1}
