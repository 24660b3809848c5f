"""Reads of surveys, responses and cases that views and commands share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.shortcuts import get_object_or_404
from django.utils import timezone

from seb.fieldwork import Outcome, RatesRow, rates_table
from seb.standard import Mode

from .models import Case, Response, Survey

INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)


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


def unfinished_interviews(user: Any) -> QuerySet[Response]:
    """The interviewer's own interviews still in progress, most recently changed first."""
    return (
        Response.objects.filter(
            interviewer=user, mode__in=INTERVIEW_MODES, status=Response.Status.IN_PROGRESS
        )
        .select_related("survey")
        .order_by("-updated_at")
    )


def own_case(user: Any, response_id: Any) -> Response:
    """The interviewer's own interview, or 404: another interviewer's is not theirs to know of."""
    return get_object_or_404(
        Response.objects.select_related("survey"),
        pk=response_id,
        interviewer=user,
        mode__in=INTERVIEW_MODES,
    )


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
