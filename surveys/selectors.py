"""Reads of surveys, responses and cases that views and commands share."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.sql import Query
from django.shortcuts import get_object_or_404
from django.utils import timezone

from seb.caseload import MISSED_AFTER, CaseFacts, CaseList, day_bounds
from seb.fieldwork import AttemptOutcome, Outcome, RatesRow, rates_table
from seb.sample import VARIABLE_NAME
from seb.standard import Mode
from seb.statuses import UNFINISHED

from .access import INTERVIEWER, SUPERVISOR, person, surveys_for
from .case_rules import not_worked
from .models import (
    COUNTING_COLUMN,
    Attempt,
    Case,
    CaseTally,
    Message,
    PendingAnswer,
    Response,
    ResponseTally,
    Survey,
    TeamRole,
)

INTERVIEW_MODES = tuple(mode for mode in Mode if mode.is_interviewer_led)
SURVEY_PREFIX = "survey__"
# The kinds of staff who work on cases and interviews.
WORKERS = (INTERVIEWER, SUPERVISOR)


def online_response(response_id: str, slug: str) -> Response | None:
    """The online response `response_id` of the survey `slug`, with its survey loaded:
    the first read of every page of the online journey.

    The query is written once per database from the models' fields, not built by the
    ORM on each call: Django makes a `select_related` query's SQL afresh every time,
    which cost a question page more of the web worker's time than anything else
    (profiled under the journey's load test, `bench/bench_journey.py`). The rows are
    still turned into models by Django, with its converters for every field.
    """
    try:
        pk = uuid.UUID(response_id)
    except (TypeError, ValueError):
        return None
    db = Response.objects.db
    db_connection = connections[db]
    params = [Response._meta.pk.get_db_prep_value(pk, db_connection), slug, Mode.ONLINE.value]
    found = list(Response.objects.using(db).raw(_online_response_sql(db), params))
    if not found:
        return None
    response = found[0]
    fields = Survey._meta.concrete_fields
    values = [response.__dict__.pop(f"{SURVEY_PREFIX}{field.attname}") for field in fields]
    compiler = db_connection.ops.compiler("SQLCompiler")(Query(Survey), db_connection, db)
    converters = compiler.get_converters([field.get_col(Survey._meta.db_table) for field in fields])
    if converters:
        values = list(next(iter(compiler.apply_converters([values], converters))))
    survey = Survey.from_db(db, [field.attname for field in fields], values)
    Response._meta.get_field("survey").set_cached_value(response, survey)
    return response


@cache
def _online_response_sql(db: str) -> str:
    quote = connections[db].ops.quote_name
    response_columns = [f"r.{quote(field.column)}" for field in Response._meta.concrete_fields]
    survey_columns = [
        f"s.{quote(field.column)} AS {quote(SURVEY_PREFIX + field.attname)}"
        for field in Survey._meta.concrete_fields
    ]
    survey_key = Response._meta.get_field("survey")
    # Names from the models' own metadata, quoted; the values go as parameters.
    return (
        f"SELECT {', '.join(response_columns + survey_columns)} "  # noqa: S608
        f"FROM {quote(Response._meta.db_table)} r "
        f"INNER JOIN {quote(Survey._meta.db_table)} s "
        f"ON s.{quote(Survey._meta.pk.column)} = r.{quote(survey_key.column)} "
        f"WHERE r.{quote(Response._meta.pk.column)} = %s "
        f"AND s.{quote(Survey._meta.get_field('slug').column)} = %s "
        f"AND r.{quote(Response._meta.get_field('mode').column)} = %s"
    )


def surveys_open_for_interviews() -> QuerySet[Survey]:
    """Open surveys that offer face-to-face or telephone interviews, by name."""
    now = timezone.now()
    return (
        Survey.objects.filter(Q(offers_face_to_face=True) | Q(offers_telephone=True))
        .filter(is_draft=False)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("name")
    )


def interviews_for(user: Any, roles: Sequence[str] = WORKERS) -> QuerySet[Response]:
    """The interviews a user may work on (`surveys.access`): a supervisor, any of the
    surveys they supervise; an interviewer, those on the cases assigned to them (and
    any they started that has no case) in the surveys they interview for."""
    interviews = Response.objects.filter(mode__in=INTERVIEW_MODES)
    supervised, interviewed = _worked_surveys(user, roles)
    return interviews.filter(
        Q(survey__in=supervised)
        | (
            Q(survey__in=interviewed)
            & (Q(case__interviewer=user) | Q(case__isnull=True, interviewer=user))
        )
    )


def own_case(user: Any, response_id: Any) -> Response:
    """An interview the user may work on, or 404: anyone else's is not theirs to know of."""
    return get_object_or_404(interviews_for(user).select_related("survey", "case"), pk=response_id)


def unfinished_interview(case: Case) -> Response | None:
    """The case's latest interview that is not complete (in progress, stopped or
    abandoned), if any: the one to carry on with."""
    return (
        Response.objects.filter(case=case, mode__in=INTERVIEW_MODES, is_test=False)
        .exclude(status=Response.Status.COMPLETE)
        .order_by("-updated_at")
        .first()
    )


# Caseloads ----------------------------------------------------------------------


def _worked_surveys(user: Any, roles: Sequence[str]) -> tuple[QuerySet[Survey], QuerySet[Survey]]:
    """The surveys the user supervises and those they interview for, among `roles`."""
    supervised = (
        surveys_for(user, TeamRole.SUPERVISOR) if SUPERVISOR in roles else Survey.objects.none()
    )
    interviewed = (
        surveys_for(user, TeamRole.INTERVIEWER) if INTERVIEWER in roles else Survey.objects.none()
    )
    return supervised, interviewed


def cases_for(user: Any, roles: Sequence[str] = WORKERS) -> QuerySet[Case]:
    """The cases a user may see in `roles`: a supervisor, every case of the surveys they
    supervise; an interviewer, their own cases of the surveys they interview for."""
    supervised, interviewed = _worked_surveys(user, roles)
    return Case.objects.select_related("survey", "interviewer").filter(
        Q(survey__in=supervised) | Q(survey__in=interviewed, interviewer=user)
    )


def case_for(user: Any, case_id: Any, roles: Sequence[str] = WORKERS) -> Case:
    """One case the user may see in `roles`, or 404."""
    return get_object_or_404(cases_for(user, roles), pk=case_id)


def done_cases(now: datetime) -> Q:
    """The cases that are on no to-do list: those that must not be worked
    (`seb.case_actions.why_not_worked`: complete, refused, opted out, not eligible,
    closed, withdrawn, or its survey closed)."""
    return not_worked(now)


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    return day_bounds(timezone.localdate(now), timezone.get_current_timezone())


def caseload(
    cases: QuerySet[Case], *, show: CaseList | None, search: str = "", now: datetime
) -> QuerySet[Case]:
    """A list of cases, filtered and in working order, each annotated with its
    unfinished interview (`unfinished_id`, `unfinished_status`).

    A search by reference looks through every list. To do and today: appointments
    due soonest first, then the cases worked least recently. Done: the latest first.
    """
    done = done_cases(now)
    if search:
        cases = cases.filter(reference__icontains=search)
    elif show is CaseList.DONE:
        cases = cases.filter(done)
    elif show is CaseList.TODAY:
        start, end = today_bounds(now)
        cases = cases.exclude(done).filter(
            next_appointment_at__gte=start, next_appointment_at__lt=end
        )
    elif show is CaseList.TO_DO:
        cases = cases.exclude(done)
    unfinished = (
        Response.objects.filter(case=OuterRef("pk"), mode__in=INTERVIEW_MODES, is_test=False)
        .exclude(status=Response.Status.COMPLETE)
        .order_by("-updated_at")
    )
    cases = cases.annotate(
        unfinished_id=Subquery(unfinished.values("pk")[:1]),
        unfinished_status=Subquery(unfinished.values("status")[:1]),
    )
    if show is CaseList.DONE and not search:
        return cases.order_by(F("last_activity_at").desc(nulls_last=True), "reference", "pk")
    return cases.order_by(
        F("next_appointment_at").asc(nulls_last=True),
        F("last_activity_at").asc(nulls_first=True),
        "reference",
        "pk",
    )


def case_facts(case: Case, now: datetime) -> CaseFacts:
    """What `seb.caseload` needs to know of a case (annotated by `caseload`, or not)."""
    if hasattr(case, "unfinished_id"):
        has_unfinished = case.unfinished_id is not None
    else:
        has_unfinished = unfinished_interview(case) is not None
    return CaseFacts(
        outcome=Outcome(case.outcome),
        in_progress=case.in_progress,
        closed=case.closed_at is not None,
        withdrawn=case.withdrawn_at is not None,
        survey_closed=case.survey.has_closed(now),
        opted_out=case.opted_out_at is not None,
        not_eligible=case.not_eligible_at is not None,
        attempt_count=case.attempt_count,
        next_appointment_at=case.next_appointment_at,
        unfinished_interview=has_unfinished,
    )


def pending_answers(user: Any) -> QuerySet[PendingAnswer]:
    """Answers the user posted after their session ended, not yet saved or dismissed."""
    return PendingAnswer.objects.filter(user=user).select_related("response", "response__survey")


# A case's history ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a case: when, what, who, how, and any note."""

    at: datetime
    what: str
    who: str = ""
    mode: str = ""
    detail: str = ""
    note: str = ""


def case_history(case: Case) -> list[HistoryEntry]:
    """Everything that happened to the case, latest first: calls and visits with their
    outcomes and notes, interviews started, resumed, stopped, completed or abandoned,
    answers online, messages, and the case being closed, withdrawn or opted out."""
    started: set[Any] = set()
    # The attempts first: a response's entries leave out what its attempts said.
    entries = [
        *_attempt_entries(case, started),
        *(
            entry
            for response in _case_responses(case)
            for entry in _response_entries(response, started)
        ),
        *_message_entries(case),
        *(
            HistoryEntry(at, what)
            for at, what in (
                (case.opted_out_at, "Opted out: asked for no more contact"),
                (case.not_eligible_at, "Marked not eligible"),
                (case.closed_at, "Case closed: no more calls or visits"),
                (case.withdrawn_at, "Withdrawn from the sample"),
            )
            if at is not None
        ),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _attempt_entries(case: Case, started: set[Any]) -> list[HistoryEntry]:
    """The case's calls and visits, each with the stop of the interview it started;
    `started` gathers the responses an attempt started or resumed."""
    entries = []
    attempts = Attempt.objects.filter(case=case).select_related("interviewer").order_by("at", "pk")
    for attempt in attempts:
        mode = Mode(attempt.mode).label
        what = AttemptOutcome(attempt.outcome).label
        detail = ""
        if attempt.outcome == AttemptOutcome.INTERVIEW_STARTED.value:
            if attempt.response_id in started:
                what = "Interview resumed"
            started.add(attempt.response_id)
        elif attempt.appointment_at is not None:
            local = timezone.localtime(attempt.appointment_at)
            detail = f"Appointment: {local:%A %-d %B %Y, %H:%M}"
        who = person(attempt.interviewer)
        entries.append(HistoryEntry(attempt.at, what, who, mode, detail, attempt.note))
        if attempt.ended_at is not None:
            reason = Response.StopReason(attempt.end).label if attempt.end else ""
            entries.append(HistoryEntry(attempt.ended_at, "Interview stopped", who, mode, reason))
    return entries


def _case_responses(case: Case) -> QuerySet[Response]:
    return Response.objects.filter(case=case).select_related("interviewer", "survey")


def _response_entries(response: Response, started: set[Any]) -> list[HistoryEntry]:
    """A response's start and its end (complete, abandoned or stopped), less what the
    attempts that started it (`started`) already say."""
    mode = Mode(response.mode).label
    who = person(response.interviewer)
    interview = Mode(response.mode).is_interviewer_led
    if response.is_test:
        return [HistoryEntry(response.started_at, "Test response (not counted)", who, mode)]
    entries = []
    if not interview:
        entries.append(HistoryEntry(response.started_at, "Started answering online", mode=mode))
    elif response.pk not in started:
        entries.append(HistoryEntry(response.started_at, "Interview started", who, mode))
    if response.status == Response.Status.COMPLETE and response.completed_at:
        what = "Interview complete" if interview else "Completed online"
        entries.append(HistoryEntry(response.completed_at, what, who, mode))
    elif response.status == Response.Status.ABANDONED:
        detail = f"No answer for {response.survey.inactivity_days} days, or the survey closed"
        entries.append(HistoryEntry(response.updated_at, "Abandoned", who, mode, detail))
    elif response.status == Response.Status.STOPPED and response.pk not in started:
        reason = Response.StopReason(response.stop_reason).label
        entries.append(HistoryEntry(response.updated_at, "Interview stopped", who, mode, reason))
    return entries


def _message_entries(case: Case) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            message.sent_at or message.created_at,
            f"{message.round.get_kind_display()} sent by {message.get_channel_display().lower()}",
            detail=message.get_status_display(),
        )
        for message in Message.objects.filter(case=case).select_related("round")
    ]


