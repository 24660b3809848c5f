"""The survey's monitoring figures: outcome counts and rates (overall, by mode, by
interviewer, by sample variable), workloads, missed appointments and case counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from seb.caseload import MISSED_AFTER, day_bounds
from seb.fieldwork import Outcome, RatesRow, rates_table
from seb.sample import VARIABLE_NAME

from ..models import (
    COUNTING_COLUMN,
    Case,
    CaseTally,
    ResponseTally,
    Survey,
)
from .case_rules import not_worked


def done_cases(now: datetime) -> Q:
    """The cases that are on no to-do list: those that must not be worked
    (`seb.case_actions.why_not_worked`: complete, refused, opted out, not eligible,
    closed, withdrawn, or its survey closed)."""
    return not_worked(now)


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    return day_bounds(timezone.localdate(now), timezone.get_current_timezone())


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
