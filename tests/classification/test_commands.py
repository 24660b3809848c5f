"""The export_tables and rederive management commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from seb.derivation import NSSEC
from seb.standard import Mode
from surveys.models import Response, Survey
from tests.conftest import assert_tallies_match

from .conftest import (
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
)
from .helpers import check_structure, open_workbook, published_pair, table_counts

pytestmark = pytest.mark.django_db

SLUG = "test-survey"


@pytest.fixture
def responses(survey: Survey, bulk_responses: BulkResponses) -> Survey:
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 23)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 12, mode=Mode.TELEPHONE)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4, mode=Mode.FACE_TO_FACE)
    return survey


def export(tmp_path: Path, *args: str) -> tuple[Path, str]:
    output = tmp_path / "tables.xlsx"
    out = StringIO()
    call_command("export_tables", "--survey", SLUG, "--output", str(output), *args, stdout=out)
    return output, out.getvalue()


def sheet_values(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, the cover's production date left out."""
    workbook = open_workbook(content)
    values = {
        sheet.title: [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }
    values["Cover"] = [row for row in values["Cover"] if not str(row[0])[:1].isdigit()]
    return values


@pytest.mark.parametrize(
    ("args", "query", "classes"),
    [
        ((), "", "5"),
        (("--classes", "3"), "", "3"),
        (("--classes", "both", "--mode", "online"), "?mode=online", "both"),
        (
            (
                "--from",
                "2000-01-01",
                "--to",
                "2999-12-31",
                "--mode",
                "telephone",
                "--mode",
                "online",
            ),
            "?date_from_0=1&date_from_1=1&date_from_2=2000&date_to_0=31&date_to_1=12"
            "&date_to_2=2999&mode=telephone&mode=online",
            "5",
        ),
    ],
)
def test_export_tables_writes_the_same_workbook_as_the_download(
    tmp_path: Path,
    responses: Survey,
    analyst_client: Client,
    args: tuple[str, ...],
    query: str,
    classes: str,
) -> None:
    """The command's file and the analyst's download hold the same sheets and cells."""
    output, message = export(tmp_path, *args)
    assert "disclosure control applied" in message
    download = analyst_client.get(
        f"/analysis/{SLUG}/download/output-tables-nssec{classes}.xlsx{query}"
    )
    assert sheet_values(output.read_bytes()) == sheet_values(download.content)


def test_export_tables_unrounded_says_so(tmp_path: Path, responses: Survey) -> None:
    """--unrounded writes exact counts, marked on the cover and in every table title."""
    output, message = export(tmp_path, "--unrounded", "--classes", "both")
    assert "unrounded figures" in message
    workbook = open_workbook(output.read_bytes())
    check_structure(
        workbook,
        ["school_type", "free_school_meals", "nssec5", "nssec3", "parental_qualification"],
        unrounded=True,
    )
    assert table_counts(workbook, "school_type")["Non-selective state"] == (23, 59.0)


def test_export_tables_applies_disclosure_control_by_default(
    tmp_path: Path, responses: Survey
) -> None:
    """Without --unrounded the counts are perturbed by the cell key method."""
    output, _ = export(tmp_path)
    counts = table_counts(open_workbook(output.read_bytes()), "school_type")
    assert counts["Non-selective state"] == published_pair(responses, {}, school_type="state")
    assert counts["Independent or fee-paying"] == published_pair(
        responses, {}, school_type="independent"
    )
    assert counts["Independent or fee-paying"][0] not in range(1, 10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2025-02-30"), "is not a date"),
        (("--from", "2025-03-02", "--to", "2025-03-01"), "--to must be the same as or after"),
    ],
)
def test_export_tables_refuses_bad_dates(
    tmp_path: Path, responses: Survey, args: tuple[str, ...], message: str
) -> None:
    """Bad dates are a clear error and no file is written."""
    with pytest.raises(CommandError, match=message):
        export(tmp_path, *args)
    assert not (tmp_path / "tables.xlsx").exists()


def test_export_tables_refuses_an_unknown_survey_or_a_non_xlsx_file(
    tmp_path: Path, survey: Survey
) -> None:
    """An unknown slug, or an output that is not .xlsx, is refused."""
    with pytest.raises(CommandError, match="no survey"):
        call_command("export_tables", "--survey", "nope", "--output", str(tmp_path / "t.xlsx"))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("export_tables", "--survey", SLUG, "--output", str(tmp_path / "t.csv"))


def test_rederive_recomputes_every_complete_response_in_batches(
    responses: Survey, bulk_responses: BulkResponses
) -> None:
    """rederive corrects stale classes of complete responses, batch by batch, and reports."""
    bulk_responses(responses, STATE_EMPLOYEE_CLERICAL, 3, status=Response.Status.IN_PROGRESS)
    stale = list(Response.objects.filter(mode=Mode.TELEPHONE).values_list("pk", flat=True)[:5])
    Response.objects.filter(pk__in=stale).update(nssec5="1", nssec3="1")
    Response.objects.filter(mode=Mode.FACE_TO_FACE).update(nssec5="5", nssec3="3")
    out = StringIO()
    call_command("rederive", "--batch-size", "10", stdout=out)
    assert "for 39 complete responses in 4 batches: 9 changed" in out.getvalue()
    # The tables count the rederived classes.
    assert_tallies_match(responses)
    assert set(
        Response.objects.filter(status="complete", mode=Mode.TELEPHONE).values_list(
            "nssec5", "nssec3"
        )
    ) == {("not_working", "not_working")}
    assert set(Response.objects.filter(mode=Mode.FACE_TO_FACE).values_list("nssec5", "nssec3")) == {
        ("1", "1")
    }
    assert set(Response.objects.filter(status="in_progress").values_list("nssec5")) == {("",)}
    again = StringIO()
    call_command("rederive", stdout=again)
    assert "1 batch: 0 changed" in again.getvalue()


def test_rederive_applies_a_corrected_derivation(responses: Survey) -> None:
    """After a change to the derivation, rederive stores the new classes."""
    with mock.patch(
        "surveys.responses.rederive.derive", return_value=NSSEC(nssec5="4", nssec3="3")
    ):
        out = StringIO()
        call_command("rederive", "--survey", SLUG, stdout=out)
    assert "39 changed" in out.getvalue()
    assert set(Response.objects.values_list("nssec5", "nssec3")) == {("4", "3")}


def test_rederive_refuses_bad_options(survey: Survey) -> None:
    """An unknown survey or a batch size below 1 is refused."""
    with pytest.raises(CommandError, match="no survey"):
        call_command("rederive", "--survey", "nope")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rederive", "--batch-size", "0")
