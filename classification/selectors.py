"""Reads for the analyst area: the output tables' counts, aggregated in the database.

One GROUP BY query per table over the selection's complete responses. Answers
are grouped by their option id (no join), then mapped to codes with the cached
option index; the derived NS-SEC classes are grouped by their own column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from surveys.models import QUESTION_KEYS, Response, Survey
from surveys.options import option_index
from surveys.standard import Mode

from .tables import (
    Selection,
    Table,
    TableError,
    TableSpec,
    TablesReport,
    build_table,
    table_specs,
)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def selected_responses(*, survey: Survey, selection: Selection) -> QuerySet[Response]:
    """The survey's complete responses in the selection's modes and completion dates.

    The dates are whole days in the service's time zone, both ends included.
    """
    responses = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
    if selection.modes:
        responses = responses.filter(mode__in=[mode.value for mode in selection.modes])
    if selection.date_from:
        responses = responses.filter(completed_at__gte=_start_of(selection.date_from))
    if selection.date_to:
        responses = responses.filter(
            completed_at__lt=_start_of(selection.date_to + timedelta(days=1))
        )
    return responses


def table_counts_query(
    *, survey: Survey, selection: Selection, spec: TableSpec
) -> QuerySet[Response, tuple[Any, int]]:
    """The table's GROUP BY: (column value, count) rows."""
    column = spec.column if spec.column not in QUESTION_KEYS else f"{spec.column}_id"
    return (
        selected_responses(survey=survey, selection=selection)
        .order_by()
        .values_list(column)
        .annotate(n=Count("*"))  # "*", not a column, so the index alone answers
    )


def table_counts(*, survey: Survey, selection: Selection, spec: TableSpec) -> dict[str | None, int]:
    """The number of selected responses for each code of the table's column (one query).

    None counts the responses with no value in that column.
    """
    grouped = table_counts_query(survey=survey, selection=selection, spec=spec)
    counts: dict[str | None, int] = defaultdict(int)
    if spec.column in QUESTION_KEYS:
        index = option_index(survey.standard.version)
        for option_id, n in grouped:
            counts[None if option_id is None else index.code_for(option_id)] += n
    else:
        for code, n in grouped:
            # A derived class left empty (never derived) has no value.
            counts[code or None] += n
    return dict(counts)


def selection_table(*, survey: Survey, selection: Selection, spec: TableSpec) -> Table:
    try:
        return build_table(spec, table_counts(survey=survey, selection=selection, spec=spec))
    except TableError as error:
        raise TableError(
            f"{error} Run `python manage.py rederive` to derive NS-SEC for every response."
            if spec.column.startswith("nssec")
            else str(error)
        ) from error


def tables_report(
    *,
    survey: Survey,
    selection: Selection,
    classes: str = "5",
    controlled: bool = True,
) -> TablesReport:
    """The prescribed tables for a selection of a survey's responses (one query per table)."""
    specs = table_specs(classes)
    return TablesReport(
        survey_name=survey.name,
        selection=selection,
        tables=tuple(
            selection_table(survey=survey, selection=selection, spec=spec) for spec in specs
        ),
        produced_at=timezone.localtime(),
        standard_title=f"{survey.standard.title} ({survey.standard.version})",
        controlled=controlled,
    )


@dataclass(frozen=True, slots=True)
class ModeCounts:
    mode: Mode
    complete: int = 0
    in_progress: int = 0
    stopped: int = 0


@dataclass(frozen=True, slots=True)
class SurveySummary:
    survey: Survey
    modes: tuple[ModeCounts, ...]

    @property
    def complete(self) -> int:
        return sum(counts.complete for counts in self.modes)

    @property
    def in_progress(self) -> int:
        return sum(counts.in_progress for counts in self.modes)

    @property
    def stopped(self) -> int:
        return sum(counts.stopped for counts in self.modes)


def survey_summaries() -> list[SurveySummary]:
    """Every survey with its complete, in-progress and stopped responses per mode (two queries)."""
    surveys = list(Survey.objects.select_related("standard").order_by("name", "slug"))
    statuses = Response.Status
    rows = (
        Response.objects.order_by()
        .values_list("survey_id", "mode")
        .annotate(
            complete=Count("pk", filter=Q(status=statuses.COMPLETE)),
            in_progress=Count("pk", filter=Q(status=statuses.IN_PROGRESS)),
            stopped=Count("pk", filter=Q(status=statuses.STOPPED)),
        )
    )
    by_survey: dict[int, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for survey_id, mode, complete, in_progress, stopped in rows:
        by_survey[survey_id][mode] = (complete, in_progress, stopped)
    summaries = []
    for survey in surveys:
        counts = by_survey.get(survey.pk, {})
        modes = tuple(
            ModeCounts(mode, *counts.get(mode.value, (0, 0, 0)))
            for mode in Mode
            if survey.offers(mode) or mode.value in counts
        )
        summaries.append(SurveySummary(survey=survey, modes=modes))
    return summaries
