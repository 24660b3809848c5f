"""Fieldwork rules of docs/spec/fieldwork.md: case outcomes and rates (access codes
and link tokens are `seb.credentials`).

Outcome codes and rate formulas follow AAPOR's *Standard Definitions*. A case's
outcome is derived from what happened to it (its responses, its interviewers'
attempts, its messages, an opt-out), never typed; the rates are pure arithmetic
on the outcome counts, so a hand-worked example checks every formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Final

from .statuses import MessageStatus, ResponseStatus, StopReason

# Outcomes --------------------------------------------------------------------


class Outcome(Enum):
    """AAPOR final dispositions used by the service (fieldwork.md)."""

    COMPLETE = "1.1"
    PARTIAL = "1.2"
    REFUSAL = "2.11"
    BREAK_OFF = "2.12"
    NON_CONTACT = "2.20"
    NEVER_AVAILABLE = "2.21"
    OTHER = "2.30"
    NO_RETURN = "3.10"
    UNDELIVERABLE = "3.20"
    NOT_ELIGIBLE = "4.10"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(outcome.value, f"{outcome.value} {outcome.label}") for outcome in cls]

    def __str__(self) -> str:
        return self.value


OUTCOME_LABELS: Final = {
    Outcome.COMPLETE: "Complete",
    Outcome.PARTIAL: "Partial",
    Outcome.REFUSAL: "Refusal",
    Outcome.BREAK_OFF: "Break-off",
    Outcome.NON_CONTACT: "Non-contact",
    Outcome.NEVER_AVAILABLE: "Respondent never available",
    Outcome.OTHER: "Other eligible non-response",
    Outcome.NO_RETURN: "Unknown eligibility, nothing returned",
    Outcome.UNDELIVERABLE: "Unknown eligibility, invitation undeliverable",
    Outcome.NOT_ELIGIBLE: "Not eligible",
}


class AttemptOutcome(Enum):
    """What an interviewer's call or visit came to."""

    NO_ANSWER = "no_answer"
    APPOINTMENT = "appointment"
    REFUSAL = "refusal"
    NOT_ELIGIBLE = "not_eligible"
    OTHER = "other"
    INTERVIEW_STARTED = "interview_started"

    @property
    def label(self) -> str:
        return ATTEMPT_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(outcome.value, outcome.label) for outcome in cls]


ATTEMPT_LABELS: Final = {
    AttemptOutcome.NO_ANSWER: "No answer or no contact",
    AttemptOutcome.APPOINTMENT: "Contact, but not now: appointment made",
    AttemptOutcome.REFUSAL: "Refusal",
    AttemptOutcome.NOT_ELIGIBLE: "Not eligible",
    AttemptOutcome.OTHER: "Other reason (for example language or incapacity)",
    AttemptOutcome.INTERVIEW_STARTED: "Interview started",
}
# The attempts that decide a case's outcome on their own (the latest decisive
# event wins); the others only count when nothing decisive has happened.
DECISIVE_ATTEMPTS: Final = {
    AttemptOutcome.REFUSAL: Outcome.REFUSAL,
    AttemptOutcome.NOT_ELIGIBLE: Outcome.NOT_ELIGIBLE,
    AttemptOutcome.OTHER: Outcome.OTHER,
}


@dataclass(frozen=True, slots=True)
class ResponseEvent:
    """What a case's response says about it.

    `status` is a `ResponseStatus`; `derivable` is whether its route has passed every
    question NS-SEC is derived from (`seb.routing.nssec_derivable`: fieldwork.md's
    "partial").
    """

    status: str
    at: datetime
    derivable: bool
    stop_reason: str = ""


@dataclass(frozen=True, slots=True)
class AttemptEvent:
    outcome: AttemptOutcome
    at: datetime


@dataclass(frozen=True, slots=True)
class CaseHistory:
    responses: Sequence[ResponseEvent] = ()
    attempts: Sequence[AttemptEvent] = ()
    message_statuses: Sequence[str] = ()
    opted_out_at: datetime | None = None
    not_eligible_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    outcome: Outcome
    in_progress: bool = False


def _response_outcome(response: ResponseEvent) -> Outcome:
    if response.status == ResponseStatus.COMPLETE:
        return Outcome.COMPLETE
    if response.status == ResponseStatus.STOPPED and response.stop_reason == StopReason.REFUSED:
        return Outcome.REFUSAL
    if response.status == ResponseStatus.STOPPED and response.stop_reason == StopReason.UNABLE:
        return Outcome.OTHER
    return Outcome.PARTIAL if response.derivable else Outcome.BREAK_OFF


