"""Which cases may be worked, and what may be done to them, as rules.

A case is worked by calls, visits and messages (docs/spec/fieldwork.md). Some cases
must not be worked: the respondent refused or opted out, the manager withdrew the
case, it is complete or not eligible, or the survey has closed. Those cases are on
no interviewer's to-do list and in no contact round, no interview starts on them,
and a supervisor cannot assign them to be worked. The views and services ask these
functions; the database filters that list cases follow the same facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .fieldwork import Outcome

# Outcomes that end a case's fieldwork whatever else is known about it. A refusal or
# a not-eligible call or visit closes the case (`seb.caseload.CLOSING_ATTEMPTS`), so
# it is off every list by being closed; a supervisor may reopen it on purpose (to try
# to convert a refusal, or when the eligibility was wrong). An interview stopped
# because the respondent refused stays to be resumed or closed by its interviewer.
FINAL_OUTCOMES: Final = frozenset({Outcome.COMPLETE})
_SPACES: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the rules need to know about a case."""

    reference: str
    outcome: Outcome
    withdrawn: bool = False
    opted_out: bool = False
    not_eligible: bool = False
    closed: bool = False
    survey_closed: bool = False


def why_not_worked(case: CaseState) -> str:
    """Why the case must not be worked (no call, visit, message or interview), in
    words for the member of staff; empty when it may be worked. The first reason
    that applies is given, the most lasting first."""
    ref = case.reference
    if case.withdrawn:
        return f"Case {ref} has been withdrawn from the sample."
    if case.outcome is Outcome.COMPLETE:
        return f"Case {ref} is complete: it cannot be interviewed again."
    if case.opted_out:
        return f"Case {ref} opted out: the respondent asked for no more contact."
    if case.not_eligible:
        return f"Case {ref} is not eligible for the survey."
    if case.survey_closed:
        return f"Case {ref} cannot be worked: the survey has closed."
    if case.closed:
        why = {Outcome.REFUSAL: " after a refusal", Outcome.NOT_ELIGIBLE: " as not eligible"}
        return (
            f"Case {ref} is closed{why.get(case.outcome, '')}. Ask your supervisor to reopen "
            "it if it needs another call or visit."
        )
    return ""


def may_be_assigned(case: CaseState) -> str:
    """Why a supervisor may not give the case to an interviewer to work; empty when
    they may. A closed case (no more attempts, refused at the door, not eligible) is
    reopened first, from its page, so the reopening is a decision of its own; taking
    a case away from an interviewer is always allowed."""
    return why_not_worked(case)


def may_be_reinstated(*, withdrawn: bool, contact_deleted: bool) -> str:
    """Why a withdrawn case may not be put back in the sample; empty when it may.
    A case whose contact details were deleted after the survey closed stays out."""
    if not withdrawn:
        return "This case is in the sample: it has not been withdrawn."
    if contact_deleted:
        return "This case’s contact details have been deleted: it cannot be put back."
    return ""


def normalise_reference(typed: str) -> str:
    """A case reference as typed by an interviewer, as the sample spells references:
    upper case, with no spaces (" s 026 " is "S026")."""
    return _SPACES.sub("", typed).upper()
