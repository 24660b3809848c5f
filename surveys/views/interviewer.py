"""Face-to-face and telephone interviews at /interview/: the interviewer's data entry.

An interviewer is a staff user in the "interviewer" group, in the team of each
survey they interview for; a supervisor may also carry on with any interview of
the surveys they supervise (`surveys.access`). An interview is a response on a case of the survey's
sample: started from the case's page (`caseload.py`), or ad hoc here with a typed
reference (which finds the interviewer's own case). Interviewers only ever see the
interviews of their own cases: anyone else's is "not found". The question,
check-answers and confirmation pages are the journey every mode shares
(`journey.py`); this module says how an interviewer's request finds its interview,
and adds the interviewer's own pages: starting ad hoc, stopping, the showcards.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from seb.interviewing import SPONTANEOUS_GROUP, question_guidance, showcard, showcards
from seb.standard import Mode, load_standard

from ..access import INTERVIEWER, SUPERVISOR, SURVEY_MANAGER, RoleRequiredMixin, member_survey
from ..fieldwork.attempts import NewCaseNeeded, case_for_interview
from ..fieldwork.cases import CaseRefused
from ..forms import AnswerForm
from ..forms_interview import InterviewStartForm, InterviewStopForm
from ..interviewing.selectors import INTERVIEW_MODES, own_case, unfinished_interview
from ..interviewing.services import (
    interview_start,
    interview_stop,
    pending_answer_discard,
    pending_answer_for,
)
from ..models import Response, Survey, TeamRole
from ..responses.lifecycle import Refused, response_route, response_standard
from .journey import CheckAnswersView, ConfirmationView, Journey, QuestionView


class InterviewerRequiredMixin(RoleRequiredMixin):
    roles = (INTERVIEWER,)


class InterviewWorkMixin(RoleRequiredMixin):
    """Interviewers work on their own cases' interviews; supervisors on anyone's."""

    roles = (INTERVIEWER, SUPERVISOR)


# Starting an interview with a typed reference -------------------------------------


class StartView(InterviewerRequiredMixin, View):
    """Starts an interview for a survey from its mode and a case reference (ad hoc).

    The reference finds one of the interviewer's cases of the survey (or, where the
    survey's supervisor allows it, an unassigned case or a new one: see
    `case_for_interview`); a complete case is refused, and so is a case with an
    unfinished interview (which is resumed from its case instead).
    """

    def get_survey(self, slug: str) -> Survey:
        survey = member_survey(self.request.user, slug, TeamRole.INTERVIEWER)
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
        mode = form.cleaned_data["mode"]
        try:
            # One transaction: a refused start leaves no new case behind.
            with transaction.atomic():
                case = case_for_interview(
                    survey=survey,
                    reference=reference,
                    interviewer=request.user,
                    mode=mode,
                    create=request.POST.get("create") == "yes",
                )
                if unfinished_interview(case) is not None:
                    raise CaseRefused(
                        f"You already have an unfinished interview for case {reference}. "
                        "Resume it from the case’s page"
                    )
                response = interview_start(case=case, mode=mode, interviewer=request.user)
        except NewCaseNeeded as needed:
            return render(
                request,
                "interview/start_new_case.html",
                {"survey": survey, "reference": needed.reference, "mode": mode},
            )
        except CaseRefused as refusal:
            form.add_error("reference", refusal.message)
            return self.show(survey, form, status=400)
        except Refused as refusal:
            form.add_error("mode" if refusal.code == "mode" else "reference", refusal.message)
            return self.show(survey, form, status=400)
        first = response_route(response).next_question
        return HttpResponseRedirect(reverse("interview:question", args=[response.pk, first]))


class ShowcardMixin(RoleRequiredMixin):
    """The standard's showcards: for interviewers, and for the managers who preview
    and the supervisors who watch their interviews (they hold no survey's data)."""

    roles = (INTERVIEWER, SUPERVISOR, SURVEY_MANAGER)


class ShowcardsView(ShowcardMixin, View):
    """Every face-to-face showcard, one to a printed page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "interview/showcards.html", {"cards": showcards(load_standard())})


class ShowcardView(ShowcardMixin, View):
    """One question's showcard; only questions the standard asks a showcard for have one."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        card = showcard(load_standard(), key)
        if card is None:
            raise Http404("The standard asks for no showcard for this question.")
        return render(request, "interview/showcards.html", {"cards": [card]})


# The journey every mode shares, for the interviews a user may work on -------------


class InterviewJourney(InterviewWorkMixin, Journey):
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

    def case_url(self) -> str:
        if self.response.case_id is None:
            return reverse("interview:home")
        return reverse("interview:case-detail", args=[self.response.case_id])

    def exit_url(self) -> str:
        return self.case_url()

    def extra_context(self) -> dict[str, Any]:
        in_progress = self.response.status == Response.Status.IN_PROGRESS
        return {
            "interview_name": Mode(self.response.mode).interview_name,
            "stop_url": self.url("stop") if in_progress else "",
            "case_url": self.case_url(),
        }


class InterviewQuestionView(InterviewJourney, QuestionView):
    """A question, question first: its cues from the standard's prompt style, the
    instructions, the options in two groups (read out or prompted, spontaneous),
    and the keys that choose them. An answer posted after the interviewer's session
    ended (kept by the idle-timeout middleware) is shown selected, to be saved."""

    template_name = "interview/question.html"
    pending_code = ""

    def form(self, key: str, data: Any = None, initial: str | None = None) -> AnswerForm:
        if data is None and self.pending_code:
            initial = self.pending_code
        return super().form(key, data=data, initial=initial)

    def get(self, request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
        if self.response.status == Response.Status.IN_PROGRESS:
            self.pending_code = pending_answer_for(
                user=request.user, response=self.response, question_key=key
            )
        return super().get(request, key, **kwargs)

    def post(self, request: HttpRequest, key: str, **kwargs: Any) -> HttpResponse:
        answered = super().post(request, key, **kwargs)
        if answered.status_code == 302:
            pending_answer_discard(user=request.user, response=self.response, question_key=key)
        return answered

    def extra_context(self) -> dict[str, Any]:
        context = {**super().extra_context(), **question_screen(self.response, self.kwargs)}
        if "guidance" in context:
            context["pending"] = bool(self.pending_code)
        return context


def question_screen(response: Response, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What an interviewer's question screen shows beside the question: its cues,
    instructions and options grouped as the standard's prompt style says, and its
    showcard (for an interview and for a manager's preview alike)."""
    standard = response_standard(response)
    key = kwargs.get("key")
    if key not in standard.keys:
        return {}
    guidance = question_guidance(standard, standard.question(key), Mode(response.mode))
    context: dict[str, Any] = {"guidance": guidance, "spontaneous_group": SPONTANEOUS_GROUP}
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
    """An interview's own address: carries on where it was left, or shows how it ended.

    Carrying on with a stopped interview is a new call or visit: it is done from the
    case's page (a form), which records it.
    """

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        return HttpResponseRedirect(self.resume_url(response_route(self.response)))


class StopView(InterviewJourney):
    """Ends an interview before it is complete, with the reason; its answers are kept,
    and it can be resumed later from its case."""

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
            interview_stop(response_id=self.response.pk, reason=form.cleaned_data["reason"])
        except Refused as refusal:
            return self.refused(refusal, continue_url=self.url("confirmation"))
        return HttpResponseRedirect(self.url("confirmation"))
