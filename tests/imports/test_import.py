"""Importing interchange files: every line checked, all of them stored or none."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from classification.imports import ImportReport, import_responses
from classification.selectors import tables_report
from seb.interchange import COLUMNS, FileFormat
from seb.standard import QUESTION_KEYS
from seb.tables import Selection
from surveys.models import Response, ResponseTally, Survey

from .files import (
    EMPLOYEE,
    LARGE_EMPLOYER,
    OWN_ACCOUNT,
    TELEPHONE_DONT_KNOW,
    VALID_ROWS,
    csv_file,
    xlsx_of,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def run_import(
    survey: Survey, data: bytes, file_format: FileFormat = FileFormat.CSV, **options: int
) -> ImportReport:
    return import_responses(
        survey=survey, stream=io.BytesIO(data), file_format=file_format, now=NOW, **options
    )


def stored(survey: Survey) -> list[dict[str, str]]:
    """The survey's responses as interchange rows, in reference order."""
    rows = []
    for response in Response.objects.filter(survey=survey):
        rows.append({"mode": response.mode, **response.answers, "reference": response.reference})
    return sorted(rows, key=lambda row: row["reference"])


@pytest.fixture
def existing(survey: Survey, make_response: Callable[..., Response]) -> Response:
    """A response collected before the import, which a failed import leaves alone."""
    return make_response(
        survey, {k: v for k, v in EMPLOYEE.items() if k not in ("mode", "reference")}
    )


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_a_valid_file_imports_every_response(survey: Survey, file_format: FileFormat) -> None:
    """Each line becomes a response with exactly its answers, mode and reference."""
    data = csv_file(VALID_ROWS) if file_format is FileFormat.CSV else xlsx_of(VALID_ROWS)
    report = run_import(survey, data, file_format)
    assert report.ok, report.problems
    assert report.imported == len(VALID_ROWS)
    assert report.summary == "4 responses imported into Test survey"
    assert stored(survey) == [dict(row) for row in VALID_ROWS]


def test_imported_responses_are_complete_marked_imported_and_derived(survey: Survey) -> None:
    """Imported responses are complete at the import time, source imported, with NS-SEC."""
    run_import(survey, csv_file([OWN_ACCOUNT]))
    response = Response.objects.get(survey=survey)
    assert response.status == Response.Status.COMPLETE
    assert response.source == Response.Source.IMPORTED
    assert response.completed_at == NOW
    assert response.standard_version == survey.standard_version
    assert (response.nssec5, response.nssec3) == ("3", "2")
    assert response.interviewer is None
    # Its record key (cell key method) is drawn as it is imported, and its tallies sum it.
    assert 0 <= response.record_key < 256
    tallies = ResponseTally.objects.filter(survey=survey)
    assert {(tally.count, tally.key_sum) for tally in tallies} == {(1, response.record_key)}


def test_imported_responses_count_in_the_tables(survey: Survey, existing: Response) -> None:
    """The tables count imported responses with the collected one, by the same rules."""
    run_import(survey, csv_file(VALID_ROWS))
    report = tables_report(survey=survey, selection=Selection(), classes="5", controlled=False)
    school = report.table("school_type")
    assert [row.count for row in school.rows] == [2, 0, 1, 0, 1, 1]
    meals = report.table("free_school_meals")
    assert (meals.total, meals.not_asked) == (3, 2)
    assert [row.count for row in report.table("nssec5").rows] == [3, 0, 1, 0, 0, 0, 1]


@pytest.mark.parametrize(
    ("rows", "line", "column", "reason"),
    [
        (
            [EMPLOYEE, {**LARGE_EMPLOYER, "mode": "phone"}],
            3,
            "mode",
            "“phone” is not a mode: use online, face_to_face or telephone",
        ),
        (
            [{**TELEPHONE_DONT_KNOW, "mode": "face_to_face", "free_school_meals": "no"}],
            2,
            "earner_employment_status",
            "The face_to_face mode does not offer dont_know for earner_employment_status",
        ),
        (
            [
                {
                    **TELEPHONE_DONT_KNOW,
                    "mode": "face_to_face",
                    "earner_employment_status": "prefer_not_to_say",
                }
            ],
            2,
            "earner_employment_status",
            "The face_to_face mode does not offer prefer_not_to_say for earner_employment_status",
        ),
        (
            [{**TELEPHONE_DONT_KNOW, "mode": "online", "parental_qualification": "degree"}],
            2,
            "earner_employment_status",
            "The online mode does not offer dont_know for earner_employment_status",
        ),
        (
            [EMPLOYEE, OWN_ACCOUNT, {**LARGE_EMPLOYER, "free_school_meals": "yes"}],
            4,
            "free_school_meals",
            "This cell must be empty: school_type = independent routes past free_school_meals",
        ),
        (
            [{**EMPLOYEE, "supervisor": ""}],
            2,
            "supervisor",
            "The answer to supervisor is missing: employer_size = 25_or_more routes to it",
        ),
        (
            [{**EMPLOYEE, "school_type": "grammar"}],
            2,
            "school_type",
            "“grammar” is not an answer to school_type",
        ),
        (
            [{**EMPLOYEE, "reference": "r" * 201}],
            2,
            "reference",
            "The reference is 201 characters long: it can be at most 200",
        ),
    ],
    ids=[
        "unknown-mode",
        "face-to-face-dont-know",
        "face-to-face-prefer-not",
        "online-dont-know",
        "answer-off-the-path",
        "missing-answer-on-the-path",
        "unknown-code",
        "reference-too-long",
    ],
)
def test_a_bad_line_is_reported_and_nothing_is_stored(
    survey: Survey,
    existing: Response,
    rows: Sequence[Mapping[str, str]],
    line: int,
    column: str,
    reason: str,
) -> None:
    """One bad line: the report names its line, column and reason, and no response is stored."""
    before = Response.objects.count()
    report = run_import(survey, csv_file([*VALID_ROWS, *rows][len(VALID_ROWS) :]))
    assert not report.ok
    assert report.imported == 0
    assert [(p.line, p.column) for p in report.problems] == [(line, column)]
    assert report.problems[0].reason.startswith(reason)
    assert report.summary == "Nothing was imported: 1 line has problems"
    assert Response.objects.count() == before


