"""The caseload's rules as pure code (seb.caseload): statuses, missed appointments, when
resuming is a new call or visit, and the progress figures with and without disclosure
control, checked against hand-worked examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from seb.caseload import (
    MISSED_AFTER,
    CaseFacts,
    CaseStatus,
    appointment_missed,
    case_status,
    day_bounds,
    is_done,
    resuming_is_a_new_attempt,
    shown_progress,
)
from seb.disclosure import CONFIDENTIAL, NOT_AVAILABLE
from seb.fieldwork import Outcome

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def facts(**given: object) -> CaseFacts:
    return CaseFacts(**{"outcome": Outcome.NO_RETURN, **given})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ({}, CaseStatus.NOT_STARTED),
        ({"attempt_count": 2, "outcome": Outcome.NON_CONTACT}, CaseStatus.TRIED),
        ({"next_appointment_at": NOW + timedelta(hours=1)}, CaseStatus.APPOINTMENT),
        ({"next_appointment_at": NOW - MISSED_AFTER}, CaseStatus.APPOINTMENT),
        (
            {"next_appointment_at": NOW - MISSED_AFTER - timedelta(seconds=1)},
            CaseStatus.APPOINTMENT_MISSED,
        ),
        ({"in_progress": True, "unfinished_interview": True}, CaseStatus.INTERVIEW_IN_PROGRESS),
        ({"unfinished_interview": True}, CaseStatus.INTERVIEW_STOPPED),
        ({"outcome": Outcome.COMPLETE, "closed": True}, CaseStatus.COMPLETE),
        ({"withdrawn": True, "closed": True}, CaseStatus.WITHDRAWN),
        ({"closed": True, "unfinished_interview": True}, CaseStatus.CLOSED),
        ({"survey_closed": True}, CaseStatus.SURVEY_CLOSED),
    ],
)
def test_a_cases_status_says_where_it_stands(given: dict[str, object], status: CaseStatus) -> None:
    assert case_status(facts(**given), NOW) is status


@pytest.mark.parametrize(
    ("given", "done"),
    [
        ({}, False),
        ({"outcome": Outcome.REFUSAL}, False),
        ({"outcome": Outcome.COMPLETE}, True),
        ({"closed": True}, True),
        ({"withdrawn": True}, True),
        ({"survey_closed": True}, True),
    ],
)
def test_a_case_is_done_when_complete_closed_withdrawn_or_its_survey_closed(
    given: dict[str, object], done: bool
) -> None:
    assert is_done(facts(**given)) is done


def test_an_appointment_is_missed_only_once_its_time_has_passed_by_more_than_the_grace() -> None:
    assert not appointment_missed(None, NOW)
    assert not appointment_missed(NOW, NOW)
    assert not appointment_missed(NOW - MISSED_AFTER, NOW)
    assert appointment_missed(NOW - MISSED_AFTER - timedelta(minutes=1), NOW)


def test_a_day_runs_from_local_midnight_to_local_midnight_across_a_clock_change() -> None:
    start, end = day_bounds(datetime(2026, 3, 29).date(), LONDON)  # British Summer Time begins
    assert start.utcoffset() == timedelta(0)
    assert end.utcoffset() == timedelta(hours=1)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


@pytest.mark.parametrize(
    ("status", "last", "new"),
    [
        ("stopped", NOW - timedelta(minutes=5), True),
        ("abandoned", NOW - timedelta(days=9), True),
        ("in_progress", NOW - timedelta(minutes=5), False),
        ("in_progress", NOW - timedelta(days=1), True),
        ("in_progress", None, True),
    ],
)
def test_resuming_is_a_new_call_or_visit_after_a_stop_or_on_a_later_day(
    status: str, last: datetime | None, new: bool
) -> None:
    assert resuming_is_a_new_attempt(status=status, last_attempt_at=last, now=NOW, zone=LONDON) is (
        new
    )


# Progress figures ------------------------------------------------------------------

# A hand-worked interviewer: I=2, P=1, R=2 (a refusal and a break-off), NC=1, O=1,
# U=1, NE=1; nine cases.
HAND_WORKED = {
    Outcome.COMPLETE: 2,
    Outcome.PARTIAL: 1,
    Outcome.REFUSAL: 1,
    Outcome.BREAK_OFF: 1,
    Outcome.NON_CONTACT: 1,
    Outcome.OTHER: 1,
    Outcome.NO_RETURN: 1,
    Outcome.NOT_ELIGIBLE: 1,
}


def test_unrounded_progress_is_the_exact_counts_and_rates_worked_by_hand() -> None:
    """RR1 = 2/8; RR2 = 3/8; e = 7/8, so RR3 = 2/(7 + 7/8) and RR4 = 3/(7 + 7/8);
    COOP1 = 2/6; REF1 = 2/8; CON1 = 6/8."""
    shown = shown_progress(HAND_WORKED, controlled=False)
    assert shown.cases == 9
    assert shown.counts == {"I": 2, "P": 1, "R": 2, "NC": 1, "O": 1, "U": 1, "NE": 1}
    assert shown.rates == {
        "RR1": "25.0",
        "RR2": "37.5",
        "RR3": "25.4",
        "RR4": "38.1",
        "COOP1": "33.3",
        "REF1": "25.0",
        "CON1": "75.0",
    }


def test_controlled_progress_hides_small_counts_and_every_rate_they_feed() -> None:
    shown = shown_progress(HAND_WORKED, controlled=True)
    assert shown.cases == CONFIDENTIAL
    assert set(shown.counts.values()) == {CONFIDENTIAL}
    assert set(shown.rates.values()) == {CONFIDENTIAL}


def test_controlled_rates_are_worked_from_the_rounded_counts() -> None:
    """I=23 -> 25, R=12 -> 10, NC=31 -> 30, U=47 -> 45, nothing else: no [c]. From the
    rounded counts: RR1 = 25/110 = 22.7% (unrounded, 23/113 = 20.4%), COOP1 = 25/35 =
    71.4%, REF1 = 10/110 = 9.1%, CON1 = 35/110 = 31.8%; e = 1, so RR3 = RR1."""
    counts = {
        Outcome.COMPLETE: 23,
        Outcome.REFUSAL: 12,
        Outcome.NON_CONTACT: 31,
        Outcome.NO_RETURN: 47,
    }
    shown = shown_progress(counts, controlled=True)
    assert shown.cases == 115  # 113 rounded to 5
    assert shown.counts == {"I": 25, "P": 0, "R": 10, "NC": 30, "O": 0, "U": 45, "NE": 0}
    assert shown.rates == {
        "RR1": "22.7",
        "RR2": "22.7",
        "RR3": "22.7",
        "RR4": "22.7",
        "COOP1": "71.4",
        "REF1": "9.1",
        "CON1": "31.8",
    }
    assert shown_progress(counts, controlled=False).rates["RR1"] == "20.4"


def test_a_group_with_no_cases_has_no_rates() -> None:
    for controlled in (True, False):
        shown = shown_progress({}, controlled=controlled)
        assert shown.cases == 0
        assert set(shown.rates.values()) == {NOT_AVAILABLE}
