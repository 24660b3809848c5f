"""import_responses and export_responses: the same files as the analyst pages, from the shell."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from csvw import CSVW
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from classification.imports import SLUG_MAX_LENGTH
from classification.microdata import microdata_rows, survey_microdata
from seb.interchange import COLUMNS, MICRODATA_COLUMNS
from seb.interchange.checking import unquote_csv_reference
from surveys.models import Response, Survey
from tests.classification.conftest import (  # noqa: F401  (fixtures used here)
    make_staff,
    unrounded_analyst,
    unrounded_client,
)

from .files import EMPLOYEE, OWN_ACCOUNT, VALID_ROWS, csv_file, xlsx_of

pytestmark = pytest.mark.django_db

FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(1)")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def stored_rows(survey: Survey, *, record: bool = True) -> list[tuple[str, ...]]:
    """The survey's complete responses as microdata rows, straight from the models;
    without `record`, without the response's id and completion date (an import makes
    responses of its own)."""
    rows = []
    for response in Response.objects.filter(survey=survey, status="complete"):
        answers = response.answers
        rows.append(
            (
                response.mode,
                *(answers.get(key, "") for key in COLUMNS[1:-1]),
                response.reference,
                response.nssec5,
                response.nssec3,
                *(
                    (str(response.pk), timezone.localtime(response.completed_at).date().isoformat())
                    if record
                    else ()
                ),
            )
        )
    return sorted(rows)


@pytest.fixture
def mixed_survey(
    survey: Survey, make_response: Callable[..., Response], tmp_path_factory: pytest.TempPathFactory
) -> Survey:
    """Collected responses (one in progress) and imported ones with formula-like references."""
    answers = {k: v for k, v in EMPLOYEE.items() if k not in ("mode", "reference")}
    make_response(survey, answers, mode="telephone", reference="case-1")
    make_response(survey, answers, submit=False, reference="unfinished")
    rows = [{**OWN_ACCOUNT, "reference": reference} for reference in FORMULAS]
    path = written(tmp_path_factory.mktemp("import"), "formulas.csv", csv_file(rows))
    run("import_responses", str(path), "--survey", survey.slug)
    return survey


# import_responses ----------------------------------------------------------


def test_import_command_imports_a_csv_file(survey: Survey, tmp_path: Path) -> None:
    """Every line is imported and the command says how many, into which survey."""
    out, err = run(
        "import_responses",
        str(written(tmp_path, "r.csv", csv_file(VALID_ROWS))),
        "--survey",
        survey.slug,
    )
    assert out.strip() == "4 responses imported into Test survey (“test-survey”)."
    assert err == ""
    assert Response.objects.filter(survey=survey, source="imported").count() == 4


def test_import_command_imports_an_xlsx_file(survey: Survey, tmp_path: Path) -> None:
    """An .xlsx file imports the same way."""
    path = written(tmp_path, "r.xlsx", xlsx_of(VALID_ROWS))
    run("import_responses", str(path), "--survey", survey.slug)
    assert Response.objects.filter(survey=survey).count() == 4


def test_import_command_lists_every_problem_and_imports_nothing(
    survey: Survey, tmp_path: Path
) -> None:
    """Bad lines are listed on stderr with line, column and reason; the command fails."""
    rows = [EMPLOYEE, {**EMPLOYEE, "mode": "post"}, {**OWN_ACCOUNT, "supervisor": "no"}]
    path = written(tmp_path, "r.csv", csv_file(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 lines have problems"):
        call_command("import_responses", str(path), "--survey", survey.slug, stderr=err)
    assert err.getvalue().splitlines() == [
        "Line 3, column mode: “post” is not a mode: use online, face_to_face or telephone",
        "Line 4, column supervisor: This cell must be empty: "
        "earner_employment_status = self_employed_no_employees routes past supervisor",
    ]
    assert Response.objects.count() == 0


def test_import_command_lists_every_bad_line_beyond_the_pages_limit(
    survey: Survey, tmp_path: Path
) -> None:
    """The command prints every problem, not only the first MAX_LISTED_PROBLEMS."""
    from classification.imports import MAX_LISTED_PROBLEMS

    bad = MAX_LISTED_PROBLEMS + 250
    rows = [EMPLOYEE, *({**EMPLOYEE, "mode": "post"} for _ in range(bad))]
    path = written(tmp_path, "many.csv", csv_file(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"{bad:,} lines have problems"):
        call_command("import_responses", str(path), "--survey", survey.slug, stderr=err)
    listed = err.getvalue().splitlines()
    assert len(listed) == bad
    assert listed[-1].startswith(f"Line {bad + 2}, column mode:")
    assert Response.objects.count() == 0


def test_import_command_refuses_an_unknown_survey_without_create(tmp_path: Path, db: None) -> None:
    """Without --create, a new slug is an error and nothing is made."""
    path = written(tmp_path, "r.csv", csv_file(VALID_ROWS))
    with pytest.raises(CommandError, match="There is no survey “elsewhere”: use --create"):
        run("import_responses", str(path), "--survey", "elsewhere")
    assert not Survey.objects.filter(slug="elsewhere").exists()


def test_import_command_with_create_makes_a_survey_offering_every_mode(
    tmp_path: Path, db: None
) -> None:
    """--create makes the survey, offering all three modes, and imports into it."""
    path = written(tmp_path, "r.csv", csv_file(VALID_ROWS))
    out, _ = run(
        "import_responses", str(path), "--survey", "elsewhere", "--create", "--name", "Elsewhere"
    )
    survey = Survey.objects.get(slug="elsewhere")
    assert survey.name == "Elsewhere"
    assert (survey.offers_online, survey.offers_face_to_face, survey.offers_telephone) == (
        True,
        True,
        True,
    )
    assert survey.responses.count() == 4
    assert out.splitlines()[0] == "Survey “elsewhere” is ready, offering every mode."


def test_import_command_with_create_makes_no_survey_when_the_file_is_bad(
    tmp_path: Path, db: None
) -> None:
    """All or nothing includes the survey: a bad file leaves no new survey behind."""
    path = written(tmp_path, "r.csv", csv_file([{**EMPLOYEE, "mode": ""}]))
    with pytest.raises(CommandError):
        run("import_responses", str(path), "--survey", "elsewhere", "--create")
    assert not Survey.objects.filter(slug="elsewhere").exists()


def test_import_command_with_create_uses_an_existing_survey(survey: Survey, tmp_path: Path) -> None:
    """--create with a slug already in use imports into that survey."""
    path = written(tmp_path, "r.csv", csv_file(VALID_ROWS))
    out, _ = run("import_responses", str(path), "--survey", survey.slug, "--create")
    assert "is ready" not in out
    assert Survey.objects.count() == 1
    assert survey.responses.count() == 4


@pytest.mark.parametrize(
    ("name", "message"),
    [("r.txt", "The file must be a CSV or XLSX file"), ("missing.csv", "Cannot open")],
)
def test_import_command_refuses_files_it_cannot_read(
    survey: Survey, tmp_path: Path, name: str, message: str
) -> None:
    """A wrong file type or a missing file is an error, not a traceback."""
    path = tmp_path / name
    if name != "missing.csv":
        path.write_bytes(csv_file(VALID_ROWS))
    with pytest.raises(CommandError, match=message):
        run("import_responses", str(path), "--survey", survey.slug)


def test_import_command_refuses_a_slug_that_cannot_be_an_address(tmp_path: Path, db: None) -> None:
    """--create with a slug that is not a slug says so."""
    path = written(tmp_path, "r.csv", csv_file(VALID_ROWS))
    with pytest.raises(CommandError, match="cannot be a survey's address"):
        run("import_responses", str(path), "--survey", "not a slug", "--create")


# export_responses ----------------------------------------------------------


def test_export_command_writes_the_complete_responses_as_csv(
    mixed_survey: Survey, tmp_path: Path
) -> None:
    """The CSV read back (guard quotes undone) equals the stored complete responses."""
    path = tmp_path / "out.csv"
    out, _ = run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
    assert out.splitlines()[0] == f"5 responses written to {path}."
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == MICRODATA_COLUMNS
        rows = [tuple(row) for row in reader]
    reference = MICRODATA_COLUMNS.index("reference")
    unguarded = [
        (*row[:reference], unquote_csv_reference(row[reference]), *row[reference + 1 :])
        for row in rows
    ]
    assert sorted(unguarded) == stored_rows(mixed_survey)


def test_export_command_writes_the_csvs_metadata_beside_it_as_the_download_does(
    mixed_survey: Survey,
    tmp_path: Path,
    unrounded_client: Client,  # noqa: F811
) -> None:
    """Beside FILE.csv, FILE.csv-metadata.json (where CSVW looks): the download's metadata
    of the whole survey, naming this file; a CSVW validator finds every cell valid."""
    path = tmp_path / "out.csv"
    out, _ = run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
    described = tmp_path / "out.csv-metadata.json"
    assert out.splitlines()[1] == f"Its CSV on the Web metadata: {described}."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.csv-metadata.json"]
    metadata = json.loads(described.read_text(encoding="utf-8"))
    assert metadata["url"] == "out.csv"
    downloaded = json.loads(
        unrounded_client.get(
            f"/analysis/{mixed_survey.slug}/download/microdata.csv-metadata.json"
        ).content
    )
    for made in (metadata, downloaded):
        del made["url"], made["dc:created"]
    assert metadata == downloaded
    validator = CSVW(str(path), md_url=str(described), validate=True)
    assert validator.is_valid
    assert len(list(validator.tablegroup.tables[0].iterdicts())) == 5


@pytest.mark.parametrize("extension", ["xlsx", "sav", "dta"])
def test_export_command_writes_metadata_beside_a_csv_only(
    mixed_survey: Survey, tmp_path: Path, extension: str
) -> None:
    run(
        "export_responses",
        "--survey",
        mixed_survey.slug,
        "--output",
        str(tmp_path / f"o.{extension}"),
    )
    assert [p.name for p in tmp_path.iterdir()] == [f"o.{extension}"]


def test_export_command_is_audited_as_a_microdata_download_by_the_command(
    mixed_survey: Survey, tmp_path: Path
) -> None:
    with pytest.raises(CommandError):
        run("export_responses", "--survey", mixed_survey.slug, "--output", str(tmp_path / "x.txt"))
    assert not LogEntry.objects.filter(additional_data__event="microdata_downloaded").exists()
    run("export_responses", "--survey", mixed_survey.slug, "--output", str(tmp_path / "out.dta"))
    entry = LogEntry.objects.get(additional_data__event="microdata_downloaded")
    assert entry.actor is None
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.object_pk == str(mixed_survey.pk)
    assert entry.additional_data["command"] == "export_responses"
    assert entry.additional_data["count"] == 5
    assert entry.additional_data["file"] == "out.dta"
    assert "microdata downloaded (5)" in entry.object_repr


def test_export_command_csv_never_starts_a_cell_with_a_formula(
    mixed_survey: Survey, tmp_path: Path
) -> None:
    """References like =HYPERLINK(...), +1, -1 and @SUM(1) are written after a quote."""
    path = tmp_path / "out.csv"
    run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert {f"'{formula}" for formula in FORMULAS} <= set(cells)


def test_export_command_writes_the_complete_responses_as_xlsx(
    mixed_survey: Survey, tmp_path: Path
) -> None:
    """The workbook's first sheet read back equals the stored complete responses,
    formula-like references included, as text cells."""
    path = tmp_path / "out.xlsx"
    run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
    sheet = load_workbook(path).worksheets[0]
    values = [
        tuple("" if v is None else v for v in row) for row in sheet.iter_rows(values_only=True)
    ]
    assert values[0] == MICRODATA_COLUMNS
    assert sorted(values[1:]) == stored_rows(mixed_survey)
    reference = MICRODATA_COLUMNS.index("reference") + 1
    formula_cells = [
        sheet.cell(row=n, column=reference)
        for n in range(2, sheet.max_row + 1)
        if sheet.cell(row=n, column=reference).value in FORMULAS
    ]
    assert len(formula_cells) == len(FORMULAS)
    assert {cell.data_type for cell in formula_cells} == {"s"}


def test_an_exported_file_imports_back_to_the_same_responses(
    mixed_survey: Survey, make_survey: Callable[..., Survey], tmp_path: Path
) -> None:
    """Export then import into another survey gives the same microdata."""
    for name in ("out.csv", "out.xlsx"):
        path = tmp_path / name
        copy = make_survey(f"copy-{path.suffix[1:]}")
        run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
        run("import_responses", str(path), "--survey", copy.slug)
        assert stored_rows(copy, record=False) == stored_rows(mixed_survey, record=False)


def test_export_command_is_the_microdata_download(mixed_survey: Survey, tmp_path: Path) -> None:
    """The command writes the rows the download's microdata_rows gives, in its order."""
    path = tmp_path / "out.csv"
    run("export_responses", "--survey", mixed_survey.slug, "--output", str(path))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [tuple(row) for row in csv.reader(handle)][1:]
    expected = list(microdata_rows(responses=survey_microdata(survey=mixed_survey)))
    reference = MICRODATA_COLUMNS.index("reference")
    assert [row[:reference] for row in rows] == [row[:reference] for row in expected]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--survey", "nowhere", "--output", "x.csv"), "There is no survey “nowhere”"),
        (
            ("--survey", "test-survey", "--output", "x.json"),
            r"must be a \.csv, \.xlsx, \.sav or \.dta",
        ),
    ],
)
def test_export_command_refuses_what_it_cannot_do(
    survey: Survey, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """An unknown survey or output type is an error, and no file is left behind."""
    with pytest.raises(CommandError, match=message):
        run("export_responses", *args[:3], str(tmp_path / args[3]))
    assert list(tmp_path.iterdir()) == []


def test_import_command_refuses_a_slug_too_long_for_an_address(tmp_path: Path, db: None) -> None:
    """--create with a slug over 60 characters says so and makes nothing."""
    path = written(tmp_path, "r.csv", csv_file(VALID_ROWS))
    with pytest.raises(CommandError, match="use up to 60 letters"):
        run("import_responses", str(path), "--survey", "s" * 61, "--create")
    assert not Survey.objects.exists()


def test_the_slug_limit_is_the_survey_model_limit() -> None:
    """The import's slug check follows Survey.slug's own length."""
    assert Survey._meta.get_field("slug").max_length == SLUG_MAX_LENGTH
