"""The interviewer's caseload and the supervisor's view of it, as rules.

Cases are the survey's sample (docs/spec/fieldwork.md), worked by interviewers
through calls and visits. This module says which list a case is on (to do,
appointments today, done), what its status is, when an appointment counts as
missed, when carrying on with an interview counts as a new call or visit, and how
the progress figures (outcome counts and response rates by interviewer) are shown
to someone who may not see unrounded figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum, StrEnum
from typing import Final

from .case_actions import FINAL_OUTCOMES
from .disclosure import CONFIDENTIAL, NOT_AVAILABLE, Count, ten_five_control
from .fieldwork import COUNT_NAMES, COUNT_OUTCOMES, RATE_NAMES, AttemptOutcome, Outcome, rates
from .statuses import ResponseStatus

# An appointment not followed by a call or visit this long after its time is missed.
MISSED_AFTER: Final = timedelta(minutes=15)
# How many cases a list shows on one page.
PAGE_SIZE: Final = 50
# A call or visit with one of these outcomes closes the case: nobody calls or visits
# again (a supervisor can reopen it).
CLOSING_ATTEMPTS: Final = frozenset({AttemptOutcome.REFUSAL, AttemptOutcome.NOT_ELIGIBLE})


class CaseList(StrEnum):
    """The interviewer's lists: the `show` filter of the caseload."""

    TO_DO = "to-do"
    TODAY = "today"
    DONE = "done"

    @property
    def label(self) -> str:
        return CASE_LIST_LABELS[self]


CASE_LIST_LABELS: Final = {
    CaseList.TO_DO: "To do",
    CaseList.TODAY: "Appointments today",
    CaseList.DONE: "Done",
}


class CaseStatus(Enum):
    """Where a case stands, as its interviewer needs to know it."""

    NOT_STARTED = "Not started"
    TRIED = "Called or visited"
    APPOINTMENT = "Appointment made"
    APPOINTMENT_MISSED = "Appointment missed"
    INTERVIEW_IN_PROGRESS = "Interview in progress"
    INTERVIEW_STOPPED = "Interview stopped"
    COMPLETE = "Complete"
    CLOSED = "Closed"
    REFUSED = "Refused"
    OPTED_OUT = "Opted out"
    NOT_ELIGIBLE = "Not eligible"
    WITHDRAWN = "Withdrawn"
    SURVEY_CLOSED = "Survey closed"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the caseload knows about a case, read from its derived state."""

    outcome: Outcome
    in_progress: bool = False
    closed: bool = False
    withdrawn: bool = False
    survey_closed: bool = False
    opted_out: bool = False
    not_eligible: bool = False
    attempt_count: int = 0
    next_appointment_at: datetime | None = None
    unfinished_interview: bool = False


def is_done(facts: CaseFacts) -> bool:
    """A case is done when it must not be worked (`seb.case_actions.why_not_worked`):
    complete, refused, opted out, not eligible, closed, withdrawn, or its survey has
    closed. Nobody calls or visits it any more (a supervisor can reopen a closed case)."""
    return (
        facts.outcome in FINAL_OUTCOMES
        or facts.closed
        or facts.withdrawn
        or facts.survey_closed
        or facts.opted_out
        or facts.not_eligible
    )


def appointment_missed(appointment_at: datetime | None, now: datetime) -> bool:
    """Whether an appointment's time passed, by more than MISSED_AFTER, with no call
    or visit recorded since (a later attempt clears the case's next appointment)."""
    return appointment_at is not None and appointment_at + MISSED_AFTER < now


def case_status(facts: CaseFacts, now: datetime) -> CaseStatus:
    if facts.outcome is Outcome.COMPLETE:
        return CaseStatus.COMPLETE
    if facts.withdrawn:
        return CaseStatus.WITHDRAWN
    if facts.opted_out:
        return CaseStatus.OPTED_OUT
    if facts.not_eligible or (facts.closed and facts.outcome is Outcome.NOT_ELIGIBLE):
        return CaseStatus.NOT_ELIGIBLE
    if facts.closed and facts.outcome is Outcome.REFUSAL:
        return CaseStatus.REFUSED
    if facts.closed:
        return CaseStatus.CLOSED
    if facts.survey_closed:
        return CaseStatus.SURVEY_CLOSED
    if facts.next_appointment_at is not None:
        if appointment_missed(facts.next_appointment_at, now):
            return CaseStatus.APPOINTMENT_MISSED
        return CaseStatus.APPOINTMENT
    if facts.in_progress:
        return CaseStatus.INTERVIEW_IN_PROGRESS
    if facts.unfinished_interview:
        return CaseStatus.INTERVIEW_STOPPED
    return CaseStatus.TRIED if facts.attempt_count else CaseStatus.NOT_STARTED


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The first moment of `day` in `zone` and the first of the next day."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def resuming_is_a_new_attempt(
    *, status: str, last_attempt_at: datetime | None, now: datetime, zone: tzinfo
) -> bool:
    """Whether carrying on with an interview is a new call or visit, to be recorded.

    Resuming a stopped or abandoned interview is; so is carrying on with one still in
    progress whose last call or visit was on an earlier day. Coming back to an
    interview in progress on the same day is the same call or visit.
    """
    if status != ResponseStatus.IN_PROGRESS:
        return True
    if last_attempt_at is None:
        return True
    return last_attempt_at.astimezone(zone).date() < now.astimezone(zone).date()


