"""Writing responses: the only code that changes answers.

Views and commands call these keyword-only functions; each runs in one
transaction and locks the response row, so raced or repeated requests are
applied one after the other and see each other's result.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from classification.derivation import derive

from .models import QUESTION_KEYS, Option, Question, Response, StandardVersion, Survey
from .options import clear_option_index, option_index
from .routing import Route, retained_answers, route
from .standard import CURRENT_VERSION, Mode, Standard, load_standard


class Refused(Exception):
    """A change that the standard or the response's state does not allow.

    `message` is said to the user as it is; nothing was changed.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def standard_install(*, version: str = CURRENT_VERSION, using: str = "default") -> StandardVersion:
    """Put a version of the standard's questions and options in the database (idempotent)."""
    standard = load_standard(version)
    with transaction.atomic(using=using):
        row, _ = StandardVersion.objects.using(using).get_or_create(
            version=standard.version, defaults={"title": standard.title}
        )
        for position, spec in enumerate(standard.questions, start=1):
            question, _ = Question.objects.using(using).update_or_create(
                standard=row, key=spec.key, defaults={"name": spec.name, "position": position}
            )
            for option_position, code in enumerate(spec.codes, start=1):
                Option.objects.using(using).update_or_create(
                    question=question, code=code, defaults={"position": option_position}
                )
    clear_option_index()
    return row


def response_standard(response: Response) -> Standard:
    return load_standard(response.standard.version)


def response_answers(response: Response) -> dict[str, str]:
    """The response's answers as question key to option code."""
    index = option_index(response.standard.version)
    answers = {}
    for key in QUESTION_KEYS:
        option_id = getattr(response, f"{key}_id")
        if option_id is not None:
            answers[key] = index.code_for(option_id)
    return answers


def response_route(response: Response) -> Route:
    return route(response_standard(response), response.mode, response_answers(response))


def response_start(
    *,
    survey: Survey,
    mode: Mode | str,
    interviewer: AbstractBaseUser | None = None,
    reference: str = "",
) -> Response:
    mode = Mode(mode)
    if not survey.offers(mode):
        raise Refused(f"This survey does not offer {mode.label.lower()} responses.", code="mode")
    return Response.objects.create(
        survey=survey,
        standard_id=survey.standard_id,
        mode=mode,
        interviewer=interviewer,
        reference=reference,
    )


def _locked(response_id: Any) -> Response:
    return Response.objects.select_for_update().select_related("standard").get(pk=response_id)


def _set_answers(response: Response, answers: dict[str, str]) -> None:
    index = option_index(response.standard.version)
    for key in QUESTION_KEYS:
        code = answers.get(key)
        setattr(response, f"{key}_id", None if code is None else index.id_for(key, code))


def answer_record(*, response_id: Any, question_key: str, code: str) -> Route:
    """Record one answer and drop any answers it takes off the route.

    Refused when the response is no longer in progress, the question is not on
    the route as it stands, or the mode does not offer the option.
    """
    with transaction.atomic():
        response = _locked(response_id)
        if response.status != Response.Status.IN_PROGRESS:
            raise Refused("These answers have already been submitted.", code="closed")
        standard = response_standard(response)
        current = route(standard, response.mode, response_answers(response))
        if question_key not in current.path:
            raise Refused(
                "This question is no longer part of the survey because of an earlier answer.",
                code="off_route",
            )
        if not standard.question(question_key).wording(response.mode).offers(code):
            raise Refused("Select one of the options shown.", code="option")
        stored = response_answers(response)
        if current.answers.get(question_key) == code:
            return current
        stored[question_key] = code
        _set_answers(response, retained_answers(standard, response.mode, stored))
        updated = route(standard, response.mode, stored)
        response.revision += 1
        response.updated_at = timezone.now()
        response.save(update_fields=[*QUESTION_KEYS, "revision", "updated_at"])
        return updated


def response_submit(*, response_id: Any, revision: int) -> Response:
    """Complete a response whose route is answered to the end.

    `revision` is the revision the person checked; if the answers changed since,
    they must check them again. Submitting a complete response again changes
    nothing.
    """
    with transaction.atomic():
        response = _locked(response_id)
        if response.status == Response.Status.COMPLETE:
            return response
        if response.status != Response.Status.IN_PROGRESS:
            raise Refused("This interview has been stopped.", code="closed")
        if response.revision != revision:
            raise Refused(
                "Your answers have changed since this page was shown. Check them again.",
                code="stale",
            )
        current = response_route(response)
        if not current.is_complete:
            raise Refused("Answer every question before you submit.", code="incomplete")
        derived = derive(current.answers)
        _set_answers(response, dict(current.answers))
        response.status = Response.Status.COMPLETE
        response.completed_at = timezone.now()
        response.updated_at = response.completed_at
        response.nssec5, response.nssec3 = derived.nssec5, derived.nssec3
        response.save(
            update_fields=[
                *QUESTION_KEYS,
                "status",
                "completed_at",
                "updated_at",
                "nssec5",
                "nssec3",
            ]
        )
        return response


def response_stop(*, response_id: Any, reason: str) -> Response:
    """End an interview before it is complete; its answers are kept but never counted."""
    if reason not in Response.StopReason.values:
        raise Refused("Select why the interview stopped.", code="reason")
    with transaction.atomic():
        response = _locked(response_id)
        if response.status == Response.Status.STOPPED:
            return response
        if response.status != Response.Status.IN_PROGRESS:
            raise Refused("This interview is already complete.", code="closed")
        response.status = Response.Status.STOPPED
        response.stop_reason = reason
        response.updated_at = timezone.now()
        response.save(update_fields=["status", "stop_reason", "updated_at"])
        return response