# Supervising -----------------------------------------------------------------------


def interviewers() -> QuerySet[Any]:
    """The active users who hold the interviewer role, to assign cases to: the members of
    its group, and superusers, who hold every role (`surveys.access.roles_of`)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=INTERVIEWER))
        .distinct()
        .order_by("username")
    )


def missed_appointments(survey: Survey, now: datetime) -> QuerySet[Case]:
    """The survey's cases whose appointment passed with no call or visit since."""
    return (
        counted_cases(survey)
        .exclude(done_cases(now))
        .filter(next_appointment_at__lt=now - MISSED_AFTER)
        .select_related("interviewer")
        .order_by("next_appointment_at", "reference")
    )


@dataclass(frozen=True, slots=True)
class Workload:
    """One interviewer's cases of a survey, counted by where they stand."""

    cases: int = 0
    to_do: int = 0
    today: int = 0
    missed: int = 0
    in_progress: int = 0
    done: int = 0


def workloads(survey: Survey, now: datetime) -> dict[Any, Workload]:
    """Interviewer id (None: unassigned) to their workload on the survey: one GROUP BY."""
    done = done_cases(now)
    start, end = today_bounds(now)
    active = ~done
    rows = (
        counted_cases(survey)
        .order_by()
        .values("interviewer_id")
        .annotate(
            cases=Count("pk"),
            to_do=Count("pk", filter=active),
            today=Count(
                "pk",
                filter=active & Q(next_appointment_at__gte=start, next_appointment_at__lt=end),
            ),
            missed=Count("pk", filter=active & Q(next_appointment_at__lt=now - MISSED_AFTER)),
            in_progress=Count("pk", filter=active & Q(in_progress=True)),
            done=Count("pk", filter=done),
        )
    )
    return {
        row.pop("interviewer_id"): Workload(**row)  # type: ignore[arg-type]
        for row in rows
    }


