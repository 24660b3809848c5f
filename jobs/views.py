"""A job's owner watches it here: its progress while it runs, then its result.

The progress page refreshes itself: with JavaScript it asks for the job's state
every two seconds and updates in place (announced to screen readers); without,
the page reloads itself every few seconds until the job is finished.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Job
from .runner import job_path

RESULT_TEMPLATES = {}  # kind -> template that shows the job's result
# kind -> whether its owner may still see it (the apps above register these: a job of a
# survey is shown only while its owner still works on that survey in the job's role).
VIEWERS: dict[str, Callable[[Job, Any], bool]] = {}


def job_viewer(kind: str) -> Callable[[Callable[[Job, Any], bool]], Callable[[Job, Any], bool]]:
    def register(check: Callable[[Job, Any], bool]) -> Callable[[Job, Any], bool]:
        VIEWERS[kind] = check
        return check

    return register


def may_see(job: Job, user: Any) -> bool:
    check = VIEWERS.get(job.kind)
    return user.is_superuser or check is None or check(job, user)


def result_template(kind: str) -> str:
    return RESULT_TEMPLATES.get(kind, "jobs/_result.html")


def own_job(request: HttpRequest, job_id: Any) -> Job:
    """The signed-in person's own job (any job for a superuser); anyone else's is not found."""
    jobs = Job.objects.all()
    if not request.user.is_superuser:
        jobs = jobs.filter(owner=request.user)
    job = get_object_or_404(jobs, pk=job_id)
    if not may_see(job, request.user):
        raise Http404("No such job.")
    return job


def job_state(job: Job) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "stage": job.stage,
        "finished": job.is_finished,
        "url": reverse("jobs:detail", args=[job.pk]),
    }


@require_safe
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    owned = Job.objects.filter(owner=request.user).order_by("-created_at")[:100]
    jobs = [job for job in owned if may_see(job, request.user)]
    return render(request, "jobs/list.html", {"jobs": jobs})


@require_safe
@login_required
def job_detail(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = own_job(request, job_id)
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "result_template": result_template(job.kind), "state": job_state(job)},
    )


@require_safe
@login_required
def job_status(request: HttpRequest, job_id: Any) -> JsonResponse:
    return JsonResponse(job_state(own_job(request, job_id)))


@require_safe
@login_required
def job_download(request: HttpRequest, job_id: Any) -> FileResponse:
    job = own_job(request, job_id)
    if job.status != Job.Status.SUCCEEDED or not job.output_file:
        raise Http404("This job has nothing to download.")
    path = job_path(job, job.output_file)
    if not path.is_file():
        raise Http404("The file has been removed.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.output_name or path.name,
        content_type=job.output_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response