def case_outcome(history: CaseHistory) -> CaseOutcome:
    """A case's final disposition, from everything that happened to it.

    A complete response always wins. Otherwise the latest decisive event wins:
    a response started, stopped or abandoned (partial when NS-SEC can be derived
    from it, break-off before that; refusal or other when an interview was stopped
    for that reason), a refusal, not-eligible or other-reason attempt, an opt-out
    (refusal) or the owner marking the case not eligible. With none of those: an
    appointment made or a call back asked for, never kept, counts as the respondent
    never available (2.21, a kind of non-contact: someone was reached, the respondent
    never interviewed), attempts that never reached anyone as non-contact, invitations that
    all failed as undeliverable, and anything else as nothing returned. A response
    still in progress decides the outcome as the answers it has so far would, and
    marks the case in progress.
    """
    if any(response.status == ResponseStatus.COMPLETE for response in history.responses):
        return CaseOutcome(Outcome.COMPLETE)
    decisive: list[tuple[datetime, int, Outcome, bool]] = []
    for response in history.responses:
        outcome = _response_outcome(response)
        decisive.append((response.at, 1, outcome, response.status == ResponseStatus.IN_PROGRESS))
    for attempt in history.attempts:
        if attempt.outcome in DECISIVE_ATTEMPTS:
            decisive.append((attempt.at, 0, DECISIVE_ATTEMPTS[attempt.outcome], False))
    if history.opted_out_at:
        decisive.append((history.opted_out_at, 2, Outcome.REFUSAL, False))
    if history.not_eligible_at:
        decisive.append((history.not_eligible_at, 2, Outcome.NOT_ELIGIBLE, False))
    if decisive:
        _, _, outcome, in_progress = max(decisive, key=lambda event: (event[0], event[1]))
        return CaseOutcome(outcome, in_progress=in_progress)
    kinds = {attempt.outcome for attempt in history.attempts}
    if AttemptOutcome.APPOINTMENT in kinds:
        return CaseOutcome(Outcome.NEVER_AVAILABLE)
    if AttemptOutcome.NO_ANSWER in kinds:
        return CaseOutcome(Outcome.NON_CONTACT)
    # A message cancelled before it went was never an attempt to reach the case.
    statuses = [s for s in history.message_statuses if s != MessageStatus.CANCELLED]
    if statuses and all(status == MessageStatus.PERMANENT_FAILURE for status in statuses):
        return CaseOutcome(Outcome.UNDELIVERABLE)
    return CaseOutcome(Outcome.NO_RETURN)


# Rates -----------------------------------------------------------------------

RATE_NAMES: Final = ("RR1", "RR2", "RR3", "RR4", "COOP1", "REF1", "CON1")
COUNT_NAMES: Final = ("I", "P", "R", "NC", "O", "U", "NE")
# The names of AAPOR's groups of outcomes, the letters of the rates' formulas.
COUNT_LABELS: Final = {
    "I": "Complete",
    "P": "Partial",
    "R": "Refusal and break-off",
    "NC": "Non-contact",
    "O": "Other eligible non-response",
    "U": "Unknown eligibility",
    "NE": "Not eligible",
}
# Which outcomes each of AAPOR's letters counts.
COUNT_OUTCOMES: Final = {
    "I": (Outcome.COMPLETE,),
    "P": (Outcome.PARTIAL,),
    "R": (Outcome.REFUSAL, Outcome.BREAK_OFF),
    "NC": (Outcome.NON_CONTACT, Outcome.NEVER_AVAILABLE),
    "O": (Outcome.OTHER,),
    "U": (Outcome.NO_RETURN, Outcome.UNDELIVERABLE),
    "NE": (Outcome.NOT_ELIGIBLE,),
}


@dataclass(frozen=True, slots=True)
class Rates:
    """AAPOR's counts and rates for one group of cases. A rate is a fraction
    (0 to 1), or None where its denominator is 0."""

    cases: int
    counts: Mapping[str, int]
    rates: Mapping[str, float | None] = field(default_factory=dict)

    def percentage(self, name: str) -> float | None:
        value = self.rates[name]
        return None if value is None else round_half_away(100 * value, 1)