# Outcomes and rates ------------------------------------------------------------

OVERALL = "overall"
BY_MODE = "mode"
BY_INTERVIEWER = "interviewer"


def counted_cases(survey: Survey) -> QuerySet[Case]:
    """The cases every rate counts: the sample, less withdrawn cases."""
    return Case.objects.filter(survey=survey, withdrawn_at__isnull=True)


def outcome_counts(*, survey: Survey, by: str = OVERALL) -> dict[str, dict[Outcome, int]]:
    """Cases per outcome, for each group of a breakdown (one GROUP BY).

    `by` is "overall", "mode", "interviewer" or the name of a sample variable. A
    case without a value for the breakdown is in the group "".
    """
    cases = counted_cases(survey).order_by()
    if by == OVERALL:
        rows = cases.annotate(group=Value("")).values_list("group", "outcome")
    elif by == BY_MODE:
        rows = cases.values_list("mode", "outcome")
    elif by == BY_INTERVIEWER:
        rows = cases.values_list("interviewer__username", "outcome")
    else:
        rows = cases.annotate(group=KeyTextTransform(by, "variables")).values_list(
            "group", "outcome"
        )
    counted: dict[str, dict[Outcome, int]] = {}
    for group, outcome, n in rows.annotate(n=Count("*")):
        counted.setdefault(group or "", {})[Outcome(outcome)] = n
    return counted


