"""The sample list a team can work: filters, select-all and bulk actions.

The list is filtered from its address (`surveys.fieldwork.sample_list.SampleFilter`), so the
filter survives paging. Cases are chosen with a checkbox each, every case on the page
(one checkbox: the page's ids go with the form, so it works without JavaScript, which
only ticks the boxes as well) or every case the filter matches. An action is asked
for, then confirmed on a page saying how many cases it changes and how many it skips
and why (the GOV.UK confirmation pattern); only the confirming POST changes anything
(`surveys.fieldwork.bulk`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jobs.runner import job_start
from seb.fieldwork import Outcome
from seb.sample import TEMPLATE_COLUMNS
from seb.standard import Mode

from ..access import person
from ..fieldwork.bulk import (
    BulkAction,
    BulkOutcome,
    bulk_assign,
    bulk_preview,
    bulk_withdraw,
    selected_cases,
)
from ..fieldwork.contacts import NO_PUBLIC_ADDRESS, links_configured
from ..fieldwork.sample_list import UNASSIGNED, SampleFilter, team_interviewers
from ..forms_fieldwork import SampleUploadForm
from ..job_handlers import REISSUE_CODES
from ..models import Case, Survey
from .manage import managed_survey, manager_required

# A page's cases, each a checkbox, stay within the fields a request may carry
# (DATA_UPLOAD_MAX_NUMBER_FIELDS); the page's ids go as one field.
CASES_PER_PAGE = 25
NO_CASES = "Select at least one case"
NO_ACTION = "Select what to do with the selected cases"
NO_INTERVIEWER = "Select an interviewer of the survey’s team to assign the cases to"


def sample_list_context(
    request: HttpRequest,
    survey: Survey,
    *,
    form: SampleUploadForm | None = None,
    query: QueryDict | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the sample page shows: the upload form, and the filtered list of cases."""
    chosen = SampleFilter.from_query(survey, request.GET if query is None else query)
    cases = chosen.cases(survey).select_related("interviewer")
    page = Paginator(cases, CASES_PER_PAGE).get_page((query or request.GET).get("page"))
    interviewers = list(team_interviewers(survey))
    names = {str(user.pk): person(user) for user in interviewers}
    errors = errors or {}
    posted = query if errors and query is not None else QueryDict()
    return {
        "survey": survey,
        "page": page,
        "filter": chosen,
        "filter_words": chosen.describe(names),
        "filter_query": chosen.query(),
        "matching": page.paginator.count,
        "query": chosen.q,
        "form": form or SampleUploadForm(max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES),
        "columns": TEMPLATE_COLUMNS,
        "total": Case.objects.filter(survey=survey).count(),
        "outcomes": [(o.value, f"{o.value} {o.label}") for o in Outcome],
        "modes": [(m.value, m.label) for m in Mode if survey.offers(m)],
        "interviewers": [(str(user.pk), person(user)) for user in interviewers],
        "unassigned": UNASSIGNED,
        "variables": survey.sample_variables or [],
        "actions": [
            (BulkAction.ASSIGN.value, "Assign to an interviewer"),
            (BulkAction.WITHDRAW.value, "Withdraw from the sample"),
            (BulkAction.REISSUE.value, "Reissue: new access codes and links"),
        ],
        "bulk_errors": errors,
        "checked": posted.getlist("cases"),
        "posted": posted,
    }


def _selection(survey: Survey, data: QueryDict) -> Any:
    """The survey's cases the form chose: every case the filter matches, every case on
    the page, or the ticked ones; never another survey's."""
    if data.get("select_all") == "yes":
        return selected_cases(survey, every=SampleFilter.from_query(survey, data).cases(survey))
    ids = data.getlist("cases")
    if data.get("select_page") == "yes":
        ids = [*ids, *data.get("page_cases", "").split(",")]
    return selected_cases(survey, ids=ids)


