"""The comparison pages, their reads and their downloads, against the database."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from csvw import CSVW
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from classification.comparisons import (
    ComparisonError,
    mode_comparison,
    survey_comparison,
    variable_comparison,
)
from classification.models import ReferenceDistribution
from classification.selectors import tables_report
from seb.comparisons import MAX_GROUPS, publish_comparison
from seb.disclosure import shown_count
from seb.outputs import publish
from seb.standard import Mode
from seb.tables import Selection, table_definitions
from surveys.models import Case, Survey

from .conftest import SLUG, STATE_EMPLOYEE_CLERICAL, BulkResponses, plausible_responses
from .ods import ods_sheets

pytestmark = pytest.mark.django_db

NSSEC5 = table_definitions()["nssec5"]
COMPARE = f"/analysis/{SLUG}/compare"


@pytest.fixture
def answered(survey: Survey) -> Survey:
    plausible_responses(survey, 300, seed=7)
    return survey


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_mode_comparison_puts_each_modes_published_table_side_by_side(answered: Survey) -> None:
    """Each column is the table the tables page publishes for that mode alone."""
    made = mode_comparison(survey=answered, selection=Selection(), spec=NSSEC5, controlled=True)
    published = publish_comparison(made)
    assert [column.label for column in published.columns] == [mode.label for mode in Mode]
    for mode, column in zip(Mode, published.columns, strict=True):
        alone = publish(
            tables_report(survey=answered, selection=Selection(modes=(mode,)), specs=(NSSEC5,))
        ).tables[0]
        assert column.rows == alone.rows


def test_a_mode_comparison_needs_two_modes(survey: Survey, bulk_responses: BulkResponses) -> None:
    """Unrounded, two modes with responses; under disclosure control, two offered."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 30)
    with pytest.raises(ComparisonError, match="one mode"):
        mode_comparison(survey=survey, selection=Selection(), spec=NSSEC5, controlled=False)
    Survey.objects.filter(pk=survey.pk).update(offers_face_to_face=False, offers_telephone=False)
    survey.refresh_from_db()
    with pytest.raises(ComparisonError, match="one mode"):
        mode_comparison(survey=survey, selection=Selection(), spec=NSSEC5, controlled=True)