def survey_rates(*, survey: Survey) -> list[RatesRow]:
    """The rates file's rows: overall, by mode, by interviewer, by each sample variable."""
    groups: list[tuple[str, str, dict[Outcome, int]]] = [
        (OVERALL, "", outcome_counts(survey=survey).get("", {}))
    ]
    for breakdown in (BY_MODE, BY_INTERVIEWER, *survey.sample_variables):
        for group, counts in sorted(outcome_counts(survey=survey, by=breakdown).items()):
            groups.append((breakdown, group, counts))
    return rates_table(groups)


def outcome_counts_by_breakdown(
    *, survey: Survey, breakdowns: Sequence[str]
) -> dict[str, dict[str, dict[Outcome, int]]]:
    """`outcome_counts` for several breakdowns at once.

    One GROUPING SETS query over the survey's case tally (`CaseTally`, kept by
    triggers): a few rows per combination of outcome, mode, interviewer and sample
    variables, whatever the number of cases.
    """
    expressions = [_breakdown_expression(by) for by in breakdowns]
    grouped = [
        (by, expression)
        for by, expression in zip(breakdowns, expressions, strict=True)
        if expression
    ]
    overall = [by for by, expression in zip(breakdowns, expressions, strict=True) if not expression]
    counted: dict[str, dict[str, dict[Outcome, int]]] = {by: {} for by in breakdowns}
    width = len(grouped)
    every = (1 << width) - 1
    with connection.cursor() as cursor:
        cursor.execute(_grouping_sets_sql([expression for _, expression in grouped]), [survey.pk])
        rows = cursor.fetchall()
    for row in rows:
        mask, values, outcome, n = row[0], row[1 : 1 + width], row[1 + width], int(row[2 + width])
        if mask == every:
            targets = [(by, "") for by in overall]
        else:
            # The one grouped expression of this row's grouping set (its bit is 0).
            index = next(i for i in range(width) if not mask & (1 << (width - 1 - i)))
            targets = [(grouped[index][0], values[index] or "")]
        for by, group in targets:
            found = counted[by].setdefault(str(group), {})
            found[Outcome(outcome)] = found.get(Outcome(outcome), 0) + n
    return counted


