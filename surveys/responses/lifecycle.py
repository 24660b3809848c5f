"""A response's life: start, answer, submit, stop, resume, abandon.

Online answers, interviews, imports, demo data and the test suite's factories all
call these keyword-only functions. Each runs in one transaction; the ones that change
one response lock its row, so raced or repeated requests are applied one after the
other and see each other's result. A complete row is built in one place
(`_complete_fields`) from a `seb.routing.CompleteResponse`, which only
`seb.routing.complete_response` makes: so every complete response stored has passed
the one check of a response against its route, and carries the NS-SEC its answers
derive.

Each change to a complete response also changes the survey's tallies
(`surveys.responses.tallies`), and each change to a case's response refreshes the
case's derived state (`surveys.fieldwork.derived.case_refresh`), in the transaction of
the change: a crash between the two leaves neither. `manage.py cases_refresh` rebuilds
both from the facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from seb.routing import (
    CompleteResponse,
    Fault,
    Route,
    RouteProblem,
    apply_answer,
    complete_response,
    route,
)
from seb.standard import QUESTION_KEYS, Mode, Standard, load_standard

from ..fieldwork.derived import case_refresh
from ..models import (
    Case,
    Response,
    Survey,
)
from .job_titles import EMPLOYMENT_KEYS, job_title_rederive
from .tallies import _tally_add, _tally_key


class Refused(Exception):
    """A change that the standard or the response's state does not allow.

    `message` is said to the user as it is; nothing was changed.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


REFUSALS: Final = {
    Fault.OFF_ROUTE: "This question is no longer part of the survey because of an earlier answer.",
    Fault.UNKNOWN_CODE: "Select one of the options shown.",
    Fault.NOT_OFFERED: "Select one of the options shown.",
}


def response_standard(response: Response) -> Standard:
    return load_standard(response.standard_version)


def response_route(response: Response) -> Route:
    return route(response_standard(response), response.mode, response.answers)


def response_start(
    *,
    survey: Survey,
    mode: Mode | str,
    interviewer: AbstractBaseUser | None = None,
    reference: str = "",
    case: Case | None = None,
    is_test: bool = False,
    start_token: str = "",
) -> Response:
    """Start a response in `mode`.

    With a `start_token` (one per Start form shown), a second request carrying the
    same token gets the response the first made, so a raced or repeated Start
    makes one response.
    """
    mode = Mode(mode)
    if not survey.offers(mode):
        raise Refused(f"This survey does not offer {mode.label.lower()} responses.", code="mode")
    if case is not None and not is_test and _case_has_complete(case.pk, lock=False):
        raise Refused(CASE_COMPLETE, code="case_complete")
    standard = load_standard(survey.standard_version)
    fields: dict[str, Any] = {
        "survey": survey,
        "standard_version": survey.standard_version,
        "mode": mode,
        "interviewer": interviewer,
        "reference": case.reference if case is not None and not reference else reference,
        "case": case,
        "is_test": is_test,
        "start_token": start_token,
        "next_question": standard.first.key,
    }
    if start_token:
        try:
            return _response_create(fields)
        except IntegrityError:
            return Response.objects.get(survey=survey, start_token=start_token)
    return _response_create(fields)


def _response_create(fields: Mapping[str, Any]) -> Response:
    """A new response, and its case's derived state, in one transaction."""
    with transaction.atomic():
        response = Response.objects.create(**fields)
        if response.case_id is not None:
            case_refresh(case_id=response.case_id)
    return response


CASE_COMPLETE: Final = "This case has already been completed: it has a complete response."


def _case_has_complete(case_id: Any, exclude: Any = None, *, lock: bool = True) -> bool:
    """Whether the case has a complete response (other than `exclude`). With `lock`
    (inside a transaction) the case's row is locked first, so two responses of one
    case cannot both be completed at once."""
    if lock:
        Case.objects.select_for_update().filter(pk=case_id).values_list("pk").first()
    complete = Response.objects.filter(case_id=case_id, status=Response.Status.COMPLETE)
    if exclude is not None:
        complete = complete.exclude(pk=exclude)
    return complete.exists()


def _locked(response_id: Any) -> Response:
    return Response.objects.select_for_update().get(pk=response_id)


