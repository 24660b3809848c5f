"""The analysis area's background jobs: response imports. (Downloads are made as they
are asked for, not as jobs.)"""

from __future__ import annotations

from jobs.models import Job
from jobs.runner import JobFailed, Progress, job_handler, job_path
from jobs.views import RESULT_TEMPLATES
from seb.interchange import FileFormat
from surveys.models import Survey

from .imports import import_file, report_as_data

IMPORT_RESPONSES = "import_responses"


@job_handler(IMPORT_RESPONSES)
def import_responses_job(job: Job, progress: Progress) -> None:
    """Check and import an uploaded file, all or nothing; the report is the job's result.

    Safe to run again: the import is one transaction, so a worker that stops midway
    leaves nothing behind, and the file stays until the job has finished.
    """
    survey = Survey.objects.filter(pk=job.params["survey_id"]).first()
    if survey is None:
        raise JobFailed("The survey has been deleted, so nothing was imported.")
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
