"""The online self-completion journey at /s/<slug>/.

A browser is known by one signed cookie per survey, which names its response and
lasts 30 days, so a respondent can close the browser and come back to the survey
link to carry on. A cookie per survey (not one session for all) means a browser
that starts two surveys at once remembers both, and answering needs no session
row in the database. The Start form carries a one-time token: two Start requests
raced from one page make one response.

Invitation-only surveys are reached with an access code typed on the survey's
page, or a personal link (`/s/<slug>/k/<token>/`). Either binds the browser to
the case's response (made, or carried on from any device) and redirects to the
survey's own address, so the secret does not stay in the address bar; wrong
codes are counted by the code and address, the address, and the survey, and too
many make that code, address or survey wait (`surveys.fieldwork.ratelimit`); links never
do. A case that is complete is told so, and answers once.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Final

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from seb.standard import Mode

from ..audit import Event, audit
from ..fieldwork.cases import case_by_access_code, case_by_link_token, case_opt_out
from ..fieldwork.contacts import case_from_opt_out_token
from ..fieldwork.ratelimit import CODE, Limit, guess_right, guess_try, limits
from ..forms import AccessCodeForm
from ..models import Case, Response, Survey
from ..responses.lifecycle import Refused, response_for_case, response_route, response_start
from ..responses.selectors import online_response
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView

COOKIE_PREFIX: Final = "seb-response-"
COOKIE_MAX_AGE: Final = 60 * 60 * 24 * 30
START_TOKEN: Final = re.compile(r"\A[A-Za-z0-9_-]{20,43}\Z")


def cookie_name(slug: str) -> str:
    return f"{COOKIE_PREFIX}{slug}"


def _salt(slug: str) -> str:
    return f"surveys.respondent:{slug}"


def remembered_response_id(request: HttpRequest, slug: str) -> str | None:
    """The response this browser started for the survey, if its cookie is genuine."""
    value = request.get_signed_cookie(
        cookie_name(slug), default=None, salt=_salt(slug), max_age=COOKIE_MAX_AGE
    )
    return value if isinstance(value, str) else None


def remember(http_response: HttpResponse, slug: str, response: Response) -> HttpResponse:
    """Set (or renew) the survey's cookie on the way out."""
    http_response.set_signed_cookie(
        cookie_name(slug),
        str(response.pk),
        salt=_salt(slug),
        max_age=COOKIE_MAX_AGE,
        path=f"/s/{slug}/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return http_response


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(request, "surveys/closed.html", {"survey": survey}, status=403)


def online_survey(slug: str) -> Survey:
    survey = get_object_or_404(Survey, slug=slug)
    if not survey.offers_online:
        raise Http404("This survey is not offered online.")
    return survey


class StartView(View):
    """What the survey is for; starts a response, or picks up where one was left.

    An open survey's page starts a response for anyone; an invitation-only
    survey's page asks for an access code instead; a survey open to both offers
    each. A browser that has a response for the survey carries on with it.
    """

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = online_survey(slug)
        response = remembered_response(request, survey)
        if response is not None:
            if response.status != Response.Status.IN_PROGRESS:
                return HttpResponseRedirect(reverse("online:confirmation", args=[slug]))
            if survey.is_open() or response.is_test:
                current = response_route(response)
                key = current.next_question
                continue_url = (
                    reverse("online:question", args=[slug, key])
                    if key
                    else reverse("online:check", args=[slug])
                )
                # The survey link carries on where the respondent left off; a
                # response not yet answered (just entered by link or code) and the
                # first question's back link show this page (the privacy notice).
                if current.answered and request.GET.get("back") != "1":
                    return HttpResponseRedirect(continue_url)
                return start_page(
                    request, survey, continue_url=continue_url, test_run=response.is_test
                )
        if not survey.is_open():
            return _closed(request, survey)
        return start_page(request, survey)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = online_survey(slug)
        if not survey.is_open():
            return _closed(request, survey)
        if remembered_response_id(request, slug):
            return self.get(request, slug)
        if not survey.takes_open_responses:
            # Only people in the sample may answer: the page asks for their code.
            return start_page(request, survey, status=403)
        token = request.POST.get("start_token", "")
        if not START_TOKEN.match(token):
            token = secrets.token_urlsafe(24)
        try:
            response = response_start(survey=survey, mode=Mode.ONLINE, start_token=token)
        except Refused as refusal:
            raise Http404(refusal.message) from refusal
        first = response_route(response).next_question
        redirect = HttpResponseRedirect(reverse("online:question", args=[slug, first]))
        return remember(redirect, slug, response)


def remembered_response(request: HttpRequest, survey: Survey) -> Response | None:
    response_id = remembered_response_id(request, survey.slug)
    if not response_id:
        return None
    return Response.objects.filter(pk=response_id, survey=survey, mode=Mode.ONLINE).first()


def start_page(
    request: HttpRequest,
    survey: Survey,
    *,
    continue_url: str = "",
    code_form: AccessCodeForm | None = None,
    status: int = 200,
    test_run: bool = False,
) -> HttpResponse:
    """The start page: what the survey is for, then Start now, the access code form, or both."""
    if code_form is None and survey.takes_invitations:
        code_form = AccessCodeForm()
    return render(
        request,
        "surveys/start.html",
        {
            "survey": survey,
            "question_count": len(survey.standard.questions),
            "continue_url": continue_url,
            "start_token": secrets.token_urlsafe(24),
            "code_form": code_form if survey.takes_invitations else None,
            "can_start": survey.takes_open_responses,
            "test_banner": test_run,
        },
        status=status,
    )


def _too_many_guesses(request: HttpRequest, survey: Survey, limit: Limit) -> HttpResponse:
    return render(
        request,
        "surveys/too_many_guesses.html",
        {
            "survey": survey,
            "wait_minutes": limit.wait_minutes,
            "same_code": limit.reason == CODE,
            "tries": limits()[CODE],
            "code_form": AccessCodeForm(),
        },
        status=429,
    )


def _enter_case(request: HttpRequest, survey: Survey, case: Case) -> HttpResponse:
    """Bind this browser to the case's response (made or resumed) and go on to a page
    whose address carries no secret; a complete case is told it has answered."""
    if case.is_complete:
        return render(request, "surveys/already_completed.html", {"survey": survey})
    if not survey.is_open():
        return _closed(request, survey)
    try:
        response = response_for_case(survey=survey, case=case, mode=Mode.ONLINE)
    except Refused as refusal:
        if refusal.code == "case_complete":
            return render(request, "surveys/already_completed.html", {"survey": survey})
        raise Http404(refusal.message) from refusal
    redirect = HttpResponseRedirect(reverse("online:start", args=[survey.slug]))
    return remember(redirect, survey.slug, response)


class AccessCodeView(View):
    """Checks an access code typed on the start page, within the guessing limit."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("online:start", args=[slug]))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = online_survey(slug)
        if not survey.takes_invitations:
            raise Http404("This survey takes no access codes.")
        if not survey.is_open():
            return _closed(request, survey)
        form = AccessCodeForm(request.POST)
        if not form.is_valid():
            return start_page(request, survey, code_form=form, status=400)
        code = form.cleaned_data["access_code"]
        limit = guess_try(request, survey=survey, code=code)
        if limit.blocked:
            return _too_many_guesses(request, survey, limit)
        case = case_by_access_code(survey=survey, typed=code)
        if case is None:
            limit = limit.after_wrong()
            if limit.blocked:
                return _too_many_guesses(request, survey, limit)
            form.add_error(
                "access_code",
                AccessCodeForm.wrong(tries_left=limit.tries_left, wait_minutes=limit.wait_minutes),
            )
            return start_page(request, survey, code_form=form, status=400)
        guess_right(request, survey=survey, code=code)
        return _enter_case(request, survey, case)


class PersonalLinkView(View):
    """A case's personal link: binds the browser to its response and redirects to the
    survey's address, so the secret leaves the address bar (and any later Referer)."""

    def get(self, request: HttpRequest, slug: str, token: str) -> HttpResponse:
        survey = online_survey(slug)
        # Never limited: a 256-bit token is not found by guessing (surveys.fieldwork.ratelimit).
        case = case_by_link_token(survey=survey, token=token)
        if case is None:
            return render(
                request,
                "surveys/link_not_working.html",
                {"survey": survey, "code_form": AccessCodeForm()},
                status=404,
            )
        return _enter_case(request, survey, case)


class OptOutView(View):
    """The link in every message: asks, then records that the person wants no more."""

    def case(self, survey: Survey, token: str) -> Case:
        case = case_from_opt_out_token(survey, token)
        if case is None:
            raise Http404("This opt-out link is not right.")
        return case

    def get(self, request: HttpRequest, slug: str, token: str) -> HttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        case = self.case(survey, token)
        return render(
            request,
            "surveys/opt_out.html",
            {"survey": survey, "done": case.opted_out_at is not None},
        )

    def post(self, request: HttpRequest, slug: str, token: str) -> HttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        case = self.case(survey, token)
        if case.opted_out_at is None:
            case_opt_out(case=case)
            audit(Event.CASE_OPTED_OUT, actor=None, target=case)
        return render(request, "surveys/opt_out.html", {"survey": survey, "done": True})


class PrivacyNoticeView(View):
    """The survey's privacy notice, when its owner gave it as text."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        if not survey.privacy_notice_text:
            if survey.privacy_notice_url:
                return HttpResponseRedirect(survey.privacy_notice_url)
            raise Http404("This survey has no privacy notice yet.")
        return render(request, "surveys/privacy.html", {"survey": survey})


class ContactView(View):
    """Who runs the survey, and how to reach them."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        return render(request, "surveys/contact.html", {"survey": survey})


class OnlineJourney(Journey):
    namespace = "online"

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        slug = kwargs["slug"]
        response_id = remembered_response_id(request, slug)
        response = online_response(response_id, slug) if response_id else None
        if response is None:
            return HttpResponseRedirect(reverse("online:start", args=[slug]))
        # A test run (the survey manager's) goes on whether or not the survey is open.
        if (
            response.status == Response.Status.IN_PROGRESS
            and not response.is_test
            and not response.survey.is_open()
        ):
            return _closed(request, response.survey)
        return response

    def url_kwargs(self) -> dict[str, Any]:
        return {"slug": self.response.survey.slug}

    def exit_url(self) -> str:
        return reverse("online:start", args=[self.response.survey.slug]) + "?back=1"

    def extra_context(self) -> dict[str, Any]:
        return {"test_banner": self.response.is_test}


class OnlineQuestionView(OnlineJourney, QuestionView):
    pass


class OnlineCheckAnswersView(OnlineJourney, CheckAnswersView):
    pass


class OnlineConfirmationView(OnlineJourney, ConfirmationView):
    pass
