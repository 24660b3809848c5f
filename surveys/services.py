"""Writing responses: every change to a response goes through here.

Online answers, interviews, imports, demo data, rederivation and the test suite's
factories all call these keyword-only functions. Each runs in one transaction;
the ones that change one response lock its row, so raced or repeated requests
are applied one after the other and see each other's result. A complete row is
built in one place (`_complete_fields`) from a `seb.routing.CompleteResponse`,
which only `seb.routing.complete_response` makes: so every complete response
stored has passed the one check of a response against its route, and carries
the NS-SEC its answers derive.

Each change to a complete response also changes the survey's tallies
(`ResponseTally`), and each change to a case's response refreshes the case's
derived state (`surveys.derived.case_refresh`), in the transaction of the change:
a crash between the two leaves neither. `manage.py cases_refresh` rebuilds both
from the facts.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from seb.caseload import resuming_is_a_new_attempt
from seb.derivation import DERIVATION_KEYS, NSSEC, derive
from seb.fieldwork import AttemptOutcome
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

from .cases import attempt_interview_stopped, attempt_record, case_interview_refusal
from .derived import BATCH_SIZE as DERIVE_BATCH
from .derived import among, case_refresh, cases_derive
from .job_titles import EMPLOYMENT_KEYS, job_title_rederive
from .models import (
    TALLY_COLUMNS,
    Attempt,
    Case,
    PendingAnswer,
    Response,
    ResponseTally,
    Survey,
)
from .selectors import unfinished_interview

ROWS_PER_COPY: Final = 50_000
# A COPY statement's rows are sent in pieces of this many as they are made, so the
# database starts on the first rows while the rest are still being read.
ROWS_PER_PIECE: Final = 2_000
# How many pieces may be made ahead of the one being sent (memory: a few megabytes).
PIECES_AHEAD: Final = 50
BATCH_SIZE: Final = 10_000
PATTERNS_KEPT: Final = 50_000


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


def completion_day(moment: datetime) -> date:
    """The day a response was completed, in the service's time zone (the tables' days)."""
    return timezone.localdate(moment)


# One response ------------------------------------------------------------------


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
    NS-SEC (surveys.job_titles)."""
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


# Interviews on a case ------------------------------------------------------------
#
# An interview is a response in an interviewer's mode, on a case of the sample.
# Starting one, or carrying on with one on a later call or visit, is an attempt on
# the case (`surveys.cases.attempt_record`), linked to the response, so the case's
# history shows every call and visit and its outcome follows.


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


# Answers posted after a session ended ------------------------------------------------


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


# Complete responses in bulk ------------------------------------------------------


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


@dataclass(slots=True)
class NewResponse:
    """A complete response to store in bulk (import, demo data, test data)."""

    complete: CompleteResponse
    reference: str = ""
    completed_at: datetime | None = None
    started_at: datetime | None = None
    source: str = Response.Source.COLLECTED
    interviewer_id: int | None = None
    case_id: int | None = None
    is_test: bool = False


def complete(
    survey: Survey, mode: Mode | str, answers: Mapping[str, str | None]
) -> CompleteResponse:
    """The CompleteResponse of `answers`, or ValueError naming what stops it."""
    made = complete_response(load_standard(survey.standard_version), mode, answers)
    if isinstance(made, list):
        raise ValueError(f"not a complete response: {made}")
    return made


def responses_create(
    *, survey: Survey, responses: Iterable[NewResponse], now: datetime | None = None
) -> int:
    """Store complete responses in bulk, with their tallies and the derived state of
    the cases they are for; the number stored.

    The rows go in with COPY, in statements of `ROWS_PER_COPY` rows. The caller's
    transaction (or one of its own) makes it all or nothing.
    """
    now = now or timezone.now()
    case_ids: set[int] = set()

    def noting_cases() -> Iterator[NewResponse]:
        for new in responses:
            if new.case_id is not None:
                case_ids.add(new.case_id)
            yield new

    with transaction.atomic():
        written = _copy_responses(survey=survey, responses=noting_cases(), now=now)
        ordered = sorted(case_ids)
        for start in range(0, len(ordered), DERIVE_BATCH):
            chunk = ordered[start : start + DERIVE_BATCH]
            cases_derive(cases=among(Case.objects.all(), chunk, "id"))
    return written


def _row_fields(survey: Survey, new: NewResponse, now: datetime) -> dict[str, Any]:
    completed = new.completed_at or now
    return {
        **_complete_fields(new.complete),
        "survey_id": survey.pk,
        "standard_version": survey.standard_version,
        "source": new.source,
        "is_test": new.is_test,
        "case_id": new.case_id,
        "reference": new.reference,
        "interviewer_id": new.interviewer_id,
        "stop_reason": "",
        "revision": 0,
        "start_token": "",
        "started_at": new.started_at or completed,
        "updated_at": completed,
        "completed_at": completed,
    }


