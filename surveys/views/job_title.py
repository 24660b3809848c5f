"""The job title pages, in every mode and the preview (an addition beyond the standard,
docs/spec/occupation.md).

When the survey asks it, the page after the occupation question asks for the job title
of the same person: a text box which a script turns into an autocomplete fed by the
suggestions endpoint; then, if the coding needs it, the follow-up question (at most two);
without the script, "Which of these is closest?" for a title not coded. Leaving it empty
is "I don't know". Every page ends at the standard's next question (or, from the check
page, back there): the job title never blocks completion. Each journey (online,
interview, preview) finds the response as it does for the standard's questions; the
pure steps are `seb.occupation.asking`, the storing `surveys.responses.job_titles`.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.cache import patch_cache_control

from seb.occupation.asking import (
    ADDITION,
    AFTER_QUESTION,
    CLOSEST_QUESTION,
    JobTitleAnswer,
    Next,
    Wording,
    answer_closest,
    answer_follow_up,
    answer_text,
    closest_candidates,
    follow_up_question,
    wording,
)
from seb.occupation.suggest import MAX_QUERY, MIN_QUERY, suggest
from seb.routing import Route

from ..fieldwork.ratelimit import suggestions_try
from ..forms_job_title import ChooseForm, JobTitleForm
from ..models import Response
from ..responses.job_titles import JobTitleRefused, job_title_record
from ..responses.lifecycle import Refused, response_route
from .interviewer import InterviewJourney
from .journey import Journey
from .manage import PreviewJourney
from .respondent import OnlineJourney

SUGGESTIONS_MAX_AGE: Final = 3600


class JobTitlePage(Journey):
    """What the job title pages share: the guard, where they lead, how a step is kept."""

    page_template = ""

    def template(self) -> str:
        folder = "interview" if self.interviewer else "surveys"
        return f"{folder}/{self.page_template}.html"

    def guard(self) -> Route | HttpResponse:
        """The route, or where to go instead: the confirmation once submitted, and the
        response's next page when its route does not ask the job title."""
        if self.response.status != Response.Status.IN_PROGRESS:
            return HttpResponseRedirect(self.url("confirmation"))
        current = response_route(self.response)
        if not self.job_title_asked(current):
            return HttpResponseRedirect(self.resume_url(current))
        return current

    @property
    def change(self) -> bool:
        return self.request.GET.get("change") == "1"

    def done_url(self, current: Route) -> str:
        if self.change:
            return self.resume_url(current, change=True)
        following = current.following(AFTER_QUESTION)
        return self.question_url(following) if following else self.url("check")

    def next_url(self, step: Next, current: Route) -> str:
        if step is Next.FOLLOW_UP:
            return self.job_title_url("job-title-follow-up", change=self.change)
        if step is Next.CLOSEST:
            return self.job_title_url("job-title-closest", change=self.change)
        return self.done_url(current)

    def keep(self, answer: JobTitleAnswer) -> None:
        """Store a step's answer (the preview keeps it in the session instead)."""
        job_title_record(response_id=self.response.pk, answer=answer)

    def kept(self, step: Next, answer: JobTitleAnswer, current: Route) -> HttpResponse:
        try:
            self.keep(answer)
        except JobTitleRefused as refusal:
            return self.refused(
                Refused(refusal.message, code="off_route"), continue_url=self.resume_url(current)
            )
        return HttpResponseRedirect(self.next_url(step, current))

    def page_context(self, current: Route) -> dict[str, Any]:
        return {
            "addition": ADDITION,
            "wording": wording(interviewer=self.interviewer),
            "action_url": self.request.get_full_path(),
        }


