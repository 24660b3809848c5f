"""The tables' counts, aggregated in the database for a selection of responses."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from classification.selectors import survey_summaries, table_counts, tables_report
from seb.standard import Mode, load_standard
from seb.tables import Selection, table_definitions
from surveys.models import Response, Survey

from .conftest import (
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
)
from .test_derivation import SPEC_NSSEC3, complete_answer_sets, spec_nssec5

pytestmark = pytest.mark.django_db


@cache
def all_paths(mode: Mode) -> list[dict[str, str]]:
    return list(complete_answer_sets(load_standard(), mode))


def counts(survey: Survey, key: str, selection: Selection | None = None) -> dict[Any, int]:
    return table_counts(
        survey=survey, selection=selection or Selection(), spec=table_definitions()[key]
    )


def test_only_complete_responses_are_counted(survey: Survey, bulk_responses: BulkResponses) -> None:
    """Responses in progress and stopped interviews are never in a table."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 3)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 4, status=Response.Status.IN_PROGRESS)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 5, status=Response.Status.STOPPED)
    assert counts(survey, "school_type") == {"state": 3}


def test_only_the_surveys_own_responses_are_counted(
    make_survey: Callable[..., Survey], bulk_responses: BulkResponses
) -> None:
    """Another survey's responses never reach this survey's tables."""
    mine, other = make_survey("mine"), make_survey("other")
    bulk_responses(mine, STATE_EMPLOYEE_CLERICAL, 2)
    bulk_responses(other, STATE_EMPLOYEE_CLERICAL, 9)
    assert counts(mine, "school_type") == {"state": 2}


def test_free_school_meals_counts_those_not_asked_apart(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """Independent-school respondents were not asked free school meals: base excludes them."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 6)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 2)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4)
    report = tables_report(survey=survey, selection=Selection())
    fsm = report.table("free_school_meals")
    assert [row.count for row in fsm.rows] == [6, 2, 0, 0]
    assert (fsm.total, fsm.not_asked) == (8, 4)
    assert report.table("school_type").total == 12


def test_nssec_tables_count_the_derived_classes(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """The NS-SEC tables group by the stored 5- and 3-class codes."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 6)  # class 2
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 2)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4)  # class 1
    assert counts(survey, "nssec5") == {"2": 6, "not_working": 2, "1": 4}
    report = tables_report(survey=survey, selection=Selection(), classes="3")
    assert [row.count for row in report.table("nssec3").rows] == [4, 6, 0, 2, 0]


def test_mode_filter_counts_only_the_chosen_modes(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """Selecting modes leaves out the other modes' responses."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 3, mode=Mode.ONLINE)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 5, mode=Mode.TELEPHONE)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 7, mode=Mode.FACE_TO_FACE)
    assert counts(survey, "school_type", Selection(modes=(Mode.TELEPHONE,))) == {
        "state_selective": 5
    }
    both = Selection(modes=(Mode.ONLINE, Mode.FACE_TO_FACE))
    assert counts(survey, "school_type", both) == {"state": 3, "independent": 7}


def test_date_filter_includes_both_days_in_london_time(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """From and to are whole days in the service's time zone, both included."""

    def at(*args: int) -> datetime:
        return datetime(*args, tzinfo=UTC)

    # 23:30 UTC on 31 March 2025 is 00:30 BST on 1 April.
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 1, completed_at=at(2025, 3, 31, 22, 59))
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 2, completed_at=at(2025, 3, 31, 23, 30))
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4, completed_at=at(2025, 4, 30, 22, 59))
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 8, completed_at=at(2025, 4, 30, 23, 0))
    april = Selection(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30))
    assert counts(survey, "school_type", april) == {"state_selective": 2, "independent": 4}
    assert counts(survey, "school_type", Selection(date_from=date(2025, 5, 1))) == {"state": 8}
    assert counts(survey, "school_type", Selection(date_to=date(2025, 3, 31))) == {"state": 1}


def test_a_complete_response_cannot_be_stored_without_its_derived_classes(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """The database refuses a complete response with no NS-SEC, so no table can meet one."""
    (response,) = bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(nssec5="", nssec3="")


def test_one_query_per_table_whatever_the_number_of_responses(
    survey: Survey, bulk_responses: BulkResponses
) -> None:
    """Each table is one GROUP BY query: five tables, five queries, for 3 or 300 responses."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 3)
    tables_report(survey=survey, selection=Selection())  # warms the option index
    with CaptureQueriesContext(connection) as few:
        tables_report(survey=survey, selection=Selection(), classes="both")
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 150)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 147, mode=Mode.TELEPHONE)
    with CaptureQueriesContext(connection) as many:
        tables_report(survey=survey, selection=Selection(), classes="both")
    assert len(few) == len(many) == 5
    assert all("GROUP BY" in query["sql"] for query in many.captured_queries)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tables_hold_exactly_the_counts_of_any_set_of_responses(
    seed: int, survey: Survey, bulk_responses: BulkResponses
) -> None:
    """Random complete responses on any route and mode: each row counts what the spec says."""
    rng = random.Random(seed)
    paths = {mode: all_paths(mode) for mode in Mode}
    expected: dict[str, Counter[str | None]] = {key: Counter() for key in table_definitions()}
    for _ in range(120):
        mode = rng.choice(list(Mode))
        answers = rng.choice(paths[mode])
        times = rng.randint(1, 3)
        bulk_responses(survey, answers, times, mode=mode)
        nssec5 = spec_nssec5(answers)
        for key in ("school_type", "free_school_meals", "parental_qualification"):
            expected[key][answers.get(key)] += times
        expected["nssec5"][nssec5] += times
        expected["nssec3"][SPEC_NSSEC3[nssec5]] += times
    report = tables_report(survey=survey, selection=Selection(), classes="both")
    for table in report.tables:
        spec_rows = table.spec.rows
        for row, spec_row in zip(table.rows, spec_rows, strict=True):
            assert row.count == sum(expected[table.key][code] for code in spec_row.codes)
        asked = sum(n for code, n in expected[table.key].items() if code is not None)
        assert table.total == asked
    assert report.table("free_school_meals").not_asked == expected["free_school_meals"][None]
    assert report.table("school_type").total == sum(expected["school_type"].values())


def test_survey_summaries_count_each_status_per_mode(
    make_survey: Callable[..., Survey], bulk_responses: BulkResponses
) -> None:
    """The survey list counts complete, in-progress and stopped responses per mode."""
    survey = make_survey("counted", name="Counted", offers_face_to_face=False)
    make_survey("empty", name="Empty")
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 3, mode=Mode.ONLINE)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 2, status=Response.Status.IN_PROGRESS)
    bulk_responses(
        survey, STATE_EMPLOYEE_CLERICAL, 4, mode=Mode.TELEPHONE, status=Response.Status.STOPPED
    )
    summaries = {summary.survey.slug: summary for summary in survey_summaries()}
    counted = summaries["counted"]
    by_mode = {counts.mode: counts for counts in counted.modes}
    assert set(by_mode) == {Mode.ONLINE, Mode.TELEPHONE}
    assert (by_mode[Mode.ONLINE].complete, by_mode[Mode.ONLINE].in_progress) == (3, 2)
    assert by_mode[Mode.TELEPHONE].stopped == 4
    assert (counted.complete, counted.in_progress, counted.stopped) == (3, 2, 4)
    assert summaries["empty"].complete == 0
