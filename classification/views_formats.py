"""The codebook (page, workbook, code list) and the CSV on the Web metadata of the CSVs."""

from __future__ import annotations

import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from seb.codebook import codebook, missing_values_text
from seb.csvw import (
    JSON_TYPE,
    metadata_bytes,
    metadata_name,
    microdata_metadata,
    table_metadata,
)
from seb.standard import CURRENT_VERSION, load_standard
from seb.statistics import CONFIDENCE_LEVEL

from .codebook import (
    CODE_COLUMNS,
    CODEBOOK_TITLE,
    codebook_sheets,
    every_variable,
    write_code_list_csv,
)
from .occupation_outputs import microdata_columns
from .sheets import WorkbookFormat, write_sheets
from .statfiles import file_variables
from .views import (
    _download,
    _download_selection,
    _filename,
    _one_table,
    analyst_required,
    unrounded_allowed,
)
from .workbook import HEADER


def _json(metadata: dict[str, Any], *, filename: str) -> HttpResponse:
    return _download(
        metadata_bytes(metadata),
        filename=filename,
        content_type=JSON_TYPE,
    )


@require_safe
@analyst_required
def codebook_page(request: HttpRequest) -> HttpResponse:
    standard = load_standard(CURRENT_VERSION)
    return render(
        request,
        "analysis/codebook.html",
        {
            "variables": codebook(CURRENT_VERSION),
            "additions": every_variable(CURRENT_VERSION)[len(codebook(CURRENT_VERSION)) :],
            "described": every_variable(CURRENT_VERSION),
            "standard": standard,
            "missing_values": missing_values_text(CURRENT_VERSION),
        },
    )


@require_safe
@analyst_required
def codebook_download(request: HttpRequest, file_format: str) -> HttpResponse:
    try:
        chosen = WorkbookFormat(file_format)
    except ValueError:
        raise Http404 from None
    stream = io.BytesIO()
    write_sheets(codebook_sheets(), stream, title=CODEBOOK_TITLE, file_format=chosen)
    return _download(
        stream.getvalue(),
        filename=f"seb-codebook_{CURRENT_VERSION}.{chosen.value}",
        content_type=chosen.content_type,
    )


CODE_LIST_NAME = f"seb-code-list_{CURRENT_VERSION}.csv"
CODE_LIST_COLUMNS = (
    ("category", "The variable (a column of the microdata and of the import format)."),
    ("integer", "The code's value in the SPSS and Stata files."),
    ("text", "The code, as the CSV and XLSX files and imports hold it."),
    ("text", "The code's label, in the standard's words."),
    ("text", "The modes that offer the code."),
    ("text", "How other modes label the code, where they differ."),
    (
        "text",
        "Empty for an answer. For a code declared missing (see the codebook), its extended "
        "missing value in the Stata files; the SPSS files keep its value, declared "
        "user-missing.",
    ),
)


@require_safe
@analyst_required
def code_list_csv(request: HttpRequest) -> HttpResponse:
    text = io.StringIO()
    write_code_list_csv(text)
    return _download(
        text.getvalue().encode("utf-8-sig"),
        filename=CODE_LIST_NAME,
        content_type="text/csv; charset=utf-8",
    )


@require_safe
@analyst_required
def code_list_metadata(request: HttpRequest) -> HttpResponse:
    """The CSV on the Web metadata of the code list."""
    standard = load_standard(CURRENT_VERSION)
    metadata = table_metadata(
        csv_name=CODE_LIST_NAME,
        title=f"Code list: {standard.title} ({standard.version})",
        notes=["Every code each variable of the microdata and the import format takes."],
        produced_at=timezone.localtime(),
        publisher="",
        columns=[
            (name, kind, description)
            for name, (kind, description) in zip(CODE_COLUMNS, CODE_LIST_COLUMNS, strict=True)
        ],
        categories=[
            variable.name for variable in every_variable(CURRENT_VERSION) if variable.is_coded
        ],
    )
    return _json(metadata, filename=metadata_name(CODE_LIST_NAME))


TABLE_COLUMN_KINDS = ("category", "count", "percentage", "percentage", "percentage")
TABLE_COLUMN_DESCRIPTIONS = (
    "The table's category, in the standard's order; Total last.",
    "The number of complete responses in the category.",
    "The count as a percentage of the total (the table's base).",
    f"The lower limit of the percentage's {CONFIDENCE_LEVEL}% confidence interval.",
    f"The upper limit of the percentage's {CONFIDENCE_LEVEL}% confidence interval.",
)


@require_safe
@analyst_required
def table_csv_metadata(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The CSV on the Web metadata of one table's CSV download (same selection)."""
    found = _one_table(request, slug, key)
    if isinstance(found, HttpResponse):
        return found
    survey, form, publication = found
    table = publication.tables[0]
    csv_name = _filename(survey, key, form, extension="csv")
    metadata = table_metadata(
        csv_name=csv_name,
        title=table.title,
        notes=[f"{note.reference} {note.text}" for note in table.notes],
        produced_at=publication.produced_at,
        publisher=survey.organisation,
        columns=list(zip(HEADER, TABLE_COLUMN_KINDS, TABLE_COLUMN_DESCRIPTIONS, strict=True)),
        categories=[row.label for row in table.rows],
    )
    metadata["dc:source"] = publication.standard_title
    metadata["dc:coverage"] = f"Complete responses; {publication.selection}"
    return _json(metadata, filename=metadata_name(csv_name))


@require_safe
@analyst_required
def microdata_csv_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """The CSV on the Web metadata of the microdata CSV (its columns and codes)."""
    unrounded_allowed(request, slug)
    found = _download_selection(request, slug)
    if isinstance(found, HttpResponse):
        return found
    survey, form = found
    csv_name = _filename(survey, "microdata", form, extension="csv")
    metadata = microdata_metadata(
        csv_name=csv_name,
        survey_name=survey.name,
        selection=form.selection.describe(),
        produced_at=timezone.localtime(),
        standard_title=survey.standard_title,
        publisher=survey.organisation,
        version=survey.standard_version,
        variables=file_variables(
            microdata_columns(survey, typed_title=True), survey.standard_version
        ),
    )
    return _json(metadata, filename=metadata_name(csv_name))