def answer_record(
    *,
    response_id: Any,
    question_key: str,
    code: str,
    seen: Response | None = None,
    walked: Route | None = None,
) -> Route:
    """Record one answer and drop any answers it takes off the route
    (`seb.routing.apply_answer`); the route as it now stands.

    Refused when the response is no longer in progress, the question is not on
    the route as it stands, or the mode does not offer the option.

    `seen` is the response as the caller has just read it, and `walked` its route if
    the caller walked it. The change is then made by one UPDATE that applies only
    if the response is still at that revision; if another request changed it in
    between, the change is made again from the locked row, so raced requests still
    apply one after the other. A case's response refreshes the case's derived state
    in the same transaction.
    """
    if seen is not None and seen.pk == response_id:
        # One transaction where derived state is written beside the answer: the case's,
        # and the job title's full NS-SEC when an employment answer changes.
        atomic = seen.case_id is not None or _changes_job_title(seen, question_key)
        with transaction.atomic() if atomic else nullcontext():
            applied = _answer_apply(seen, question_key, code, optimistic=True, walked=walked)
        if applied is not None:
            return applied
    with transaction.atomic():
        applied = _answer_apply(_locked(response_id), question_key, code, optimistic=False)
    assert applied is not None
    return applied


def _answer_apply(
    response: Response,
    question_key: str,
    code: str,
    *,
    optimistic: bool,
    walked: Route | None = None,
) -> Route | None:
    """The answer applied to `response` and stored; None when an optimistic write found
    the row changed since it was read."""
    if response.status != Response.Status.IN_PROGRESS:
        if optimistic:
            return None
        raise Refused("These answers have already been submitted.", code="closed")
    applied = apply_answer(
        response_standard(response),
        response.mode,
        response.answers,
        question_key,
        code,
        walked=walked,
    )
    if isinstance(applied, RouteProblem):
        if optimistic:
            return None  # decided on the locked row, which may differ
        code_name = "off_route" if applied.fault is Fault.OFF_ROUTE else "option"
        raise Refused(REFUSALS[applied.fault], code=code_name)
    if not applied.changed:
        return applied.route
    fields: dict[str, Any] = {key: applied.answers.get(key) for key in QUESTION_KEYS}
    fields["updated_at"] = timezone.now()
    fields["next_question"] = applied.route.next_question or ""
    changed = _update_answers(response, {"revision": response.revision + 1, **fields}, optimistic)
    if optimistic and not changed:
        return None
    for name, value in fields.items():
        setattr(response, name, value)
    response.revision += 1
    if response.case_id is not None:
        case_refresh(case_id=response.case_id)
    if _changes_job_title(response, question_key):
        job_title_rederive(response, applied.route.answers)
    return applied.route


def _changes_job_title(response: Response, question_key: str) -> bool:
    """Whether an answer to `question_key` may change the response's job title's full
    NS-SEC (surveys.responses.job_titles)."""
    return question_key in EMPLOYMENT_KEYS and response.survey.asks_job_title


