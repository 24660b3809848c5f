"""Interviews: started, resumed and stopped on a case, each recorded as an attempt;
and the interviewer's pending answer (typed but not yet saved) kept across a lost
connection.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from seb.caseload import resuming_is_a_new_attempt
from seb.fieldwork import AttemptOutcome
from seb.standard import Mode

from ..fieldwork.attempts import attempt_interview_stopped, attempt_record, case_interview_refusal
from ..models import (
    Attempt,
    Case,
    PendingAnswer,
    Response,
)
from ..responses.lifecycle import (
    Refused,
    _locked,
    response_resume,
    response_standard,
    response_start,
    response_stop,
)
from .selectors import unfinished_interview


def interview_start(
    *, case: Case, mode: Mode | str, interviewer: AbstractBaseUser, note: str = ""
) -> Response:
    """Start an interview on a case, recorded as an "interview started" attempt.

    Refused when the case cannot be interviewed (complete, withdrawn, closed) or
    already has an unfinished interview (carry on with that one instead). The case
    row is locked, so raced starts make one interview.
    """
    mode = Mode(mode)
    if not mode.is_interviewer_led:
        raise Refused("Choose face to face or telephone.", code="mode")
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("survey").get(pk=case.pk)
        refusal = case_interview_refusal(locked)
        if refusal:
            raise Refused(refusal, code="case")
        if unfinished_interview(locked) is not None:
            raise Refused(
                f"Case {locked.reference} already has an unfinished interview. Resume it instead.",
                code="unfinished",
            )
        response = response_start(
            survey=locked.survey, mode=mode, interviewer=interviewer, case=locked
        )
        attempt_record(
            case=locked,
            interviewer=interviewer,
            mode=mode,
            outcome=AttemptOutcome.INTERVIEW_STARTED,
            note=note,
            response=response,
            at=response.started_at,
        )
    return response


def interview_resume(*, response_id: Any, interviewer: AbstractBaseUser) -> Response:
    """Carry on with an interview: a stopped or abandoned one is in progress again with
    every answer kept. Resuming on a new call or visit (`seb.caseload`'s rule) records
    it as an attempt on the case. A complete interview cannot be resumed."""
    now = timezone.now()
    with transaction.atomic():
        response = _locked(response_id)
        if response.status == Response.Status.COMPLETE:
            raise Refused("This interview is already complete.", code="closed")
        case = response.case
        if case is not None:
            refusal = case_interview_refusal(case)
            if refusal:
                raise Refused(refusal, code="case")
        last = (
            Attempt.objects.filter(
                response_id=response.pk, outcome=AttemptOutcome.INTERVIEW_STARTED.value
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        new_attempt = resuming_is_a_new_attempt(
            status=response.status,
            last_attempt_at=last,
            now=now,
            zone=timezone.get_current_timezone(),
        )
        status = response.status
        response = response_resume(response_id=response.pk)
        if case is not None and new_attempt:
            attempt_record(
                case=case,
                interviewer=interviewer,
                mode=response.mode,
                outcome=AttemptOutcome.INTERVIEW_STARTED,
                note=RESUMED_NOTE if status != Response.Status.IN_PROGRESS else "",
                response=response,
                at=now,
            )
    return response


RESUMED_NOTE: Final = "Resumed the interview"


def interview_stop(*, response_id: Any, reason: str) -> Response:
    """Stop an interview (`response_stop`) and record on the call or visit that started
    it when and why it stopped, so its history keeps the stop after a resume."""
    with transaction.atomic():
        before = Response.objects.filter(pk=response_id).values_list("status", flat=True).first()
        response = response_stop(response_id=response_id, reason=reason)
        if before == Response.Status.IN_PROGRESS:
            attempt_interview_stopped(
                response_id=response.pk, reason=reason, at=response.updated_at
            )
    return response


def pending_answer_keep(
    *, user: AbstractBaseUser, response: Response, question_key: str, code: str
) -> PendingAnswer | None:
    """Keep an answer the user posted after their session ended, for that user alone;
    None (nothing kept) when it cannot be an answer to one of the response's
    questions in its mode, or the response is no longer in progress."""
    if response.status != Response.Status.IN_PROGRESS:
        return None
    standard = response_standard(response)
    if question_key not in standard.keys:
        return None
    if not standard.question(question_key).wording(response.mode).offers(code):
        return None
    pending, _ = PendingAnswer.objects.update_or_create(
        user=user,
        response=response,
        question_key=question_key,
        defaults={"code": code, "posted_at": timezone.now()},
    )
    return pending


def pending_answer_for(*, user: AbstractBaseUser, response: Response, question_key: str) -> str:
    """The code of the answer kept for this user on this question of this response, or ""."""
    return (
        PendingAnswer.objects.filter(user=user, response=response, question_key=question_key)
        .values_list("code", flat=True)
        .first()
        or ""
    )


def pending_answer_discard(
    *, user: AbstractBaseUser, response: Response, question_key: str | None = None
) -> int:
    """Forget the answers kept for this user on a response (or on one of its questions)."""
    kept = PendingAnswer.objects.filter(user=user, response=response)
    if question_key is not None:
        kept = kept.filter(question_key=question_key)
    deleted, _ = kept.delete()
    return deleted
