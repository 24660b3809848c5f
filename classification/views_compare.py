"""The comparison pages and their downloads, and the charts of the tables.

Thin views: a GET form says what to compare (`forms_compare`), the reads are in
`comparisons`, the rules in `seb.comparisons`, and every page, file and chart
renders the one `PublishedComparison`. As on the tables page, unrounded figures
are only for users allowed to see them, and only when they ask.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from seb.charts import comparison_chart, table_chart
from seb.comparisons import Dimension, PublishedComparison
from seb.csvw import JSON_TYPE, metadata_name
from surveys.access import can_see_unrounded
from surveys.models import Survey

from .charts import PNG_TYPE, SVG_TYPE, chart_png, chart_svg
from .comparison_files import comparison_metadata, comparison_sheets, write_comparison_csv
from .comparisons import ComparisonError, comparable_surveys, comparison_for, sample_variables
from .forms_compare import ComparisonForm
from .models import ReferenceDistribution
from .sheets import WorkbookFormat, write_sheets
from .views import (
    _download,
    _filename,
    _one_table,
    analyst_required,
)

DESCRIPTIONS = {
    Dimension.MODE: "A column for each mode the responses were collected in.",
    Dimension.SURVEY: "Another survey that uses the same version of the standard, beside this one.",
    Dimension.PERIOD: "Responses completed in two periods, side by side.",
    Dimension.VARIABLE: "A column for each value of a sample variable (for example, region).",
    Dimension.REFERENCE: "A published distribution of a population, beside this survey.",
}


def _dimension(value: str) -> Dimension:
    try:
        return Dimension(value)
    except ValueError:
        raise Http404 from None


def _form(request: HttpRequest, survey: Survey, dimension: Dimension) -> ComparisonForm:
    allowed = can_see_unrounded(request.user, survey)
    form = ComparisonForm(
        request.GET,
        dimension=dimension,
        allow_unrounded=allowed,
        surveys=comparable_surveys(survey) if dimension is Dimension.SURVEY else None,
        variables=sample_variables(survey) if dimension is Dimension.VARIABLE else None,
        references=(
            list(ReferenceDistribution.objects.order_by("name"))
            if dimension is Dimension.REFERENCE
            else None
        ),
    )
    if form.asks_unrounded and not allowed:
        raise PermissionDenied
    return form


def _made(
    request: HttpRequest, survey: Survey, form: ComparisonForm, *, submitted: bool = True
) -> PublishedComparison | str | None:
    """The comparison; or, when it cannot be made, None with the reason added to the
    form's errors (a form sent), or the reason itself (the defaults, before any is).
    Unrounded figures beside another survey need that survey's unrounded figures too
    (403)."""
    if (
        form.dimension is Dimension.SURVEY
        and not form.controlled
        and not can_see_unrounded(request.user, form.other)
    ):
        raise PermissionDenied
    try:
        return comparison_for(survey, form.ask())
    except ComparisonError as error:
        if not submitted:
            return str(error)
        form.add_error(error.field, str(error))
        return None


@require_safe
@analyst_required
def compare_index(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    kinds = [(dimension, DESCRIPTIONS[dimension]) for dimension in Dimension]
    return render(request, "analysis/compare_index.html", {"survey": survey, "kinds": kinds})


@require_safe
@analyst_required
def compare(request: HttpRequest, slug: str, dimension: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    chosen = _dimension(dimension)
    form = _form(request, survey, chosen)
    context: dict[str, Any] = {"survey": survey, "form": form, "dimension": chosen}
    unavailable = _unavailable(form)
    if unavailable:
        context["unavailable"] = unavailable
    elif (request.GET or chosen is Dimension.MODE) and form.is_valid():
        comparison = _made(request, survey, form, submitted=bool(request.GET))
        if isinstance(comparison, str):
            context["not_made"] = comparison
        elif comparison is not None:
            chart = comparison_chart(comparison)
            context.update(
                comparison=comparison,
                chart_svg=chart_svg(chart),
                query=form.query(),
            )
    return render(request, "analysis/compare.html", context)


def _unavailable(form: ComparisonForm) -> str:
    """Why this kind of comparison cannot be made for this survey at all, if so."""
    if form.dimension is Dimension.SURVEY and not form.surveys:
        return "There is no other survey that uses the same version of the standard."
    if form.dimension is Dimension.VARIABLE and not form.fields["variable"].choices:
        return "This survey’s sample has no variables: its cases carry none."
    if form.dimension is Dimension.REFERENCE and not form.references:
        return "There are no reference distributions yet."
    return ""


def _download_comparison(
    request: HttpRequest, slug: str, dimension: str
) -> tuple[Survey, ComparisonForm, PublishedComparison] | HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    chosen = _dimension(dimension)
    form = _form(request, survey, chosen)
    page = f"{reverse('analysis:compare', args=[slug, chosen.value])}?{request.GET.urlencode()}"
    if _unavailable(form) or not form.is_valid():
        return redirect(page)
    comparison = _made(request, survey, form)
    if not isinstance(comparison, PublishedComparison):
        return redirect(page)
    return survey, form, comparison


def _comparison_filename(survey: Survey, form: ComparisonForm, *, extension: str) -> str:
    suffix = "" if form.controlled else "_unrounded"
    today = timezone.localdate().isoformat()
    return f"{survey.slug}_compare-{form.selection_slug()}_{today}{suffix}.{extension}"


@require_safe
@analyst_required
def compare_download(request: HttpRequest, slug: str, dimension: str, name: str) -> HttpResponse:
    """A comparison as CSV (with its CSVW metadata), XLSX, ODS, or its chart as SVG or PNG."""
    if name not in ("csv", "csv-metadata.json", "xlsx", "ods", "svg", "png"):
        raise Http404
    found = _download_comparison(request, slug, dimension)
    if isinstance(found, HttpResponse):
        return found
    survey, form, comparison = found
    if name in ("csv", "csv-metadata.json"):
        csv_name = _comparison_filename(survey, form, extension="csv")
        if name == "csv":
            text = io.StringIO()
            write_comparison_csv(comparison, text)
            return _download(
                text.getvalue().encode("utf-8-sig"),
                filename=csv_name,
                content_type="text/csv; charset=utf-8",
            )
        metadata = comparison_metadata(comparison, csv_name=csv_name)
        return _download(
            json.dumps(metadata, ensure_ascii=False, indent=2).encode("utf-8"),
            filename=metadata_name(csv_name),
            content_type=JSON_TYPE,
        )
    if name in ("svg", "png"):
        chart = comparison_chart(comparison)
        content = chart_svg(chart).encode("utf-8") if name == "svg" else chart_png(chart)
        return _download(
            content,
            filename=_comparison_filename(survey, form, extension=name),
            content_type=SVG_TYPE if name == "svg" else PNG_TYPE,
        )
    file_format = WorkbookFormat(name)
    stream = io.BytesIO()
    write_sheets(
        comparison_sheets(comparison), stream, title=comparison.title, file_format=file_format
    )
    return _download(
        stream.getvalue(),
        filename=_comparison_filename(survey, form, extension=name),
        content_type=file_format.content_type,
    )


@require_safe
@analyst_required
def table_chart_download(request: HttpRequest, slug: str, key: str, extension: str) -> HttpResponse:
    """One table's chart as SVG or PNG, for the same selection as the page."""
    if extension not in ("svg", "png"):
        raise Http404
    found = _one_table(request, slug, key)
    if isinstance(found, HttpResponse):
        return found
    survey, form, publication = found
    chart = table_chart(publication.tables[0], selection=publication.selection)
    content = chart_svg(chart).encode("utf-8") if extension == "svg" else chart_png(chart)
    return _download(
        content,
        filename=_filename(survey, f"{key}-chart", form, extension=extension),
        content_type=SVG_TYPE if extension == "svg" else PNG_TYPE,
    )
