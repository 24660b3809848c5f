"""Every CSV file the service makes (downloads, commands, jobs) goes through one writer,
which keeps text that would start a formula from ever being one."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import Client

from seb.safe_text import FORMULA_TRIGGERS, PLAIN_NUMBER, CsvWriter, csv_cell
from surveys.access import SURVEY_MANAGER
from surveys.fieldwork.codes_file import codes_write
from surveys.fieldwork.samples import sample_cases
from surveys.models import Survey
from tests.conftest import INDEPENDENT_LARGE_EMPLOYER, STATE_EMPLOYEE_CLERICAL, BulkResponses
from tests.fieldwork.conftest import load

ROOT = Path(__file__).resolve().parent.parent
APPS = ("seb", "surveys", "jobs", "classification", "api", "config")
PAYLOADS = (
    '=HYPERLINK("https://example.com/steal","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
)
# Cells of a sample are trimmed, so its payloads start with the character itself.
IN_SAMPLES = PAYLOADS[:4]


def test_only_the_one_writer_makes_csv() -> None:
    """No module but seb.safe_text makes a csv.writer or DictWriter: every other goes
    through `CsvWriter`, so no new file can forget the guard."""
    making = re.compile(r"\bcsv\.(writer|DictWriter)\b|^from csv import", re.MULTILINE)
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if making.search(path.read_text()) and path != ROOT / "seb" / "safe_text.py"
    ]
    assert found == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_writer_quotes_every_cell_that_would_start_a_formula(payload: str) -> None:
    """Text, header cells and cells of figure columns alike."""
    text = io.StringIO()
    writer = CsvWriter(text, figure_columns=[1])
    writer.writerow([payload, payload])
    assert next(csv.reader(io.StringIO(text.getvalue()))) == ["'" + payload, "'" + payload]


def test_the_writer_keeps_plain_numbers_of_figure_columns() -> None:
    """A negative figure stays a number; the same text in a text column is quoted."""
    text = io.StringIO()
    CsvWriter(text, figure_columns=[1, 2]).writerow(["-3.2", "-3.2", 7])
    assert text.getvalue() == "'-3.2,-3.2,7\r\n"
    assert csv_cell(None) == ""


def assert_cells_safe(text: str) -> list[str]:
    """Every cell is safe; the cells, for the caller's own checks."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for cell in cells:
        assert not cell.startswith(FORMULA_TRIGGERS) or PLAIN_NUMBER.fullmatch(cell), cell
    return cells


@pytest.fixture
def hostile(make_survey: Callable[..., Survey], bulk_responses: BulkResponses) -> Survey:
    """A survey named with formula text, responses and cases whose references and
    sample variables are formula text too."""
    survey = make_survey("hostile", name=PAYLOADS[0], access=Survey.Access.INVITATION)
    text = io.StringIO()
    sample = csv.writer(text)
    sample.writerow(("reference", "email", "region"))
    for n, payload in enumerate(IN_SAMPLES):
        sample.writerow((f"'{payload}", f"p{n}@example.org", payload))
    report = load(survey, text.getvalue().encode())
    assert report.ok, report.problems
    for payload in PAYLOADS[:3]:
        bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 4, reference=payload)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 30, mode="face_to_face")
    return survey


def _manager(make_staff: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_staff("csv-manager", SURVEY_MANAGER))
    return client


def _analyst(make_staff: Callable[..., User]) -> Client:
    from surveys.access import ANALYST

    user = make_staff("csv-analyst", ANALYST)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="classification", codename="view_unrounded")
    )
    client = Client()
    client.force_login(user)
    return client


def _body(response: object) -> str:
    assert response.status_code == 200, response  # type: ignore[attr-defined]
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    return content.decode("utf-8-sig")


@pytest.mark.django_db
def test_every_csv_the_service_makes_keeps_formula_text_as_text(
    hostile: Survey, make_staff: Callable[..., User], tmp_path: Path
) -> None:
    """The downloads, the commands' files and the jobs' codes file: no cell starts a
    formula, and the hostile text is there, quoted, where the file carries it."""
    manager = _manager(make_staff)
    analyst = _analyst(make_staff)
    files: dict[str, str] = {
        "rates": _body(manager.get("/manage/hostile/monitoring/response-rates.csv")),
        "outcomes": _body(manager.get("/manage/hostile/monitoring/case-outcomes.csv")),
        "sample template": _body(manager.get("/manage/hostile/sample/template.csv")),
        "table": _body(analyst.get("/analysis/hostile/download/nssec5.csv")),
        "comparison": _body(
            analyst.get("/analysis/hostile/compare/mode/download.csv?table=school_type")
        ),
        "microdata": _body(analyst.get("/analysis/hostile/download/microdata.csv")),
        "code list": _body(analyst.get("/analysis/standard/codebook/codes.csv")),
        "import template": _body(analyst.get("/analysis/standard/import-template.csv")),
    }
    quiet = io.StringIO()
    call_command(
        "export_outcomes",
        "--survey=hostile",
        f"--output={tmp_path / 'outcomes.csv'}",
        f"--rates={tmp_path / 'rates.csv'}",
        stdout=quiet,
    )
    call_command(
        "export_responses", "--survey=hostile", f"--output={tmp_path / 'm.csv'}", stdout=quiet
    )
    files["outcomes command"] = (tmp_path / "outcomes.csv").read_text(encoding="utf-8-sig")
    files["rates command"] = (tmp_path / "rates.csv").read_text(encoding="utf-8-sig")
    files["microdata command"] = (tmp_path / "m.csv").read_text(encoding="utf-8-sig")
    codes = io.BytesIO()
    codes_write(cases=sample_cases(hostile), survey=hostile, stream=codes)
    files["codes"] = codes.getvalue().decode("utf-8")

    carried = {name: set(assert_cells_safe(text)) for name, text in files.items()}
    quoted = {"'" + payload for payload in IN_SAMPLES}
    for name in ("rates", "rates command", "outcomes", "outcomes command", "codes"):
        assert quoted <= carried[name], name
    for name in ("microdata", "microdata command"):
        assert {"'" + payload for payload in PAYLOADS[:3]} <= carried[name], name
