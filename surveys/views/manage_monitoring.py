"""Response monitoring: a survey's outcomes and AAPOR rates, overall and by mode,
interviewer and sample variable; completes per day by mode; where people stop;
the median time to complete; and the case outcomes and rates as files.

The figures are operational, exact for the survey's managers. The rates file can
be asked for in the form meant for publication (`?form=publication`), under the
10-5 rule, its rates computed from the rounded counts (`seb.fieldwork.shown_rates`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from seb.disclosure import (
    CONFIDENTIAL,
    operational_count,
    operational_statement,
)
from seb.fieldwork import (
    COUNT_LABELS,
    COUNT_NAMES,
    OUTCOME_LABELS,
    RATE_NAMES,
    RATES_FILE_COLUMNS,
    Outcome,
    rates_file_row,
    shown_rates,
    shown_rates_file_row,
)
from seb.interchange import FileFormat
from seb.interchange.writing import csv_chunks
from seb.monitoring import completes_chart_spec, describe_completes
from seb.safe_text import CsvWriter
from seb.standard import Mode

from ..audit import Event, audit
from ..charts import vega_svg
from ..fieldwork.monitoring import (
    BY_INTERVIEWER,
    BY_MODE,
    OVERALL,
    survey_outcomes_and_rates,
    survey_rates_fast,
)
from ..fieldwork.outcomes import outcome_rows, outcomes_columns
from ..models import Survey
from ..responses.selectors import completes_by_day, median_completion_seconds, stop_points
from .manage import managed_survey, manager_required

BREAKDOWN_NAMES = {OVERALL: "All cases", BY_MODE: "By mode", BY_INTERVIEWER: "By interviewer"}
CHART_DAYS = 60


def _group_label(breakdown: str, group: str) -> str:
    if breakdown == OVERALL:
        return "All cases"
    if not group:
        return {BY_MODE: "No mode yet", BY_INTERVIEWER: "No interviewer"}.get(
            breakdown, "Not given"
        )
    if breakdown == BY_MODE:
        try:
            return Mode(group).label
        except ValueError:
            return group
    return group


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "No complete responses yet"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _daily(survey: Survey) -> dict[str, Any]:
    rows = completes_by_day(survey=survey)
    modes = [mode for mode in Mode if survey.offers(mode) or any(m == mode for _, m, _ in rows)]
    today = timezone.localdate()
    first = rows[0][0] if rows else today
    start = max(first, today - timedelta(days=CHART_DAYS - 1))
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    raw: dict[tuple[date, str], int] = {(day, mode): n for day, mode, n in rows}
    series: dict[str, list[int | str]] = {
        mode.label: [raw.get((day, mode.value), 0) for day in days] for mode in modes
    }
    title = "Complete responses per day, by mode"
    subtitle = [f"{survey.name}; the last {len(days)} day{'s' if len(days) != 1 else ''}."]
    spec = completes_chart_spec(days=days, series=series, title=title, subtitle=subtitle)
    description = describe_completes(days, series)
    return {
        "svg": vega_svg(spec, key="completes", title=title, description=description, fluid=True),
        "days": list(zip(days, zip(*series.values(), strict=True), strict=True)),
        "modes": list(series),
    }


@require_safe
@manager_required
def monitoring(request: HttpRequest, slug: str) -> HttpResponse:
    # Operational figures: exact for the survey's staff, who see its cases one by one.
    survey = managed_survey(request, slug)
    counts, rows = survey_outcomes_and_rates(survey=survey)
    overall = rows[0]
    groups: list[dict[str, Any]] = []
    for row in rows:
        shown = shown_rates(
            row.rates,
            controlled=False,
            shown_count=lambda n: n,
            confidential=CONFIDENTIAL,
        )
        groups.append(
            {
                "breakdown": row.breakdown,
                "breakdown_name": BREAKDOWN_NAMES.get(row.breakdown, row.breakdown),
                "label": _group_label(row.breakdown, row.group),
                "shown": shown,
            }
        )
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for group in groups[1:]:
        breakdowns.setdefault(group["breakdown_name"], []).append(group)
    standard = survey.standard
    stops = stop_points(survey=survey)
    stop_rows = []
    for key in [*standard.keys, ""]:
        per_mode = [stops.get(mode.value, {}).get(key, 0) for mode in survey.modes]
        label = (
            standard.question(key).short_label if key else "Check answers (every question answered)"
        )
        stop_rows.append({"label": label, "counts": per_mode})
    return render(
        request,
        "manage/monitoring.html",
        {
            "survey": survey,
            "operational_statement": operational_statement(),
            "overall": groups[0],
            "breakdowns": breakdowns,
            "outcomes": [
                (outcome, OUTCOME_LABELS[outcome], counts.get(outcome, 0)) for outcome in Outcome
            ],
            "count_names": [(name, COUNT_LABELS[name]) for name in COUNT_NAMES],
            "columns": 2 + len(COUNT_NAMES) + len(RATE_NAMES),
            "rate_names": RATE_NAMES,
            "daily": _daily(survey),
            "stop_modes": [mode.label for mode in survey.modes],
            "stop_rows": stop_rows,
            "median": _duration(median_completion_seconds(survey=survey)),
            "cases": overall.rates.cases,
        },
    )


@require_safe
@manager_required
def outcomes_download(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """One row per case: reference, outcome and its dates (no contact details); with
    `interviewer=yes`, its interviewer, and with `variables=yes`, its sample variables."""
    survey = managed_survey(request, slug)
    extra = {
        "interviewer": request.GET.get("interviewer") == "yes",
        "variables": request.GET.get("variables") == "yes",
    }
    audit(Event.OUTCOMES_EXPORTED, actor=request.user, target=survey, **extra)
    response = StreamingHttpResponse(
        _bom(csv_chunks(outcome_rows(survey, **extra), columns=outcomes_columns(survey, **extra))),
        content_type=FileFormat.CSV.content_type,
    )
    filename = f"{survey.slug}_case-outcomes_{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
@manager_required
def rates_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The spec's rates file: exact for the survey's staff; `?form=publication` asks for
    the form meant for publication, its counts and rates under the 10-5 rule."""
    survey = managed_survey(request, slug)
    controlled = request.GET.get("form") == "publication"
    text = io.StringIO()
    writer = CsvWriter(text)
    writer.writerow(RATES_FILE_COLUMNS)
    for row in survey_rates_fast(survey=survey):
        if controlled:
            shown = shown_rates(
                row.rates,
                controlled=True,
                shown_count=lambda n: operational_count(n, controlled=True),
                confidential=CONFIDENTIAL,
            )
            cells = shown_rates_file_row(row.breakdown, row.group, shown)
        else:
            cells = rates_file_row(row)
        writer.writerow(cells)
    suffix = "_for-publication" if controlled else ""
    response = HttpResponse(
        text.getvalue().encode("utf-8-sig"), content_type=FileFormat.CSV.content_type
    )
    filename = f"{survey.slug}_response-rates_{timezone.localdate().isoformat()}{suffix}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _bom(chunks: Iterator[str]) -> Iterator[bytes]:
    first = True
    for chunk in chunks:
        yield (("\ufeff" if first else "") + chunk).encode("utf-8")
        first = False
