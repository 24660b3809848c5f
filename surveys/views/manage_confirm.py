"""Confirmation pages (the GOV.UK pattern) for the managers' actions that remove or
stop something, and the ways back.

A GET shows what the action does, with a warning and a red button, and changes
nothing; the POST does it (`surveys.fieldwork.stopping`, one transaction with its audit) and
returns to the page it came from with a notification banner. A second POST of the
same form changes nothing. Each survey's pages are its own managers' only
(`managed_survey`: anyone else finds no such survey).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..fieldwork.cases import CaseRefused
from ..fieldwork.round_cancel import round_cancel, unsent_count
from ..fieldwork.stopping import case_reinstate, case_withdraw_confirmed, survey_close_now
from ..models import Case, ContactRound, Survey
from .manage import managed_survey, manager_required
from .manage_sample import case_regenerate, survey_case


def confirm_page(request: HttpRequest, survey: Survey, **page: Any) -> HttpResponse:
    """The confirmation page: `heading`, `paragraphs`, `warning`, `button`, `cancel`."""
    return render(request, "manage/confirm.html", {"survey": survey, **page})


def _case_url(survey: Survey, case: Case) -> str:
    return reverse("manage:case", args=[survey.slug, case.pk])


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def case_withdraw(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    if request.method == "POST":
        if case_withdraw_confirmed(case=case, actor=request.user):
            messages.success(
                request,
                f"Case {case.reference} was withdrawn: it gets no more messages and counts in "
                "no rate. Its code and link no longer work. You can put it back from this page.",
            )
        return redirect(_case_url(survey, case))
    if case.withdrawn_at is not None:
        return redirect(_case_url(survey, case))
    return confirm_page(
        request,
        survey,
        heading=f"Withdraw case {case.reference} from the sample?",
        paragraphs=[
            "A withdrawn case gets no more invitations or reminders, is on no interviewer’s "
            "list, and counts in no response rate.",
            "Withdraw a case that should never have been sampled, or that the survey must "
            "not contact. A respondent who does not want to take part is a refusal: record "
            "it, do not withdraw the case.",
            "You can put the case back in the sample later, until its contact details are deleted.",
        ],
        warning="Its access code and personal link stop working at once.",
        button="Withdraw the case",
        cancel=_case_url(survey, case),
    )


@require_POST
@manager_required
def case_reinstate_view(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    try:
        case_reinstate(case=case, actor=request.user)
    except CaseRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(_case_url(survey, case))
    messages.success(
        request,
        f"Case {case.reference} is back in the sample: its code and link work again and it "
        "counts in the rates.",
    )
    return redirect(_case_url(survey, case))


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def case_new_code(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    """Voids the case's code and link for new ones, once confirmed."""
    survey = managed_survey(request, slug)
    case = survey_case(survey, case_id)
    if request.method == "POST":
        return case_regenerate(request, slug, case_id)
    return confirm_page(
        request,
        survey,
        heading=f"Give case {case.reference} a new code and link?",
        paragraphs=[
            "Do this when a code or link went to the wrong person, or the respondent lost it.",
            "The new code and link are shown once, on the next page: send them to the "
            "respondent from there.",
        ],
        warning="The case’s current access code and personal link stop working at once.",
        button="Void the code and make a new one",
        cancel=_case_url(survey, case),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def survey_close(request: HttpRequest, slug: str) -> HttpResponse:
    survey = managed_survey(request, slug)
    survey_url = reverse("manage:survey", args=[survey.slug])
    if request.method == "POST":
        if survey_close_now(survey=survey, actor=request.user):
            messages.success(
                request,
                f"{survey.name} is closed. Its unfinished responses count as abandoned from "
                "the next scheduled check, and its contact details are deleted after "
                f"{survey.contact_retention_days} days. Until then you can open it again.",
            )
        return redirect(survey_url)
    if survey.has_closed():
        return redirect(survey_url)
    return confirm_page(
        request,
        survey,
        heading=f"Close {survey.name} now?",
        paragraphs=[
            "Nobody can start or carry on with a response once it is closed: not "
            "respondents online, nor interviewers. Unfinished responses count as abandoned.",
            f"Contact details are deleted {survey.contact_retention_days} days after it "
            "closes. Until then you can open it again from its page.",
        ],
        warning="Closing stops new answers at once.",
        button="Close the survey",
        cancel=survey_url,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def round_cancel_view(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """Cancels a round's messages not yet sent, once confirmed; those sent stay sent."""
    survey = managed_survey(request, slug)
    round_ = get_object_or_404(ContactRound, pk=round_id, survey=survey)
    round_url = reverse("manage:round", args=[survey.slug, round_.pk])
    if request.method == "POST":
        cancelled = round_cancel(round_=round_, actor=request.user)
        if round_.cancelled_at is not None and cancelled:
            messages.success(
                request,
                f"The round is cancelled: {cancelled:,} "
                f"{'message' if cancelled == 1 else 'messages'} not yet sent will not be sent. "
                "To contact those cases, start a new round.",
            )
        return redirect(round_url)
    if round_.cancelled_at is not None:
        return redirect(round_url)
    unsent = unsent_count(round_)
    what = "letter" if round_.letters else "message"
    return confirm_page(
        request,
        survey,
        heading="Cancel this round?",
        paragraphs=[
            f"{unsent:,} {what}{'' if unsent == 1 else 's'} of this round "
            f"{'has' if unsent == 1 else 'have'} not been sent yet. Cancelling the round "
            "stops them: none of them will be sent, now or later.",
            f"{what.capitalize()}s already sent stay sent; their cases are not affected.",
            "To contact the cases later, start a new round: it goes to every case it can "
            "still reach.",
        ],
        warning="A cancelled round cannot be started again.",
        button="Cancel the round",
        cancel=round_url,
    )