def _checked(survey: Survey, data: QueryDict) -> tuple[Any, BulkAction | None, Any, dict[str, str]]:
    errors: dict[str, str] = {}
    cases = _selection(survey, data)
    try:
        action: BulkAction | None = BulkAction(data.get("action", ""))
    except ValueError:
        action = None
        errors["action"] = NO_ACTION
    interviewer = None
    if action is BulkAction.ASSIGN:
        chosen = data.get("interviewer", "")
        if chosen.isdigit():
            interviewer = team_interviewers(survey).filter(pk=int(chosen)).first()
        if interviewer is None:
            errors["interviewer"] = NO_INTERVIEWER
    if not cases.exists():
        errors = {"cases": NO_CASES, **errors}
    return cases, action, interviewer, errors


def _cases(n: int) -> str:
    return f"{n:,} case{'s' if n != 1 else ''}"


def _back(survey: Survey, data: QueryDict) -> str:
    query = SampleFilter.from_query(survey, data).query()
    return reverse("manage:sample", args=[survey.slug]) + (f"?{query}" if query else "")


@require_POST
@manager_required
def bulk_action(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to confirm an action on the chosen cases; with `confirm=yes`, do it."""
    survey = managed_survey(request, slug)
    data = request.POST
    cases, action, interviewer, errors = _checked(survey, data)
    if errors or action is None:
        context = sample_list_context(request, survey, query=data, errors=errors)
        return render(request, "manage/sample.html", context, status=400)
    if action is BulkAction.REISSUE and not links_configured():
        messages.error(request, f"Nothing was done. {NO_PUBLIC_ADDRESS}")
        return redirect(_back(survey, data))
    if data.get("confirm") != "yes":
        preview = bulk_preview(survey=survey, cases=cases, action=action, interviewer=interviewer)
        return _confirm_page(request, survey, data, preview, interviewer)
    return _run(request, survey, data, cases, action, interviewer)


def _confirm_page(
    request: HttpRequest, survey: Survey, data: QueryDict, preview: BulkOutcome, interviewer: Any
) -> HttpResponse:
    chosen = SampleFilter.from_query(survey, data)
    kept = [
        (name, value)
        for name in ("action", "interviewer", "select_all", "select_page")
        for value in data.getlist(name)
    ]
    if data.get("select_all") != "yes":
        kept += [(name, value) for name in ("cases", "page_cases") for value in data.getlist(name)]
    return render(
        request,
        "manage/sample_bulk_confirm.html",
        {
            "survey": survey,
            "preview": preview,
            "action": preview.action.value,
            "interviewer": person(interviewer) if interviewer is not None else "",
            "filter": chosen,
            "kept": kept,
            "back": _back(survey, data),
        },
    )


def _run(
    request: HttpRequest,
    survey: Survey,
    data: QueryDict,
    cases: Any,
    action: BulkAction,
    interviewer: Any,
) -> HttpResponse:
    if action is BulkAction.REISSUE:
        ids = list(cases.order_by("pk").values_list("pk", flat=True))
        job = job_start(
            kind=REISSUE_CODES,
            title=f"New codes and links for {len(ids):,} cases of {survey.name}",
            owner=request.user,
            params={"survey_id": survey.pk, "case_ids": ids},
        )
        return redirect("jobs:detail", job_id=job.pk)
    if action is BulkAction.ASSIGN:
        done = bulk_assign(survey=survey, cases=cases, interviewer=interviewer, actor=request.user)
        said = f"{_cases(done.applies)} assigned to {person(interviewer)}"
    else:
        done = bulk_withdraw(survey=survey, cases=cases, actor=request.user)
        said = f"{_cases(done.applies)} withdrawn from the sample"
    if done.skipped:
        reasons = "; ".join(f"{n:,} {reason}" for reason, n in done.skipped.items())
        said += f". {done.skipped_total:,} skipped: {reasons}"
    messages.success(request, f"{said}.")
    return redirect(_back(survey, data))
