"""Reads for the analyst area: the output tables' counts, aggregated in the database.

Tables are counted from the survey's tallies (`surveys.models.ResponseTally`):
one row per day, mode and set of tabulated codes, kept by the services in the
same transaction as every complete response. One GROUP BY per table over the
selection's days and modes reads a few thousand rows whatever the number of
responses. Microdata and anything that needs a response's other fields read the
responses themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count as CountOf
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from seb.disclosure import Count, shown_count
from seb.perturbation import KeyedCount, keyed_total
from seb.standard import Mode
from seb.tables import (
    Selection,
    Table,
    TableError,
    TableSpec,
    TablesReport,
    build_table,
    table_specs,
)
from surveys.models import COUNTING_COLUMN, Response, ResponseTally, Survey
from surveys.replica import analysis_db
from surveys.responses.tallies import counted_responses

from .occupation_outputs import occupation_tables


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def selected_responses(*, survey: Survey, selection: Selection) -> QuerySet[Response]:
    """The survey's counted responses in the selection's modes and completion dates.

    The dates are whole days in the service's time zone, both ends included.
    """
    responses = counted_responses(Response.objects.using(analysis_db()).filter(survey=survey))
    if selection.modes:
        responses = responses.filter(mode__in=[mode.value for mode in selection.modes])
    if selection.date_from:
        responses = responses.filter(completed_at__gte=_start_of(selection.date_from))
    if selection.date_to:
        responses = responses.filter(
            completed_at__lt=_start_of(selection.date_to + timedelta(days=1))
        )
    return responses


def selected_tallies(*, survey: Survey, selection: Selection) -> QuerySet[ResponseTally]:
    """The survey's tallies for the selection's modes and days (both ends included)."""
    tallies = ResponseTally.objects.using(analysis_db()).filter(survey=survey)
    if selection.modes:
        tallies = tallies.filter(mode__in=[mode.value for mode in selection.modes])
    if selection.date_from:
        tallies = tallies.filter(day__gte=selection.date_from)
    if selection.date_to:
        tallies = tallies.filter(day__lte=selection.date_to)
    return tallies


def table_counts_query(
    *, survey: Survey, selection: Selection, spec: TableSpec
) -> QuerySet[ResponseTally, tuple[Any, int, int]]:
    """The table's GROUP BY: (code, number of responses, sum of their record keys) rows."""
    return (
        selected_tallies(survey=survey, selection=selection)
        .filter(variable=spec.column)
        .order_by()
        .values_list("code")
        .annotate(n=Sum("count"), keys=Sum("key_sum"))
    )


def table_keyed_counts(
    *, survey: Survey, selection: Selection, spec: TableSpec
) -> dict[str | None, KeyedCount]:
    """The selected responses for each code of the table's column, each count with the
    sum of its responses' record keys (one query).

    None counts the responses with no value in that column (a question not asked).
    """
    counts: dict[str | None, KeyedCount] = defaultdict(lambda: KeyedCount(0))
    for code, n, keys in table_counts_query(survey=survey, selection=selection, spec=spec):
        counts[code or None] += KeyedCount(n, keys)
    return dict(counts)


def table_counts(*, survey: Survey, selection: Selection, spec: TableSpec) -> dict[str | None, int]:
    """The number of selected responses for each code of the table's column (one query)."""
    return {
        code: cell.count
        for code, cell in table_keyed_counts(survey=survey, selection=selection, spec=spec).items()
    }


def selection_table(*, survey: Survey, selection: Selection, spec: TableSpec) -> Table:
    try:
        return build_table(spec, table_keyed_counts(survey=survey, selection=selection, spec=spec))
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
    specs: tuple[TableSpec, ...] | None = None,
    controlled: bool = True,
) -> TablesReport:
    """The prescribed tables for a selection of a survey's responses (one query per table):
    the tables of `classes` ("5", "3" or "both" NS-SEC systems), or just `specs`. The
    whole set (no `specs`) of a survey that asks for the job title has its two-way
    table too (`occupation_outputs`)."""
    cross_tables = (
        occupation_tables(
            survey=survey, responses=selected_responses(survey=survey, selection=selection)
        )
        if specs is None
        else ()
    )
    specs = specs or table_specs(classes)
    return TablesReport(
        survey_name=survey.name,
        selection=selection,
        tables=tuple(
            selection_table(survey=survey, selection=selection, spec=spec) for spec in specs
        ),
        produced_at=timezone.localtime(),
        standard_title=survey.standard_title,
        controlled=controlled,
        organisation=survey.organisation,
        contact=", ".join(part for part in (survey.contact_email, survey.contact_phone) if part),
        standard_version=survey.standard_version,
        cross_tables=cross_tables,
    )