@pytest.mark.parametrize(
    ("columns", "column", "reason"),
    [
        ((*COLUMNS, "colour"), "colour", "“colour” is not a column of the interchange format"),
        (
            tuple(c for c in COLUMNS if c != "employer_size"),
            "employer_size",
            "The header row has no such column",
        ),
    ],
    ids=["unknown-column", "missing-column"],
)
def test_a_bad_header_is_reported_and_nothing_is_stored(
    survey: Survey, existing: Response, columns: tuple[str, ...], column: str, reason: str
) -> None:
    """An unknown or missing column is named on line 1 and nothing is stored."""
    before = Response.objects.count()
    report = run_import(survey, csv_file([OWN_ACCOUNT], columns))
    assert report.summary == "Nothing was imported: the header row has problems"
    assert [(p.line, p.column) for p in report.problems] == [(1, column)]
    assert report.problems[0].reason.startswith(reason)
    assert Response.objects.count() == before


NO_RESPONSES = "Nothing was imported: the file has no responses"
UNREADABLE = "Nothing was imported: the file cannot be read"


@pytest.mark.parametrize(
    ("data", "file_format", "summary", "reason"),
    [
        (
            b"",
            FileFormat.CSV,
            NO_RESPONSES,
            "The file is empty: it has no header row and no responses",
        ),
        (
            b"\r\n\r\n",
            FileFormat.CSV,
            NO_RESPONSES,
            "The file is empty: it has no header row and no responses",
        ),
        (
            ",".join(COLUMNS).encode(),
            FileFormat.CSV,
            NO_RESPONSES,
            "The file has a header row but no responses",
        ),
        (
            csv_file([{**OWN_ACCOUNT, "reference": "Zoë"}]).replace("ë".encode(), b"\xeb"),
            FileFormat.CSV,
            UNREADABLE,
            "The file is not UTF-8 text",
        ),
        (
            b"PK\x03\x04 but not a workbook",
            FileFormat.XLSX,
            UNREADABLE,
            "The file is not an Excel workbook",
        ),
        (
            xlsx_of([OWN_ACCOUNT]),
            FileFormat.CSV,
            UNREADABLE,
            "The file is an Excel workbook, not CSV",
        ),
    ],
    ids=["empty", "blank-lines", "header-only", "not-utf8", "damaged-xlsx", "xlsx-named-csv"],
)
def test_an_unreadable_file_is_reported_and_nothing_is_stored(
    survey: Survey,
    existing: Response,
    data: bytes,
    file_format: FileFormat,
    summary: str,
    reason: str,
) -> None:
    """A file that cannot be read, or holds no responses, stores nothing and says why."""
    before = Response.objects.count()
    report = run_import(survey, data, file_format)
    assert report.summary == summary
    assert len(report.problems) == 1
    assert report.problems[0].reason.startswith(reason)
    assert Response.objects.count() == before


def test_every_bad_line_is_listed_with_the_good_ones_skipped(survey: Survey) -> None:
    """All bad lines are reported in file order, however far apart."""
    rows = [EMPLOYEE, {**EMPLOYEE, "mode": ""}, OWN_ACCOUNT, {**OWN_ACCOUNT, "supervisor": "no"}]
    report = run_import(survey, csv_file(rows))
    assert [(p.line, p.column) for p in report.problems] == [(3, "mode"), (5, "supervisor")]
    assert report.bad_lines == 2
    assert Response.objects.count() == 0


def test_the_list_of_problems_is_capped_but_all_are_counted(survey: Survey) -> None:
    """Past the cap, problems are counted, not listed."""
    report = run_import(survey, csv_file([{**EMPLOYEE, "mode": "x"}] * 7), max_listed=3)
    assert [p.line for p in report.problems] == [2, 3, 4]
    assert (report.problem_count, report.bad_lines, report.unlisted) == (7, 7, 4)


