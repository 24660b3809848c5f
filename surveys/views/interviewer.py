"""Face-to-face and telephone interviews at /interview/: the interviewer's data entry.

An interviewer is a staff user in the "interviewer" group. They start interviews
for the open surveys that offer an interviewer-led mode, and only ever see their
own cases: anyone else's case is "not found". The question, check-answers and
confirmation pages are the journey every mode shares (`journey.py`); this module
says how an interviewer's request finds its case, and adds the interviewer's own
pages: the home page, starting and stopping an interview, and the showcards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ..forms_interview import InterviewStartForm, InterviewStopForm
from ..models import Response, Survey
from ..roles import INTERVIEWER, has_role
from ..services import Refused, response_route, response_standard, response_start, response_stop
from ..standard import InstructionList, Mode, Option, Question, Standard, Wording, load_standard
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView

INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)
INTERVIEW_NAMES = {
    Mode.FACE_TO_FACE: "Face-to-face interview",
    Mode.TELEPHONE: "Telephone interview",
}


class InterviewerRequiredMixin(UserPassesTestMixin):
    """Interviewers only: anyone signed out goes to the login page, other staff get a 403."""

    request: HttpRequest

    def test_func(self) -> bool:
        return has_role(self.request.user, INTERVIEWER)


# Reads -------------------------------------------------------------------------


def surveys_open_for_interviews() -> QuerySet[Survey]:
    """Open surveys that offer face-to-face or telephone interviews, by name."""
    now = timezone.now()
    return (
        Survey.objects.filter(Q(offers_face_to_face=True) | Q(offers_telephone=True))
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("name")
    )


def unfinished_interviews(user: Any) -> QuerySet[Response]:
    """The interviewer's own interviews still in progress, most recently changed first."""
    return (
        Response.objects.filter(
            interviewer=user, mode__in=INTERVIEW_MODES, status=Response.Status.IN_PROGRESS
        )
        .select_related("survey", "standard")
        .order_by("-updated_at")
    )


def own_case(user: Any, response_id: Any) -> Response:
    """The interviewer's own case, or 404: another interviewer's case is not theirs to know of."""
    return get_object_or_404(
        Response.objects.select_related("survey", "standard"),
        pk=response_id,
        interviewer=user,
        mode__in=INTERVIEW_MODES,
    )


# The standard's interviewer guidance, shaped for the page ------------------------


@dataclass(frozen=True, slots=True)
class GuidanceBlock:
    """One paragraph, bulleted list or numbered list of the interviewer instructions."""

    kind: Literal["paragraph", "bullets", "numbered"]
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Guidance:
    """What the interviewer sees about how to ask one question, in one mode."""

    prompt: str
    showcard_url: str
    instructions: tuple[GuidanceBlock, ...]


def guidance_blocks(wording: Wording) -> tuple[GuidanceBlock, ...]:
    blocks = []
    for instruction in wording.instructions:
        if isinstance(instruction, InstructionList):
            kind: Literal["bullets", "numbered"] = "numbered" if instruction.numbered else "bullets"
            blocks.append(GuidanceBlock(kind=kind, items=instruction.items))
        else:
            blocks.append(GuidanceBlock(kind="paragraph", text=instruction))
    return tuple(blocks)


def question_guidance(standard: Standard, question: Question, mode: Mode) -> Guidance:
    wording = question.wording(mode)
    return Guidance(
        prompt=standard.prompt_styles.get(wording.prompt, ""),
        showcard_url=(
            reverse("interview:showcard", args=[question.key]) if wording.showcard else ""
        ),
        instructions=guidance_blocks(wording),
    )


@dataclass(frozen=True, slots=True)
class ShowcardOption:
    number: int
    option: Option


@dataclass(frozen=True, slots=True)
class Showcard:
    question: Question
    wording: Wording
    options: tuple[ShowcardOption, ...]


def showcards(standard: Standard) -> tuple[Showcard, ...]:
    """A card for each question the standard asks to show on a card face to face.

    A card lists the options the respondent reads. The spontaneous options are left
    off: the standard says they are not read out, so they are not offered to the
    respondent either; an interviewer records them only when the respondent gives
    one unprompted. Each option keeps its number from the standard, which is also
    the key the interviewer presses, so "number 3" means the same to both.
    """
    cards = []
    for question in standard.questions:
        wording = question.wording(Mode.FACE_TO_FACE)
        if not wording.showcard:
            continue
        numbered = tuple(
            ShowcardOption(number=number, option=option)
            for number, option in enumerate(wording.options, start=1)
            if not option.spontaneous
        )
        cards.append(Showcard(question=question, wording=wording, options=numbered))
    return tuple(cards)


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
        survey = get_object_or_404(Survey.objects.select_related("standard"), slug=slug)
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
        for card in showcards(load_standard()):
            if card.question.key == key:
                return render(request, "interview/showcards.html", {"cards": [card]})
        raise Http404("The standard asks for no showcard for this question.")


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
            "interview_name": INTERVIEW_NAMES[Mode(self.response.mode)],
            "stop_url": self.url("stop") if in_progress else "",
        }


class InterviewQuestionView(InterviewJourney, QuestionView):
    template_name = "interview/question.html"

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        standard = response_standard(self.response)
        key = self.kwargs.get("key")
        if key in standard.keys:
            context["guidance"] = question_guidance(
                standard, standard.question(key), Mode(self.response.mode)
            )
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