@dataclass(frozen=True, slots=True)
class ModeCounts:
    mode: Mode
    complete: int = 0
    in_progress: int = 0
    stopped: int = 0
    # The sums of the responses' record keys, for each count (never shown).
    complete_keys: int = 0
    in_progress_keys: int = 0
    stopped_keys: int = 0

    def keyed(self, name: str) -> KeyedCount:
        return KeyedCount(getattr(self, name), getattr(self, f"{name}_keys"))


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

    def shown(self, *, controlled: bool) -> ShownSummary:
        """The counts as they may be shown: under disclosure control unless not `controlled`."""

        def show(name: str) -> Count:
            return shown_count(
                keyed_total(counts.keyed(name) for counts in self.modes), controlled=controlled
            )

        return ShownSummary(
            survey=self.survey,
            modes=tuple(
                ShownModeCounts(
                    mode=counts.mode,
                    complete=shown_count(counts.keyed("complete"), controlled=controlled),
                    in_progress=shown_count(counts.keyed("in_progress"), controlled=controlled),
                    stopped=shown_count(counts.keyed("stopped"), controlled=controlled),
                )
                for counts in self.modes
            ),
            complete=show("complete"),
            in_progress=show("in_progress"),
            stopped=show("stopped"),
        )


@dataclass(frozen=True, slots=True)
class ShownModeCounts:
    mode: Mode
    complete: Count
    in_progress: Count
    stopped: Count


@dataclass(frozen=True, slots=True)
class ShownSummary:
    survey: Survey
    modes: tuple[ShownModeCounts, ...]
    complete: Count
    in_progress: Count
    stopped: Count


def survey_summaries() -> list[SurveySummary]:
    """Every survey with its complete, in-progress and stopped responses per mode.

    Complete responses are summed from the tallies; the others are a small
    share of responses, counted through the selection index.
    """
    surveys = list(Survey.objects.order_by("name", "slug"))
    complete = (
        ResponseTally.objects.using(analysis_db())
        .filter(variable=COUNTING_COLUMN)
        .order_by()
        .values_list("survey_id", "mode")
        .annotate(n=Sum("count"), keys=Sum("key_sum"))
    )
    unfinished = (
        Response.objects.using(analysis_db())
        .filter(status__in=[Response.Status.IN_PROGRESS, Response.Status.STOPPED], is_test=False)
        .order_by()
        .values_list("survey_id", "mode")
        .annotate(
            in_progress=CountOf("pk", filter=Q(status=Response.Status.IN_PROGRESS)),
            stopped=CountOf("pk", filter=Q(status=Response.Status.STOPPED)),
            in_progress_keys=Sum(
                "record_key", filter=Q(status=Response.Status.IN_PROGRESS), default=0
            ),
            stopped_keys=Sum("record_key", filter=Q(status=Response.Status.STOPPED), default=0),
        )
    )
    by_survey: dict[int, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    )
    for survey_id, mode, n, keys in complete:
        by_survey[survey_id][mode][0] = n
        by_survey[survey_id][mode][3] = keys
    for survey_id, mode, in_progress, stopped, in_progress_keys, stopped_keys in unfinished:
        by_survey[survey_id][mode][1:3] = [in_progress, stopped]
        by_survey[survey_id][mode][4:] = [in_progress_keys, stopped_keys]
    summaries = []
    for survey in surveys:
        counts = by_survey.get(survey.pk, {})
        modes = tuple(
            ModeCounts(mode, *counts.get(mode.value, (0, 0, 0, 0, 0, 0)))
            for mode in Mode
            if survey.offers(mode) or mode.value in counts
        )
        summaries.append(SurveySummary(survey=survey, modes=modes))
    return summaries
