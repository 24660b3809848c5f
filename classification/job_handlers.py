"""The analysis area's background jobs: response imports, and microdata files too large
to build while the analyst waits on the page (XLSX, SPSS, Stata; CSV is streamed)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from jobs.models import Job
from jobs.runner import JobFailed, Progress, job_file, job_handler, job_path
from jobs.views import RESULT_TEMPLATES, job_viewer
from seb.interchange import FileFormat
from seb.interchange.writing import TooManyRows
from surveys.access import acts_as, can_see_unrounded
from surveys.models import Survey, TeamRole

from .forms import SelectionForm
from .imports import import_file, report_as_data
from .microdata import MicrodataFormat, microdata_statfile, microdata_write
from .occupation_outputs import microdata_columns
from .selectors import selected_responses
from .statfiles import StatFormat

IMPORT_RESPONSES = "import_responses"
EXPORT_MICRODATA = "export_microdata"


@job_viewer(IMPORT_RESPONSES)
def _still_an_analyst(job: Job, user: Any) -> bool:
    """An import's page and report: for its owner while they are still its analyst."""
    survey = Survey.objects.filter(pk=job.params.get("survey_id")).first()
    return survey is None or acts_as(user, survey, TeamRole.ANALYST)


@job_viewer(EXPORT_MICRODATA)
def _still_sees_microdata(job: Job, user: Any) -> bool:
    """A microdata file: for its owner while they may still see the survey's microdata."""
    survey = Survey.objects.filter(pk=job.params.get("survey_id")).first()
    return survey is None or can_see_unrounded(user, survey)


@job_handler(IMPORT_RESPONSES)
def import_responses_job(job: Job, progress: Progress) -> None:
    """Check and import an uploaded file, all or nothing; the report is the job's result.

    Safe to run again: the import is one transaction, so a worker that stops midway
    leaves nothing behind, and the file stays until the job has finished.
    """
    survey = Survey.objects.filter(pk=job.params["survey_id"]).first()
    if survey is None:
        raise JobFailed("The survey has been deleted, so nothing was imported.")
    if job.owner is None or not acts_as(job.owner, survey, TeamRole.ANALYST):
        raise JobFailed("You are no longer one of the survey’s analysts, so nothing was imported.")
    path = job_path(job, job.input_file)
    size = max(path.stat().st_size, 1)
    progress.report(0, "Reading the file", force=True)
    with path.open("rb") as stream:
        report = import_file(
            survey=survey,
            stream=stream,
            file_format=FileFormat(job.params["format"]),
            file_name=job.params.get("file_name", path.name),
            user=job.owner,
            allow_duplicate=job.params.get("allow_duplicate", False),
            on_progress=lambda lines: progress.report(
                stream.tell() / size, f"Checked and stored {lines:,} lines"
            ),
        )
    job.result = {**report_as_data(report), "survey": survey.slug}
    path.unlink(missing_ok=True)
    if not report.ok:
        raise JobFailed(report.summary)


RESULT_TEMPLATES[IMPORT_RESPONSES] = "analysis/import_result.html"


@job_handler(EXPORT_MICRODATA)
def export_microdata_job(job: Job, progress: Progress) -> None:
    """Write the microdata of a survey's selection as XLSX, SPSS or Stata, for its owner
    to download from the job's page.

    Safe to run again: the file is written under a temporary name and only then given
    its own, so a stopped worker leaves no half file to download.
    """
    survey = Survey.objects.filter(pk=job.params["survey_id"]).first()
    if survey is None:
        raise JobFailed("The survey has been deleted, so there is nothing to download.")
    if job.owner is None or not can_see_unrounded(job.owner, survey):
        raise JobFailed("You may no longer download microdata, so no file was made.")
    form = SelectionForm(QueryDict(job.params["query"]), survey=survey, allow_unrounded=True)
    if not form.is_valid():
        raise JobFailed("The selection is no longer valid, so no file was made.")
    chosen = MicrodataFormat(job.params["format"])
    responses = selected_responses(survey=survey, selection=form.selection)
    # The owner may see unrounded figures and microdata (checked above): the typed title too.
    columns = microdata_columns(survey, typed_title=True)
    total = responses.count()
    progress.report(0.05, f"Writing {total:,} responses", force=True)
    name = f"microdata.{chosen.value}"
    partial = job_path(job, f"{name}.partial")
    try:
        if chosen is MicrodataFormat.XLSX:
            with job_file(job, partial.name) as stream:
                written = microdata_write(
                    responses=responses,
                    stream=stream,
                    file_format=FileFormat.XLSX,
                    columns=columns,
                )
        else:
            made, written = microdata_statfile(
                responses=responses,
                survey=survey,
                file_format=StatFormat(chosen.value),
                columns=columns,
            )
            with made, job_file(job, partial.name) as stream:
                while chunk := made.read(1024 * 1024):
                    stream.write(chunk)
    except TooManyRows as error:
        partial.unlink(missing_ok=True)
        raise JobFailed(str(error)) from None
    partial.replace(job_path(job, name))
    job.output_file = name
    job.output_name = job.params["file_name"]
    job.output_type = chosen.content_type
    noun = "response" if written == 1 else "responses"
    job.result = {"summary": f"{written:,} {noun} of {survey.name}: ready to download"}
