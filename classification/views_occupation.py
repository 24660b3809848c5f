"""Downloads of the occupation output table (self-coded NS-SEC by full NS-SEC, beyond the
standard) as CSV with its CSV on the Web metadata. The page and the workbooks show it
with the standard's tables (`views`)."""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from seb.csvw import metadata_name, table_metadata
from seb.outputs import PublishedCrossTable, publish
from seb.tables import TableError
from surveys.models import Survey

from .selectors import tables_report
from .views import _download, _download_selection, _filename, _tables_page, analyst_required
from .views_formats import _json
from .workbook import cross_header, write_cross_csv


def _cross_table(
    request: HttpRequest, slug: str, key: str
) -> tuple[Survey, str, PublishedCrossTable] | HttpResponse:
    """The survey, the CSV's name and the published two-way table `key` for the
    selection; 404 for a survey that does not ask for the job title or another key."""
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    if not survey.asks_job_title:
        raise Http404
    try:
        report = tables_report(survey=survey, selection=form.selection, controlled=form.controlled)
    except TableError:
        return _tables_page(slug, form)
    for table in publish(report).cross_tables:
        if table.key == key:
            return survey, _filename(survey, key, form, extension="csv"), table
    raise Http404


@require_safe
@analyst_required
def cross_table_csv(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The two-way table as CSV (UTF-8 with a byte order mark)."""
    found = _cross_table(request, slug, key)
    if isinstance(found, HttpResponse):
        return found
    _, filename, table = found
    text = io.StringIO()
    write_cross_csv(table, text)
    return _download(
        text.getvalue().encode("utf-8-sig"),
        filename=filename,
        content_type="text/csv; charset=utf-8",
    )


@require_safe
@analyst_required
def cross_table_csv_metadata(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The CSV on the Web metadata of the two-way table's CSV (same selection)."""
    found = _cross_table(request, slug, key)
    if isinstance(found, HttpResponse):
        return found
    survey, filename, table = found
    header = cross_header(table)
    metadata = table_metadata(
        csv_name=filename,
        title=table.title,
        notes=[f"{note.reference} {note.text}" for note in table.notes],
        produced_at=timezone.localtime(),
        publisher=survey.organisation,
        columns=[
            (header[0], "category", f"{table.row_heading}, in the standard's order; Total last."),
            *(
                (label, "count", f"{table.column_heading}: {label}. Complete responses.")
                for label in header[1:-1]
            ),
            (header[-1], "count", "Every complete response in the row."),
        ],
        categories=[row.label for row in table.rows],
    )
    return _json(metadata, filename=metadata_name(filename))