class JobTitleView(JobTitlePage):
    """The job title, typed (or chosen from the suggestions as it is typed)."""

    page_template = "job_title"

    def show(self, current: Route, form: JobTitleForm, *, status: int = 200) -> HttpResponse:
        back_url = self.url("check") if self.change else self.question_url(AFTER_QUESTION)
        return self.render_page(
            self.template(),
            {
                **self.page_context(current),
                "form": form,
                "back_url": back_url,
                "suggest_url": self.url("job-title-suggestions"),
            },
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        current = self.guard()
        if isinstance(current, HttpResponse):
            return current
        stored = self.stored_job_title()
        initial = {"text": stored.text} if stored is not None else None
        return self.show(current, JobTitleForm(initial=initial, wording=self.wording()))

    def wording(self) -> Wording:
        return wording(interviewer=self.interviewer)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        current = self.guard()
        if isinstance(current, HttpResponse):
            return current
        form = JobTitleForm(request.POST, wording=self.wording())
        if not form.is_valid():
            return self.show(current, form, status=400)
        answer, step = answer_text(
            form.cleaned_data["text"],
            chosen_soc2020=form.cleaned_data["suggestion"],
            saw_suggestions=form.cleaned_data["suggested"],
        )
        return self.kept(step, answer, current)


class ChoosePage(JobTitlePage):
    """A page of radios: the follow-up question, or "Which of these is closest?"."""

    page_template = "job_title_choose"
    message = ""

    def question(self, stored: JobTitleAnswer) -> tuple[str, list[tuple[str, str, str]]] | None:
        raise NotImplementedError

    def answered(self, stored: JobTitleAnswer, chosen: str) -> tuple[JobTitleAnswer, Next] | None:
        raise NotImplementedError

    def asked(self) -> tuple[Route, JobTitleAnswer, str, list[tuple[str, str, str]]] | HttpResponse:
        current = self.guard()
        if isinstance(current, HttpResponse):
            return current
        stored = self.stored_job_title()
        asked = self.question(stored) if stored is not None else None
        if stored is None or asked is None:
            # Nothing to ask here (answered, or never reached): on to the next page.
            return HttpResponseRedirect(
                self.job_title_url(change=self.change) if stored is None else self.done_url(current)
            )
        return current, stored, *asked

    def show(
        self,
        current: Route,
        stored: JobTitleAnswer,
        text: str,
        form: ChooseForm,
        *,
        status: int = 200,
    ) -> HttpResponse:
        return self.render_page(
            self.template(),
            {
                **self.page_context(current),
                "form": form,
                "question_text": text,
                "job_text": stored.text,
                "options": [
                    {"number": n, "value": v, "label": label, "hint": hint}
                    for n, (v, label, hint) in enumerate(form.options, start=1)
                ],
                "selected": form["answer"].value(),
                "back_url": self.job_title_url(change=self.change),
            },
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        found = self.asked()
        if isinstance(found, HttpResponse):
            return found
        current, stored, text, options = found
        form = ChooseForm(options=options, message=self.message)
        return self.show(current, stored, text, form)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        found = self.asked()
        if isinstance(found, HttpResponse):
            return found
        current, stored, text, options = found
        form = ChooseForm(request.POST, options=options, message=self.message)
        if not form.is_valid():
            return self.show(current, stored, text, form, status=400)
        result = self.answered(stored, form.chosen())
        if result is None:
            form.add_error("answer", self.message)
            return self.show(current, stored, text, form, status=400)
        answer, step = result
        return self.kept(step, answer, current)


class FollowUpView(ChoosePage):
    message = "Select the closest description, or None of these"

    def question(self, stored: JobTitleAnswer) -> tuple[str, list[tuple[str, str, str]]] | None:
        asked = follow_up_question(stored)
        if asked is None:
            return None
        return asked.question, [(o.soc2020, o.label, o.hint) for o in asked.options]

    def answered(self, stored: JobTitleAnswer, chosen: str) -> tuple[JobTitleAnswer, Next] | None:
        return answer_follow_up(stored, chosen)


class ClosestView(ChoosePage):
    message = "Select the closest job, or None of these"

    def question(self, stored: JobTitleAnswer) -> tuple[str, list[tuple[str, str, str]]] | None:
        if any(asked["question"] == CLOSEST_QUESTION for asked in stored.follow_ups):
            return None
        candidates = closest_candidates(stored)
        if not candidates:
            return None
        return CLOSEST_QUESTION, list(candidates)

    def answered(self, stored: JobTitleAnswer, chosen: str) -> tuple[JobTitleAnswer, Next] | None:
        answer = answer_closest(stored, chosen)
        return None if answer is None else (answer, Next.DONE)


class SuggestionsView(Journey):
    """Suggestions for the autocomplete: JSON, only for a response in progress whose
    route asks the job title, to the browser or interviewer working on it; limited per
    response and per address (surveys.fieldwork.ratelimit); each answer cached by its query.
    Staff get what the journey's guard gives (sign in, 403 for the wrong kind of staff,
    404 for someone else's interview); a response not at the job title, 409."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.response.status != Response.Status.IN_PROGRESS or not self.job_title_asked(
            response_route(self.response)
        ):
            return JsonResponse({"error": "This response is not at the job title."}, status=409)
        query = request.GET.get("q", "")
        if len(query.strip()) < MIN_QUERY or len(query) > MAX_QUERY:
            return JsonResponse(
                {"error": f"Send q of {MIN_QUERY} to {MAX_QUERY} characters."}, status=400
            )
        if not suggestions_try(request, response_id=self.response.pk):
            refused = JsonResponse({"error": "Too many requests. Wait and try again."}, status=429)
            refused["Retry-After"] = "60"
            return refused
        answer = JsonResponse(
            {"suggestions": [{"title": s.title, "soc2020": s.soc2020} for s in suggest(query)]}
        )
        patch_cache_control(answer, private=True, max_age=SUGGESTIONS_MAX_AGE)
        return answer


# Each journey's pages ------------------------------------------------------------------


class OnlineJobTitleView(OnlineJourney, JobTitleView):
    pass


class OnlineFollowUpView(OnlineJourney, FollowUpView):
    pass


class OnlineClosestView(OnlineJourney, ClosestView):
    pass


class OnlineSuggestionsView(SuggestionsView, OnlineJourney):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        answered = super().dispatch(request, *args, **kwargs)
        if isinstance(answered, HttpResponseRedirect):
            # A browser with no response of this survey (sent to its start page).
            return JsonResponse({"error": "Not found."}, status=404)
        return answered


class InterviewJobTitleView(InterviewJourney, JobTitleView):
    pass


class InterviewFollowUpView(InterviewJourney, FollowUpView):
    pass


class InterviewClosestView(InterviewJourney, ClosestView):
    pass


class InterviewSuggestionsView(SuggestionsView, InterviewJourney):
    pass


class PreviewJobTitlePage(PreviewJourney, JobTitlePage):
    """The preview keeps the job title in the manager's session, as it keeps answers."""

    def keep(self, answer: JobTitleAnswer) -> None:
        self.preview_state["job_title"] = answer.as_data()
        self.save_state()


class PreviewJobTitleView(PreviewJobTitlePage, JobTitleView):
    pass


class PreviewFollowUpView(PreviewJobTitlePage, FollowUpView):
    pass


class PreviewClosestView(PreviewJobTitlePage, ClosestView):
    pass


class PreviewSuggestionsView(SuggestionsView, PreviewJourney):
    pass
