"""The online self-completion journey at /s/<slug>/.

A respondent is known by their session: it remembers which response is theirs
for each survey, and lasts across browser restarts so they can come back to the
survey link and carry on.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from ..models import Response, Survey
from ..services import Refused, response_route, response_start
from ..standard import Mode
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView

SESSION_KEY = "responses"


def _remembered_response_id(request: HttpRequest, slug: str) -> str | None:
    return request.session.get(SESSION_KEY, {}).get(slug)


def _remember(request: HttpRequest, slug: str, response: Response) -> None:
    remembered = dict(request.session.get(SESSION_KEY, {}))
    remembered[slug] = str(response.pk)
    request.session[SESSION_KEY] = remembered


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    return render(request, "surveys/closed.html", {"survey": survey}, status=403)


class StartView(View):
    """What the survey is for; starts a response, or picks up where one was left."""

    def get_survey(self, slug: str) -> Survey:
        survey = get_object_or_404(Survey.objects.select_related("standard"), slug=slug)
        if not survey.offers_online:
            raise Http404("This survey is not offered online.")
        return survey

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = self.get_survey(slug)
        response_id = _remembered_response_id(request, slug)
        if response_id:
            response = (
                Response.objects.select_related("standard")
                .filter(pk=response_id, survey=survey, mode=Mode.ONLINE)
                .first()
            )
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
                "question_count": len(survey.standard.questions.all()),
                "continue_url": continue_url,
            },
        )

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = self.get_survey(slug)
        if not survey.is_open():
            return _closed(request, survey)
        if _remembered_response_id(request, slug):
            return self.get(request, slug)
        try:
            response = response_start(survey=survey, mode=Mode.ONLINE)
        except Refused as refusal:
            raise Http404(refusal.message) from refusal
        _remember(request, slug, response)
        first = response_route(response).next_question
        return HttpResponseRedirect(reverse("online:question", args=[slug, first]))


class OnlineJourney(Journey):
    namespace = "online"

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        slug = kwargs["slug"]
        response_id = _remembered_response_id(request, slug)
        response = None
        if response_id:
            response = (
                Response.objects.select_related("survey", "standard")
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