def _update_answers(response: Response, values: dict[str, Any], optimistic: bool) -> bool:
    """One UPDATE of the response's row with `values`; when `optimistic`, only if it is
    still in progress at the revision `response` was read at. Whether it changed.

    Written in SQL made once per set of columns, not by `QuerySet.update()`, which
    builds its SQL afresh on every answer: the same statement, with each value made
    ready for the database by its field as the ORM would.
    """
    db_connection = connections[Response.objects.db]
    fields = [Response._meta.get_field(name) for name in values]
    params = [
        field.get_db_prep_save(value, db_connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    params.append(Response._meta.pk.get_db_prep_value(response.pk, db_connection))
    if optimistic:
        params += [response.revision, Response.Status.IN_PROGRESS.value]
    sql = _update_answers_sql(Response.objects.db, tuple(values), optimistic)
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@cache
def _update_answers_sql(db: str, names: tuple[str, ...], optimistic: bool) -> str:
    quote = connections[db].ops.quote_name
    meta = Response._meta
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in names)
    condition = f"{quote(meta.pk.column)} = %s"
    if optimistic:
        condition += (
            f" AND {quote(meta.get_field('revision').column)} = %s"
            f" AND {quote(meta.get_field('status').column)} = %s"
        )
    # Names from the model's own metadata, quoted; the values go as parameters.
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {condition}"  # noqa: S608


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
        standard = response_standard(response)
        walked = route(standard, response.mode, response.answers)
        complete = complete_response(standard, response.mode, walked.answers)
        if isinstance(complete, list):
            raise Refused("Answer every question before you submit.", code="incomplete")
        if response.case_id is not None and _case_has_complete(response.case_id, response.pk):
            raise Refused(CASE_COMPLETE, code="case_complete")
        now = timezone.now()
        for name, value in _complete_fields(complete).items():
            setattr(response, name, value)
        response.completed_at = now
        response.updated_at = now
        response.save(update_fields=[*_complete_fields(complete), "completed_at", "updated_at"])
        if not response.is_test:
            key = _tally_key(response)
            _tally_add(response.survey_id, Counter({key: 1}), Counter({key: response.record_key}))
        if response.survey.asks_job_title:
            job_title_rederive(response, complete.answers)
        _case_refresh_of(response)
    return response


def _case_refresh_of(response: Response) -> None:
    """Refresh the derived state of the response's case, if it has one (in the caller's
    transaction, with the change that calls for it)."""
    if response.case_id is not None:
        case_refresh(case_id=response.case_id)


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
        _case_refresh_of(response)
    return response


def response_resume(*, response_id: Any) -> Response:
    """Carry on with a stopped or abandoned response: it is in progress again, with
    every answer kept. A complete response cannot be resumed."""
    with transaction.atomic():
        response = _locked(response_id)
        if response.status == Response.Status.COMPLETE:
            raise Refused("This interview is already complete.", code="closed")
        if response.status == Response.Status.IN_PROGRESS:
            return response
        response.status = Response.Status.IN_PROGRESS
        response.stop_reason = ""
        response.updated_at = timezone.now()
        response.save(update_fields=["status", "stop_reason", "updated_at"])
        _case_refresh_of(response)
    return response


def response_for_case(*, survey: Survey, case: Case, mode: Mode | str = Mode.ONLINE) -> Response:
    """The case's response in `mode` to carry on with: its latest one in progress, or
    its latest stopped or abandoned one (in progress again, answers kept), or a new
    one. Refused when the case is complete. The case's row is locked while its
    response is found or made, so two browsers using one code at once share one.
    """
    mode = Mode(mode)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
        if _case_has_complete(case.pk, lock=False):
            raise Refused(CASE_COMPLETE, code="case_complete")
        latest = (
            Response.objects.filter(case=case, mode=mode, is_test=False)
            .order_by("-updated_at")
            .first()
        )
        if latest is None:
            return response_start(survey=survey, mode=mode, case=case)
    if latest.status == Response.Status.IN_PROGRESS:
        return latest
    return response_resume(response_id=latest.pk)


def responses_abandon(*, now: datetime | None = None) -> int:
    """Mark as abandoned every response in progress with no answer for its survey's
    inactivity period, and every one of a survey that has closed; the number marked."""
    now = now or timezone.now()
    marked = 0
    for survey in Survey.objects.all():
        in_progress = Response.objects.filter(survey=survey, status=Response.Status.IN_PROGRESS)
        if not survey.has_closed(now):
            in_progress = in_progress.filter(
                updated_at__lt=now - timedelta(days=survey.inactivity_days)
            )
        with transaction.atomic():
            ids = list(in_progress.select_for_update().values_list("pk", "case_id"))
            Response.objects.filter(pk__in=[pk for pk, _ in ids]).update(
                status=Response.Status.ABANDONED, updated_at=now
            )
            for case_id in sorted({case_id for _, case_id in ids if case_id is not None}):
                case_refresh(case_id=case_id)
        marked += len(ids)
    return marked


def test_responses_clear(*, survey: Survey) -> int:
    """Delete a survey's test responses (test runs); the number deleted."""
    with transaction.atomic():
        deleted, _ = Response.objects.filter(survey=survey, is_test=True).delete()
    return deleted


def _complete_fields(complete: CompleteResponse) -> dict[str, Any]:
    """The stored form of a complete response: the one place a complete row is built."""
    return {
        **{key: complete.answers.get(key) for key in QUESTION_KEYS},
        "mode": complete.mode.value,
        "status": Response.Status.COMPLETE,
        "next_question": "",
        "nssec5": complete.nssec.nssec5,
        "nssec3": complete.nssec.nssec3,
    }
