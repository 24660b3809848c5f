"""The analyst area: surveys, their output tables, and downloads.

Only analysts reach these pages (anonymous people are sent to sign in; anyone
else signed in is refused). Figures are rounded with disclosure control unless
the analyst also holds `classification.view_unrounded` and asks for unrounded
ones; nothing in a query string can turn disclosure control off for anyone else.
"""

from __future__ import annotations

import io
import tempfile
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from jobs.runner import job_start
from seb.charts import table_chart
from seb.disclosure import cover_statement
from seb.interchange import FileFormat
from seb.interchange.writing import TooManyRows
from seb.outputs import Publication, publish
from seb.tables import CLASSES_CHOICES, TableError, table_definitions
from surveys.access import ANALYST, acts_as, can_see_unrounded, role_required
from surveys.audit import Event, audit
from surveys.models import Survey, TeamRole

from .charts import chart_svg
from .forms import SelectionForm
from .job_handlers import EXPORT_MICRODATA
from .microdata import (
    MicrodataFormat,
    microdata_csv_chunks,
    microdata_statfile,
    microdata_write,
)
from .occupation_outputs import microdata_columns
from .selectors import selected_responses, survey_summaries, tables_report
from .sheets import WorkbookFormat
from .statfiles import StatFormat
from .workbook import write_table_csv, write_workbook

analyst_required = role_required(ANALYST)


def _selection_form(request: HttpRequest, survey: Survey) -> SelectionForm:
    """The GET form; asking for unrounded figures without the permission is refused."""
    allowed = can_see_unrounded(request.user, survey)
    form = SelectionForm(request.GET, survey=survey, allow_unrounded=allowed)
    if form.asks_unrounded and not allowed:
        raise PermissionDenied
    return form


def unrounded_allowed(request: HttpRequest, slug: str) -> Survey:
    """The survey, if the analyst may have its microdata and unrounded figures (in its
    team as an analyst, with the permission: `surveys.access`); otherwise 403 (every
    analyst may know the survey: its disclosure-controlled tables are open to all)."""
    survey = get_object_or_404(Survey, slug=slug)
    if not can_see_unrounded(request.user, survey):
        raise PermissionDenied
    return survey


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
@analyst_required
def survey_list(request: HttpRequest) -> HttpResponse:
    controlled = not can_see_unrounded(request.user)
    return render(
        request,
        "analysis/survey_list.html",
        {
            "summaries": [
                summary.shown(
                    controlled=controlled or not can_see_unrounded(request.user, summary.survey)
                )
                for summary in survey_summaries()
            ],
            "controlled": controlled,
            "disclosure_statement": "Disclosure control: " + cover_statement(controlled=True),
        },
    )


@require_safe
@analyst_required
def survey_tables(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey, slug=slug)
    form = _selection_form(request, survey)
    context: dict[str, Any] = {
        "survey": survey,
        "form": form,
        "may_import": acts_as(request.user, survey, TeamRole.ANALYST),
    }
    if form.is_valid():
        try:
            report = tables_report(
                survey=survey,
                selection=form.selection,
                classes=form.nssec_classes,
                controlled=form.controlled,
            )
        except TableError as error:
            context["table_error"] = str(error)
        else:
            publication = publish(report)
            context.update(
                report=report,
                publication=publication,
                tables=publication.tables,
                charts=[
                    (table, chart_svg(table_chart(table, selection=publication.selection)))
                    for table in publication.tables
                ],
                notes=publication.notes,
                report_classes=form.nssec_classes,
                query=form.query(),
                microdata_formats=(
                    [file_format.value for file_format in MicrodataFormat]
                    if form.allow_unrounded
                    else []
                ),
            )
    return render(request, "analysis/survey_tables.html", context)


def _download_selection(
    request: HttpRequest, slug: str
) -> tuple[Survey, SelectionForm] | HttpResponse:
    """The survey and a valid selection for a download, or a redirect to the survey's
    page, which shows what is wrong with the selection."""
    survey = get_object_or_404(Survey, slug=slug)
    form = _selection_form(request, survey)
    if form.is_valid():
        return survey, form
    return redirect(f"{reverse('analysis:survey', args=[slug])}?{request.GET.urlencode()}")


def _tables_page(slug: str, form: SelectionForm) -> HttpResponse:
    """Back to the survey's page, which explains a table that cannot be built."""
    return redirect(f"{reverse('analysis:survey', args=[slug])}?{form.query()}")


def _one_table(
    request: HttpRequest, slug: str, key: str
) -> tuple[Survey, SelectionForm, Publication] | HttpResponse:
    """One table, published, for a download's selection; or where to go instead (not
    found for an unknown table, back to the survey's page for a selection or a table
    that cannot be built, which that page explains)."""
    spec = table_definitions().get(key)
    if spec is None:
        raise Http404
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    try:
        report = tables_report(
            survey=survey, selection=form.selection, specs=(spec,), controlled=form.controlled
        )
    except TableError:
        return _tables_page(slug, form)
    return survey, form, publish(report)


