"""A contact round's own page, and a letter round's files (the letters as PDF, the
print supplier's CSV). The files hold every case's access code: only the survey's
managers reach them (another survey's manager gets 404), and each download is
recorded in the audit log."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jobs.models import Job
from jobs.runner import job_path

from ..audit import Event, audit
from ..fieldwork.contacts import round_counts
from ..fieldwork.letters import CSV_FILE, PDF_FILE, ZIP_FILE
from ..fieldwork.round_cancel import unsent_count
from ..job_handlers import SEND_ROUND
from ..models import ContactRound, Message, Survey
from .manage import managed_survey, manager_required

CONTENT_TYPES = {
    PDF_FILE: "application/pdf",
    ZIP_FILE: "application/zip",
    CSV_FILE: "text/csv; charset=utf-8",
}


def _round(survey: Survey, round_id: int) -> ContactRound:
    return get_object_or_404(ContactRound, pk=round_id, survey=survey)


def _letters_job(round_: ContactRound) -> Job | None:
    """The letter round's finished job, whose folder holds its files."""
    return (
        Job.objects.filter(kind=SEND_ROUND, params__round_id=round_.pk, status=Job.Status.SUCCEEDED)
        .order_by("-created_at")
        .first()
    )


@require_safe
@manager_required
def round_page(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    round_ = _round(survey, round_id)
    job = _letters_job(round_) if round_.letters else None
    files = []
    if job is not None:
        for name in (job.result.get("letters_file", ""), job.result.get("letters_csv", "")):
            if name in CONTENT_TYPES and job_path(job, name).exists():
                files.append(name)
    return render(
        request,
        "manage/round.html",
        {
            "survey": survey,
            "round": round_,
            "counts": round_counts(round_),
            "statuses": dict(Message.Status.choices),
            "job": job,
            "files": files,
            "unsent": unsent_count(round_),
        },
    )


@require_safe
@manager_required
def letters_download(request: HttpRequest, slug: str, round_id: int, name: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    round_ = _round(survey, round_id)
    job = _letters_job(round_) if round_.letters else None
    if job is None or name not in CONTENT_TYPES:
        raise Http404("This round has no such file.")
    if name not in (job.result.get("letters_file"), job.result.get("letters_csv")):
        raise Http404("This round has no such file.")
    path: Path = job_path(job, name)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise Http404("The file has been deleted: make the letters again.") from None
    audit(Event.CODES_EXPORTED, actor=request.user, target=survey, count=job.result.get("letters"))
    stem, _, extension = name.rpartition(".")
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"{survey.slug}_{stem}_{round_.pk}_{timezone.localdate().isoformat()}.{extension}",
        content_type=CONTENT_TYPES[name],
    )
    response["Cache-Control"] = "no-store"
    return response