# The columns COPY writes: first those that differ on every row, then those that
# one answer pattern (and its dates) fixes, turned into text once per pattern.
# (The id is left to the database's default, gen_random_uuid(): migration 0008.)
PER_ROW_FIELDS: Final = ("case", "reference", "interviewer", "record_key")
PATTERN_FIELDS: Final = (
    "survey",
    "standard_version",
    "mode",
    "status",
    "source",
    "is_test",
    "stop_reason",
    "revision",
    "next_question",
    "start_token",
    "started_at",
    "updated_at",
    "completed_at",
    *QUESTION_KEYS,
    "nssec5",
    "nssec3",
)


def _copy_text(value: Any) -> str:
    """`value` in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" not in text and "\t" not in text and "\n" not in text and "\r" not in text:
        return text
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


NULL_TEXT: Final = "\\N"


def _copy_responses(*, survey: Survey, responses: Iterator[NewResponse], now: datetime) -> int:
    """Write the rows with COPY, in statements of `ROWS_PER_COPY` rows.

    The rows' text is made in a thread of its own (reading and checking a file
    happens there too, when `responses` is an import's), in pieces of
    `ROWS_PER_PIECE` rows, while this thread sends the pieces made before:
    PostgreSQL's work and Python's overlap, on two cores, from the first piece on.
    Each distinct answer pattern is turned into text once.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Response._meta.get_field(name).column) for name in (*PER_ROW_FIELDS, *PATTERN_FIELDS)
    )
    sql = f"COPY {quote(Response._meta.db_table)} ({columns}) FROM STDIN"
    # By the CompleteResponse object (its checker hands out one per answer pattern,
    # which the cache keeps alive) and what else fixes the text.
    texts: dict[tuple[Any, ...], tuple[CompleteResponse, str, tuple[Any, ...] | None]] = {}
    tally: Counter[tuple[Any, ...]] = Counter()
    key_sums: Counter[tuple[Any, ...]] = Counter()

    def chunks() -> Iterator[tuple[str, int]]:
        rows: list[str] = []
        # Record keys drawn as the database's default draws them (uniform, 0 to 255),
        # here so that the tallies can sum them; one byte each.
        keys: Iterator[int] = iter(())
        for new in responses:
            record_key = next(keys, None)
            if record_key is None:
                keys = iter(os.urandom(ROWS_PER_PIECE))
                record_key = next(keys)
            pattern = (id(new.complete), new.source, new.is_test, new.completed_at, new.started_at)
            known = texts.get(pattern)
            if known is None:
                fields = _row_fields(survey, new, now)
                fields["survey"] = fields.pop("survey_id")
                text = "\t".join(_copy_text(fields[name]) for name in PATTERN_FIELDS)
                known = (new.complete, text, None if new.is_test else _tally_key_of(fields))
                if len(texts) < PATTERNS_KEPT:
                    texts[pattern] = known
            _, text, tally_key = known
            if tally_key is not None:
                tally[tally_key] += 1
                key_sums[tally_key] += record_key
            case = NULL_TEXT if new.case_id is None else str(new.case_id)
            interviewer = NULL_TEXT if new.interviewer_id is None else str(new.interviewer_id)
            reference = _copy_text(new.reference) if new.reference else ""
            rows.append(f"{case}\t{reference}\t{interviewer}\t{record_key}\t{text}\n")
            if len(rows) == ROWS_PER_PIECE:
                yield "".join(rows), len(rows)
                rows.clear()
        if rows:
            yield "".join(rows), len(rows)

    written = 0
    with connection.cursor() as cursor:
        # Each COPY checks its constraints when it ends, not at commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        pieces = _made_ahead(chunks(), ahead=PIECES_AHEAD)
        try:
            piece = next(pieces, None)
            while piece is not None:
                with cursor.copy(sql) as copy:
                    in_statement = 0
                    while piece is not None and in_statement < ROWS_PER_COPY:
                        text, count = piece
                        copy.write(text)
                        in_statement += count
                        piece = next(pieces, None)
                written += in_statement
        finally:
            pieces.close()
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _tally_add(survey.pk, tally, key_sums)
    return written


_DONE: Final = object()


