"""The coding queue's pages (docs/spec/coding-queue.md): for a survey's coders and
analysts only, since a typed job title can identify a person. Thin: the reads are in
`surveys.coding.selectors`, the writes in `surveys.coding.services`."""

from __future__ import annotations

import uuid
from typing import Any, Final

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from seb.occupation.search import MAX_QUERY, search

from ..access import (
    ANALYST,
    CODER,
    UNROUNDED_PERMISSION,
    acts_as,
    member_survey,
    role_required,
    surveys_for,
)
from ..coding.selectors import (
    agreement,
    decisions_of,
    group_of,
    next_group_key,
    queue_groups,
    queue_size,
    second_coding_waiting,
)
from ..coding.services import CodingRefused, decide, double_coding_set, second_code, undo
from ..forms_coding import UNCODABLE, DecisionForm, DoubleCodingForm
from ..models import JobTitle, Survey, TeamRole

GROUPS_PER_PAGE: Final = 25
DECISIONS_PER_PAGE: Final = 50
WORKERS: Final = (TeamRole.CODER, TeamRole.ANALYST)
coder_required = role_required(CODER, ANALYST)


def _survey(request: HttpRequest, slug: str) -> Survey:
    """The survey whose typed job titles this person may see: as one of its coders, or
    as one of its analysts allowed unrounded figures (the typed title can identify a
    person, as microdata can); anyone else finds no such survey."""
    survey = member_survey(request.user, slug, *WORKERS)
    if not acts_as(request.user, survey, TeamRole.CODER) and not request.user.has_perm(
        UNROUNDED_PERMISSION
    ):
        raise Http404("No such survey.")
    return survey


@require_safe
@coder_required
def survey_list(request: HttpRequest) -> HttpResponse:
    mine = surveys_for(request.user, *WORKERS)
    # The surveys that ask for the job title, or did (their titles may still wait).
    coded = mine.filter(
        Q(asks_job_title=True) | Exists(JobTitle.objects.filter(response__survey=OuterRef("pk")))
    )
    surveys = [(survey, queue_size(survey)) for survey in coded]
    return render(request, "coding/surveys.html", {"surveys": surveys, "in_a_team": mine.exists()})


@require_safe
@coder_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _survey(request, slug)
    page = Paginator(queue_groups(survey), GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coding/queue.html",
        {
            "survey": survey,
            "page": page,
            "size": queue_size(survey),
            "agreement": agreement(survey),
            "second": second_coding_waiting(survey, request.user),
            "sample_form": DoubleCodingForm(initial={"percent": survey.double_coding_percent}),
            "may_set_sample": acts_as(request.user, survey, TeamRole.ANALYST),
        },
    )


def _title_page(
    request: HttpRequest, survey: Survey, key: uuid.UUID, *, second: bool
) -> HttpResponse:
    group = group_of(survey, key)
    if group is None:
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["choice"]
        try:
            if second:
                second_code(
                    survey=survey, normalised=group.normalised, actor=request.user, **chosen
                )
                messages.success(
                    request, f"Your second coding of “{group.normalised}” is recorded."
                )
                return _next_second(request, survey)
            _, coded = decide(
                survey=survey, normalised=group.normalised, actor=request.user, **chosen
            )
        except CodingRefused as refusal:
            form.add_error("choice", refusal.message)
        else:
            what = "as cannot be coded" if chosen.get("uncodable") else f"to {chosen['soc2020']}"
            noun = "title" if coded == 1 else "titles"
            messages.success(request, f"“{group.normalised}” coded {what}: {coded} {noun}.")
            following = next_group_key(survey)
            if following is None:
                return redirect("coding:queue", slug=survey.slug)
            return redirect("coding:title", slug=survey.slug, response_id=following)
    query = (request.GET.get("q") or request.POST.get("q") or "")[:MAX_QUERY]
    context: dict[str, Any] = {
        "survey": survey,
        "group": group,
        "second": second,
        # A second coder codes blind: the first decision is not shown.
        "decision": None if second else group.decision,
        "blind": not second and group.normalised in _blind(survey, request),
        "form": form,
        "query": query,
        "hits": search(query or group.normalised),
        "uncodable": UNCODABLE,
    }
    return render(request, "coding/title.html", context, status=400 if form.errors else 200)


def _next_second(request: HttpRequest, survey: Survey) -> HttpResponse:
    waiting = second_coding_waiting(survey, request.user)
    if not waiting:
        return redirect("coding:queue", slug=survey.slug)
    return redirect("coding:second", slug=survey.slug, response_id=waiting[0]["key"])


@coder_required
def title(request: HttpRequest, slug: str, response_id: uuid.UUID) -> HttpResponse:
    return _title_page(request, _survey(request, slug), response_id, second=False)


@coder_required
def second(request: HttpRequest, slug: str, response_id: uuid.UUID) -> HttpResponse:
    return _title_page(request, _survey(request, slug), response_id, second=True)


@require_safe
@coder_required
def decisions(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _survey(request, slug)
    page = Paginator(decisions_of(survey), DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "coding/decisions.html",
        {"survey": survey, "page": page, "blind": _blind(survey, request)},
    )


def _blind(survey: Survey, request: HttpRequest) -> set[str]:
    """The decided titles the user may still code a second time: their first decision is
    not shown to them until they have."""
    return {row["normalised"] for row in second_coding_waiting(survey, request.user)}


@require_POST
@coder_required
def undo_view(request: HttpRequest, slug: str, decision_id: int) -> HttpResponse:
    survey = _survey(request, slug)
    try:
        decision, restored = undo(survey=survey, decision_id=decision_id, actor=request.user)
    except CodingRefused as refusal:
        messages.error(request, refusal.message)
    else:
        noun = "title is" if restored == 1 else "titles are"
        messages.success(
            request,
            f"The decision on “{decision.normalised}” is undone: {restored} {noun} back as the "
            "automatic coder left them.",
        )
    return redirect("coding:decisions", slug=survey.slug)


@require_POST
@role_required(ANALYST)
def double_coding(request: HttpRequest, slug: str) -> HttpResponse:
    survey = member_survey(request.user, slug, TeamRole.ANALYST)
    form = DoubleCodingForm(request.POST)
    if form.is_valid():
        double_coding_set(survey=survey, percent=form.cleaned_data["percent"], actor=request.user)
        messages.success(request, "The double-coding sample is set.")
    else:
        messages.error(request, "Select a share from the list.")
    return redirect("coding:queue", slug=survey.slug)
