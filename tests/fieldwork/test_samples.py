"""Loading a sample: all or nothing, the report's lines and columns, sample variables,
codes and links written once (docs/spec/fieldwork.md)."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from openpyxl import Workbook

from jobs.models import Job
from jobs.runner import job_dir
from seb.interchange import FileFormat
from seb.sample import SampleRow
from surveys.access import INTERVIEWER
from surveys.fieldwork.cases import case_by_access_code, case_by_link_token
from surveys.fieldwork.codes_file import CodesOut, codes_write
from surveys.fieldwork.sample_lines import staged_line
from surveys.fieldwork.samples import (
    DUPLICATES_SQL,
    STAGING,
    _create_staging,
    _database_problems,
    _stage,
    load_cases,
)
from surveys.models import Case, SampleLoad, Survey
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.django_db


def test_a_good_file_adds_every_case_with_its_contact_details_and_variables(
    invitation_survey: Survey, make_staff: Callable[..., User]
) -> None:
    make_staff("iris", INTERVIEWER)
    content = sample_csv(
        [
            ("A1", "a@example.org", "07700 900123", "Ann", "online", "iris", "North", "Junior"),
            ("A2", "", "", "", "", "", "South", ""),
        ],
        header=(
            "Reference",
            "email",
            "phone",
            "name",
            "mode",
            "interviewer",
            "Region",
            "Pay grade",
        ),
    )
    report = load(invitation_survey, content)
    assert report.ok and report.created == 2
    first = Case.objects.get(reference="A1")
    assert (first.email, first.phone, first.name, first.preferred_mode) == (
        "a@example.org",
        "07700 900123",
        "Ann",
        "online",
    )
    assert first.interviewer is not None and first.interviewer.username == "iris"
    assert first.variables == {"region": "North", "pay_grade": "Junior"}
    assert Case.objects.get(reference="A2").variables == {"region": "South"}
    invitation_survey.refresh_from_db()
    assert invitation_survey.sample_variables == ["region", "pay_grade"]


def test_one_bad_row_adds_nothing_and_the_report_lists_every_problem_in_line_order(
    invitation_survey: Survey,
) -> None:
    load(invitation_survey, sample_csv([("OLD", "old@example.org")]))
    content = sample_csv(
        [
            ("B1", "b1@example.org", "paper", "nobody"),
            ("B2", "not-an-email", "", ""),
            ("OLD", "x@example.org", "", ""),
            ("B1", "again@example.org", "", ""),
            ("", "empty@example.org", "", ""),
        ],
        header=("reference", "email", "mode", "interviewer"),
    )
    report = load(invitation_survey, content)
    assert not report.ok
    assert Case.objects.filter(survey=invitation_survey).count() == 1
    assert not SampleLoad.objects.filter(cases__gt=1).exists()
    found = [(p.line, p.column) for p in report.problems]
    assert found == [
        (2, "mode"),
        (2, "interviewer"),
        (3, "email"),
        (4, "reference"),
        (5, "reference"),
        (6, "reference"),
    ]
    reasons = {(p.line, p.column): p.reason for p in report.problems}
    assert reasons[(2, "mode")].startswith("“paper” is not a mode: use online, face_to_face")
    assert reasons[(2, "interviewer")] == "nobody is not the username of an interviewer"
    assert "already in the survey's sample" in reasons[(4, "reference")]
    assert reasons[(5, "reference")].endswith("is also on line 2: each case has its own reference")
    assert report.problem_count == 6
    assert report.as_data()["summary"] == "No case was added: the file has 6 problems"


def test_problems_come_in_line_order(invitation_survey: Survey) -> None:
    content = sample_csv(
        [("C1", "x"), ("C1", "ok@example.org"), ("C2", "y")], header=("reference", "email")
    )
    report = load(invitation_survey, content)
    assert [p.line for p in report.problems] == [2, 3, 4]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (("email", "name"), "The header row has no reference column"),
        (("reference", "postcode"), "looks like a contact detail"),
        (("reference", "address_line_1"), "looks like a contact detail"),
        (("reference", "region", "Region"), "This column appears twice"),
        (("reference", "overall"), "cannot be a sample variable's name"),
    ],
)
def test_a_bad_header_adds_nothing_and_says_why(
    invitation_survey: Survey, header: tuple[str, ...], reason: str
) -> None:
    report = load(invitation_survey, sample_csv([("x",) * len(header)], header=header))
    assert not report.ok
    assert report.as_data()["summary"] == "No case was added: the header row has problems"
    assert any(reason in problem.reason for problem in report.problems)
    assert not Case.objects.exists()


def test_an_empty_file_or_a_header_alone_is_refused(invitation_survey: Survey) -> None:
    assert "empty" in load(invitation_survey, b"").problems[0].reason
    only_header = load(invitation_survey, b"reference,email\n")
    assert not only_header.ok and "no cases" in only_header.problems[0].reason


def test_a_workbook_loads_like_a_csv_file(invitation_survey: Survey) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["reference", "email", "region"])
    sheet.append(["X1", "x1@example.org", "Wales"])
    sheet.append([12345, "x2@example.org", "Scotland"])
    stream = io.BytesIO()
    book.save(stream)
    report = load(invitation_survey, stream.getvalue(), file_format=FileFormat.XLSX)
    assert report.ok, report.problems
    assert set(Case.objects.values_list("reference", flat=True)) == {"X1", "12345"}


def test_the_codes_file_gives_each_new_case_a_working_code_and_link(
    invitation_survey: Survey,
) -> None:
    report = load(invitation_survey, sample_csv([("D1", ""), ("D2", "")]))
    stream = io.BytesIO()
    assert codes_write(cases=load_cases(report.load), survey=invitation_survey, stream=stream) == 2
    rows = list(csv.DictReader(io.StringIO(stream.getvalue().decode())))
    assert [row["reference"] for row in rows] == ["D1", "D2"]
    for row in rows:
        case = Case.objects.get(reference=row["reference"])
        assert case_by_access_code(survey=invitation_survey, typed=row["access_code"]) == case
        token = row["link"].rstrip("/").rsplit("/", 1)[1]
        assert row["link"].startswith("http://testserver/s/invited/k/")
        assert case_by_link_token(survey=invitation_survey, token=token) == case
        stored = " ".join(str(v) for v in Case.objects.filter(pk=case.pk).values().get().values())
        assert row["access_code"] not in stored and token not in stored


def test_load_sample_command_writes_the_codes_once_and_refuses_a_bad_file(
    invitation_survey: Survey, tmp_path
) -> None:
    good = tmp_path / "sample.csv"
    good.write_bytes(sample_csv([("E1", "e1@example.org"), ("E2", "e2@example.org")]))
    codes = tmp_path / "codes.csv"
    out = io.StringIO()
    call_command("load_sample", str(good), survey="invited", codes_out=str(codes), stdout=out)
    assert "2 cases added" in out.getvalue()
    assert codes.stat().st_mode & 0o777 == 0o600  # the codes open every case
    rows = list(csv.reader(codes.open()))
    assert rows[0] == ["reference", "access_code", "link"] and len(rows) == 3
    with pytest.raises(CommandError, match="exists already"):
        call_command("load_sample", str(good), survey="invited", codes_out=str(codes))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="No case was added"):
        call_command("load_sample", str(good), survey="invited", stderr=errors)
    assert "Line 2, column reference: The reference E1 is already" in errors.getvalue()
    assert Case.objects.count() == 2


def test_the_template_names_the_columns(manager_client, invitation_survey: Survey) -> None:
    response = manager_client.get("/manage/invited/sample/template.csv")
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").strip()
    assert header == "reference,email,phone,name,address,mode,interviewer,region"


SAMPLE_COLUMNS = ("reference", "email", "phone", "name", "address", "mode", "interviewer", "region")
GOOD_CELLS = ("G1", "g@example.org", "07700 900123", "Ann", "1 High St", "online", "", "North")


@pytest.mark.parametrize("column", SAMPLE_COLUMNS)
@pytest.mark.parametrize("bad", ["ab\x00c", "\x00", "x\x1by"])
def test_a_nul_byte_or_other_control_character_in_any_cell_is_refused_by_line_and_column(
    invitation_survey: Survey, column: str, bad: str
) -> None:
    """The report names the line and column; nothing is stored, and nothing of the
    report holds the character (a database's JSON cannot hold a NUL)."""
    cells = list(GOOD_CELLS)
    cells[SAMPLE_COLUMNS.index(column)] = bad
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows([SAMPLE_COLUMNS, ("G0", *GOOD_CELLS[1:]), cells])
    report = load(invitation_survey, text.getvalue().encode())
    assert not report.ok
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (3, column, "This holds a control character")
    ]
    assert not Case.objects.exists()
    assert "\\u0000" not in json.dumps(report.as_data()) and "\x00" not in str(report.as_data())