def _made_ahead(items: Iterator[Any], *, ahead: int = 2) -> Iterator[Any]:
    """`items`, made in a thread of their own up to `ahead` items in advance.

    The thread closes any database connection it opened (a progress report's) when
    it ends; an exception in it is raised here, where the items are used.
    """
    from django.db import connections

    made: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def make() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        made.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            made.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            made.put(_Failed(error))
        finally:
            connections.close_all()

    maker = threading.Thread(target=make, name="rows-ahead", daemon=True)
    maker.start()
    try:
        while (item := made.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        maker.join()


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


# Tallies ---------------------------------------------------------------------


def _tally_key_of(fields: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        completion_day(fields["completed_at"]),
        fields["mode"],
        *((fields[column] or "") for column in TALLY_COLUMNS),
    )


def _tally_key(response: Response) -> tuple[Any, ...]:
    assert response.completed_at is not None
    return _tally_key_of(
        {
            "completed_at": response.completed_at,
            "mode": response.mode,
            **{column: getattr(response, column) for column in TALLY_COLUMNS},
        }
    )


TALLY_FIELDS: Final = ("survey_id", "variable", "day", "mode", "code")


def _tally_add(
    survey_id: int,
    counts: Mapping[tuple[Any, ...], int],
    key_sums: Mapping[tuple[Any, ...], int],
) -> None:
    """Add `counts`, and the sums of their responses' record keys, to a survey's tallies.
    A key is (day, mode, then a code for each of TALLY_COLUMNS); each adds to one tally
    row per column."""
    if not counts:
        return
    rows: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for key, count in counts.items():
        day, mode, *codes = key
        for variable, code in zip(TALLY_COLUMNS, codes, strict=True):
            row = rows[(variable, day, mode, code)]
            row[0] += count
            row[1] += key_sums.get(key, 0)
    table = connection.ops.quote_name(ResponseTally._meta.db_table)
    key_columns = ", ".join(connection.ops.quote_name(name) for name in TALLY_FIELDS)
    items = list(rows.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 1000):
            batch = items[start : start + 1000]
            placeholders = "(" + ", ".join(["%s"] * (len(TALLY_FIELDS) + 2)) + ")"
            values = ", ".join([placeholders] * len(batch))
            params: list[Any] = []
            for key, (count, key_sum) in batch:
                params.extend((survey_id, *key, count, key_sum))
            cursor.execute(
                f"INSERT INTO {table} ({key_columns}, count, key_sum) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({key_columns}) DO UPDATE SET "
                f"count = {table}.count + excluded.count, "
                f"key_sum = {table}.key_sum + excluded.key_sum",
                params,
            )


def tallies_rebuild(*, survey: Survey) -> int:
    """Count a survey's tallies again from its complete responses; the rows written."""
    responses = counted_responses(Response.objects.filter(survey=survey)).annotate(
        day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    )
    with transaction.atomic():
        ResponseTally.objects.filter(survey=survey).delete()
        written = 0
        for variable in TALLY_COLUMNS:
            grouped = (
                responses.order_by()
                .values_list("day", "mode", variable)
                .annotate(n=Count("*"), keys=Sum("record_key"))
            )
            rows = [
                ResponseTally(
                    survey=survey,
                    variable=variable,
                    day=day,
                    mode=mode,
                    code=code or "",
                    count=n,
                    key_sum=keys,
                )
                for day, mode, code, n, keys in grouped.iterator(chunk_size=5000)
            ]
            ResponseTally.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)
    return written


def counted_responses(responses: QuerySet[Response]) -> QuerySet[Response]:
    """The responses that every output counts: complete and not test runs."""
    return responses.filter(status=Response.Status.COMPLETE, is_test=False)


# Rederivation -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RederiveResult:
    examined: int
    changed: int
    batches: int


def responses_rederive(
    *, survey: Survey | None = None, batch_size: int = BATCH_SIZE
) -> RederiveResult:
    """Derive nssec5 and nssec3 again for every complete response (of one survey, or
    all), and count a changed survey's tallies again.

    One transaction per survey, holding its changed responses and its tallies
    together (a complete response has no other writer, so its lock stops nobody);
    within it, batches follow the primary key. A run stopped part way leaves the
    survey as it was, to be run again.
    """
    surveys = Survey.objects.order_by("pk") if survey is None else [survey]
    memo: dict[tuple[str | None, ...], NSSEC] = {}
    examined = changed = batches = 0
    for each in surveys:
        with transaction.atomic():
            result = _survey_rederive(each, batch_size, memo)
            if result.changed:
                tallies_rebuild(survey=each)
        examined += result.examined
        changed += result.changed
        batches += result.batches
    return RederiveResult(examined=examined, changed=changed, batches=batches)


def _survey_rederive(
    survey: Survey, batch_size: int, memo: dict[tuple[str | None, ...], NSSEC]
) -> RederiveResult:
    responses = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
    examined = changed = batches = 0
    last = None
    while True:
        page = responses.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(
            page.select_for_update(of=("self",)).values_list(
                "pk", *DERIVATION_KEYS, "nssec5", "nssec3"
            )[:batch_size]
        )
        if not rows:
            break
        batches += 1
        examined += len(rows)
        last = rows[-1][0]
        stale = []
        for pk, *rest in rows:
            codes, stored = tuple(rest[:-2]), tuple(rest[-2:])
            if codes not in memo:
                answers = {k: c for k, c in zip(DERIVATION_KEYS, codes, strict=True) if c}
                memo[codes] = derive(answers)
            derived = memo[codes]
            if stored != (derived.nssec5, derived.nssec3):
                stale.append(Response(pk=pk, nssec5=derived.nssec5, nssec3=derived.nssec3))
        Response.objects.bulk_update(stale, ["nssec5", "nssec3"], batch_size=1000)
        changed += len(stale)
    return RederiveResult(examined=examined, changed=changed, batches=batches)