def round_half_away(value: float, places: int) -> float:
    scale: int = 10**places
    magnitude = float(int(abs(value) * scale + 0.5 + 1e-9)) / scale
    return magnitude if value >= 0 else -magnitude


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def rates(outcome_counts: Mapping[Outcome, int]) -> Rates:
    """RR1 to RR4, COOP1, REF1 and CON1 from the number of cases with each outcome."""
    c = {
        name: sum(outcome_counts.get(outcome, 0) for outcome in outcomes)
        for name, outcomes in COUNT_OUTCOMES.items()
    }
    i, p, r, nc, o, u, ne = (c[name] for name in COUNT_NAMES)
    eligible = i + p + r + nc + o
    e = _ratio(eligible, eligible + ne)
    weighted_u = u * e if e is not None else 0.0
    all_cases = eligible + u
    values = {
        "RR1": _ratio(i, all_cases),
        "RR2": _ratio(i + p, all_cases),
        "RR3": _ratio(i, eligible + weighted_u),
        "RR4": _ratio(i + p, eligible + weighted_u),
        "COOP1": _ratio(i, i + p + r + o),
        "REF1": _ratio(r, all_cases),
        "CON1": _ratio(i + p + r + o, all_cases),
    }
    return Rates(cases=sum(outcome_counts.values()), counts=c, rates=values)


@dataclass(frozen=True, slots=True)
class RatesRow:
    breakdown: str  # overall, mode, interviewer, or a sample variable's name
    group: str
    rates: Rates


def rates_table(
    groups: Iterable[tuple[str, str, Mapping[Outcome, int]]],
) -> list[RatesRow]:
    """One row per (breakdown, group, outcome counts), in the order given."""
    return [RatesRow(breakdown, group, rates(counts)) for breakdown, group, counts in groups]


RATES_FILE_COLUMNS: Final = ("breakdown", "group", "cases", *COUNT_NAMES, *RATE_NAMES)


def rates_file_row(row: RatesRow) -> list[str]:
    """A row of the rates file: counts, then rates as percentages to one decimal place."""
    cells = [row.breakdown, row.group, str(row.rates.cases)]
    cells += [str(row.rates.counts[name]) for name in COUNT_NAMES]
    for name in RATE_NAMES:
        value = row.rates.percentage(name)
        cells.append("" if value is None else f"{value:.1f}")
    return cells


# Disclosure control of rates -------------------------------------------------

# The counts each rate is computed from (fieldwork.md's formulas).
RATE_INPUTS: Final = {
    "RR1": ("I", "P", "R", "NC", "O", "U"),
    "RR2": ("I", "P", "R", "NC", "O", "U"),
    "RR3": ("I", "P", "R", "NC", "O", "U", "NE"),
    "RR4": ("I", "P", "R", "NC", "O", "U", "NE"),
    "COOP1": ("I", "P", "R", "O"),
    "REF1": ("I", "P", "R", "NC", "O", "U"),
    "CON1": ("I", "P", "R", "NC", "O", "U"),
}


@dataclass(frozen=True, slots=True)
class ShownRates:
    """A group's counts and rates as they may be shown: with disclosure control,
    counts from 1 to 9 are [c] and others rounded to 5, and each rate is computed
    from the rounded counts ([c] when any count it uses is)."""

    cases: int | str
    counts: Mapping[str, int | str]
    percentages: Mapping[str, float | str | None]
    controlled: bool


def shown_rates(
    rates_of_group: Rates,
    *,
    controlled: bool,
    shown_count: Callable[[int], int | str],
    confidential: str,
) -> ShownRates:
    """`rates_of_group` as it may be shown (`shown_count` is the disclosure rule's)."""
    if not controlled:
        return ShownRates(
            cases=rates_of_group.cases,
            counts=dict(rates_of_group.counts),
            percentages={name: rates_of_group.percentage(name) for name in RATE_NAMES},
            controlled=False,
        )
    counts = {name: shown_count(rates_of_group.counts[name]) for name in COUNT_NAMES}
    numeric = {name: value for name, value in counts.items() if isinstance(value, int)}
    recomputed = rates(
        {outcomes[0]: numeric[name] for name, outcomes in COUNT_OUTCOMES.items() if name in numeric}
    )
    percentages: dict[str, float | str | None] = {}
    for name in RATE_NAMES:
        if any(name_ not in numeric for name_ in RATE_INPUTS[name]):
            percentages[name] = confidential
        else:
            percentages[name] = recomputed.percentage(name)
    return ShownRates(
        cases=shown_count(rates_of_group.cases),
        counts=counts,
        percentages=percentages,
        controlled=True,
    )


def shown_rates_file_row(breakdown: str, group: str, shown: ShownRates) -> list[str]:
    """A row of the rates file from figures as shown (disclosure control applied)."""
    cells = [breakdown, group, str(shown.cases)]
    cells += [str(shown.counts[name]) for name in COUNT_NAMES]
    for name in RATE_NAMES:
        value = shown.percentages[name]
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(value)
        else:
            cells.append(f"{value:.1f}")
    return cells
