"""A survey's sample in the managers' area: loading files, cases one by one, codes.

Loading a file and regenerating every case's codes run as background jobs (their
page shows progress, then the report). New codes and links are shown once: on
the page after adding or regenerating one case, or as a mail-merge file
(`reference,access_code,link`) that its job's owner downloads once, after
which it is deleted. Every one of these is recorded in the audit trail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from jobs.models import Job
from jobs.runner import job_path, job_start
from seb.fieldwork import Outcome
from seb.interchange import FileFormat
from seb.interchange.writing import csv_chunks
from seb.sample import TEMPLATE_COLUMNS

from ..audit import Event, audit
from ..fieldwork.cases import CaseRefused, case_create, case_mark_not_eligible, case_update
from ..fieldwork.codes_merge import codes_with_contacts
from ..fieldwork.contacts import personal_link_path, public_url
from ..fieldwork.issuing import Credentials, NewCase, credentials_regenerate
from ..fieldwork.teams import interviewers_join
from ..forms_fieldwork import CaseForm, SampleUploadForm
from ..interviewing.history import case_history
from ..job_handlers import CODES_FILE, CODES_KINDS, LOAD_SAMPLE, REGENERATE_CODES
from ..models import Case, Survey
from .manage import managed_survey, manager_required
from .manage_sample_list import sample_list_context


def survey_case(survey: Survey, case_id: int) -> Case:
    return get_object_or_404(Case.objects.select_related("interviewer"), pk=case_id, survey=survey)


@require_safe
@manager_required
def sample_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    return render(request, "manage/sample.html", sample_list_context(request, survey))


@require_POST
@manager_required
def sample_upload(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    form = SampleUploadForm(request.POST, request.FILES, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES)
    if not form.is_valid():
        context = sample_list_context(request, survey, form=form, query=QueryDict())
        return render(request, "manage/sample.html", context, status=400)
    upload = form.cleaned_data["file"]
    job = job_start(
        kind=LOAD_SAMPLE,
        title=f"Load {upload.name} into the sample of {survey.name}",
        owner=request.user,
        params={
            "survey_id": survey.pk,
            "format": form.file_format.value,
            "file_name": upload.name,
        },
        upload=upload.file,
        upload_name=upload.name,
    )
    return redirect("jobs:detail", job_id=job.pk)


@require_safe
@manager_required
def sample_template(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty sample file with its columns (region stands for your own variables)."""
    survey = managed_survey(request, slug)
    response = HttpResponse(
        "".join(csv_chunks([], columns=TEMPLATE_COLUMNS)).encode("utf-8-sig"),
        content_type=FileFormat.CSV.content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}_sample_template.csv"'
    return response


def _credentials_page(
    request: HttpRequest, survey: Survey, case: Case, credentials: Credentials, *, new: bool
) -> HttpResponse:
    return render(
        request,
        "manage/case_credentials.html",
        {
            "survey": survey,
            "case": case,
            "access_code": credentials.access_code,
            "link": public_url(personal_link_path(survey, credentials.link_token))
            if settings.PUBLIC_BASE_URL
            else request.build_absolute_uri(personal_link_path(survey, credentials.link_token)),
            "new": new,
        },
    )