def test_a_sample_with_a_nul_byte_fails_its_job_with_the_report_and_leaves_no_file(
    manager_client: Client, invitation_survey: Survey, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the upload page: the job fails with the report (not the general error,
    no traceback logged), and the upload, personal data and all, is gone at once."""
    upload = io.BytesIO(b"reference,email,interviewer\nN1,n1@example.org,ann\x00\n")
    upload.name = "sample.csv"
    location = manager_client.post("/manage/invited/sample/upload/", {"file": upload})["Location"]
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.error == "No case was added: the file has 1 problem"
    assert job.result["problems"] == [
        {"line": 2, "column": "interviewer", "reason": "This holds a control character"}
    ]
    assert not job_dir(job).exists()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    page = manager_client.get(location).content.decode()
    assert "This holds a control character" in page


def test_the_staging_table_is_analysed_and_repeats_are_found_in_one_pass(
    invitation_survey: Survey,
) -> None:
    """Before the whole-file checks the staging table has its statistics, and the
    repeated references are found without a loop over pairs of lines (a 1,000,000-line
    file with 100,000 repeats: bench/bench_sample_duplicates.py)."""
    rows = [staged_line(SampleRow(line=n + 2, reference=f"R{n % 900}")) for n in range(1000)]
    with transaction.atomic(), connection.cursor() as cursor:
        _create_staging(cursor)
        _stage(cursor, rows)
        load = SampleLoad.objects.create(survey=invitation_survey)
        problems, total = _database_problems(cursor, invitation_survey, load, 5)
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [STAGING])
        assert cursor.fetchone()[0] == 1000
        cursor.execute(f"EXPLAIN {DUPLICATES_SQL}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert total == 100
    assert [(p.line, p.reason) for p in problems][:1] == [
        (902, "The reference R0 is also on line 2: each case has its own reference")
    ]
    assert "Nested Loop" not in plan and "Join" not in plan


def test_a_reference_the_survey_has_after_cases_were_made_refuses_the_whole_load(
    invitation_survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two lines: the first two become cases as they are read, the third
    batch names a reference the survey already has; the load is refused, every
    problem listed (the repeat in the file too), and no case of the file remains."""
    monkeypatch.setattr("surveys.fieldwork.samples.STAGE_BATCH", 2)
    assert load(invitation_survey, sample_csv([("OLD", "")])).ok
    content = sample_csv(
        [("A1", ""), ("A2", ""), ("A3", ""), ("A4", ""), ("A5", ""), ("OLD", ""), ("A1", "")]
    )
    report = load(invitation_survey, content)
    assert not report.ok and report.created == 0
    assert [(p.line, p.column) for p in report.problems] == [(7, "reference"), (8, "reference")]
    assert "already in the survey's sample" in report.problems[0].reason
    assert report.problems[1].reason.endswith("is also on line 2: each case has its own reference")
    references = Case.objects.filter(survey=invitation_survey).values_list("reference", flat=True)
    assert list(references) == ["OLD"]
    assert SampleLoad.objects.filter(survey=invitation_survey).count() == 1


def test_a_line_problem_after_cases_were_made_refuses_the_whole_load(
    invitation_survey: Survey, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first batches become cases, a later line has its own problem: no case
    remains, and the mail-merge file begun for them is deleted."""
    monkeypatch.setattr("surveys.fieldwork.samples.STAGE_BATCH", 2)
    content = sample_csv([("B1", ""), ("B2", ""), ("B3", ""), ("B4", "not-an-address")])
    codes = CodesOut(path=tmp_path / "codes.csv", open=lambda path: path.open("xb"))
    report = load(invitation_survey, content, codes=codes)
    assert not report.ok and report.created == 0
    assert [(p.line, p.column) for p in report.problems] == [(5, "email")]
    assert not Case.objects.filter(survey=invitation_survey).exists()
    assert not SampleLoad.objects.filter(survey=invitation_survey).exists()
    assert list(tmp_path.iterdir()) == []


def test_every_character_a_cell_may_hold_reaches_the_case_as_it_was_written(
    invitation_survey: Survey, make_staff: Any
) -> None:
    """The cases are written as COPY text: a backslash, a tab, a line break or quotes
    in a cell (an address's lines, a name, a variable) reach the case unchanged, and
    each case has the interviewer its line names, or none."""
    interviewer = make_staff("ann", INTERVIEWER)
    rows = [
        ["R\\1", "Ann \\N O'Neil", "1 High St\nFlat\t2\r\nLeeds", "ann", 'say "hi"\\n'],
        ["R2", "Bob\\", "\\", "", "é ü 名前"],
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "name", "address", "interviewer", "note"])
    writer.writerows(rows)
    report = load(invitation_survey, out.getvalue().encode())
    assert report.ok, report.problems
    cases = {
        case.reference: case
        for case in Case.objects.filter(survey=invitation_survey).select_related("interviewer")
    }
    assert set(cases) == {"R\\1", "R2"}
    for reference, name, address, username, note in rows:
        case = cases[reference]
        assert (case.name, case.address, case.variables) == (name, address, {"note": note})
        assert (case.interviewer.username if case.interviewer else "") == username
    assert cases["R\\1"].interviewer == interviewer
