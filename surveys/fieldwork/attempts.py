"""Attempts on a case (calls and visits, interviews started and stopped) and whether
a case may be interviewed, and by whom.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from seb.case_actions import normalise_reference
from seb.caseload import CLOSING_ATTEMPTS
from seb.fieldwork import (
    AttemptOutcome,
    Outcome,
)
from seb.standard import Mode

from ..audit import Event, audit
from ..models import Attempt, Case, Response, Survey
from .case_rules import case_work_refusal
from .cases import CaseRefused, case_close, case_create
from .derived import case_refresh
from .issuing import NewCase


def attempt_record(
    *,
    case: Case,
    interviewer: AbstractBaseUser | None,
    mode: Mode | str,
    outcome: AttemptOutcome,
    note: str = "",
    appointment_at: datetime | None = None,
    response: Response | None = None,
    at: datetime | None = None,
) -> Attempt:
    """Record a call or visit and what came of it; the case's outcome follows."""
    if outcome is AttemptOutcome.APPOINTMENT and appointment_at is None:
        raise CaseRefused("Enter when the appointment is.")
    if case.outcome == Outcome.COMPLETE.value:
        raise CaseRefused("This case is complete: it needs no more calls or visits.")
    with transaction.atomic():
        attempt = Attempt.objects.create(
            case=case,
            interviewer=interviewer,
            mode=Mode(mode).value,
            outcome=outcome.value,
            note=note,
            appointment_at=appointment_at if outcome is AttemptOutcome.APPOINTMENT else None,
            response=response,
            at=at or timezone.now(),
        )
        case_refresh(case_id=case.pk)
    return attempt


def call_or_visit_record(
    *,
    case: Case,
    interviewer: AbstractBaseUser,
    mode: Mode | str,
    outcome: AttemptOutcome,
    note: str = "",
    appointment_at: datetime | None = None,
) -> Attempt:
    """An interviewer's call or visit on a case they are working (`attempt_record`);
    one that ends the case's fieldwork (`seb.caseload.CLOSING_ATTEMPTS`) closes it.
    Refused on a case nobody may call on any more (complete, withdrawn, closed)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        refusal = case_interview_refusal(locked)
        if refusal:
            raise CaseRefused(refusal)
        attempt = attempt_record(
            case=locked,
            interviewer=interviewer,
            mode=mode,
            outcome=outcome,
            note=note,
            appointment_at=appointment_at,
        )
        if outcome in CLOSING_ATTEMPTS:
            case_close(case=locked)
    return attempt


def case_interview_refusal(case: Case) -> str:
    """Why no interview can be started on the case now, in words; empty when one can
    (`seb.case_actions.why_not_worked`)."""
    return case_work_refusal(case)


NOT_YOURS: Final = (
    "No case {reference} of this survey is assigned to you. Check the reference, or ask "
    "your supervisor to assign the case to you"
)


NOT_IN_SAMPLE: Final = (
    "No case {reference} is in this survey’s sample. Check the reference: this survey "
    "is by invitation only, so interviews are only with the cases in its sample"
)


class NewCaseNeeded(CaseRefused):
    """The reference is in no case of an open survey: making one waits for the
    interviewer to confirm it (`case_for_interview(..., create=True)`)."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"No case {reference} is in this survey’s sample yet.")
        self.reference = reference


def case_by_reference(survey: Survey, typed: str) -> Case | None:
    """The survey's case with this reference as an interviewer typed it: exactly, or
    else in any letter case and spacing (`seb.case_actions.normalise_reference`)."""
    cases = Case.objects.select_for_update().filter(survey=survey)
    exact = cases.filter(reference=typed.strip()).first()
    if exact is not None:
        return exact
    wanted = normalise_reference(typed)
    loose = Upper(Replace("reference", Value(" "), Value("")))
    return cases.annotate(loose=loose).filter(loose=wanted).order_by("pk").first()


def case_for_interview(
    *,
    survey: Survey,
    reference: str,
    interviewer: AbstractBaseUser,
    mode: Mode | str,
    create: bool = False,
) -> Case:
    """The case an interview started with a typed reference is for.

    The reference matches whatever its letter case and spacing ("s 026" is S026). An
    interviewer works only the cases assigned to them. Where a supervisor lets the
    survey's interviewers take unassigned cases (`Survey.interviewers_take_unassigned`),
    an unassigned case becomes theirs; in a survey open to anyone (not by invitation
    only) a reference the sample does not have makes a new case assigned to them (an
    ad hoc case, its reference as `normalise_reference` spells it), once they confirm
    it (`create`; until then `NewCaseNeeded`); both are audited. In a survey by
    invitation only an unknown reference is refused with NOT_IN_SAMPLE. Anything else
    (someone else's case, or one not assigned) gets one message, NOT_YOURS, so trying
    references tells nobody whose cases exist. A case of theirs that must not be
    worked (`seb.case_actions.why_not_worked`) is refused with the reason.
    """
    open_to_all = survey.interviewers_take_unassigned
    with transaction.atomic():
        case = case_by_reference(survey, reference)
        if case is None and survey.access == Survey.Access.INVITATION:
            raise CaseRefused(NOT_IN_SAMPLE.format(reference=normalise_reference(reference)))
        if case is None and open_to_all:
            if not create:
                raise NewCaseNeeded(normalise_reference(reference))
            try:
                with transaction.atomic():
                    case, _ = case_create(
                        survey=survey,
                        new=NewCase(
                            reference=normalise_reference(reference),
                            interviewer_id=interviewer.pk,
                            preferred_mode=Mode(mode).value,
                        ),
                    )
                audit(Event.CASES_CREATED, actor=interviewer, target=case, count=1, ad_hoc=True)
                return case
            except IntegrityError:  # made by someone else at the same moment
                case = case_by_reference(survey, reference)
        if case is None or case.interviewer_id not in (None, interviewer.pk):
            raise CaseRefused(NOT_YOURS.format(reference=reference))
        if case.interviewer_id is None and not open_to_all:
            raise CaseRefused(NOT_YOURS.format(reference=reference))
        refusal = case_interview_refusal(case)
        if refusal:
            raise CaseRefused(refusal)
        if case.interviewer_id is None:
            case.interviewer_id = interviewer.pk
            case.save(update_fields=["interviewer"])
            audit(Event.CASE_TAKEN, actor=interviewer, target=case)
    return case


def attempt_interview_stopped(*, response_id: Any, reason: str, at: datetime) -> int:
    """Record on the call or visit that started or resumed an interview that it stopped,
    and why; the number of attempts changed (0 or 1)."""
    attempt = (
        Attempt.objects.filter(
            response_id=response_id,
            outcome=AttemptOutcome.INTERVIEW_STARTED.value,
            ended_at__isnull=True,
        )
        .order_by("-at")
        .first()
    )
    if attempt is None:
        return 0
    return Attempt.objects.filter(pk=attempt.pk).update(ended_at=at, end=reason)