def _filename(survey: Survey, name: str, form: SelectionForm, *, extension: str) -> str:
    """A file name that says survey, what, selection and date:
    `demo_output-tables-nssec5_all-modes_2026-11-29.xlsx`."""
    suffix = "" if form.controlled else "_unrounded"
    today = timezone.localdate().isoformat()
    return f"{survey.slug}_{name}_{form.selection.slug()}_{today}{suffix}.{extension}"


@require_safe
@analyst_required
def workbook_download(
    request: HttpRequest, slug: str, classes: str, file_format: str = "xlsx"
) -> HttpResponse:
    """The output tables workbook (XLSX or ODS) for the selection, with one or both
    NS-SEC systems."""
    if classes not in CLASSES_CHOICES:
        raise Http404
    try:
        chosen = WorkbookFormat(file_format)
    except ValueError:
        raise Http404 from None
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    try:
        report = tables_report(
            survey=survey, selection=form.selection, classes=classes, controlled=form.controlled
        )
    except TableError:
        return _tables_page(slug, form)
    stream = io.BytesIO()
    write_workbook(publish(report), stream, chosen)
    name = f"output-tables-nssec{classes}"
    return _download(
        stream.getvalue(),
        filename=_filename(survey, name, form, extension=chosen.value),
        content_type=chosen.content_type,
    )


@require_safe
@analyst_required
def table_csv_download(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """One output table as CSV (UTF-8 with a byte order mark, so spreadsheets read it right)."""
    found = _one_table(request, slug, key)
    if isinstance(found, HttpResponse):
        return found
    survey, form, publication = found
    published = publication.tables[0]
    text = io.StringIO()
    write_table_csv(published, text)
    return _download(
        text.getvalue().encode("utf-8-sig"),
        filename=_filename(survey, key, form, extension="csv"),
        content_type="text/csv; charset=utf-8",
    )


@require_safe
@analyst_required
def microdata_download(request: HttpRequest, slug: str, file_format: str) -> HttpResponseBase:
    """The selection's complete responses with their NS-SEC classes, as CSV, XLSX, SPSS
    (.sav) or Stata (.dta).

    Microdata are unrounded: only analysts allowed to see unrounded figures get them.
    CSV is streamed. XLSX is built in a temporary file (spilling to disk when large);
    SPSS and Stata files are built in memory and written to a temporary file; either is
    made by a background job, downloaded from its page, when the selection holds more
    than MICRODATA_IN_REQUEST_ROWS responses, so no one waits on a page for it.
    """
    try:
        chosen = MicrodataFormat(file_format)
    except ValueError:
        raise Http404 from None
    unrounded_allowed(request, slug)
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    audit(Event.MICRODATA_DOWNLOADED, actor=request.user, target=survey, selection=form.query())
    responses = selected_responses(survey=survey, selection=form.selection)
    # Microdata need the unrounded permission (checked above), so the typed job title,
    # which can identify a person, may be in them.
    columns = microdata_columns(survey, typed_title=True)
    filename = _filename(survey, "microdata", form, extension=chosen.value)
    if chosen is MicrodataFormat.CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            microdata_csv_chunks(responses=responses, columns=columns),
            content_type=chosen.content_type,
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    elif responses.count() > settings.MICRODATA_IN_REQUEST_ROWS:
        job = job_start(
            kind=EXPORT_MICRODATA,
            title=f"Microdata of {survey.name} as {chosen.value.upper()}",
            owner=request.user,
            params={
                "survey_id": survey.pk,
                "query": form.query(),
                "format": chosen.value,
                "file_name": filename,
            },
        )
        return redirect("jobs:detail", job_id=job.pk)
    else:
        try:
            if chosen is MicrodataFormat.XLSX:
                stream: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
                try:
                    microdata_write(
                        responses=responses,
                        stream=stream,
                        file_format=FileFormat.XLSX,
                        columns=columns,
                    )
                except TooManyRows:
                    stream.close()
                    raise
                stream.seek(0)
            else:
                stream, _ = microdata_statfile(
                    responses=responses,
                    survey=survey,
                    file_format=StatFormat(chosen.value),
                    columns=columns,
                )
        except TooManyRows as error:
            return render(
                request,
                "analysis/download_problem.html",
                {"survey": survey, "problem": str(error), "query": form.query()},
                status=422,
            )
        response = FileResponse(
            stream, as_attachment=True, filename=filename, content_type=chosen.content_type
        )
    response["Cache-Control"] = "no-store"
    return response