@manager_required
def case_add(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    if request.method == "POST":
        form = CaseForm(request.POST, survey=survey)
        if form.is_valid():
            with transaction.atomic():
                case, credentials = _case_create(request, survey, form)
            return _credentials_page(request, survey, case, credentials, new=True)
        status = 400
    else:
        form = CaseForm(survey=survey)
        status = 200
    return render(request, "manage/case_form.html", {"survey": survey, "form": form}, status=status)


def _case_create(request: HttpRequest, survey: Survey, form: CaseForm) -> tuple[Case, Credentials]:
    data = form.cleaned_data
    case, credentials = case_create(
        survey=survey,
        new=NewCase(
            reference=data["reference"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            preferred_mode=data["preferred_mode"],
            interviewer_id=form.interviewer_id(),
            variables=form.variables,
        ),
    )
    audit(Event.CASES_CREATED, actor=request.user, target=case, count=1)
    audit(Event.CODES_EXPORTED, actor=request.user, target=case, count=1)
    interviewers_join(survey=survey, user_ids=[case.interviewer_id], actor=request.user)
    return case, credentials


@require_safe
@manager_required
def case_detail(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    if case.has_contact_details:
        audit(Event.CONTACT_DETAILS_VIEWED, actor=request.user, target=case)
    return render(
        request,
        "manage/case_detail.html",
        {
            "survey": survey,
            "case": case,
            "outcome": Outcome(case.outcome),
            "history": case_history(case),
            "variables": [(name, case.variables.get(name, "")) for name in survey.sample_variables],
        },
    )


@manager_required
def case_edit(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    if request.method == "POST":
        form = CaseForm(request.POST, survey=survey, case=case)
        if form.is_valid():
            data = form.cleaned_data
            fields: dict[str, Any] = {
                "preferred_mode": data["preferred_mode"],
                "interviewer_id": form.interviewer_id(),
                "variables": {**case.variables, **form.variables},
            }
            if not case.contact_deleted_at:
                fields.update({name: data[name] for name in ("name", "email", "phone", "address")})
            try:
                with transaction.atomic():
                    case_update(case=case, **fields)
                    audit(Event.CASE_CHANGED, actor=request.user, target=case)
                    interviewers_join(
                        survey=survey, user_ids=[fields["interviewer_id"]], actor=request.user
                    )
            except CaseRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, f"Case {case.reference} was saved.")
                return redirect("manage:case", slug=survey.slug, case_id=case.pk)
        status = 400
    else:
        form = CaseForm(survey=survey, case=case)
        status = 200
    return render(
        request,
        "manage/case_form.html",
        {"survey": survey, "form": form, "case": case},
        status=status,
    )


@require_POST
@manager_required
def case_not_eligible(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    case_mark_not_eligible(case=case)
    audit(Event.CASE_NOT_ELIGIBLE, actor=request.user, target=case)
    messages.success(request, f"Case {case.reference} was marked not eligible.")
    return redirect("manage:case", slug=survey.slug, case_id=case.pk)


@require_POST
@manager_required
def case_regenerate(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    if case.is_withdrawn:
        messages.error(request, "A withdrawn case has no code or link.")
        return redirect("manage:case", slug=survey.slug, case_id=case.pk)
    (credentials,) = list(credentials_regenerate(cases=[case]))
    audit(Event.CODES_REGENERATED, actor=request.user, target=case, count=1)
    audit(Event.CODES_EXPORTED, actor=request.user, target=case, count=1)
    return _credentials_page(request, survey, case, credentials, new=False)


@require_POST
@manager_required
def codes_regenerate_all(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, "Confirm that the old codes and links should stop working, then try again."
        )
        return redirect("manage:sample", slug=survey.slug)
    job = job_start(
        kind=REGENERATE_CODES,
        title=f"New codes and links for every case of {survey.name}",
        owner=request.user,
        params={"survey_id": survey.pk},
    )
    return redirect("jobs:detail", job_id=job.pk)


@require_POST
@manager_required
def codes_download(request: HttpRequest, slug: str, job_id: uuid.UUID) -> HttpResponse:
    """The job's mail-merge file, once: it is taken away as it is handed over."""
    survey = managed_survey(request, slug)
    jobs = Job.objects.filter(kind__in=CODES_KINDS, status=Job.Status.SUCCEEDED)
    if not request.user.is_superuser:
        jobs = jobs.filter(owner=request.user)
    job = get_object_or_404(jobs, pk=job_id)
    if job.result.get("survey") != survey.slug or not job.result.get("codes_file"):
        raise Http404("This file has already been downloaded, or has expired.")
    path = job_path(job, CODES_FILE)
    taken = path.with_name(f"{CODES_FILE}.{uuid.uuid4().hex}.taken")
    try:
        os.rename(path, taken)  # atomic: of two requests at once, one gets the file
    except FileNotFoundError:
        raise Http404("This file has already been downloaded, or has expired.") from None
    job.result = {**job.result, "codes_file": "", "codes_downloaded_at": timezone.now().isoformat()}
    job.save(update_fields=["result"])
    contacts = request.POST.get("contacts") == "yes"
    audit(
        Event.CODES_EXPORTED,
        actor=request.user,
        target=survey,
        count=job.result.get("codes_rows"),
        **({"with_names_and_addresses": True} if contacts else {}),
    )
    stream = Path(taken).open("rb")  # noqa: SIM115  (FileResponse closes it)
    os.unlink(taken)  # the open file is read to its end; nothing stays on disk
    filename = f"{survey.slug}_codes_and_links_{timezone.localdate().isoformat()}.csv"
    if contacts:
        return _contacts_file(stream, survey, filename)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=filename,
        content_type=FileFormat.CSV.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


def _contacts_file(stream: Any, survey: Survey, filename: str) -> StreamingHttpResponse:
    """The codes file with each case's name and address, streamed (`fieldwork.codes_merge`)."""

    def chunks() -> Iterator[bytes]:
        with stream:
            yield from codes_with_contacts(stream, survey=survey)

    response = StreamingHttpResponse(chunks(), content_type=FileFormat.CSV.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def job_page(job: Job) -> str:
    return reverse("jobs:detail", args=[job.pk])
