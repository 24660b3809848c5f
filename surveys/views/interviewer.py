"""Face-to-face and telephone interviews at /interview/: the interviewer's data entry.

An interviewer is a staff user in the "interviewer" group. They start interviews
for the open surveys that offer an interviewer-led mode, and only ever see their
own cases: anyone else's case is "not found". The question, check-answers and
confirmation pages are the journey every mode shares (`journey.py`); this module
says how an interviewer's request finds its case, and adds the interviewer's own
pages: the home page, starting and stopping an interview, and the showcards.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from seb.interviewing import question_guidance, showcard, showcards
from seb.standard import Mode, load_standard

from ..access import INTERVIEWER, RoleRequiredMixin
from ..forms_interview import InterviewStartForm, InterviewStopForm
from ..models import Response, Survey
from ..selectors import (
    INTERVIEW_MODES,
    own_case,
    surveys_open_for_interviews,
    unfinished_interviews,
)
from ..services import Refused, response_route, response_standard, response_start, response_stop
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView


class InterviewerRequiredMixin(RoleRequiredMixin):
    roles = (INTERVIEWER,)


# The interviewer's own pages ----------------------------------------------------


class HomeView(InterviewerRequiredMixin, View):
    """The surveys the interviewer can start an interview for, and their unfinished cases."""

    def get(self, request: HttpRequest) -> HttpResponse:
        unfinished = []
        for response in unfinished_interviews(request.user):
            current = response_route(response)
            next_key = current.next_question
            unfinished.append(
                {
                    "response": response,
                    "answered": len(current.answered),
                    "next": (
                        response_standard(response).question(next_key).name
                        if next_key
                        else "Check answers"
                    ),
                    "open": response.survey.is_open(),
                }
            )
        surveys = [
            {
                "survey": survey,
                "modes": [mode for mode in survey.modes if mode.is_interviewer_led],
            }
            for survey in surveys_open_for_interviews()
        ]
        return render(
            request,
            "interview/home.html",
            {
                "unfinished": unfinished,
                "surveys": surveys,
                "has_showcards": bool(showcards(load_standard())),
            },
        )


class StartView(InterviewerRequiredMixin, View):
    """Starts an interview for a survey: its mode and case reference."""

    def get_survey(self, slug: str) -> Survey:
        survey = get_object_or_404(Survey, slug=slug)
        if not any(survey.offers(mode) for mode in INTERVIEW_MODES):
            raise Http404("This survey does not offer interviews.")
        return survey

    def show(self, survey: Survey, form: InterviewStartForm, *, status: int = 200) -> HttpResponse:
        return render(
            self.request, "interview/start.html", {"survey": survey, "form": form}, status=status
        )

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = self.get_survey(slug)
        if not survey.is_open():
            return render(request, "surveys/closed.html", {"survey": survey}, status=403)
        return self.show(survey, InterviewStartForm(survey=survey))

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        survey = self.get_survey(slug)
        if not survey.is_open():
            return render(request, "surveys/closed.html", {"survey": survey}, status=403)
        form = InterviewStartForm(request.POST, survey=survey)
        if not form.is_valid():
            return self.show(survey, form, status=400)
        reference = form.cleaned_data["reference"]
        if unfinished_interviews(request.user).filter(survey=survey, reference=reference).exists():
            form.add_error(
                "reference",
                f"You already have an unfinished interview for case {reference}. "
                "Resume it from your interviews page",
            )
            return self.show(survey, form, status=400)
        try:
            response = response_start(
                survey=survey,
                mode=form.cleaned_data["mode"],
                interviewer=request.user,
                reference=reference,
            )
        except Refused as refusal:
            form.add_error("mode", refusal.message)
            return self.show(survey, form, status=400)
        first = response_route(response).next_question
        return HttpResponseRedirect(reverse("interview:question", args=[response.pk, first]))


class ShowcardsView(InterviewerRequiredMixin, View):
    """Every face-to-face showcard, one to a printed page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "interview/showcards.html", {"cards": showcards(load_standard())})


class ShowcardView(InterviewerRequiredMixin, View):
    """One question's showcard; only questions the standard asks a showcard for have one."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        card = showcard(load_standard(), key)
        if card is None:
            raise Http404("The standard asks for no showcard for this question.")
        return render(request, "interview/showcards.html", {"cards": [card]})


# The journey every mode shares, for the interviewer's own cases -------------------


class InterviewJourney(InterviewerRequiredMixin, Journey):
    namespace = "interview"
    # Stopping records how an interview ended, so it stays possible after the survey closes.
    allowed_when_closed = False

    def find_response(self, request: HttpRequest, **kwargs: Any) -> Response | HttpResponse:
        response = own_case(request.user, kwargs["response_id"])
        if (
            response.status == Response.Status.IN_PROGRESS
            and not self.allowed_when_closed
            and not response.survey.is_open()
        ):
            return render(request, "surveys/closed.html", {"survey": response.survey}, status=403)
        return response

    def url_kwargs(self) -> dict[str, Any]:
        return {"response_id": self.response.pk}

    def exit_url(self) -> str:
        return reverse("interview:home")

    def extra_context(self) -> dict[str, Any]:
        in_progress = self.response.status == Response.Status.IN_PROGRESS
        return {
            "interview_name": Mode(self.response.mode).interview_name,
            "stop_url": self.url("stop") if in_progress else "",
        }


class InterviewQuestionView(InterviewJourney, QuestionView):
    template_name = "interview/question.html"

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        standard = response_standard(self.response)
        key = self.kwargs.get("key")
        if key in standard.keys:
            guidance = question_guidance(standard, standard.question(key), Mode(self.response.mode))
            context["guidance"] = guidance
            if guidance.showcard:
                context["showcard_url"] = reverse("interview:showcard", args=[key])
        return context


class InterviewCheckAnswersView(InterviewJourney, CheckAnswersView):
    template_name = "interview/check_answers.html"

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # A stopped interview has its outcome; submitting it again only shows that.
        if self.response.status == Response.Status.STOPPED:
            return HttpResponseRedirect(self.url("confirmation"))
        return super().post(request, **kwargs)


class InterviewConfirmationView(InterviewJourney, ConfirmationView):
    template_name = "interview/confirmation.html"


class ResumeView(InterviewJourney):
    """A case's own address: carries on where it was left, or shows how it ended."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        return HttpResponseRedirect(self.resume_url(response_route(self.response)))


class StopView(InterviewJourney):
    """Ends an interview before it is complete, with the reason; its answers are kept."""

    allowed_when_closed = True
    template_name = "interview/stop.html"

    def show(self, form: InterviewStopForm, *, status: int = 200) -> HttpResponse:
        return self.render_page(
            self.template_name,
            {"form": form, "back_url": self.url("case")},
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        return self.show(InterviewStopForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        form = InterviewStopForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        try:
            response_stop(response_id=self.response.pk, reason=form.cleaned_data["reason"])
        except Refused as refusal:
            return self.refused(refusal, continue_url=self.url("confirmation"))
        return HttpResponseRedirect(self.url("confirmation"))