# Progress figures -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShownProgress:
    """One group's outcome counts (AAPOR's letters) and rates, as shown.

    A count is a number or [c]; a rate is a percentage to one decimal place as
    text, [c] where it could give back a confidential count, or [x] where its
    denominator is 0.
    """

    cases: Count
    counts: Mapping[str, Count]
    rates: Mapping[str, str]
    controlled: bool


def _percent(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.1f}"


def shown_progress(outcome_counts: Mapping[Outcome, int], *, controlled: bool) -> ShownProgress:
    """A group's counts and rates for someone who may (not controlled) or may not
    (controlled) see unrounded figures.

    Controlled, the group's letter counts are one table under the 10-5 rule
    (`seb.disclosure.control`, with the number of cases as its total); the rates
    are worked out from those rounded counts, so no rate gives back an unrounded
    count; and when any count of the group is [c], every rate of the group is [c]
    too, since each rate's inputs take in almost every count.
    """
    exact = rates(outcome_counts)
    if not controlled:
        return ShownProgress(
            cases=exact.cases,
            counts={name: exact.counts[name] for name in COUNT_NAMES},
            rates={name: _percent(exact.percentage(name)) for name in RATE_NAMES},
            controlled=False,
        )
    table = ten_five_control([exact.counts[name] for name in COUNT_NAMES], exact.cases)
    cells = {name: cell.count for name, cell in zip(COUNT_NAMES, table.categories, strict=True)}
    if any(count == CONFIDENTIAL for count in cells.values()):
        shown_rates = dict.fromkeys(RATE_NAMES, CONFIDENTIAL)
    else:
        rounded = rates({COUNT_OUTCOMES[name][0]: int(count) for name, count in cells.items()})
        shown_rates = {name: _percent(rounded.percentage(name)) for name in RATE_NAMES}
    return ShownProgress(cases=table.total.count, counts=cells, rates=shown_rates, controlled=True)


def progress_description(*, controlled: bool) -> str:
    """How the progress figures were made safe to show (or that they were not), in
    words, from the rules `shown_progress` and the workload figures follow."""
    if not controlled:
        return (
            "Rates are worked out from the unrounded counts and shown as percentages to "
            f"one decimal place; {NOT_AVAILABLE} marks a rate whose denominator is 0."
        )
    return (
        "Each interviewer's outcome counts are one table under that rule, with their "
        "number of cases as its total; each caseload figure is rounded on its own (the "
        "caseload columns overlap). Rates are worked out from the rounded counts; every "
        f"rate of a row is {CONFIDENTIAL} when any of its counts is, and {NOT_AVAILABLE} "
        "marks a rate whose denominator is 0."
    )
