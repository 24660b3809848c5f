"""The analyst area: surveys, their output tables, and downloads.

Only analysts reach these pages (anonymous people are sent to sign in; anyone
else signed in is refused). Figures are rounded with disclosure control unless
the analyst also holds `classification.view_unrounded` and asks for unrounded
ones; nothing in a query string can turn disclosure control off for anyone else.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
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
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from surveys.models import Survey
from surveys.roles import ANALYST, has_role

from .forms import SelectionForm
from .interchange import FileFormat, TooManyRows
from .microdata import microdata_csv_chunks, microdata_write
from .presentation import report_view
from .selectors import selected_responses, selection_table, survey_summaries, tables_report
from .tables import TABLES, TableError
from .workbook import write_table_csv, write_workbook

UNROUNDED_PERMISSION = "classification.view_unrounded"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_CLASSES = ("5", "3", "both")

View = Callable[..., HttpResponseBase]


def analyst_required(view: View) -> View:
    """Anonymous: to the sign-in page. Signed in without the analyst role: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, ANALYST):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def can_see_unrounded(request: HttpRequest) -> bool:
    return has_role(request.user, ANALYST) and request.user.has_perm(UNROUNDED_PERMISSION)


def _selection_form(request: HttpRequest, survey: Survey) -> SelectionForm:
    """The GET form; asking for unrounded figures without the permission is refused."""
    allowed = can_see_unrounded(request)
    form = SelectionForm(request.GET, survey=survey, allow_unrounded=allowed)
    if form.asks_unrounded and not allowed:
        raise PermissionDenied
    return form


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@analyst_required
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "analysis/survey_list.html", {"summaries": survey_summaries()})


@require_safe
@analyst_required
def survey_tables(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("standard"), slug=slug)
    form = _selection_form(request, survey)
    context: dict[str, Any] = {"survey": survey, "form": form}
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
            tables, notes = report_view(report)
            context.update(
                report=report,
                tables=tables,
                notes=notes,
                report_classes=form.nssec_classes,
                query=form.query(),
                microdata_formats=[file_format.value for file_format in FileFormat]
                if form.allow_unrounded
                else [],
            )
    return render(request, "analysis/survey_tables.html", context)


def _download_selection(
    request: HttpRequest, slug: str
) -> tuple[Survey, SelectionForm] | HttpResponse:
    """The survey and a valid selection for a download, or a redirect to the survey's
    page, which shows what is wrong with the selection."""
    survey = get_object_or_404(Survey.objects.select_related("standard"), slug=slug)
    form = _selection_form(request, survey)
    if form.is_valid():
        return survey, form
    return redirect(f"{reverse('analysis:survey', args=[slug])}?{request.GET.urlencode()}")


def _tables_page(slug: str, form: SelectionForm) -> HttpResponse:
    """Back to the survey's page, which explains a table that cannot be built."""
    return redirect(f"{reverse('analysis:survey', args=[slug])}?{form.query()}")


def _filename(survey: Survey, name: str, *, controlled: bool, extension: str) -> str:
    suffix = "" if controlled else "-unrounded"
    return f"{survey.slug}-{name}{suffix}.{extension}"


@require_safe
@analyst_required
def workbook_download(request: HttpRequest, slug: str, classes: str) -> HttpResponse:
    """The output tables workbook (XLSX) for the selection, with one or both NS-SEC systems."""
    if classes not in WORKBOOK_CLASSES:
        raise Http404
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
    write_workbook(report, stream)
    name = f"output-tables-nssec{classes}"
    return _download(
        stream.getvalue(),
        filename=_filename(survey, name, controlled=form.controlled, extension="xlsx"),
        content_type=XLSX_TYPE,
    )


@require_safe
@analyst_required
def table_csv_download(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """One output table as CSV (UTF-8 with a byte order mark, so spreadsheets read it right)."""
    spec = TABLES.get(key)
    if spec is None:
        raise Http404
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    try:
        table = selection_table(survey=survey, selection=form.selection, spec=spec)
    except TableError:
        return _tables_page(slug, form)
    text = io.StringIO()
    write_table_csv(table, text, controlled=form.controlled)
    return _download(
        text.getvalue().encode("utf-8-sig"),
        filename=_filename(survey, key, controlled=form.controlled, extension="csv"),
        content_type="text/csv; charset=utf-8",
    )


@require_safe
@analyst_required
def microdata_download(request: HttpRequest, slug: str, file_format: str) -> HttpResponseBase:
    """The selection's complete responses with their NS-SEC classes, as CSV or XLSX.

    Microdata are unrounded: only analysts allowed to see unrounded figures get them.
    CSV is streamed; XLSX is built in a temporary file (spilling to disk when large).
    """
    try:
        chosen = FileFormat(file_format)
    except ValueError:
        raise Http404 from None
    if not can_see_unrounded(request):
        raise PermissionDenied
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    responses = selected_responses(survey=survey, selection=form.selection)
    filename = f"{survey.slug}-microdata.{chosen.value}"
    if chosen is FileFormat.CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            microdata_csv_chunks(responses=responses), content_type=chosen.content_type
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
        try:
            microdata_write(responses=responses, stream=spool, file_format=chosen)
        except TooManyRows as error:
            spool.close()
            return render(
                request,
                "analysis/download_problem.html",
                {"survey": survey, "problem": str(error), "query": form.query()},
                status=422,
            )
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=filename, content_type=chosen.content_type
        )
    response["Cache-Control"] = "no-store"
    return response