def test_a_mode_the_survey_does_not_offer_is_refused(make_survey: Callable[..., Survey]) -> None:
    """A survey that takes online responses only refuses a telephone line."""
    online_only = make_survey("online-only", offers_face_to_face=False, offers_telephone=False)
    report = run_import(online_only, csv_file([EMPLOYEE, OWN_ACCOUNT]))
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (3, "mode", "This survey does not take telephone responses")
    ]
    assert Response.objects.count() == 0


def test_a_microdata_file_imports_when_its_derived_columns_agree(survey: Survey) -> None:
    """nssec5 and nssec3 columns are checked, not trusted: a wrong one stops the import."""
    columns = (*COLUMNS, "nssec5", "nssec3")
    good = {**OWN_ACCOUNT, "nssec5": "3", "nssec3": "2"}
    bad = {**EMPLOYEE, "reference": "R-9", "nssec5": "5", "nssec3": "3"}
    report = run_import(survey, csv_file([good, bad], columns))
    assert [(p.line, p.column) for p in report.problems] == [(3, "nssec5"), (3, "nssec3")]
    assert run_import(survey, csv_file([good], columns)).imported == 1


def test_references_with_tabs_newlines_and_backslashes_are_stored_as_written(
    survey: Survey,
) -> None:
    """COPY's special characters in a reference arrive unchanged."""
    reference = "a\tb\\N\nc\r\\"
    run_import(survey, csv_file([{**OWN_ACCOUNT, "reference": reference}]))
    assert Response.objects.get(survey=survey).reference == reference


@pytest.fixture
def small_statements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """COPY statements of about 5 rows, sent in pieces of 2: for each statement, the rows
    it held and how many pieces it was sent in."""
    from django.db.backends.utils import CursorWrapper

    from surveys.responses import bulk

    monkeypatch.setattr(bulk, "ROWS_PER_PIECE", 2)
    monkeypatch.setattr(bulk, "ROWS_PER_COPY", 5)
    held: list[tuple[int, int]] = []

    @contextmanager
    def copy(self: CursorWrapper, sql: str) -> Iterator[Any]:
        with self.cursor.copy(sql) as inner:
            pieces = 0
            write = inner.write

            def counted(data: str) -> None:
                nonlocal pieces
                pieces += 1
                write(data)

            inner.write = counted
            yield inner
        held.append((self.cursor.rowcount, pieces))

    monkeypatch.setattr(CursorWrapper, "copy", copy, raising=False)
    return held


def numbered(count: int) -> list[dict[str, str]]:
    """`count` valid rows, each with a reference of its own."""
    return [{**VALID_ROWS[n % len(VALID_ROWS)], "reference": f"R{n:03}"} for n in range(count)]


def test_a_file_goes_in_several_statements_each_of_several_pieces(
    survey: Survey, small_statements: list[tuple[int, int]]
) -> None:
    """Every row arrives once, whichever piece and statement carried it."""
    rows = numbered(23)
    report = run_import(survey, csv_file(rows))
    assert report.imported == 23
    assert stored(survey) == rows
    assert sum(held for held, _ in small_statements) == 23
    assert small_statements[:-1] == [(6, 3)] * (len(small_statements) - 1)
    assert len(small_statements) == 4


def test_a_bad_line_after_statements_were_sent_leaves_nothing_stored(
    survey: Survey, existing: Response, small_statements: list[tuple[int, int]]
) -> None:
    """Rows already sent by earlier statements are rolled back with the rest."""
    rows = numbered(23)
    rows[20] = {**rows[20], "school_type": "boarding"}
    report = run_import(survey, csv_file(rows))
    assert sum(held for held, _ in small_statements) >= 15
    assert not report.ok
    assert report.imported == 0
    assert [problem.line for problem in report.problems] == [22]
    assert list(Response.objects.filter(survey=survey)) == [existing]


def test_a_failure_while_rows_are_being_made_stores_nothing_and_says_what_failed(
    survey: Survey, existing: Response, small_statements: list[tuple[int, int]]
) -> None:
    """An error raised while the rows are made, after statements and pieces were sent,
    reaches the caller as itself; nothing is stored and the connection still works."""
    from surveys.responses import bulk

    answers = {k: v for k, v in EMPLOYEE.items() if k not in ("mode", "reference")}
    made = bulk.complete(survey, "online", answers)

    def responses() -> Iterator[bulk.NewResponse]:
        for number in range(17):
            yield bulk.NewResponse(complete=made, reference=f"R{number}")
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        bulk.responses_create(survey=survey, responses=responses())
    assert sum(held for held, _ in small_statements) >= 12
    assert list(Response.objects.filter(survey=survey)) == [existing]


def test_answers_off_the_route_never_reach_the_database(survey: Survey) -> None:
    """Stored responses hold an answer for each question on their route and none other."""
    run_import(survey, csv_file(VALID_ROWS))
    for response in Response.objects.filter(survey=survey):
        answered = {key for key in QUESTION_KEYS if getattr(response, key) is not None}
        expected = next(row for row in VALID_ROWS if row["reference"] == response.reference)
        assert answered == {key for key in QUESTION_KEYS if expected.get(key)}