def _breakdown_expression(by: str) -> str | None:
    """The SQL expression over the case tally (t) and users (u) a breakdown groups by;
    None for the overall figures."""
    if by == OVERALL:
        return None
    if by == BY_MODE:
        return "t.mode"
    if by == BY_INTERVIEWER:
        return "u.username"
    if VARIABLE_NAME.match(by):
        # Inlined, not a parameter: GROUP BY must see the very same expression as
        # SELECT, and a variable's name is letters, digits and underscores only.
        return f"(t.variables ->> '{by}')"
    raise ValueError(f"{by!r} cannot be a sample variable's name")


def _grouping_sets_sql(grouped: Sequence[str]) -> str:
    """One query giving, for each outcome, its count overall and in each group of each
    of the `grouped` expressions, with GROUPING()'s mask saying which a row is. Rows
    that count nothing (a tally row at 0) are left out."""
    quote = connection.ops.quote_name
    tally = quote(CaseTally._meta.db_table)
    users = quote(get_user_model()._meta.db_table)
    sets = ["(t.outcome)", *(f"({expression}, t.outcome)" for expression in grouped)]
    columns = "".join(f"{expression}, " for expression in grouped)
    grouping = f"GROUPING({', '.join(grouped)})" if grouped else "0"
    return (
        f"SELECT {grouping}, {columns}t.outcome, SUM(t.count) "  # noqa: S608
        f"FROM {tally} t LEFT JOIN {users} u ON u.id = t.interviewer_id "
        "WHERE t.survey_id = %s AND t.count <> 0 "
        f"GROUP BY GROUPING SETS ({', '.join(sets)}) HAVING SUM(t.count) <> 0"
    )


