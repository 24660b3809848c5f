"""The analysts' upload page: responses collected elsewhere, imported from a file.

The view stays thin: it checks who is asking and how big the upload is, refuses a
file already imported into the survey unless the analyst confirms, then queues
the import as a background job and sends the analyst to the job's page, which
shows its progress and then its report (every problem with its line, column and
reason, listed once, or the number imported). No upload waits on the import in
the request. The page offers a template (CSV or XLSX: the header row, and in the
workbook the codes each column takes) and links to the code list.
"""

from __future__ import annotations

import io
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from jobs.runner import job_start
from seb.codebook import codebook
from seb.interchange import COLUMNS, FileFormat, FileProblem
from seb.safe_text import CsvWriter
from surveys.access import ANALYST, member_survey, role_required
from surveys.models import Survey, TeamRole

from .codebook import CODE_HEADER, CODE_KINDS, code_rows
from .imports import duplicate_problem, file_digest, previous_import
from .job_handlers import IMPORT_RESPONSES
from .sheets import XLSX_TYPE, Sheet, write_xlsx

# The multipart envelope around the file (boundaries, the CSRF token) is small.
ENVELOPE_BYTES = 64 * 1024


class UploadLimit(FileUploadHandler):
    """Refuses a file over the import limit without storing it.

    It runs before Django's own handlers: a request that says it is too large
    is skipped at once; one that grows too large while it arrives is skipped
    when it passes the limit. Other fields (the CSRF token) are still read.
    """

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length and content_length > self.limit + ENVELOPE_BYTES:
            self.exceeded = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file (UTF-8) or an Excel workbook (.xlsx)",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
        },
    )

    confirm_duplicate = forms.BooleanField(
        label="Import this file again, and store its responses a second time",
        required=False,
    )

    def __init__(
        self, *args: Any, too_large: bool = False, duplicate: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        fields: list[Any] = [Field("file")]
        if duplicate:
            fields.append(Field.checkbox("confirm_duplicate"))
        self.helper.layout = Layout(*fields)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.file_format = FileFormat.for_name(upload.name)
        except FileProblem:
            raise forms.ValidationError("The selected file must be a CSV or XLSX file") from None
        return upload

    def clean(self) -> dict[str, Any]:
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message())
        return super().clean()


def size_in_words(size: int) -> str:
    """200 MB, 1.5 MB, 640 KB, 100 bytes: the GOV.UK file upload's way of giving a limit."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def too_large_message() -> str:
    limit = size_in_words(settings.IMPORT_MAX_UPLOAD_BYTES)
    return f"The selected file must be smaller than {limit}"


@csrf_exempt  # checked by csrf_protect below, once the upload limit is in place
@role_required(ANALYST)
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Writing responses into a survey is for its own analysts (`surveys.access`).
    survey = member_survey(request.user, slug, TeamRole.ANALYST)
    limit = UploadLimit(request, limit=settings.IMPORT_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _import_page(request, survey=survey, limit=limit)


@csrf_protect
def _import_page(request: HttpRequest, *, survey: Survey, limit: UploadLimit) -> HttpResponse:
    status = 200
    duplicate = None
    if request.method == "POST":
        data, files = request.POST, request.FILES  # parsed here, through the upload limit
        form = ImportForm(data, files, too_large=limit.exceeded)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            duplicate = previous_import(survey=survey, digest=file_digest(upload.file))
            confirmed = form.cleaned_data["confirm_duplicate"]
            if duplicate is None or confirmed:
                job = job_start(
                    kind=IMPORT_RESPONSES,
                    title=f"Import {upload.name} into {survey.name}",
                    owner=request.user,
                    params={
                        "survey_id": survey.pk,
                        "format": form.file_format.value,
                        "file_name": upload.name,
                        "allow_duplicate": confirmed,
                    },
                    upload=upload.file,
                    upload_name=upload.name,
                )
                return redirect("jobs:detail", job_id=job.pk)
            form = ImportForm(data, files, duplicate=True)
            form.is_valid()
            form.add_error("file", duplicate_problem(duplicate).reason)
        status = 413 if limit.exceeded else 400
    else:
        form = ImportForm()
    context = {
        "survey": survey,
        "form": form,
        "duplicate": duplicate,
        "columns": COLUMNS,
        "modes": [mode.value for mode in survey.modes],
        "max_size": size_in_words(settings.IMPORT_MAX_UPLOAD_BYTES),
    }
    return render(request, "analysis/import.html", context, status=status)


TEMPLATE_README = (
    "Fill in the Responses sheet: a row for each response, a code in each cell (see the Codes "
    "sheet), and leave a cell empty where the routing skips the question. Keep the header "
    "row as it is. The import reads the first sheet only."
)


@require_safe
@role_required(ANALYST)
def import_template(request: HttpRequest, extension: str) -> HttpResponse:
    """An empty file in the interchange format (its header row), as CSV or XLSX; the
    workbook also lists every code each column takes."""
    if extension == "csv":
        text = io.StringIO()
        CsvWriter(text).writerow(COLUMNS)
        content = text.getvalue().encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    elif extension == "xlsx":
        responses = Sheet("Responses", "", widths=tuple(24 for _ in COLUMNS), rows=[list(COLUMNS)])
        codes = Sheet("Codes", "Codes", widths=(26, 8, 30, 60, 24, 40, 14))
        codes.add(TEMPLATE_README)
        codes.start_table("codes", CODE_HEADER, CODE_KINDS)
        for row in code_rows(codebook()):
            codes.add(*row)
        stream = io.BytesIO()
        write_xlsx([responses, codes], stream, title="Import template")
        content = stream.getvalue()
        content_type = XLSX_TYPE
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"seb-import-template.{extension}"
    )
    return response
