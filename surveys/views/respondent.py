"""The online self-completion journey at /s/<slug>/.

A browser is known by one signed cookie per survey, which names its response and
lasts 30 days, so a respondent can close the browser and come back to the survey
link to carry on. A cookie per survey (not one session for all) means a browser
that starts two surveys at once remembers both, and answering needs no session
row in the database. The Start form carries a one-time token: two Start requests
raced from one page make one response.
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

from ..models import Response, Survey
from ..services import Refused, response_route, response_start
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
    """What the survey is for; starts a response, or picks up where one was left."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = online_survey(slug)
        response_id = remembered_response_id(request, slug)
        if response_id:
            response = Response.objects.filter(
                pk=response_id, survey=survey, mode=Mode.ONLINE
            ).first()
            if response is not None:
                if response.status != Response.Status.IN_PROGRESS:
                    return HttpResponseRedirect(reverse("online:confirmation", args=[slug]))
                if survey.is_open():
                    key = response_route(response).next_question
                    continue_url = (
                        reverse("online:question", args=[slug, key])
                        if key
                        else reverse("online:check", args=[slug])
                    )
                    # The survey link carries on where the respondent left off;
                    # the first question's back link shows this page again.
                    if request.GET.get("back") != "1":
                        return HttpResponseRedirect(continue_url)
                    return self.start_page(request, survey, continue_url=continue_url)
        if not survey.is_open():
            return _closed(request, survey)
        return self.start_page(request, survey)

    def start_page(
        self, request: HttpRequest, survey: Survey, *, continue_url: str = ""
    ) -> HttpResponse:
        return render(
            request,
            "surveys/start.html",
            {
                "survey": survey,
                "question_count": len(survey.standard.questions),
                "continue_url": continue_url,
                "start_token": secrets.token_urlsafe(24),
            },
        )

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = online_survey(slug)
        if not survey.is_open():
            return _closed(request, survey)
        if remembered_response_id(request, slug):
            return self.get(request, slug)
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


class OnlineJourney(Journey):
    namespace = "online"

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        slug = kwargs["slug"]
        response_id = remembered_response_id(request, slug)
        response = None
        if response_id:
            response = (
                Response.objects.select_related("survey")
                .filter(pk=response_id, survey__slug=slug, mode=Mode.ONLINE)
                .first()
            )
        if response is None:
            return HttpResponseRedirect(reverse("online:start", args=[slug]))
        if response.status == Response.Status.IN_PROGRESS and not response.survey.is_open():
            return _closed(request, response.survey)
        return response

    def url_kwargs(self) -> dict[str, Any]:
        return {"slug": self.response.survey.slug}

    def exit_url(self) -> str:
        return reverse("online:start", args=[self.response.survey.slug]) + "?back=1"


class OnlineQuestionView(OnlineJourney, QuestionView):
    pass


class OnlineCheckAnswersView(OnlineJourney, CheckAnswersView):
    pass


class OnlineConfirmationView(OnlineJourney, ConfirmationView):
    pass