def survey_rates_fast(*, survey: Survey) -> list[RatesRow]:
    """`survey_rates`, from one scan of the cases (`outcome_counts_by_breakdown`)."""
    return survey_outcomes_and_rates(survey=survey)[1]


def survey_outcomes_and_rates(*, survey: Survey) -> tuple[dict[Outcome, int], list[RatesRow]]:
    """The survey's cases per outcome, and its rates file's rows, from one scan."""
    breakdowns = [OVERALL, BY_MODE, BY_INTERVIEWER, *survey.sample_variables]
    counted = outcome_counts_by_breakdown(survey=survey, breakdowns=breakdowns)
    groups: list[tuple[str, str, dict[Outcome, int]]] = [
        (OVERALL, "", counted[OVERALL].get("", {}))
    ]
    for breakdown in breakdowns[1:]:
        for group, counts in sorted(counted[breakdown].items()):
            groups.append((breakdown, group, counts))
    return dict(counted[OVERALL].get("", {})), rates_table(groups)


# Monitoring ------------------------------------------------------------------------


def completes_by_day(*, survey: Survey) -> list[tuple[date, str, int]]:
    """(day, mode, complete responses) from the tallies, by day then mode."""
    return [
        (day, mode, int(n))
        for day, mode, n in ResponseTally.objects.filter(survey=survey, variable=COUNTING_COLUMN)
        .order_by("day", "mode")
        .values_list("day", "mode")
        .annotate(n=Sum("count"))
        if n
    ]


def stop_points(*, survey: Survey) -> dict[str, dict[str, int]]:
    """For responses started and not submitted (test runs aside): how many stand at
    each question (the first still to answer; "" when only the check page is left),
    per mode."""
    rows = (
        Response.objects.filter(survey=survey, status__in=UNFINISHED, is_test=False)
        .order_by()
        .values_list("mode", "next_question")
        .annotate(n=Count("*"))
    )
    found: dict[str, dict[str, int]] = {}
    for mode, key, n in rows:
        found.setdefault(mode, {})[key] = n
    return found


def median_completion_seconds(*, survey: Survey) -> float | None:
    """The median time from start to submission of the survey's complete responses
    (test runs and imports aside), in seconds; None with none."""
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "  # noqa: S608
            f"EXTRACT(EPOCH FROM completed_at - started_at)) FROM {table} "
            "WHERE survey_id = %s AND status = %s AND NOT is_test AND source = %s",
            [survey.pk, Response.Status.COMPLETE.value, Response.Source.COLLECTED.value],
        )
        row = cursor.fetchone()
    return None if not row or row[0] is None else float(row[0])


def case_counts(*, surveys: Sequence[Survey]) -> dict[int, dict[str, int]]:
    """Per survey: cases in the sample, complete cases, and complete responses."""
    found: dict[int, dict[str, int]] = {
        survey.pk: {"cases": 0, "complete_cases": 0, "complete": 0} for survey in surveys
    }
    ids = list(found)
    per_survey = (
        CaseTally.objects.filter(survey_id__in=ids)
        .order_by()
        .values_list("survey_id")
        .annotate(
            n=Sum("count"),
            complete=Sum("count", filter=Q(outcome=Outcome.COMPLETE.value), default=0),
        )
    )
    for survey_id, cases, complete_cases in per_survey:
        found[survey_id]["cases"] = cases
        found[survey_id]["complete_cases"] = complete_cases
    for survey_id, n in (
        ResponseTally.objects.filter(survey_id__in=ids, variable=COUNTING_COLUMN)
        .order_by()
        .values_list("survey_id")
        .annotate(n=Sum("count"))
    ):
        found[survey_id]["complete"] = int(n or 0)
    return found