def test_under_disclosure_control_every_offered_mode_is_a_column_answered_or_not(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """Which modes have responses would tell a published 0 from a count of 1 to 9, so a
    controlled comparison has a column, and notes naming it, for every offered mode."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 30)  # all online
    compared = mode_comparison(survey=survey, selection=Selection(), spec=NSSEC5, controlled=True)
    assert [side.modes for side in compared.sides] == [(mode,) for mode in survey.modes]
    assert [side.table.total for side in compared.sides][1:] == [0, 0]


def test_the_mode_page_shows_the_comparison_its_chart_and_notes(
    plain_client: Client, answered: Survey
) -> None:
    page = plain_client.get(f"{COMPARE}/mode/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="comparison-table"' in html
    assert "This comparison mixes modes" in html
    assert html.count("<svg ") == 1 and 'role="img"' in html
    assert "style=" not in html and "<style" not in html
    assert "Difference from Online (percentage points)" in html


def test_unrounded_comparisons_need_the_permission(
    plain_client: Client, unrounded_client: Client, answered: Survey
) -> None:
    assert plain_client.get(f"{COMPARE}/mode/?figures=unrounded").status_code == 403
    assert plain_client.get(f"{COMPARE}/mode/download.csv?figures=unrounded").status_code == 403
    page = unrounded_client.get(f"{COMPARE}/mode/?figures=unrounded")
    assert page.status_code == 200
    assert "Unrounded figures" in page.content.decode()


def test_comparison_csv_follows_the_disclosure_rules_and_validates_against_its_metadata(
    plain_client: Client, answered: Survey, tmp_path: Path
) -> None:
    """Every count in the CSV is [c], [z], 0 or a multiple of 5 from 10; each difference is
    the column's percentage minus the base's; a CSVW validator accepts the file."""
    download = plain_client.get(f"{COMPARE}/mode/download.csv?table=school_type")
    described = plain_client.get(f"{COMPARE}/mode/download.csv-metadata.json?table=school_type")
    assert download.status_code == described.status_code == 200
    name = download["Content-Disposition"].split('filename="')[1].rstrip('"')
    today = timezone.localdate().isoformat()
    assert name == f"{SLUG}_compare-school_type-by-mode_all-modes_{today}.csv"
    rows = csv_rows(download.content)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Category", "Column", "Count", "Percentage"]
    base: dict[str, str] = {}
    for category, column, count, percentage, _, _, difference in body:
        assert int(count) == 0 or int(count) >= 10  # no figure from 1 to 9
        if column == "Online":
            base[category] = percentage
            assert difference == "[z]"
        elif category == "Total":
            assert difference == "[z]"
        elif "[c]" in (percentage, base[category]):
            assert difference == "[c]"
        else:
            assert float(difference) == pytest.approx(float(percentage) - float(base[category]))
    metadata = json.loads(described.content)
    assert metadata["url"] == name
    (tmp_path / name).write_text(download.content.decode("utf-8-sig"), encoding="utf-8")
    (tmp_path / "meta.json").write_bytes(described.content)
    assert CSVW(str(tmp_path / name), md_url=str(tmp_path / "meta.json"), validate=True).is_valid


@pytest.mark.parametrize("extension", ["xlsx", "ods"])
def test_comparison_workbooks_hold_the_published_comparison(
    plain_client: Client, answered: Survey, extension: str
) -> None:
    download = plain_client.get(f"{COMPARE}/mode/download.{extension}")
    assert download.status_code == 200
    if extension == "xlsx":
        workbook = load_workbook(io.BytesIO(download.content))
        sheets = {
            sheet.title: [row for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
        assert list(workbook["Comparison"].tables.keys()) == ["nssec5_mode"]
    else:
        sheets = ods_sheets(download.content)
    assert list(sheets) == ["Cover", "Contents", "Notes", "Comparison"]
    rows = sheets["Comparison"]
    header = next(row for row in rows if row and row[0] == "Category")
    assert header[1:3] == ("Online: count", "Online: percentage")
    counts = [
        value
        for row in rows[rows.index(header) + 1 :]
        for position, value in enumerate(row)
        if position % 4 == 1 and 0 < position < 1 + 4 * len(Mode)
    ]
    assert counts and all(isinstance(value, int) and value not in range(1, 10) for value in counts)


@pytest.mark.parametrize("extension", ["svg", "png"])
def test_comparison_charts_download(plain_client: Client, answered: Survey, extension: str) -> None:
    download = plain_client.get(f"{COMPARE}/mode/download.{extension}")
    assert download.status_code == 200
    if extension == "svg":
        assert download["Content-Type"] == "image/svg+xml"
        assert download.content.startswith(b"<svg")
    else:
        assert download.content.startswith(b"\x89PNG")


def test_a_period_comparison_puts_the_earlier_period_first(
    plain_client: Client, survey: Survey
) -> None:
    plausible_responses(survey, 80, seed=3, days_ago=(0, 9))
    plausible_responses(survey, 80, seed=4, days_ago=(30, 39))
    today = timezone.localdate()
    recent, earlier = today - timedelta(days=10), today - timedelta(days=40)

    def dates(prefix: str, start: date, end: date) -> str:
        return (
            f"&{prefix}_from_0={start.day}&{prefix}_from_1={start.month}&{prefix}_from_2={start.year}"
            f"&{prefix}_to_0={end.day}&{prefix}_to_1={end.month}&{prefix}_to_2={end.year}"
        )

    query = (
        "?table=school_type"
        + dates("first", recent, today)
        + dates("second", earlier, recent - timedelta(days=1))
    )
    page = plain_client.get(f"{COMPARE}/period/{query}")
    html = page.content.decode()
    assert page.status_code == 200
    first = html.index(f"{earlier:%-d %b %Y} to")
    second = html.index(f"{recent:%-d %b %Y} to")
    assert first < second
    overlapping = (
        "?table=school_type" + dates("first", earlier, today) + dates("second", recent, today)
    )
    refused = plain_client.get(f"{COMPARE}/period/{overlapping}")
    assert refused.status_code == 200
    assert "The periods must not overlap" in refused.content.decode()
    assert 'id="comparison-table"' not in refused.content.decode()
    # A download asked for with the same mistake goes back to the page, which explains it.
    assert plain_client.get(f"{COMPARE}/period/download.csv{overlapping}").status_code == 302


def test_a_period_comparison_says_which_dates_are_missing(
    plain_client: Client, answered: Survey
) -> None:
    page = plain_client.get(f"{COMPARE}/period/?table=nssec5&first_from_0=1")
    html = page.content.decode()
    assert "There is a problem" in html
    assert "First period from must include a month" in html
    assert "Enter the date: second period from" in html


def make_cases(survey: Survey, values: list[object]) -> list[int]:
    cases = [
        Case.objects.create(survey=survey, reference=f"case-{n}", variables={"region": value})
        for n, value in enumerate(values)
    ]
    return [case.pk for case in cases]


def test_a_variable_comparison_groups_responses_by_their_cases_values(survey: Survey) -> None:
    values: list[object] = ["North"] * 60 + ["South"] * 40 + [""] * 5
    ids = make_cases(survey, values)
    plausible_responses(survey, len(ids), seed=5, case_ids=ids)
    plausible_responses(survey, 12, seed=6)  # no case: in no column
    made = variable_comparison(
        survey=survey, selection=Selection(), variable="region", spec=NSSEC5, controlled=True
    )
    assert [side.label for side in made.sides] == ["North", "South"]
    assert [side.table.total for side in made.sides] == [60, 40]
    assert made.excluded.count == 17
    notes = " ".join(note.text for note in publish_comparison(made).notes)
    excluded = shown_count(made.excluded)
    assert f"{excluded} complete responses in the selection had no case or no value" in notes


def test_a_controlled_variable_comparison_has_a_column_for_every_value_in_the_sample(
    survey: Survey,
) -> None:
    """A value of the sample nobody with it answered is a column too (published 0), so
    a column's presence does not tell a 0 from a count of 1 to 9; unrounded, only the
    values with responses are columns."""
    ids = make_cases(survey, ["North"] * 30 + ["South"] * 30)
    for n in range(3):  # in the sample, not answered
        Case.objects.create(survey=survey, reference=f"east-{n}", variables={"region": "East"})
    plausible_responses(survey, len(ids), seed=9, case_ids=ids)
    controlled = variable_comparison(
        survey=survey, selection=Selection(), variable="region", spec=NSSEC5, controlled=True
    )
    assert [side.label for side in controlled.sides] == ["East", "North", "South"]
    assert controlled.sides[0].table.total == 0
    unrounded = variable_comparison(
        survey=survey, selection=Selection(), variable="region", spec=NSSEC5, controlled=False
    )
    assert [side.label for side in unrounded.sides] == ["North", "South"]


def test_a_variable_with_too_many_values_is_refused_with_a_reason(
    plain_client: Client, survey: Survey
) -> None:
    ids = make_cases(survey, [f"area {n % (MAX_GROUPS + 1)}" for n in range(40)])
    plausible_responses(survey, len(ids), seed=8, case_ids=ids)
    with pytest.raises(ComparisonError, match=f"at most {MAX_GROUPS} columns"):
        variable_comparison(
            survey=survey, selection=Selection(), variable="region", spec=NSSEC5, controlled=True
        )
    page = plain_client.get(f"{COMPARE}/variable/?table=nssec5&variable=region")
    assert page.status_code == 200
    assert f"at most {MAX_GROUPS} columns" in page.content.decode()


def test_the_variable_page_says_when_the_sample_has_no_variables(
    plain_client: Client, answered: Survey
) -> None:
    page = plain_client.get(f"{COMPARE}/variable/")
    assert "sample has no variables" in page.content.decode()


def test_a_survey_comparison_lists_only_surveys_of_the_same_standard(
    plain_client: Client, answered: Survey, make_survey: object
) -> None:
    other = make_survey("earlier-wave", name="Earlier wave")  # type: ignore[operator]
    plausible_responses(other, 150, seed=9)
    page = plain_client.get(f"{COMPARE}/survey/?table=nssec5&other=earlier-wave")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Earlier wave minus Test survey" in html  # the survey the analyst came from is the base
    assert "Test survey, compared with Earlier wave" in html  # the title names the other
    assert "comparable with other surveys that also use this standard" in html
    unknown = plain_client.get(f"{COMPARE}/survey/?table=nssec5&other=nowhere")
    assert "Select a survey from the list" in unknown.content.decode()
    other.standard_version = "2019-01-01"  # as if another version of the standard
    with pytest.raises(ComparisonError, match="another version of the standard"):
        survey_comparison(
            survey=answered, other=other, selection=Selection(), spec=NSSEC5, controlled=True
        )


@pytest.fixture
def reference() -> ReferenceDistribution:
    spec = table_definitions()["parental_qualification"]
    return ReferenceDistribution.objects.create(
        name="Test reference",
        population="adults in a test",
        source="Table 9",
        publisher="A statistics office",
        published_on=date(2025, 2, 3),
        table_key=spec.key,
        url="https://example.org/t9",
        licence="Open Government Licence v3.0",
        percentages={spec.rows[0].key: 30.0, spec.rows[1].key: 45.0, spec.rows[2].key: 25.0},
    )


def test_a_reference_comparison_cites_its_source(
    plain_client: Client, answered: Survey, reference: ReferenceDistribution
) -> None:
    page = plain_client.get(f"{COMPARE}/reference/?reference={reference.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Test survey minus Test reference" in html
    assert "A statistics office (2025). Table 9, published 3 February 2025." in html
    assert "https://example.org/t9" in html


@pytest.mark.parametrize(
    "url",
    [
        f"{COMPARE}/sideways/",
        f"{COMPARE}/mode/download.exe",
        f"{COMPARE}/nowhere/download.csv",
    ],
)
def test_unknown_comparisons_and_files_are_not_found(
    plain_client: Client, answered: Survey, url: str
) -> None:
    assert plain_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?table=everything", "Select a table from the list"),
        ("?date_from_0=31&date_from_1=2&date_from_2=2025", "Completed from must be a real date"),
        ("?table=nssec5&mode=postal", "Select modes from the list"),
    ],
)
def test_bad_input_gets_a_clear_message_and_no_comparison(
    plain_client: Client, answered: Survey, query: str, message: str
) -> None:
    page = plain_client.get(
        f"{COMPARE}/period/{query}" if "mode=" in query else f"{COMPARE}/mode/{query}"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert message in html
    assert 'id="comparison-table"' not in html


@pytest.mark.parametrize(
    "url",
    [f"{COMPARE}/", f"{COMPARE}/mode/", f"{COMPARE}/mode/download.csv"],
)
def test_comparisons_are_for_analysts_only(
    client: Client, interviewer: object, answered: Survey, url: str
) -> None:
    assert client.get(url).status_code == 302
    client.force_login(interviewer)  # type: ignore[arg-type]
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("dimension", ["survey", "period", "variable", "reference"])
def test_a_comparison_form_shows_no_error_before_it_is_submitted(
    plain_client: Client, answered: Survey, dimension: str
) -> None:
    html = plain_client.get(f"{COMPARE}/{dimension}/").content.decode()
    assert "There is a problem" not in html
    assert "govuk-error-message" not in html


def test_a_comparison_that_cannot_be_made_from_the_defaults_is_explained_not_an_error(
    plain_client: Client, make_survey: object
) -> None:
    one_mode = make_survey(  # type: ignore[operator]
        "one-mode", offers_face_to_face=False, offers_telephone=False
    )
    plausible_responses(one_mode, 20, seed=3, modes={Mode.ONLINE: 1})
    html = plain_client.get("/analysis/one-mode/compare/mode/").content.decode()
    assert "There is a problem" not in html
    assert "govuk-inset-text" in html and "nothing to compare by mode" in html
